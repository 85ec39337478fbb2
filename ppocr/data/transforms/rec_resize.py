"""RecResizeImg: a text line -> the recogniser's CHW float32 input and its ``valid_ratio``.

PaddleOCR's arithmetic: height -> H keeping the aspect ratio (width ``ceil(H * w / h)`` capped at W),
values ``(x / 255 - 0.5) / 0.5``, zeros to the right up to W, ``valid_ratio = min(1, resized_w / W)``.
``padding: false`` stretches to W instead. ``infer_mode`` / ``eval_mode`` keep the whole line: the
width grows past W for lines longer than W/H (PaddleOCR's ``resize_norm_img_chinese``; batches of
such samples need batch size 1 or equal widths).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from ppocr.data import batch_slots
from ppocr.data.transforms.base import BadSample
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS

_NORM_TABLE = (np.arange(256, dtype=np.float32) / np.float32(255) - np.float32(0.5)) / np.float32(0.5)


def rec_resize_norm(img: np.ndarray, image_shape, padding: bool = True,
                    keep_long: bool = False) -> tuple[np.ndarray, float]:
    """HxW[xC] uint8 -> (C x H x W' float32, valid_ratio); W' = W unless ``keep_long``."""
    c, h, w = (int(v) for v in image_shape)
    src_h, src_w = img.shape[:2]
    ratio = src_w / float(src_h)
    if keep_long:
        w = int(h * max(w / h, ratio))
    if padding or keep_long:
        new_w = min(w, int(math.ceil(h * ratio)))
    else:
        new_w = w
    new_w = max(new_w, 1)
    resized = cv2.resize(img, (new_w, h))
    if c == 1:
        if resized.ndim == 3:
            resized = resized[:, :, 0]
        planes = resized[np.newaxis]
    else:
        if resized.ndim == 2:
            raise BadSample(f"RecResizeImg: expected a {c}-channel image, got a grey one")
        planes = resized.transpose((2, 0, 1))
    # (x / 255 - 0.5) / 0.5 in float32, written into the left part of the zero-padded output
    out = batch_slots.output("image", (c, h, w), np.float32)
    left = out[:, :, :new_w]
    if planes.dtype == np.uint8:  # the 256 results, computed with the same float32 operations
        for k in range(c):
            got = cv2.LUT(np.ascontiguousarray(planes[k]), _NORM_TABLE, dst=left[k])
            if not np.shares_memory(got, left):
                left[k] = got
    else:
        np.divide(planes, np.float32(255), out=left, dtype=np.float32)
        left -= np.float32(0.5)
        left /= np.float32(0.5)
    out[:, :, new_w:] = 0
    return out, min(1.0, float(new_w / w))


@TRANSFORMS.register(ignored_keys=("character_dict_path",))
class RecResizeImg:
    varying_axes = (2,)  # a line keeps its aspect ratio at inference: the exported width varies
    inference_params = ("infer_mode",)  # deployment keeps the whole line (PaddleOCR's predict_rec)

    @staticmethod
    def input_shape(args: dict) -> list[int] | None:
        return list(args["image_shape"]) if args.get("image_shape") else None

    def __init__(self, image_shape: list[int], padding: bool = True, infer_mode: bool = False,
                 eval_mode: bool = False):
        if not isinstance(image_shape, (list, tuple)) or len(image_shape) != 3 or \
                not all(isinstance(v, int) and v > 0 for v in image_shape):
            raise ConfigError(f"RecResizeImg.image_shape: expected [C, H, W] positive integers, "
                              f"got {image_shape!r}")
        if image_shape[0] not in (1, 3):
            raise ConfigError(f"RecResizeImg.image_shape: C must be 1 or 3, got {image_shape[0]}")
        for key, value in (("padding", padding), ("infer_mode", infer_mode), ("eval_mode", eval_mode)):
            if not isinstance(value, bool):
                raise ConfigError(f"RecResizeImg.{key}: expected true or false, got {value!r}")
        self.image_shape = list(image_shape)
        self.padding = padding
        self.keep_long = infer_mode or eval_mode

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        if not isinstance(img, np.ndarray) or img.ndim not in (2, 3) or min(img.shape[:2]) < 1:
            raise BadSample(f"RecResizeImg: expected a decoded HxWxC image, got "
                            f"{getattr(img, 'shape', type(img).__name__)}")
        data["image"], valid_ratio = rec_resize_norm(img, self.image_shape, self.padding, self.keep_long)
        data["valid_ratio"] = np.float32(valid_ratio)
        return data
