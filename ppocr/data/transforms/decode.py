"""DecodeImage: encoded bytes -> HxWxC uint8 array."""

from __future__ import annotations

import cv2
import numpy as np

from ppocr.data.transforms.base import BadSample
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS
from ppocr.utils.image_bytes import truncation

_MODES = ("BGR", "RGB", "GRAY")


@TRANSFORMS.register
class DecodeImage:
    """Decode ``data['image']`` (bytes). A file OpenCV cannot decode, or a JPEG/PNG cut off before
    its end (which OpenCV decodes with flat rows for the missing part), is a bad sample."""

    def __init__(self, img_mode: str = "BGR", channel_first: bool = False,
                 ignore_orientation: bool = False):
        if img_mode not in _MODES:
            raise ConfigError(f"DecodeImage.img_mode: '{img_mode}' is not one of {_MODES}")
        self.img_mode = img_mode
        self.channel_first = channel_first
        self.flags = cv2.IMREAD_IGNORE_ORIENTATION | cv2.IMREAD_COLOR if ignore_orientation \
            else cv2.IMREAD_COLOR

    def __call__(self, data: dict) -> dict:
        buf = data["image"]
        if isinstance(buf, np.ndarray) and buf.ndim >= 2:
            img = buf  # already decoded (e.g. handed over by the Python API)
        else:
            cut = truncation(buf)
            if cut:
                raise BadSample(cut, "truncated")
            arr = np.frombuffer(buf, dtype=np.uint8)
            img = cv2.imdecode(arr, self.flags) if arr.size else None
            if img is None:
                raise BadSample("cannot decode image", "undecodable")
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        if self.img_mode == "GRAY":
            img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)[:, :, None]
        elif self.img_mode == "RGB":
            img = img[:, :, ::-1]
        if self.channel_first:
            img = img.transpose(2, 0, 1)
        data["image"] = np.ascontiguousarray(img)
        return data
