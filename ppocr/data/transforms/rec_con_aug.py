"""RecConAug (TextConAug): glue other text lines to the right of this one.

With probability ``prob``, the ``ext_data_num`` extra samples the dataset puts in ``data['ext_data']``
(decoded images with their text labels) are appended in turn while the joined line still fits
``image_shape`` ([H, W, C]: width/height ratios summed <= W / H) and the joined text has at most
``max_text_length`` characters. Each piece is resized to height H keeping its ratio; labels are
concatenated without a separator, as PaddleOCR does. ``ext_data`` is removed afterwards.
"""

from __future__ import annotations

import random

import cv2
import numpy as np

from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


@TRANSFORMS.register(aliases=("TextConAug",))
class RecConAug:
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, prob: float = 0.5, image_shape: list[int] = (48, 320, 3),
                 max_text_length: int = 25, ext_data_num: int = 2):
        if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not 0 <= prob <= 1:
            raise ConfigError(f"RecConAug.prob: expected a probability in [0, 1], got {prob!r}")
        if not isinstance(image_shape, (list, tuple)) or len(image_shape) != 3 or \
                not all(isinstance(v, int) and v > 0 for v in image_shape):
            raise ConfigError(f"RecConAug.image_shape: expected [H, W, C] positive integers, got "
                              f"{image_shape!r}")
        for key, value in (("max_text_length", max_text_length), ("ext_data_num", ext_data_num)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"RecConAug.{key}: expected a positive integer, got {value!r}")
        self.prob = float(prob)
        self.height = int(image_shape[0])
        self.max_wh_ratio = image_shape[1] / image_shape[0]
        self.max_text_length = max_text_length
        self.ext_data_num = ext_data_num

    def _resized(self, img: np.ndarray) -> np.ndarray:
        h, w = img.shape[:2]
        out = cv2.resize(img, (max(1, round(w / h * self.height)), self.height))
        return out.reshape(out.shape[:2] + img.shape[2:])  # cv2 drops a single channel axis

    def __call__(self, data: dict) -> dict:
        extras = data.pop("ext_data", None) or []
        if random.random() > self.prob:
            return data
        img, label = data["image"], data["label"]
        for ext in extras:
            ext_img, ext_label = ext.get("image"), ext.get("label")
            if not isinstance(ext_img, np.ndarray) or not isinstance(ext_label, str) \
                    or ext_img.ndim != img.ndim or ext_img.shape[2:] != img.shape[2:]:
                continue  # not a decoded line like this one (another transform order): skip it
            if len(label) + len(ext_label) > self.max_text_length:
                break
            if img.shape[1] / img.shape[0] + ext_img.shape[1] / ext_img.shape[0] > self.max_wh_ratio:
                break
            img = np.concatenate([self._resized(img), self._resized(ext_img)], axis=1)
            label += ext_label
        data["image"], data["label"] = img, label
        return data
