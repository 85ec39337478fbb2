"""NormalizeImage: (img * scale - mean) / std as float32."""

from __future__ import annotations

import numpy as np

from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


def _parse_scale(scale) -> float:
    if isinstance(scale, str):  # PaddleOCR writes "1./255."
        try:
            num, den = scale.split("/") if "/" in scale else (scale, "1")
            return float(num) / float(den)
        except ValueError:
            raise ConfigError(f"NormalizeImage.scale: cannot read '{scale}' as a number") from None
    return float(scale)


@TRANSFORMS.register
class NormalizeImage:
    def __init__(self, scale=1.0 / 255.0, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225),
                 order: str = "hwc"):
        if order not in ("hwc", "chw"):
            raise ConfigError(f"NormalizeImage.order: '{order}' is not 'hwc' or 'chw'")
        shape = (1, 1, 3) if order == "hwc" else (3, 1, 1)
        s = _parse_scale(scale)
        std_arr = np.array(std, dtype=np.float32).reshape(shape)
        # one multiply-add instead of three passes: img * (s/std) - mean/std
        self.mul = (s / std_arr).astype(np.float32)
        self.add = (-np.array(mean, dtype=np.float32).reshape(shape) / std_arr).astype(np.float32)

    def __call__(self, data: dict) -> dict:
        img = np.asarray(data["image"], dtype=np.float32)
        data["image"] = img * self.mul + self.add
        return data
