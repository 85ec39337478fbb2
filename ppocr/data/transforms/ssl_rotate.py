"""SSLRotateResize: one text line -> its four rotations, the TextRotNet self-supervised task.

PaddleOCR's semantics (``ch_PP-OCRv3_rotnet.yml``): the decoded line is turned clockwise by 0, 90,
180 and 270 degrees; label ``k`` means ``k`` quarter turns. Each rotation is resized and normalised
like a recognition input (:func:`rec_resize_norm`): with ``padding: false`` (PaddleOCR's default)
every rotation is stretched to the full ``H x W``, so the aspect ratio is *not* kept and an upright
line and its 90-degree turn both fill the canvas; ``padding: true`` keeps the aspect ratio (height to
H, width ``ceil(H * w / h)`` capped at W, zeros to the right).

Output: ``image`` [4, C, H, W] float32 and ``label`` [4] int64 (``[0, 1, 2, 3]``). The loader's
``collate_fn: SSLRotateCollate`` concatenates them, so a batch of N lines holds 4N images.
``select_all: false`` keeps 0 and 180 only (labels 0, 1); ``mode: test`` keeps the upright image
alone ([C, H, W], label 0), for the default collate.
"""

from __future__ import annotations

import cv2
import numpy as np

from ppocr.data.transforms.base import BadSample
from ppocr.data.transforms.rec_resize import rec_resize_norm
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS

_MODES = ("train", "test")


def rotations(img: np.ndarray) -> list[np.ndarray]:
    """``img`` turned clockwise by 0, 90, 180 and 270 degrees."""
    out = [img]
    for _ in range(3):
        out.append(cv2.rotate(out[-1], cv2.ROTATE_90_CLOCKWISE))
    return out


@TRANSFORMS.register
class SSLRotateResize:
    def __init__(self, image_shape: list[int], padding: bool = False, select_all: bool = True,
                 mode: str = "train"):
        if not isinstance(image_shape, (list, tuple)) or len(image_shape) != 3 or \
                not all(isinstance(v, int) and v > 0 for v in image_shape) or image_shape[0] not in (1, 3):
            raise ConfigError(f"SSLRotateResize.image_shape: expected [C, H, W] positive integers with "
                              f"C 1 or 3, got {image_shape!r}")
        for key, value in (("padding", padding), ("select_all", select_all)):
            if not isinstance(value, bool):
                raise ConfigError(f"SSLRotateResize.{key}: expected true or false, got {value!r}")
        if mode not in _MODES:
            raise ConfigError(f"SSLRotateResize.mode: '{mode}' is not one of {_MODES}")
        self.image_shape = list(image_shape)
        self.padding = padding
        self.select_all = select_all
        self.mode = mode

    @property
    def collate_fn(self) -> str | None:
        """Several images per sample are concatenated into the batch, not stacked."""
        return "SSLRotateCollate" if self.images_per_sample > 1 else None

    @property
    def images_per_sample(self) -> int:
        """How many model inputs one sample becomes (the loader checks its collate against it)."""
        if self.mode == "test":
            return 1
        return 4 if self.select_all else 2

    def __call__(self, data: dict) -> dict:
        img = data["image"]
        if not isinstance(img, np.ndarray) or img.ndim not in (2, 3) or min(img.shape[:2]) < 1:
            raise BadSample(f"SSLRotateResize: expected a decoded HxWxC image, got "
                            f"{getattr(img, 'shape', type(img).__name__)}")
        turns = rotations(img)
        if not self.select_all:
            turns = turns[0::2]  # 0 and 180, labelled 0 and 1
        images = np.stack([rec_resize_norm(t, self.image_shape, self.padding)[0] for t in turns])
        labels = np.arange(len(turns), dtype=np.int64)
        if self.mode == "test":
            images, labels = images[0], labels[0]
        data["image"] = images
        data["label"] = labels
        return data
