"""The PP-OCR system: detect text boxes, crop them, optionally turn upside-down crops, read them.

Defaults are PaddleOCR 2.x's for PP-OCRv3 (the ``paddleocr`` CLI, tools/infer/predict_system.py):
det resized so its longer side is at most 960 (``max``), DB thresh 0.3 / box_thresh 0.6 /
unclip 1.5 / fast score / no dilation, direction classifier off unless asked for (thresh 0.9,
batch 6), rec batched 6 by aspect ratio at height 48 and width >= 320, lines scoring below 0.5
dropped. Each stage is a :class:`~ppocr.inference.predictor.Predictor` from an export directory or a
checkpoint + config; without either, the released model under ``pretrained/``: on a CPU with
onnxruntime installed its ONNX file (``inference.onnx``, the fastest runtime measured there:
bench/infer_latency.py), else its imported checkpoint in Paddle (``use_onnx=False`` forces that).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from ppocr.data.transforms.base import with_inference_params
from ppocr.errors import CheckpointError, ConfigError
from ppocr.inference.boxes import crop_box, reading_order, tidy_boxes
from ppocr.inference.crop_batcher import CropBatcher
from ppocr.inference.images import as_bgr
from ppocr.inference.params import SystemParams
from ppocr.inference.predictor import Predictor
from ppocr.postprocess.db_postprocess import DBPostProcess
from ppocr.utils.paths import pretrained_root

PRETRAINED = {"det": "ppocrv3_det", "rec": "ppocrv3_rec", "cls": "ppocrv3_cls"}
REC_DICT = "ppocr_keys_v1.txt"


class OCRLine(NamedTuple):
    points: np.ndarray  # float32 (4, 2): top-left, top-right, bottom-right, bottom-left
    text: str
    score: float

    def as_list(self) -> list:
        """PaddleOCR's ``[[[x1, y1], ..., [x4, y4]], (text, score)]``."""
        return [self.points.tolist(), (self.text, float(self.score))]


def pretrained_dir() -> Path:
    """``$PPOCR_PRETRAINED``, a checkout's ``pretrained/``, else the user cache (ppocr.utils.paths)."""
    return pretrained_root()


def load_stage(kind: str, model_dir: str | None = None, config: str | None = None, weights: str | None = None,
               overrides=(), use_mkldnn: bool = True, use_gpu: bool | None = None, cpu_threads: int = 0,
               use_onnx: bool | None = None, char_dict: str | None = None, use_space_char: bool = True) -> Predictor:
    """The ``kind`` (det, rec, cls) model from an export dir, a config (+ weights), or the release.
    ``use_onnx``: True runs ONNX on onnxruntime (``model_dir`` a .onnx file or an export dir holding
    inference.onnx; without ``model_dir`` the released model's inference.onnx); False runs Paddle
    (Inference for exports, dygraph for checkpoints); None (the default) chooses onnxruntime on the
    CPU where it is installed and there is an ONNX model to run (see :func:`onnx_source`), with one
    log line. A rec model decodes with ``char_dict`` when given (PaddleOCR's ``rec_char_dict_path``;
    ``use_space_char`` appends a space, as PaddleOCR's predictor does)."""
    from ppocr.config import load_config

    overrides = list(overrides)
    onnx = onnx_source(kind, model_dir, config, use_onnx, use_gpu)
    if onnx is not None:
        if use_gpu:
            from ppocr.utils.logging import get_logger

            get_logger().warning("use_gpu: the ONNX models run on onnxruntime's CPU provider")
        predictor = Predictor.from_onnx(onnx, kind, cpu_threads)
        source = onnx
        if not model_dir and kind == "rec" and not char_dict:
            char_dict = str(pretrained_dir() / PRETRAINED[kind] / REC_DICT)  # the release's, as imported
    elif model_dir:
        predictor = Predictor.from_export(model_dir, use_mkldnn=use_mkldnn, use_gpu=use_gpu, cpu_threads=cpu_threads)
        source = model_dir
    else:
        if not config:
            folder = pretrained_dir() / PRETRAINED[kind]
            config = str(folder / "config.yml")
            if not os.path.isfile(config):
                raise CheckpointError(f"{config} is absent: run `ppocr-pretrained` (`make pretrained` in a "
                                      f"checkout) for the released models, or give --{kind}_model_dir (an export) "
                                      f"or --{kind}_config (a checkpoint)")
            weights = weights or str(folder)
            if kind == "rec" and not char_dict:
                overrides.append(f"Global.character_dict_path={folder / REC_DICT}")
        if kind == "rec" and char_dict:
            overrides += [f"Global.character_dict_path={char_dict}", f"Global.use_space_char={use_space_char}"]
        predictor = Predictor.from_checkpoint(load_config(config, overrides), weights)
        source = config
        char_dict = None  # the checkpoint's head was built for it
    if predictor.model_type != kind:
        raise ConfigError(f"{source}: a {predictor.model_type} model given for the {kind} stage")
    if kind == "rec" and char_dict:
        predictor = predictor.with_charset(dictionary_for(predictor, char_dict, use_space_char))
    elif kind == "rec" and predictor.charset is None:
        raise ConfigError(f"{source}: this rec model carries no dictionary: give --rec_char_dict_path")
    return predictor


