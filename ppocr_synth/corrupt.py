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


def cut_image_bytes(data: bytes, keep: float | int) -> bytes:
    """``data`` cut off: ``keep`` < 1 keeps that share of the bytes, a negative int drops that many
    from the end (a download or copy that stopped early)."""
    n = int(len(data) * keep) if 0 < keep < 1 else len(data) + int(keep)
    return data[:n]


def write_cut_image(path: str, keep: float | int, ext: str = ".jpg", trailer: bytes = b"") -> str:
    """A text-like photo (noise, a dark band) encoded as ``ext``, cut by :func:`cut_image_bytes`
    (``keep=1``: whole), ``trailer`` appended; returns ``path``. OpenCV decodes most such cut files
    without an error."""
    rng = np.random.default_rng(0)
    img = rng.integers(150, 256, (64, 200, 3), dtype=np.uint8)
    img[20:44, 10:190] = 30
    ok, buf = cv2.imencode(ext, img)
    data = buf.tobytes() if keep == 1 else cut_image_bytes(buf.tobytes(), keep)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data + trailer)
    return path
