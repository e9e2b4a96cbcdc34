"""Videos from frames: frames are written as PNG files, then the `ffmpeg` command line (Debian's
ffmpeg package) makes an mp4 and a gif of them, as Taichi's VideoManager does."""
import os
import shutil
import subprocess
import tempfile
import warnings

from qtaichi.tools.image import _as_array, imread, imwrite

FRAME_FN_TEMPLATE = "%06d.png"
FRAME_DIR = "frames"


class FFmpegNotFoundError(RuntimeError):
    """The ffmpeg command is not installed (or not on PATH)."""


def get_ffmpeg_path():
    """The ffmpeg executable; a clear error when it is missing."""
    path = shutil.which("ffmpeg")
    if path is None:
        raise FFmpegNotFoundError(
            "making videos needs the `ffmpeg` command, which is not on PATH: install it with "
            "`make deps` (Debian's ffmpeg package) or `sudo apt-get install ffmpeg`")
    return path


def _ffmpeg(*args):
    cmd = [get_ffmpeg_path(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    cmd += [str(a) for a in args]
    proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed (exit status {proc.returncode}): {' '.join(cmd)}\n"
                           f"{proc.stderr.strip()[-2000:]}")


def _h264(crf):
    # yuv420p: the pixel format every player reads (it needs even sizes).
    return ["-c:v", "libx264", "-profile:v", "high", "-crf", crf, "-pix_fmt", "yuv420p"]


def scale_video(input_fn, output_fn, ratiow, ratioh):
    """Scales a video's width and height by the given ratios."""
    _ffmpeg("-i", input_fn, "-vf", f"scale=iw*{ratiow:.4f}:ih*{ratioh:.4f}", output_fn)


def crop_video(input_fn, output_fn, x_begin, x_end, y_begin, y_end):
    """Crops a video to [x_begin, x_end] x [y_begin, y_end], fractions of the size, y up."""
    _ffmpeg("-i", input_fn, "-filter:v",
            f"crop=iw*{x_end - x_begin:.4f}:ih*{y_end - y_begin:.4f}:"
            f"iw*{x_begin:.4f}:ih*{1 - y_end:.4f}", output_fn)


def accelerate_video(input_fn, output_fn, speed):
    """Plays a video `speed` times faster."""
    _ffmpeg("-i", input_fn, "-filter:v", f"setpts={1 / speed:.4f}*PTS", output_fn)


def mp4_to_gif(input_fn, output_fn, framerate):
    """Converts a video to a gif with a palette made from the video's own colours."""
    with tempfile.TemporaryDirectory(prefix="qtaichi-gif-") as tmp:
        palette = os.path.join(tmp, "palette.png")
        _ffmpeg("-i", input_fn, "-vf", f"fps={framerate},palettegen", palette)
        _ffmpeg("-i", input_fn, "-i", palette, "-lavfi", "paletteuse", output_fn)


def make_video(input_files, width=0, height=0, frame_rate=24, crf=20, output_path="video.mp4"):
    """Makes an mp4 of a list of image files, or of a file pattern such as "%04d.png" (then
    width and height are required)."""
    if isinstance(input_files, (list, tuple)):
        if not input_files:
            raise ValueError("input_files is an empty list")
        from PIL import Image
        with Image.open(input_files[0]) as img:
            width, height = img.size
        width, height = width - width % 2, height - height % 2  # yuv420p needs even sizes
        with tempfile.TemporaryDirectory(prefix="qtaichi-video-") as tmp:
            for i, fn in enumerate(input_files):
                shutil.copy(fn, os.path.join(tmp, FRAME_FN_TEMPLATE % i))
            _ffmpeg("-framerate", frame_rate, "-i", os.path.join(tmp, FRAME_FN_TEMPLATE),
                    "-s:v", f"{width}x{height}", *_h264(crf), output_path)
    elif isinstance(input_files, (str, os.PathLike)):
        if not width or not height:
            raise ValueError("make_video with a file pattern needs width and height")
        _ffmpeg("-framerate", frame_rate, "-i", input_files, "-s:v", f"{width}x{height}",
                *_h264(crf), output_path)
    else:
        raise TypeError("input_files must be a list of image files or a file pattern such as "
                        f"'%04d.png', not {type(input_files).__name__}")


def interpolate_frames(frame_dir, mul=4, output_dir="interpolated"):
    """Writes `mul` frames per input frame (linear blends of neighbours) to output_dir."""
    files = sorted(f for f in os.listdir(frame_dir) if f.endswith(".png"))
    images = [imread(os.path.join(frame_dir, f)) / 255.0 for f in files]
    out = []
    for a, b in zip(images, images[1:]):
        out += [a * (1 - j / mul) + b * (j / mul) for j in range(mul)]
    out += images[-1:]
    os.makedirs(output_dir, exist_ok=True)
    for i, img in enumerate(out):
        imwrite(img, os.path.join(output_dir, f"{i:05d}.png"))


class VideoManager:
    """Writes frames to output_dir/frames and makes output_dir/video.mp4 and .gif of them.

    With automatic_build, the videos are remade after frames 4, 8, 16, ... so that a long run
    leaves a video behind even if it is interrupted."""

    def __init__(self, output_dir, video_filename=None, width=None, height=None,
                 post_processor=None, framerate=24, automatic_build=True):
        if (width is None) != (height is None):
            raise ValueError("give both width and height, or neither (then the first frame's "
                             "size is used)")
        self.width = width
        self.height = height
        self.directory = os.fspath(output_dir)
        self.frame_directory = os.path.join(self.directory, FRAME_DIR)
        os.makedirs(self.frame_directory, exist_ok=True)
        self.video_filename = video_filename
        self.next_video_checkpoint = 4
        self.framerate = framerate
        self.post_processor = post_processor
        self.frame_counter = 0
        self.frame_fns = []
        self.automatic_build = automatic_build

    def get_output_filename(self, suffix):
        """The video's path for a suffix such as ".mp4"."""
        if not self.video_filename:
            return os.path.join(self.directory, "video" + suffix)
        name, ext = os.path.splitext(self.video_filename)
        if ext:
            warnings.warn(f"video_filename's extension {ext} is ignored (the suffix is {suffix})")
        return os.path.join(self.directory, name + suffix)

    def get_frame_directory(self):
        return self.frame_directory

    def write_frame(self, img):
        """Writes one frame (array or field in Taichi's layout, as for ti.tools.imwrite)."""
        img = _as_array(img)
        if img.ndim >= 2 and img.shape[0] % 2:
            warnings.warn("frame width is odd: the last column is dropped (mp4 needs even sizes)")
            img = img[:-1]
        if img.ndim >= 2 and img.shape[1] % 2:
            warnings.warn("frame height is odd: the last row is dropped (mp4 needs even sizes)")
            img = img[:, :-1]
        if self.post_processor:
            img = self.post_processor.process(img)
        if self.width is None:
            self.width, self.height = img.shape[0], img.shape[1]
        fn = FRAME_FN_TEMPLATE % self.frame_counter
        imwrite(img, os.path.join(self.frame_directory, fn))
        self.frame_fns.append(fn)
        self.frame_counter += 1
        if self.automatic_build and self.frame_counter % self.next_video_checkpoint == 0:
            self.next_video_checkpoint *= 2
            try:
                self.make_video()
            except FFmpegNotFoundError as e:
                # Frames are still written; the run goes on without videos.
                warnings.warn(f"{e}; frames are kept in {self.frame_directory}")
                self.automatic_build = False

    def write_frames(self, images):
        for img in images:
            self.write_frame(img)

    def clean_frames(self):
        """Deletes the frame files this manager wrote."""
        for fn in self.frame_fns:
            path = os.path.join(self.frame_directory, fn)
            if os.path.exists(path):
                os.remove(path)

    def make_video(self, mp4=True, gif=True):
        """Makes the mp4 and/or gif of the frames written so far."""
        if self.frame_counter == 0:
            raise RuntimeError("make_video: no frame was written yet (call write_frame first)")
        fn = self.get_output_filename(".mp4")
        # -frames:v: only this manager's frames, not older ones left in the folder.
        _ffmpeg("-framerate", self.framerate,
                "-i", os.path.join(self.frame_directory, FRAME_FN_TEMPLATE),
                "-frames:v", self.frame_counter, "-s:v", f"{self.width}x{self.height}",
                *_h264(1), fn)
        if gif:
            mp4_to_gif(fn, self.get_output_filename(".gif"), self.framerate)
        if not mp4:
            os.remove(fn)


__all__ = ["VideoManager"]
