"""Freezing normalisation for fine-tuning on small data (``Global.freeze_norm``).

A BatchNorm layer in training mode normalises with the batch's statistics and moves its running
statistics towards them. On a few tiny, padded batches that drags a released model's statistics
away from what it was trained with (eval accuracy falls even at lr 1e-9). Frozen, a BatchNorm
normalises with its running statistics in training as in evaluation, never updates them, and its
scale and shift are not trained: the layer is fixed while the rest of the model trains.
"""

from __future__ import annotations

import fnmatch

from paddle import nn

from ppocr.errors import ConfigError

BATCH_NORMS = (nn.BatchNorm, nn.BatchNorm1D, nn.BatchNorm2D, nn.BatchNorm3D)


def norm_patterns(value, where: str = "Global.freeze_norm") -> list[str]:
    """``false``/``null``: none; ``true``: every BatchNorm; a list: glob patterns of layer names
    (``backbone.*``, ``Student.*``)."""
    if value in (None, False):
        return []
    if value is True:
        return ["*"]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected true, false or a list of layer-name patterns, got {value!r}")
    return value


def freeze_norm(model: nn.Layer, patterns: list[str]) -> list[str]:
    """Freeze the BatchNorm layers whose names match ``patterns``; returns their names. Call it
    before the optimizer is built, so their scale and shift are not given to it."""
    frozen = []
    for name, layer in model.named_sublayers():
        if isinstance(layer, BATCH_NORMS) and any(fnmatch.fnmatchcase(name, p) for p in patterns):
            layer._use_global_stats = True  # paddle: running statistics in training too, not updated
            for p in (layer.weight, layer.bias):
                if p is not None:
                    p.stop_gradient = True
            frozen.append(name)
    if patterns and not frozen:
        raise ConfigError(f"Global.freeze_norm: no BatchNorm layer matches {patterns}")
    return frozen