_AUTO_ONNX_SAID: list = []  # the automatic choice is logged once per process


def onnx_source(kind: str, model_dir: str | None, config: str | None, use_onnx: bool | None,
                use_gpu: bool | None) -> str | None:
    """The ONNX model (a .onnx file or an export dir) the ``kind`` stage runs on onnxruntime, or None
    for Paddle. ``use_onnx`` None: onnxruntime when it is installed, the stage runs on the CPU, and
    the stage is the released model (``pretrained/<name>/inference.onnx``, put there by
    ``ppocr-pretrained``, its sha256 checked against state.json) or an export that holds an ONNX
    model (``tools/export_model.py --onnx``); a checkpoint (``config``) always runs in Paddle."""
    if use_onnx is False:
        return None
    if config:
        if use_onnx:
            raise ConfigError(f"use_onnx: --{kind}_config is a checkpoint, which runs in Paddle; give "
                              f"--{kind}_model_dir (a .onnx file or an export made with --onnx) instead")
        return None
    if use_onnx is None and not _onnxruntime_on_cpu(use_gpu):
        return None
    if model_dir:
        if use_onnx:
            return model_dir
        found = model_dir if model_dir.endswith(".onnx") and os.path.isfile(model_dir) else _export_onnx(model_dir)
        if found:
            _say_auto(f"the {kind} model runs on onnxruntime ({found})")
        return model_dir if found else None
    released = _released_onnx(kind, required=bool(use_onnx))
    if released and use_onnx is None:
        _say_auto(f"the released models run on onnxruntime ({os.path.dirname(os.path.dirname(released))}/"
                  f"*/{os.path.basename(released)})")
    return released


def _onnxruntime_on_cpu(use_gpu: bool | None) -> bool:
    import importlib.util

    from ppocr.inference.predictor import wants_gpu

    return importlib.util.find_spec("onnxruntime") is not None and not wants_gpu(use_gpu)


def _export_onnx(model_dir: str) -> str | None:
    """The ONNX file of an export dir made with ``--onnx`` (re-exporting without it removes the
    file), or None."""
    from ppocr.inference.onnx_runner import locate_onnx

    if not os.path.isfile(os.path.join(model_dir, "inference.yml")):
        return None
    try:
        return locate_onnx(model_dir)[0]
    except CheckpointError:
        return None


