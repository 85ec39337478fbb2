"""DetResizeForTest: resize a whole image for detection inference and evaluation.

Three modes, chosen as PaddleOCR chooses them (the first key given wins):
- ``image_shape: [h, w]``: that size (with ``keep_ratio``, the width follows the height, rounded up
  to a multiple of 32);
- ``limit_side_len`` + ``limit_type`` (the default: 736, ``min``): ``max`` scales the longer side
  down to the limit if above it, ``min`` scales the shorter side up to the limit if below it,
  ``resize_long`` scales the longer side to the limit; both sides are then rounded to a multiple of
  32 (at least 32);
- ``resize_long``: the longer side to that length, both sides rounded up to a multiple of 128.
Images whose sides sum to less than 64 are first zero-padded to at least 32 x 32.
Adds ``shape`` = [src_h, src_w, ratio_h, ratio_w] (float64), used to map boxes back; ``polys``
stay in source pixels (metrics compare in the source image).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS

LIMIT_TYPES = ("max", "min", "resize_long")


def _positive(value, key: str) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"DetResizeForTest.{key}: expected a positive number, got {value!r}")


@TRANSFORMS.register
class DetResizeForTest:
    inference_keys = ("image", "shape")  # the box post-processing maps boxes back with `shape`
    inference_params = ("limit_side_len", "limit_type")  # the OCR system sets its own limit

    def __init__(self, limit_side_len: int | None = None, limit_type: str = "min",
                 image_shape: list[int] | None = None, keep_ratio: bool = False,
                 resize_long: int | None = None):
        if limit_type not in LIMIT_TYPES:
            raise ConfigError(f"DetResizeForTest.limit_type: expected one of {LIMIT_TYPES}, got {limit_type!r}")
        if image_shape is not None:
            if not (isinstance(image_shape, (list, tuple)) and len(image_shape) == 2):
                raise ConfigError(f"DetResizeForTest.image_shape: expected [height, width], got {image_shape!r}")
            for v in image_shape:
                _positive(v, "image_shape")
            self.mode = "shape"
        elif limit_side_len is not None:
            _positive(limit_side_len, "limit_side_len")
            self.mode = "limit"
        elif resize_long is not None:
            _positive(resize_long, "resize_long")
            self.mode = "long"
        else:
            limit_side_len, limit_type, self.mode = 736, "min", "limit"
        self.image_shape = image_shape
        self.keep_ratio = keep_ratio
        self.limit_side_len = limit_side_len
        self.limit_type = limit_type
        self.resize_long = resize_long

    def target_size(self, h: int, w: int) -> tuple[int, int]:
        """(resize_h, resize_w) for an h x w image."""
        if self.mode == "shape":
            rh, rw = self.image_shape
            if self.keep_ratio:
                rw = math.ceil(w * rh / h / 32) * 32
            return int(rh), int(rw)
        if self.mode == "long":
            ratio = float(self.resize_long) / max(h, w)
            rh, rw = int(h * ratio), int(w * ratio)
            return (rh + 127) // 128 * 128, (rw + 127) // 128 * 128
        limit = self.limit_side_len
        if self.limit_type == "max":
            ratio = float(limit) / max(h, w) if max(h, w) > limit else 1.0
        elif self.limit_type == "min":
            ratio = float(limit) / min(h, w) if min(h, w) < limit else 1.0
        else:
            ratio = float(limit) / max(h, w)
        rh, rw = int(h * ratio), int(w * ratio)
        return max(int(round(rh / 32) * 32), 32), max(int(round(rw / 32) * 32), 32)

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        src_h, src_w = img.shape[:2]
        if src_h + src_w < 64:
            padded = np.zeros((max(32, src_h), max(32, src_w)) + img.shape[2:], dtype=img.dtype)
            padded[:src_h, :src_w] = img
            img = padded
        h, w = img.shape[:2]
        rh, rw = self.target_size(h, w)
        resized = cv2.resize(img, (rw, rh))
        data["image"] = resized[:, :, None] if img.ndim == 3 and resized.ndim == 2 else resized
        data["shape"] = np.array([src_h, src_w, rh / float(h), rw / float(w)])
        return data
