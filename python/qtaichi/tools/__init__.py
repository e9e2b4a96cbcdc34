"""ti.tools: image files and windows (imread, imwrite, imresize, imshow), videos of frames
(VideoManager, with the ffmpeg command) and PLY files (PLYWriter), in Taichi's spelling."""
from qtaichi.tools import image, np2ply, video
from qtaichi.tools.image import imread, imresize, imshow, imwrite
from qtaichi.tools.np2ply import PLYWriter
from qtaichi.tools.video import VideoManager

__all__ = ["PLYWriter", "VideoManager", "imread", "imresize", "imshow", "imwrite"]
