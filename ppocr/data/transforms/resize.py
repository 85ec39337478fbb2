"""Resize a text line to a fixed height, normalise to [-1, 1] and right-pad to a fixed width."""

from __future__ import annotations

import math

import cv2
import numpy as np


def resize_norm_img(img: np.ndarray, image_shape, padding: bool = True) -> tuple[np.ndarray, float]:
    """HxWxC uint8 -> (CxHxW float32 in [-1, 1], valid_ratio). Keeps the aspect ratio with the
    width capped at ``image_shape[2]``; the rest is zeros (PaddleOCR's rec/cls input layout).
    Without ``padding`` the image is stretched to the full width."""
    c, h, w = (int(v) for v in image_shape)
    src_h, src_w = img.shape[:2]
    if padding:
        new_w = min(w, int(math.ceil(h * src_w / max(src_h, 1))))
    else:
        new_w = w
    new_w = max(new_w, 1)
    resized = cv2.resize(img, (new_w, h)).astype(np.float32)
    if resized.ndim == 2:
        resized = resized[:, :, None]
    out = np.zeros((c, h, w), dtype=np.float32)
    out[:, :, :new_w] = resized.transpose(2, 0, 1)[:c] * (2.0 / 255.0) - 1.0
    return out, min(1.0, new_w / w)
