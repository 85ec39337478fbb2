"""Find and read input images for the inference tools."""

from __future__ import annotations

import os

from ppocr.errors import DataError

IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif")


def list_images(path: str) -> list[str]:
    """A file, or every image below a folder (sorted)."""
    if os.path.isfile(path):
        return [path]
    if not os.path.isdir(path):
        raise DataError(f"--image_dir: no such file or folder: {path}")
    found = sorted(os.path.join(d, f) for d, _, files in os.walk(path) for f in files
                   if f.lower().endswith(IMAGE_EXTS))
    if not found:
        raise DataError(f"--image_dir: no images ({', '.join(IMAGE_EXTS)}) below {path}")
    return found


def read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None
