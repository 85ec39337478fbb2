"""Import PaddleOCR's released text-direction classifier (``ch_ppocr_mobile_v2.0_cls_infer.onnx``)
into our model with the architecture of ``cls_mv3.yml`` (MobileNetV3 small x0.35 + ClsHead(2)).

That model dates from PaddleOCR 2.0, whose layers named their parameters explicitly, so the ONNX
names follow a rule instead of construction order. Our keys (PaddleOCR 2.7's, ``cls.json``) map to
them as follows, with blocks numbered from 2 (block ``i`` is ``conv{i+2}``) and the last 1x1
convolution called ``conv_last``:

=====================================================  ==========================================
our key                                                name in the file
=====================================================  ==========================================
``backbone.conv1.conv.weight``                         ``conv1_weights``
``backbone.conv1.bn.{weight,bias,_mean,_variance}``    ``conv1_bn_{scale,offset,mean,variance}``
``backbone.blocks.{i}.expand_conv.conv.weight``        ``conv{i+2}_expand_weights``
``backbone.blocks.{i}.expand_conv.bn.*``               ``conv{i+2}_expand_bn_*`` (as above)
``backbone.blocks.{i}.bottleneck_conv.*``              ``conv{i+2}_depthwise_*``
``backbone.blocks.{i}.linear_conv.*``                  ``conv{i+2}_linear_*``
``backbone.blocks.{i}.mid_se.conv{j}.{weight,bias}``   ``conv{i+2}_se_{j}_{weights,offset}``
``backbone.conv2.*``                                   ``conv_last_*``
``head.fc.weight`` / ``head.fc.bias``                  ``fc_0.w_0`` / ``fc_0.b_0``
=====================================================  ==========================================

Every key must be found with its shape and every weight of the file used
(:func:`ppocr.pretrained.onnx_match.match_weights`); the linear weight is [in, out] in both.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

from ppocr.errors import CheckpointError
from ppocr.pretrained.onnx_match import build_architecture, load_state, match_weights
from ppocr.pretrained.onnx_reader import read_onnx_weights

PPOCR_CLS_ARCHITECTURE = {
    "model_type": "cls",
    "algorithm": "CLS",
    "Backbone": {"name": "MobileNetV3", "scale": 0.35, "model_name": "small"},
    "Head": {"name": "ClsHead", "class_dim": 2},
}
WHAT = "PaddleOCR's direction classifier (MobileNetV3 small x0.35 + ClsHead 2)"

_CONV_PARTS = {"expand_conv": "expand", "bottleneck_conv": "depthwise", "linear_conv": "linear"}
_BN = {"weight": "scale", "bias": "offset", "_mean": "mean", "_variance": "variance"}
_SE = {"weight": "weights", "bias": "offset"}
_HEAD = {"head.fc.weight": "fc_0.w_0", "head.fc.bias": "fc_0.b_0"}


class ClsImport(NamedTuple):
    state_dict: dict[str, np.ndarray]  # our (= PaddleOCR's) keys -> arrays, every key
    architecture: dict  # the Architecture section these keys belong to


def _conv_bn(prefix: str, rest: str) -> str | None:
    """``conv.weight`` -> ``{prefix}_weights``; ``bn.<x>`` -> ``{prefix}_bn_<scale|offset|...>``."""
    if rest == "conv.weight":
        return f"{prefix}_weights"
    if rest.startswith("bn.") and rest[3:] in _BN:
        return f"{prefix}_bn_{_BN[rest[3:]]}"
    return None


def released_name(key: str) -> str:
    """The name the 2.0 release gives our state-dict ``key`` (see the module docstring)."""
    if key in _HEAD:
        return _HEAD[key]
    name = None
    if key.startswith("backbone.conv1."):
        name = _conv_bn("conv1", key[len("backbone.conv1."):])
    elif key.startswith("backbone.conv2."):
        name = _conv_bn("conv_last", key[len("backbone.conv2."):])
    else:
        m = re.fullmatch(r"backbone\.blocks\.(\d+)\.(\w+?)\.(.+)", key)
        if m:
            block, part, rest = f"conv{int(m.group(1)) + 2}", m.group(2), m.group(3)
            if part in _CONV_PARTS:
                name = _conv_bn(f"{block}_{_CONV_PARTS[part]}", rest)
            elif part == "mid_se":
                se = re.fullmatch(r"conv([12])\.(weight|bias)", rest)
                name = se and f"{block}_se_{se.group(1)}_{_SE[se.group(2)]}"
    if name is None:
        raise CheckpointError(f"no rule maps {key!r} to the 2.0 classifier's parameter names: "
                              f"the model is not {WHAT}")
    return name


def _is_parameter(name: str) -> bool:
    """Named weights, not graph constants (``Constant@3``) or variables (``fill_constant_1.tmp_0``)."""
    return not name.startswith("Constant") and ".tmp_" not in name


def import_cls_onnx(path: str, architecture: dict | None = None) -> ClsImport:
    """Read the released classifier into a state dict of ``architecture`` (cls_mv3.yml's by default)."""
    architecture = architecture or PPOCR_CLS_ARCHITECTURE
    weights = {k: v for k, v in read_onnx_weights(path).items() if _is_parameter(k)}
    model = build_architecture(architecture)  # for the keys and shapes
    state = match_weights(model, weights, lambda key, tensor: released_name(key), path, WHAT)
    return ClsImport(state, architecture)


def load_cls_onnx(model, path: str, **import_args) -> ClsImport:
    """Import ``path`` and load every tensor into ``model`` (a BaseModel of that classifier)."""
    imported = import_cls_onnx(path, **import_args)
    load_state(model, imported.state_dict, path, WHAT)
    return imported
