"""Unusable inputs for tests of the data pipeline's error handling."""

from __future__ import annotations

import os

import cv2
import numpy as np

CORRUPT_KINDS = ("garbage", "empty", "truncated_png", "truncated_jpg", "bad_header")


def write_corrupt_image(path: str, kind: str = "garbage") -> str:
    """Write bytes OpenCV cannot decode to ``path`` (any extension) and return ``path``.

    garbage: text bytes; empty: zero bytes; truncated_png / truncated_jpg: the first half of a valid
    file; bad_header: a valid PNG whose signature is overwritten."""
    if kind not in CORRUPT_KINDS:
        raise ValueError(f"kind '{kind}' is not one of {', '.join(CORRUPT_KINDS)}")
    img = np.zeros((24, 64, 3), np.uint8)
    img[:, ::4] = 255
    if kind == "garbage":
        data = b"this is not an image\n" * 4
    elif kind == "empty":
        data = b""
    else:
        ok, buf = cv2.imencode(".jpg" if kind == "truncated_jpg" else ".png", img)
        data = buf.tobytes()
        data = data[: len(data) // 2] if kind.startswith("truncated") else b"\x00XYZ" + data[4:]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return path
