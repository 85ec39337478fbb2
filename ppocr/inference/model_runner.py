"""A single model (det, rec or cls) on lists of images, the way `tools/infer.py det|rec|cls` runs it.

By default a model runs with the pre- and post-processing of PaddleOCR 2.7's predictors
(tools/infer/predict_det.py, predict_rec.py, predict_cls.py), whatever its weights' source:
- det: the deployment pre-processing (``DetResizeForTest`` limit 960 / ``max`` unless an export
  records or the caller sets another), DB with PaddleOCR's defaults (:class:`SystemParams`), the
  quads tidied as predict_det's ``filter_tag_det_res`` (clockwise, clipped, slivers dropped), in
  the order DB found them;
- rec and cls: :class:`~ppocr.inference.crop_batcher.CropBatcher`, the one line reader the OCR
  system uses too (batches by aspect ratio; rec at height 48 with PaddleOCR's width rule; cls
  3x48x192).
With ``use_config_transforms=True`` it runs the training config's eval transforms and its
``PostProcess`` section instead, image by image in batches: exactly what eval measured (a det
image at 736 / ``min`` for PP-OCRv3, a rec line squeezed into 320 px).
"""

from __future__ import annotations

import os

import numpy as np

from ppocr.data.transforms.base import BadSample
from ppocr.engine.export import deploy_preprocess
from ppocr.errors import ConfigError, DataError
from ppocr.inference.boxes import tidy_boxes
from ppocr.inference.crop_batcher import CropBatcher
from ppocr.inference.images import read_image
from ppocr.inference.params import SystemParams
from ppocr.inference.predictor import Predictor
from ppocr.inference.system import (
    PRETRAINED,
    REC_DICT,
    db_postprocess,
    load_stage,
    pretrained_dir,
    with_det_resize,
)
from ppocr.utils.logging import get_logger


def deployed(predictor: Predictor) -> Predictor:
    """``predictor`` with its deployment pre-processing as ``PreProcess`` and the eval transforms
    as ``EvalPreProcess``. An export made since inference.yml records both is used as it is; an
    older export or a checkpoint (whose ``PreProcess`` is the eval transforms) gets PaddleOCR's."""
    info = predictor.info
    if "EvalPreProcess" in info:
        return predictor
    deploy = deploy_preprocess(info["model_type"], info["PreProcess"])
    return predictor.with_info(PreProcess=deploy, EvalPreProcess=info["PreProcess"])


def with_eval_transforms(predictor: Predictor) -> Predictor:
    """``predictor`` running the training config's eval transforms (what eval measured)."""
    info = predictor.info
    if "EvalPreProcess" not in info:
        return predictor
    return predictor.with_info(PreProcess=info["EvalPreProcess"])


class ModelRunner:
    """``runner.predict(images) -> [result per image]`` (None where an image cannot be used):
    det ``{"points": float32 (K, 4, 2)}``, rec ``(text, score)``, cls ``(label, score)``.

    ``params``: PaddleOCR's predictor settings (``det_limit_side_len`` / ``det_limit_type`` None:
    the model's deployment limit, 960 / max unless its export says otherwise; ``det_db_*``,
    ``rec_batch_num``, ``rec_image_shape``, ``cls_batch_num``)."""

    def __init__(self, predictor: Predictor, params: SystemParams | None = None,
                 use_config_transforms: bool = False, det_limit_side_len: int | None = None,
                 det_limit_type: str | None = None):
        self.params = p = params or SystemParams()
        self.use_config_transforms = bool(use_config_transforms)
        kind = predictor.model_type
        self.batch_size = {"det": 1, "rec": p.rec_batch_num, "cls": p.cls_batch_num}.get(kind, 1)
        if self.use_config_transforms:
            self.predictor = with_eval_transforms(predictor)
            self.post = self.predictor.postprocess_component()
            self.lines = None
            return
        self.predictor = deployed(predictor)
        limit = {k: v for k, v in (("limit_side_len", det_limit_side_len), ("limit_type", det_limit_type))
                 if v is not None}
        if kind == "det" and limit:
            self.predictor = with_det_resize(self.predictor, **limit)
        self.post = db_postprocess(p) if kind == "det" else None
        shape = p.rec_image_shape if kind == "rec" else None
        self.lines = CropBatcher(self.predictor, self.batch_size, shape) if kind in ("rec", "cls") else None

    @classmethod
    def create(cls, kind: str | None = None, model_dir: str | None = None, config: str | None = None,
               weights: str | None = None, overrides=(), use_onnx: bool | None = None, use_mkldnn: bool = True,
               use_gpu: bool | None = None, cpu_threads: int = 0, char_dict: str | None = None,
               **settings) -> ModelRunner:
        """The ``kind`` model from an export dir (``use_onnx``: its inference.onnx, or an .onnx file),
        a config (+ weights), else the released model (:func:`~ppocr.inference.system.load_stage`);
        ``char_dict``: a rec model's dictionary (PaddleOCR's ``rec_char_dict_path``; a bare rec .onnx
        without one decodes with the released dictionary); ``settings``: the constructor's keywords.
        ``kind`` None: the config's model type."""
        if kind is None:
            from ppocr.config import load_config

            if not config:
                raise ConfigError("ModelRunner.create: give kind (det, rec, cls) or a config")
            kind = load_config(config, list(overrides))["Architecture"]["model_type"]
        if kind == "rec" and use_onnx is not False and model_dir and os.path.isfile(model_dir) and not char_dict:
            from ppocr.inference.onnx_runner import locate_onnx

            released = pretrained_dir() / PRETRAINED["rec"] / REC_DICT
            if locate_onnx(model_dir)[1] is None and released.is_file():
                char_dict = str(released)  # a bare .onnx carries no dictionary
        predictor = load_stage(kind, model_dir, config, weights, overrides, use_mkldnn=use_mkldnn, use_gpu=use_gpu,
                               cpu_threads=cpu_threads, use_onnx=use_onnx, char_dict=char_dict)
        return cls(predictor, **settings)

    @property
    def model_type(self) -> str:
        return self.predictor.model_type

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
            for (i, d), pred in zip(chunk, preds):
                if self.model_type == "det" and not self.use_config_transforms:
                    height, width = (int(v) for v in np.asarray(d["shape"])[:2])
                    pred = {**pred, "points": tidy_boxes(pred["points"], height, width)}
                results[i] = pred
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