def _released_onnx(kind: str, required: bool) -> str | None:
    """pretrained/<name>/inference.onnx, checked against the sha256 state.json records; None when
    it is absent (an import made before it was kept) unless ``required``."""
    from ppocr.engine.checkpoint import read_state
    from ppocr.utils.io import file_sha256
    from ppocr.utils.paths import RELEASED_ONNX

    folder = pretrained_dir() / PRETRAINED[kind]
    path = folder / RELEASED_ONNX
    try:
        recorded = (read_state(str(folder)).get("onnx") or {}).get("sha256")
    except CheckpointError:  # no (readable) state.json: not imported, or imported before the file was kept
        recorded = None
    if not path.is_file() or not recorded:
        if required:
            raise CheckpointError(f"{path} is absent: run `ppocr-pretrained` (`make pretrained` in a checkout) "
                                  f"to keep the released ONNX models, or give --{kind}_model_dir")
        return None
    if file_sha256(str(path)) != recorded:
        raise CheckpointError(f"{path}: its sha256 is not the one {folder / 'state.json'} records; re-run "
                              f"`ppocr-pretrained --force` (`make pretrained` in a checkout)")
    return str(path)


def _say_auto(what: str) -> None:
    if what in _AUTO_ONNX_SAID:
        return
    _AUTO_ONNX_SAID.append(what)
    from ppocr.utils.logging import get_logger

    get_logger().info(f"onnxruntime is installed: {what}; --use_onnx false runs Paddle instead")


def dictionary_for(rec: Predictor, path: str, use_space_char: bool = True):
    """The dictionary at ``path`` (``--rec_char_dict_path``), checked against the rec model's classes."""
    from ppocr.charset import Charset
    from ppocr.inference.predictor import probe_input

    if not os.path.isfile(path):
        raise ConfigError(f"--rec_char_dict_path: no such file: {path}")
    charset = Charset.from_file(path, use_space_char)
    classes = rec.run(probe_input(rec.info)).shape[-1]
    if classes != charset.num_classes_ctc:
        raise ConfigError(f"--rec_char_dict_path {path}: {len(charset)} characters"
                          f"{' (with the space)' if use_space_char else ''} make {charset.num_classes_ctc} CTC "
                          f"classes, but the rec model outputs {classes}: it was trained with another dictionary")
    return charset


def with_det_resize(det: Predictor, **limits) -> Predictor:
    """The detector with the resize ``limit_side_len`` / ``limit_type`` given (whatever the training
    config said: PP-OCRv3's det config evaluates at 736 / min, the system runs 960 / max); the
    transform that takes them declares so (``inference_params``)."""
    items = with_inference_params(det.info.get("PreProcess"), "the det model's PreProcess", **limits)
    return det.with_info(PreProcess=items)


def db_postprocess(p: SystemParams) -> DBPostProcess:
    """DB with the system's (PaddleOCR's ``--det_db_*``) settings."""
    return DBPostProcess(thresh=p.det_db_thresh, box_thresh=p.det_db_box_thresh, max_candidates=p.max_candidates,
                         unclip_ratio=p.det_db_unclip_ratio, use_dilation=p.use_dilation,
                         score_mode=p.det_db_score_mode)


