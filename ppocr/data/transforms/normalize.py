"""NormalizeImage: (img * scale - mean) / std as float32.

An 8-bit image has only 256 values per channel, so its result is read from a table of the 256
results per channel (``cv2.LUT``), computed once with the same float32 operations: the same bits
as the arithmetic, several times faster than a multiply-add broadcast over a 3-wide last axis."""

from __future__ import annotations

import cv2
import numpy as np

from ppocr.data import batch_slots
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
        # uint8 HWC with 3 channels: results per value and channel, (1, 256, 3) as cv2.LUT takes it
        self.table = None
        if order == "hwc":
            values = np.arange(256, dtype=np.float32).reshape(256, 1, 1)
            self.table = np.ascontiguousarray((values * self.mul + self.add).reshape(1, 256, 3))
            self.planes = [np.ascontiguousarray(self.table[:, :, c]) for c in range(3)]
        self.planar = False  # write (3, H, W) planes and hand on their HWC view (see followed_by)

    def followed_by(self, op) -> None:
        """Before ToCHWImage: the result is an HWC *view* of channel planes, so that ToCHWImage's
        transpose is already contiguous (one 4-byte-per-value copy less); the values are the same."""
        self.planar = type(op).__name__ == "ToCHWImage"

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        if (self.table is not None and isinstance(img, np.ndarray) and img.dtype == np.uint8
                and img.ndim == 3 and img.shape[2] == 3 and img.size):
            if self.planar:
                out = batch_slots.output("image", (3,) + img.shape[:2], np.float32)
                for c, table in enumerate(self.planes):  # one channel copy at a time (not three)
                    cv2.LUT(cv2.extractChannel(img, c), table, dst=out[c])
                data["image"] = out.transpose(1, 2, 0)
            else:
                data["image"] = cv2.LUT(np.ascontiguousarray(img), self.table)
            return data
        img = np.asarray(img, dtype=np.float32)
        data["image"] = img * self.mul + self.add
        return data
