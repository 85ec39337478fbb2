"""A single model (cls, det or rec) on lists of images: pre-process, batch, run, post-process.

Detection runs one image at a time through the model's own pre-processing. Line models (rec, cls)
go through :class:`~ppocr.inference.crop_batcher.CropBatcher`, the one line reader the OCR system
uses too (PaddleOCR's predict_rec / predict_cls batching), so a crop reads the same either way.
"""

from __future__ import annotations

import numpy as np

from ppocr.data.transforms.base import BadSample
from ppocr.errors import DataError
from ppocr.inference.crop_batcher import CropBatcher
from ppocr.inference.images import read_image
from ppocr.inference.predictor import Predictor
from ppocr.utils.logging import get_logger


class ModelRunner:
    def __init__(self, predictor: Predictor, batch_size: int = 6):
        self.predictor = predictor
        self.post = predictor.postprocess_component()
        # detection inputs keep their own size, so they run one at a time
        self.batch_size = 1 if predictor.model_type == "det" else max(1, int(batch_size))
        self.lines = CropBatcher(predictor, self.batch_size) if predictor.model_type in ("rec", "cls") else None

    @classmethod
    def create(cls, model_dir: str | None = None, config: str | None = None, overrides=(),
               weights: str | None = None, batch_size: int = 6, use_mkldnn: bool = True):
        if model_dir:
            return cls(Predictor.from_export(model_dir, use_mkldnn=use_mkldnn), batch_size)
        from ppocr.config import load_config

        return cls(Predictor.from_checkpoint(load_config(config, list(overrides)), weights), batch_size)

    def prepare(self, image) -> dict | None:
        try:
            return self.predictor.preprocess(image)
        except BadSample as e:
            get_logger().warning(f"cannot use image: {e}")
            return None

    def predict(self, images: list) -> list:
        """One post-processed result per image (None where the image could not be read)."""
        if self.lines is not None:
            return self._predict_lines(images)
        results: list = [None] * len(images)
        prepared = [(i, self.prepare(img)) for i, img in enumerate(images)]
        prepared = [(i, d) for i, d in prepared if d is not None]
        for start in range(0, len(prepared), self.batch_size):
            chunk = prepared[start:start + self.batch_size]
            batch = {k: np.stack([d[k] for _, d in chunk]) for k in chunk[0][1]}
            out = self.predictor.run(batch["image"])
            preds = self.post({self.predictor.info["output"]: out}, batch)
            for (i, _), p in zip(chunk, preds):
                results[i] = p
        return results

    def _predict_lines(self, images: list) -> list:
        results: list = [None] * len(images)
        crops = []
        for i, image in enumerate(images):
            try:
                crops.append((i, read_image(image)))
            except DataError as e:
                get_logger().warning(f"cannot use image: {e}")
        for (i, _), result in zip(crops, self.lines([c for _, c in crops])):
            results[i] = result
        return results
