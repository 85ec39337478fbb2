"""Frozen-backbone fine-tuning (``Global.freeze_backbone``).

The matched sub-layers are fixed: their parameters get ``stop_gradient`` (not lr 0: the optimizer
never sees them) and their BatchNorm layers keep their running statistics, as
:mod:`ppocr.modeling.freeze_norm` freezes them. Paddle marks an operation's output
``stop_gradient`` when none of its inputs needs a gradient, so when nothing trainable lies below a
frozen backbone (the image never needs one) its forward records no autograd graph and the backward
stops at its output: the backbone's backward is skipped entirely, not computed and thrown away.
The weights and statistics of the frozen layers stay bitwise as loaded.
"""

from __future__ import annotations

import fnmatch

from paddle import nn

from ppocr.errors import ConfigError
from ppocr.modeling.freeze_norm import BATCH_NORMS, freeze_norm

# ``true``: every backbone, also each sub-model's in a distillation model (``Student.backbone``)
ALL_BACKBONES = ["backbone", "*.backbone"]


def layer_patterns(value, where: str = "Global.freeze_backbone") -> list[str]:
    """``false``/``null``: none; ``true``: every backbone; a list: glob patterns of sub-layer names
    (``backbone``, ``Student.backbone``, ``neck.encoder``)."""
    if value in (None, False):
        return []
    if value is True:
        return list(ALL_BACKBONES)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where}: expected true, false or a list of sub-layer name patterns, got {value!r}")
    return value


def freeze_layers(model: nn.Layer, patterns: list[str], where: str = "Global.freeze_backbone") -> list[str]:
    """Freeze the sub-layers whose names match ``patterns`` (parameters and BatchNorm statistics);
    returns their names. Call it before the optimizer is built."""
    if not patterns:
        return []
    names = [name for name, _ in model.named_sublayers()
             if any(fnmatch.fnmatchcase(name, p) for p in patterns)]
    # a matched layer inside another matched one is already covered
    frozen = [n for n in names if not any(n.startswith(f"{m}.") for m in names)]
    if not frozen:
        raise ConfigError(f"{where}: no sub-layer matches {patterns}")
    layers = dict(model.named_sublayers())
    for name in frozen:
        for p in layers[name].parameters():
            p.stop_gradient = True
    norms = [f"{n}.*" for n in frozen]
    if any(isinstance(layer, BATCH_NORMS) and any(fnmatch.fnmatchcase(n, p) for p in norms)
           for n, layer in layers.items()):
        freeze_norm(model, norms)
    return frozen
