"""RecAug: PaddleOCR's recognition augmentation = TIA warps, then BaseDataAugmentation.

With probability ``tia_prob`` a line is distorted and stretched (3-6 segments each; lines of at
least 20x20 pixels) and then perspective-warped; after that the photometric steps of
:class:`~ppocr.data.transforms.augment.BaseDataAugmentation` (crop rows, blur, HSV, jitter, noise,
inversion), each with its own probability. Randomness from ``random`` / ``numpy.random``.
"""

from __future__ import annotations

import random

import numpy as np

from ppocr.data.transforms.augment import BaseDataAugmentation
from ppocr.data.transforms.base import BadSample
from ppocr.data.transforms.text_image_aug import tia_distort, tia_perspective, tia_stretch
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


@TRANSFORMS.register
class RecAug:
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, tia_prob: float = 0.4, crop_prob: float = 0.4, reverse_prob: float = 0.4,
                 noise_prob: float = 0.4, jitter_prob: float = 0.4, blur_prob: float = 0.4,
                 hsv_aug_prob: float = 0.4):
        probs = dict(tia_prob=tia_prob, crop_prob=crop_prob, reverse_prob=reverse_prob,
                     noise_prob=noise_prob, jitter_prob=jitter_prob, blur_prob=blur_prob,
                     hsv_aug_prob=hsv_aug_prob)
        for key, p in probs.items():
            if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
                raise ConfigError(f"RecAug.{key}: expected a probability in [0, 1], got {p!r}")
        self.tia_prob = float(tia_prob)
        self.bda = BaseDataAugmentation(crop_prob, reverse_prob, noise_prob, jitter_prob, blur_prob,
                                        hsv_aug_prob)

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        if not isinstance(img, np.ndarray) or img.ndim != 3 or min(img.shape[:2]) < 1:
            raise BadSample(f"RecAug: expected a decoded HxWxC image, got "
                            f"{getattr(img, 'shape', type(img).__name__)}")
        if self.tia_prob > 0 and random.random() <= self.tia_prob:
            h, w = img.shape[:2]
            if h >= 20 and w >= 20:
                img = tia_distort(img, random.randint(3, 6))
                img = tia_stretch(img, random.randint(3, 6))
            img = tia_perspective(img)
            data["image"] = np.ascontiguousarray(img)
        return self.bda(data)
