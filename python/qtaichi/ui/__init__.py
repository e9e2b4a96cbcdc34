"""ti.ui (Taichi's GGUI) and ti.GUI: windows, 2D canvases, a 3D scene renderer, panels."""
from qtaichi.ui.camera import Camera, ProjectionMode
from qtaichi.ui.canvas import Canvas
from qtaichi.ui.gui import GUI
from qtaichi.ui.imgui import Gui
from qtaichi.ui.images import hex_to_rgb, rgb_to_hex
from qtaichi.ui.scene import Scene
from qtaichi.ui.window import Event, Window

# Keys and event types, spelled as Taichi's GGUI.
SHIFT, ALT, CTRL = "Shift", "Alt", "Control"
ESCAPE, RETURN, TAB, BACKSPACE, SPACE = "Escape", "Return", "Tab", "BackSpace", " "
UP, DOWN, LEFT, RIGHT = "Up", "Down", "Left", "Right"
CAPSLOCK = "Caps_Lock"
LMB, MMB, RMB = "LMB", "MMB", "RMB"
PRESS, RELEASE = "Press", "Release"
PROJECTION_PERSPECTIVE = ProjectionMode.Perspective
PROJECTION_ORTHOGONAL = ProjectionMode.Orthogonal
