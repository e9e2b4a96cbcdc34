"""ti.ui.Camera: where the 3D scene is seen from (Taichi's GGUI spelling), and the
first-person controls of track_user_inputs (WASD/QE to move, drag with `hold_key` to turn)."""
import math

import numpy as np

PROJECTION_PERSPECTIVE, PROJECTION_ORTHOGONAL = 0, 1


class ProjectionMode:
    Perspective = PROJECTION_PERSPECTIVE
    Orthogonal = PROJECTION_ORTHOGONAL


class Camera:
    def __init__(self):
        self.curr_position = np.array([0.0, 0.0, 0.0])
        self.curr_lookat = np.array([0.0, 0.0, 1.0])
        self.curr_up = np.array([0.0, 1.0, 0.0])
        self.curr_fov = 45.0
        self.curr_projection = PROJECTION_PERSPECTIVE
        self.curr_top = 1.0    # orthographic half-height
        self.last_mouse = None

    def position(self, x, y, z):
        self.curr_position = np.array([x, y, z], dtype=float)

    def lookat(self, x, y, z):
        self.curr_lookat = np.array([x, y, z], dtype=float)

    def up(self, x, y, z):
        self.curr_up = np.array([x, y, z], dtype=float)

    def fov(self, fov):
        self.curr_fov = float(fov)

    def projection_mode(self, mode):
        self.curr_projection = mode

    def top(self, top):
        self.curr_top = float(top)

    def bottom(self, bottom):
        self.curr_top = abs(float(bottom))

    def left(self, left):
        pass   # the horizontal extent follows the window's aspect ratio

    right = left

    def z_near(self, z):
        pass   # the renderer clips at a fixed near plane of 1e-3

    z_far = z_near

    def _description(self):
        if not np.any(self.curr_lookat - self.curr_position):
            raise ValueError("ti.ui.Camera: position and lookat are the same point")
        return dict(position=tuple(self.curr_position), lookat=tuple(self.curr_lookat),
                    up=tuple(self.curr_up), fov=self.curr_fov,
                    orthographic=self.curr_projection == PROJECTION_ORTHOGONAL,
                    ortho_height=2 * self.curr_top)

    def track_user_inputs(self, window, movement_speed=1.0, yaw_speed=2.0, pitch_speed=2.0,
                          hold_key=None):
        front = self.curr_lookat - self.curr_position
        dist = np.linalg.norm(front)
        front = front / dist
        up = self.curr_up / np.linalg.norm(self.curr_up)
        mouse = np.array(window.get_cursor_pos())
        if self.last_mouse is not None and (hold_key is None or window.is_pressed(hold_key)):
            dx, dy = mouse - self.last_mouse
            front = self._turn(front, up, -dx * yaw_speed, dy * pitch_speed)
        self.last_mouse = mouse
        right = np.cross(front, up)
        right /= max(np.linalg.norm(right), 1e-12)
        move = np.zeros(3)
        for key, d in (("w", front), ("s", -front), ("a", -right), ("d", right), ("e", up),
                       ("q", -up)):
            if window.is_pressed(key):
                move += d
        move *= movement_speed * 0.03   # Taichi's step per frame at speed 1
        self.curr_position = self.curr_position + move
        self.curr_lookat = self.curr_position + front * dist

    @staticmethod
    def _turn(front, up, yaw, pitch):
        """front rotated by yaw about `up` and by pitch toward `up` (kept off the poles)."""
        c, s = math.cos(yaw), math.sin(yaw)
        front = front * c + np.cross(up, front) * s + up * np.dot(up, front) * (1 - c)
        elevation = math.asin(max(-1.0, min(1.0, float(np.dot(front, up)))))
        target = max(-1.5, min(1.5, elevation + pitch))
        flat = front - up * np.dot(front, up)
        flat /= max(np.linalg.norm(flat), 1e-12)
        return flat * math.cos(target) + up * math.sin(target)
