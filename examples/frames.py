"""Where the examples' frames go, one rule for all of them:

- run without --out: a window (ti.GUI, or ti.ui for 3D) where there is a display, running until
  it is closed; with no display, PNG frames in the example's default folder, as --out would;
- --out DIR: headless, PNG frames in DIR;
- --video FILE.mp4: also an mp4 of the frames (ti.tools, through ffmpeg)."""
import os
import tempfile

import qtaichi as ti


class Frames:
    def __init__(self, name, res, out, default_out, video=None, background_color=0x112F41,
                 ggui=False):
        want_window = out is None
        if ggui:
            self.window = ti.ui.Window(name, res, show_window=want_window)
            self.gui, headless = None, self.window.headless
        else:
            self.gui = ti.GUI(name, res=res, background_color=background_color,
                              show_gui=want_window)
            self.window, headless = None, self.gui.headless
        self.windowed = want_window and not headless
        self.folder = None if self.windowed else (out or default_out)
        self.video = video
        if video and self.folder is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="qtaichi-frames-")
            self.folder = self._tmp.name
        if self.folder:
            os.makedirs(self.folder, exist_ok=True)
        self.written = []

    @property
    def running(self):
        return (self.window or self.gui).running

    def show(self, name):
        """Shows the frame drawn since the last call; writes it as `name`.png when frames are
        kept."""
        path = os.path.join(self.folder, f"{name}.png") if self.folder else None
        if self.window is not None:
            if path:
                self.window.save_image(path)
            self.window.show()
        else:
            self.gui.show(path)
        if path:
            self.written.append(path)
        return path

    def finish(self, label=""):
        """Makes the video (if asked) and says where the frames went."""
        if self.video and self.written:
            os.makedirs(os.path.dirname(os.path.abspath(self.video)), exist_ok=True)
            ti.tools.video.make_video(self.written, frame_rate=12, output_path=self.video)
            print(f"wrote {self.video} ({len(self.written)} frames)")
        elif self.written and not self.windowed:
            print(f"{label}frames in {os.path.dirname(self.written[0])}/")
