"""Run a line model (rec or cls) on a list of crops of any size, batched by aspect ratio.

As PaddleOCR's predict_rec / predict_cls: the crops are sorted by width / height and cut into
batches of ``batch_size`` in that order; results come back in the caller's order.
- rec: each batch is resized to height H with the width of the batch's widest line,
  ``int(H * max(W / H, max w/h in the batch))`` (``image_shape`` [C, H, W] = the model's
  RecResizeImg shape, PP-OCRv3: 3, 48, 320), each line keeping its aspect ratio, zeros on the
  right (:func:`rec_resize_norm`);
- cls: each crop goes through the model's own pre-processing (ClsResizeImg to 3 x 48 x 192).
With ``same_width=True`` (UIM's pseudo-labels) a rec batch holds only crops of the same own width
(:func:`width_batches`), so each crop is read exactly as it would be alone: its result does not
depend on which crops share its batch, and a resumed run labels a crop as an uninterrupted one.
Usable on its own for any list of line images, e.g. ``CropBatcher(Predictor.from_export(d))(crops)``.
"""

from __future__ import annotations

import numpy as np

from ppocr.data.transforms.base import input_shape
from ppocr.data.transforms.rec_resize import rec_resize_norm
from ppocr.errors import ConfigError, DataError
from ppocr.inference.images import as_bgr

DEFAULT_REC_SHAPE = (3, 48, 320)


def ratio_batches(crops: list, batch_size: int) -> list[list[int]]:
    """Indices of ``crops`` sorted by width / height (stable), in runs of ``batch_size``."""
    ratios = np.array([c.shape[1] / float(c.shape[0]) for c in crops], dtype=np.float64)
    order = np.argsort(ratios, kind="stable").tolist()
    return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]


def width_batches(crops: list, batch_size: int, image_shape) -> list[list[int]]:
    """Indices of ``crops`` grouped by their own input width (:func:`batch_width` of the crop
    alone), narrowest first, each group in runs of ``batch_size``: no crop is padded for another."""
    widths = [batch_width([c], image_shape) for c in crops]
    order = ratio_batches(crops, len(crops))[0] if crops else []
    batches: list[list[int]] = []
    for w in sorted(set(widths)):
        group = [i for i in order if widths[i] == w]
        batches += [group[i:i + batch_size] for i in range(0, len(group), batch_size)]
    return batches


def batch_width(crops: list, image_shape) -> int:
    """The input width of one rec batch: H times the largest of W / H and the crops' ratios."""
    _, h, w = (int(v) for v in image_shape)
    ratio = max([w / h] + [c.shape[1] / float(c.shape[0]) for c in crops])
    return int(h * ratio)


def model_line_shape(predictor) -> tuple[int, int, int] | None:
    """[C, H, W] of the line model's input as its pre-processing declares it (rec: the height and
    the minimum batch width)."""
    shape = input_shape(predictor.info.get("PreProcess"))
    return tuple(shape) if shape else None


class CropBatcher:
    """``batcher(crops) -> [result per crop]``: (text, score) for rec, (label, score) for cls."""

    def __init__(self, predictor, batch_size: int = 6, image_shape=None, same_width: bool = False):
        if predictor.model_type not in ("rec", "cls"):
            raise ConfigError(f"CropBatcher runs rec or cls models, got a {predictor.model_type} model")
        if int(batch_size) < 1:
            raise ConfigError(f"batch size must be >= 1, got {batch_size}")
        self.predictor = predictor
        self.post = predictor.postprocess_component()
        self.batch_size = int(batch_size)
        self.same_width = bool(same_width)
        self.image_shape = tuple(image_shape) if image_shape else \
            (model_line_shape(predictor) or DEFAULT_REC_SHAPE)

    @property
    def model_type(self) -> str:
        return self.predictor.model_type

    def inputs(self, crops: list) -> np.ndarray:
        """One batch of crops -> (N, C, H, W) float32."""
        if self.model_type == "rec":
            c, h, _ = self.image_shape
            shape = (c, h, batch_width(crops, self.image_shape))
            return np.stack([rec_resize_norm(crop, shape)[0] for crop in crops])
        return np.stack([self.predictor.preprocess(crop)["image"] for crop in crops])

    def __call__(self, crops: list) -> list:
        crops = [as_bgr(c) for c in crops]
        for i, c in enumerate(crops):
            if c.ndim != 3 or min(c.shape[:2]) < 1:
                raise DataError(f"crop {i}: expected an HxWx3 image, got shape {c.shape}")
        results: list = [None] * len(crops)
        if self.same_width and self.model_type == "rec":
            batches = width_batches(crops, self.batch_size, self.image_shape)
        else:  # cls crops are resized one by one: their batch never changes them
            batches = ratio_batches(crops, self.batch_size)
        for idx in batches:
            x = self.inputs([crops[i] for i in idx])
            out = self.predictor.run(x)
            for i, r in zip(idx, self.post({self.predictor.info["output"]: out}, {"image": x})):
                results[i] = r
        return results