class TextSystem:
    """``det`` or ``rec`` may be None for a system that only reads crops or only finds boxes."""

    def __init__(self, det: Predictor | None, rec: Predictor | None, cls: Predictor | None = None,
                 params: SystemParams | None = None):
        self.params = p = params or SystemParams()
        self.det = with_det_resize(det, limit_side_len=p.det_limit_side_len, limit_type=p.det_limit_type) if det is not None else None
        self.db = db_postprocess(p)
        self.rec = CropBatcher(rec, p.rec_batch_num, p.rec_image_shape) if rec is not None else None
        self.cls = CropBatcher(cls, p.cls_batch_num) if cls is not None else None
        if p.use_angle_cls and self.cls is None:
            raise ConfigError("use_angle_cls is set but no cls model was given")
        self.timings: dict[str, float] = {}  # seconds per stage of the last call

    @classmethod
    def create(cls, params: SystemParams | None = None, det_model_dir=None, det_config=None, det_weights=None,
               rec_model_dir=None, rec_config=None, rec_weights=None, cls_model_dir=None, cls_config=None,
               cls_weights=None, use_mkldnn: bool = True, use_gpu: bool | None = None,
               cpu_threads: int = 0, use_onnx: bool | None = None, rec_char_dict_path: str | None = None,
               use_space_char: bool = True, stages=("det", "rec")) -> TextSystem:
        """Each stage from its export dir, else its config (+ weights), else the released model;
        ``stages`` says which of det and rec to load (cls: when ``params.use_angle_cls``)."""
        params = params or SystemParams()
        unknown = set(stages) - {"det", "rec"}
        if unknown:
            raise ConfigError(f"stages: expected det and/or rec, got {sorted(unknown)}")
        run = {"use_mkldnn": use_mkldnn, "use_gpu": use_gpu, "cpu_threads": cpu_threads, "use_onnx": use_onnx}
        det = load_stage("det", det_model_dir, det_config, det_weights, **run) if "det" in stages else None
        rec = load_stage("rec", rec_model_dir, rec_config, rec_weights, char_dict=rec_char_dict_path,
                         use_space_char=use_space_char, **run) if "rec" in stages else None
        angle = load_stage("cls", cls_model_dir, cls_config, cls_weights, **run) if params.use_angle_cls else None
        return cls(det, rec, angle, params)

    def detect(self, image: np.ndarray, ordered: bool = True) -> np.ndarray:
        """BGR image -> float32 (K, 4, 2) text boxes, in reading order (``ordered``) or in the
        detector's own order (PaddleOCR's det-only results)."""
        if self.det is None:
            raise ConfigError("this OCR system was created without a det model")
        data = self.det.preprocess(image)
        maps = self.det.run(data["image"][np.newaxis])
        found, = self.db({"maps": maps}, {"shape": np.asarray(data["shape"])[np.newaxis]})
        boxes = tidy_boxes(found["points"], *image.shape[:2])
        return boxes[reading_order(boxes)] if len(boxes) and ordered else boxes

    def classify(self, crops: list) -> tuple[list, list]:
        """(crops with those read as '180' above cls_thresh turned 180 degrees, [(label, score)])."""
        if self.cls is None:
            raise ConfigError("no cls model: create the system with use_angle_cls=True")
        results = [(label, float(score)) for label, score in self.cls(crops)] if crops else []
        turned = [cv2.rotate(c, cv2.ROTATE_180) if "180" in label and score > self.params.cls_thresh else c
                  for c, (label, score) in zip(crops, results)]
        return turned, results

    def recognize(self, crops: list) -> list[tuple[str, float]]:
        """[(text, score)] per crop (any sizes, batched by aspect ratio)."""
        if self.rec is None:
            raise ConfigError("this OCR system was created without a rec model")
        return [(text, float(score)) for text, score in self.rec(crops)] if crops else []

    def run(self, image: np.ndarray, cls: bool = True) -> tuple[np.ndarray, list, list]:
        """(boxes in reading order, their crops as read (turned where cls turned them), [(text, score)]
        for every box, none dropped); ``cls``: use the direction classifier if the system has it."""
        image = as_bgr(image)
        t0 = time.perf_counter()
        boxes = self.detect(image)
        crops = [crop_box(image, box) for box in boxes]
        t1 = time.perf_counter()
        if cls and self.params.use_angle_cls and crops:
            crops, _ = self.classify(crops)
        t2 = time.perf_counter()
        texts = self.recognize(crops)
        self.timings = {"det": t1 - t0, "cls": t2 - t1, "rec": time.perf_counter() - t2}
        return boxes, crops, texts

    def __call__(self, image: np.ndarray, cls: bool = True) -> list[OCRLine]:
        boxes, _, texts = self.run(image, cls)
        return [OCRLine(box, text, score) for box, (text, score) in zip(boxes, texts)
                if score >= self.params.drop_score]
