"""CTCHead: per-time-step class scores for CTC, sized from the charset (blank + characters).

Output dict: ``ctc`` = logits [N, T, C] always; ``probs`` = softmax(ctc) in eval mode (the exported
output); ``ctc_feats`` = the features the last linear layer reads, in training with ``return_feats``.
"""

from __future__ import annotations

import math
from typing import Any

from paddle import ParamAttr, nn
from paddle.nn import functional as F
from paddle.nn.initializer import Uniform
from paddle.regularizer import L2Decay

from ppocr.errors import ConfigError
from ppocr.registry import HEADS


def linear_attrs(l2_decay: float, fan_in: int) -> tuple[ParamAttr, ParamAttr]:
    """PaddleOCR's recognition-head linear init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and
    bias, both with their own L2 decay (which overrides the optimizer's)."""
    bound = 1.0 / math.sqrt(fan_in)
    return tuple(ParamAttr(regularizer=L2Decay(l2_decay), initializer=Uniform(-bound, bound))
                 for _ in range(2))


def ctc_classes(charset: Any, who: str) -> int:
    n = getattr(charset, "num_classes_ctc", None)
    if not isinstance(n, int) or n < 2:
        raise ConfigError(f"{who} needs the recognition charset (Global.character_dict_path) to size "
                          f"its output; got {charset!r}")
    return n


@HEADS.register
class CTCHead(nn.Layer):
    export_key = "probs"

    def __init__(self, in_channels: int, charset: Any, fc_decay: float = 0.0004,
                 mid_channels: int | None = None, return_feats: bool = False):
        super().__init__()
        out_channels = ctc_classes(charset, "CTCHead")
        if mid_channels is None:
            w, b = linear_attrs(fc_decay, in_channels)
            self.fc = nn.Linear(in_channels, out_channels, weight_attr=w, bias_attr=b)
        else:
            w1, b1 = linear_attrs(fc_decay, in_channels)
            self.fc1 = nn.Linear(in_channels, mid_channels, weight_attr=w1, bias_attr=b1)
            w2, b2 = linear_attrs(fc_decay, mid_channels)
            self.fc2 = nn.Linear(mid_channels, out_channels, weight_attr=w2, bias_attr=b2)
        self.out_channels = out_channels
        self.mid_channels = mid_channels
        self.return_feats = return_feats

    def forward(self, x) -> dict:
        if self.mid_channels is None:
            logits = self.fc(x)
        else:
            x = self.fc1(x)
            logits = self.fc2(x)
        out = {"ctc": logits}
        if not self.training:
            out["probs"] = F.softmax(logits, axis=2)
        elif self.return_feats:
            out["ctc_feats"] = x
        return out
