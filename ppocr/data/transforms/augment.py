"""Photometric augmentation of text-line crops (classifier and recogniser), via albumentations.

``BaseDataAugmentation`` follows PaddleOCR's probabilities (0.4 each): crop a few rows off the top
or bottom, blur, HSV shift, colour jitter, gaussian noise, colour inversion. ``RandAugment`` applies
``num_layers`` ops of strength ``magnitude`` (0..10) with probability ``prob``. Neither flips or
rotates by more than a few degrees, so a 0/180 label stays true.

Both draw from one generator pair per sample (:func:`ppocr.data.transforms.albu.one_stream_call`,
seeded from ``numpy.random``), so each op's probability is its own, as in PaddleOCR.
"""

from __future__ import annotations

import albumentations as A
import numpy as np

from ppocr.data.transforms.albu import one_stream_call
from ppocr.registry import TRANSFORMS


class _CropRows(A.ImageOnlyTransform):
    """Cut 1..max_rows rows off the top or the bottom (PaddleOCR's 'crop' augmentation)."""

    def __init__(self, max_rows: int = 8, p: float = 0.5):
        super().__init__(p=p)
        self.max_rows = max_rows

    def get_params_dependent_on_data(self, params, data):
        h = params["shape"][0]
        rows = int(self.py_random.randint(1, max(1, min(self.max_rows, h // 4))))
        return {"rows": rows if h > 8 else 0, "top": self.py_random.random() < 0.5}

    def apply(self, img, rows=0, top=True, **params):
        if not rows:
            return img
        return img[rows:] if top else img[:-rows]


NOISE_STD = 0.5 * 0.1 ** 0.5 / 255


@TRANSFORMS.register
class BaseDataAugmentation:
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, crop_prob: float = 0.4, reverse_prob: float = 0.4, noise_prob: float = 0.4,
                 jitter_prob: float = 0.4, blur_prob: float = 0.4, hsv_aug_prob: float = 0.4):
        self.pipeline = A.Compose([
            _CropRows(p=crop_prob),
            A.GaussianBlur(blur_limit=(3, 5), p=blur_prob),
            A.HueSaturationValue(hue_shift_limit=10, sat_shift_limit=30, val_shift_limit=20,
                                 p=hsv_aug_prob),
            A.ColorJitter(brightness=0.3, contrast=0.3, saturation=0.3, hue=0.05, p=jitter_prob),
            # PaddleOCR's add_gasuss_noise: 0.5 * N(0, var 0.1) grey levels, i.e. a std of 0.158 / 255
            A.GaussNoise(std_range=(NOISE_STD, NOISE_STD), p=noise_prob),
            A.InvertImg(p=reverse_prob),
        ])

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        if img.ndim == 3 and img.shape[2] == 3 and min(img.shape[:2]) > 2:
            data["image"] = np.ascontiguousarray(one_stream_call(self.pipeline, image=img)["image"])
        return data


@TRANSFORMS.register
class RandAugment:
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, num_layers: int = 2, magnitude: int = 5, prob: float = 0.5):
        m = max(0.0, min(float(magnitude), 10.0)) / 10.0
        ops = [
            A.Affine(shear={"x": (-20 * m, 20 * m)}, p=1.0, fill=128),
            A.Affine(translate_percent={"x": (-0.3 * m, 0.3 * m)}, p=1.0, fill=128),
            A.Affine(rotate=(-5 * m, 5 * m), p=1.0, fill=128),
            A.AutoContrast(p=1.0),
            A.Equalize(p=1.0),
            A.Posterize(num_bits=(max(1, int(8 - 4 * m)), 8), p=1.0),
            A.Solarize(threshold_range=(1 - 0.5 * m, 1.0), p=1.0),
            A.RandomBrightnessContrast(brightness_limit=0.5 * m, contrast_limit=0.5 * m, p=1.0),
            A.Sharpen(alpha=(0.1, 0.1 + 0.5 * m), p=1.0),
        ]
        self.pipeline = A.Compose([A.SomeOf(ops, n=int(num_layers), p=prob)])

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        if img.ndim == 3 and img.shape[2] == 3 and min(img.shape[:2]) > 2:
            data["image"] = np.ascontiguousarray(one_stream_call(self.pipeline, image=img)["image"])
        return data
