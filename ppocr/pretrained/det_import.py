"""Import PaddleOCR's released PP-OCRv3 text detector (``ch_PP-OCRv3_det_infer.onnx``) into our
model with the architecture of ``ch_PP-OCRv3_det_student.yml`` (MobileNetV3 large x0.5 without SE,
RSEFPN 96 with shortcuts, DBHead k=50).

Matching is exact, by name: the ONNX keeps each weight under the automatic name Paddle gave the
parameter when PaddleOCR built the model (``conv2d_47.w_0``, ``batch_norm_10.w_1`` = BN mean,
``w_2`` = variance, ``b_0`` = bias; ``conv2d_transpose_1.w_0``). Names count layers per class in
construction order, and our model builds the same classes in the same order, so building it in a
fresh name scope reproduces them. The release's names start at 0: the exporting process built the
student first (it is the first sub-model of ``ch_PP-OCRv3_det_cml.yml``), hence
``models_built_before=0``.

An inference model only computes the shrink map, so the threshold branch (``head.thresh.*``, 13
tensors, training only) is not in the file; it stays initialised.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ppocr.pretrained.onnx_match import build_architecture, load_state, match_weights
from ppocr.pretrained.onnx_reader import read_onnx_weights

PPOCRV3_DET_ARCHITECTURE = {
    "model_type": "det",
    "algorithm": "DB",
    "Backbone": {"name": "MobileNetV3", "scale": 0.5, "model_name": "large", "disable_se": True},
    "Neck": {"name": "RSEFPN", "out_channels": 96, "shortcut": True},
    "Head": {"name": "DBHead", "k": 50},
}
NOT_EXPORTED = ("head.thresh.",)  # DB's threshold branch: training only
WHAT = "PP-OCRv3's detector (MobileNetV3 large x0.5 + RSEFPN 96 + DBHead)"


class DetImport(NamedTuple):
    state_dict: dict[str, np.ndarray]  # our (= PaddleOCR's) keys -> arrays, all but head.thresh.*
    architecture: dict  # the Architecture section these keys belong to


def _is_parameter(name: str) -> bool:
    """Auto-named weights (``conv2d_3.w_0``); not graph constants (``Constant_88``)."""
    stem, _, suffix = name.partition(".")
    return bool(suffix) and suffix[:2] in ("w_", "b_") and stem.rsplit("_", 1)[-1].isdigit()


def import_det_onnx(path: str, architecture: dict | None = None, models_built_before: int = 0) -> DetImport:
    """Read the released detector into a state dict of ``architecture`` (PP-OCRv3's by default)."""
    architecture = architecture or PPOCRV3_DET_ARCHITECTURE
    weights = {k: v for k, v in read_onnx_weights(path).items() if _is_parameter(k)}
    model = build_architecture(architecture, models_built_before)
    state = match_weights(model, weights, lambda key, tensor: tensor.name, path, WHAT, NOT_EXPORTED)
    return DetImport(state, architecture)


def load_det_onnx(model, path: str, **import_args) -> DetImport:
    """Import ``path`` and load it into ``model`` (a BaseModel of PP-OCRv3's detector); logs one line.
    The threshold branch keeps its initialisation."""
    imported = import_det_onnx(path, **import_args)
    load_state(model, imported.state_dict, path, WHAT, NOT_EXPORTED)
    return imported
