#!/usr/bin/env python3
"""Writes the GUI tests' reference images (tests/python/expected/*.png) from the independent
reference renderers in tests/python/gui_reference.py (numpy, a ray caster, Pillow's FreeType).
Run again only when a test case changes; the test suite checks the files still match."""
import os
import sys

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import gui_reference  # noqa: E402

out_dir = os.path.join(HERE, "..", "tests", "python", "expected")
os.makedirs(out_dir, exist_ok=True)
for name, draw in gui_reference.REFERENCES.items():
    Image.fromarray(gui_reference.to_png_rows(draw())).save(os.path.join(out_dir, name))
    print("wrote", name)
