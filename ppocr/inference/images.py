"""Find and read input images for the inference tools."""

from __future__ import annotations

import io
import os

import cv2
import numpy as np

from ppocr.errors import DataError
from ppocr.utils.image_bytes import truncation

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


def unreadable(data: bytes | None) -> str:
    """Why :func:`decode_image` gave None for ``data``: for an error line."""
    if not data:
        return "cannot read image (no data)"
    return truncation(data) or "cannot read image (not an image OpenCV or Pillow can decode)"


def decode_image(data: bytes) -> np.ndarray | None:
    """Encoded bytes -> BGR uint8 array (OpenCV; Pillow for what OpenCV cannot read, e.g. GIF), or
    None, also for a cut-off JPEG or PNG (:func:`unreadable` says why)."""
    if truncation(data):
        return None
    arr = np.frombuffer(data, dtype=np.uint8)
    img = cv2.imdecode(arr, cv2.IMREAD_COLOR) if arr.size else None
    if img is None and arr.size:
        try:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as pil:
                img = cv2.cvtColor(np.asarray(pil.convert("RGB")), cv2.COLOR_RGB2BGR)
        except Exception:  # noqa: BLE001 - any Pillow failure means "not an image"
            img = None
    return img


def as_bgr(image: np.ndarray) -> np.ndarray:
    """A grey or BGRA array as BGR (anything else unchanged)."""
    image = np.asarray(image)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def read_image(image) -> np.ndarray:
    """A path, encoded bytes or a decoded array (BGR, grey or BGRA) -> BGR uint8 array."""
    if isinstance(image, np.ndarray):
        image = as_bgr(image)
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise DataError(f"expected a uint8 HxWx3 BGR image, got {image.dtype} array of shape {image.shape}")
        return image
    if isinstance(image, (bytes, bytearray, memoryview)):
        img = decode_image(bytes(image))
        if img is None:
            raise DataError(f"the {len(image)} bytes given as an image: {unreadable(bytes(image))}")
        return img
    if isinstance(image, (str, os.PathLike)):
        data = read_bytes(str(image))
        if data is None:
            raise DataError(f"{image}: cannot read the file")
        img = decode_image(data)
        if img is None:
            raise DataError(f"{image}: {unreadable(data)}")
        return img
    raise DataError(f"expected an image path, bytes or a numpy array, got {type(image).__name__}")
