"""ClsHead: the text-direction classifier's head (global average pool -> linear).

Output dict: ``logits`` [N, class_dim] (the loss reads them) and ``probs`` = softmax(logits), the
exported output (``export_key``). Key: ``fc.weight`` [in_channels, class_dim], ``fc.bias``.
"""

from __future__ import annotations

import math

import paddle
from paddle import ParamAttr, nn
from paddle.nn import functional as F
from paddle.nn.initializer import Uniform

from ppocr.errors import ConfigError
from ppocr.registry import HEADS


@HEADS.register
class ClsHead(nn.Layer):
    export_key = "probs"

    def __init__(self, in_channels: int, class_dim: int):
        super().__init__()
        if not isinstance(in_channels, int):
            raise ConfigError(f"ClsHead needs a backbone with one feature map; got "
                              f"in_channels={in_channels!r}")
        if not isinstance(class_dim, int) or class_dim < 2:
            raise ConfigError(f"ClsHead: class_dim must be an int >= 2, got {class_dim!r}")
        self.pool = nn.AdaptiveAvgPool2D(1)
        bound = 1.0 / math.sqrt(in_channels)
        self.fc = nn.Linear(in_channels, class_dim,
                            weight_attr=ParamAttr(initializer=Uniform(-bound, bound)))

    def forward(self, x: paddle.Tensor) -> dict:
        logits = self.fc(paddle.flatten(self.pool(x), start_axis=1))
        return {"logits": logits, "probs": F.softmax(logits, axis=1)}
