"""Read weights and metadata out of an exported ONNX model.

PaddleOCR's released ONNX models (converted by paddle2onnx) keep each weight as a ``Constant`` node
(or an initializer) named after the Paddle parameter that produced it (``conv2d_67.w_0``,
``batch_norm_10.w_1``, or explicit names such as ``conv1_weights`` in older models).
"""

from __future__ import annotations

import os

import numpy as np

from ppocr.errors import CheckpointError


def _load(path: str):
    import onnx

    if not os.path.isfile(path):
        raise CheckpointError(f"ONNX model not found: {path} (run `make pretrained`)")
    try:
        return onnx.load(path)
    except Exception as e:  # onnx raises DecodeError and friends
        raise CheckpointError(f"{path}: not a readable ONNX model ({e})") from None


def read_onnx_weights(path: str) -> dict[str, np.ndarray]:
    """Name -> array of every initializer and every tensor-valued Constant node."""
    from onnx import numpy_helper

    model = _load(path)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    for node in model.graph.node:
        if node.op_type != "Constant":
            continue
        for attr in node.attribute:
            if attr.name == "value":
                weights[node.output[0]] = numpy_helper.to_array(attr.t)
    return weights


def read_onnx_metadata(path: str) -> dict[str, str]:
    return {p.key: p.value for p in _load(path).metadata_props}
