"""SequenceEncoder: recognition neck from a 1-high feature map to a [N, T, C] sequence.

``encoder_type`` picks the encoder, as in PaddleOCR:

- ``reshape``: [N, C, 1, W] -> [N, W, C] only;
- ``fc``: reshape, then a linear layer to ``hidden_size``;
- ``rnn``: reshape, then a 2-layer bidirectional LSTM (``hidden_size`` per direction);
- ``svtr``: the SVTR encoder on the feature map (see ``rec_svtr_encoder``), then reshape. Its keys
  (``dims``, ``depth``, ``hidden_dims``, ``use_guide``, ...) are only accepted with ``svtr``.
"""

from __future__ import annotations

import math

from paddle import ParamAttr, nn
from paddle.nn.initializer import Uniform
from paddle.regularizer import L2Decay

from ppocr.errors import ConfigError
from ppocr.modeling.necks.rec_svtr_encoder import EncoderWithSVTR
from ppocr.registry import NECKS

ENCODER_TYPES = ("reshape", "fc", "rnn", "svtr")


class Im2Seq(nn.Layer):
    """[N, C, 1, W] -> [N, W, C]."""

    def __init__(self, in_channels: int):
        super().__init__()
        self.out_channels = in_channels

    def forward(self, x):
        h = x.shape[2]
        if isinstance(h, int) and h > 1:
            raise ValueError(f"Im2Seq expects features 1 pixel high, got shape {list(x.shape)}; "
                             f"check the backbone's strides and the input height")
        return x.squeeze(axis=2).transpose([0, 2, 1])


class EncoderWithRNN(nn.Layer):
    def __init__(self, in_channels: int, hidden_size: int):
        super().__init__()
        self.out_channels = hidden_size * 2
        self.lstm = nn.LSTM(in_channels, hidden_size, direction="bidirectional", num_layers=2)

    def forward(self, x):
        return self.lstm(x)[0]


class EncoderWithFC(nn.Layer):
    def __init__(self, in_channels: int, hidden_size: int):
        super().__init__()
        self.out_channels = hidden_size
        bound = 1.0 / math.sqrt(in_channels)

        def attr():
            return ParamAttr(regularizer=L2Decay(1e-5), initializer=Uniform(-bound, bound))

        self.fc = nn.Linear(in_channels, hidden_size, weight_attr=attr(), bias_attr=attr())

    def forward(self, x):
        return self.fc(x)


# svtr-only keys -> PaddleOCR's defaults
_SVTR_DEFAULTS = {"dims": 64, "depth": 2, "hidden_dims": 120, "use_guide": False, "num_heads": 8,
                  "qkv_bias": True, "mlp_ratio": 2.0, "drop_rate": 0.1, "attn_drop_rate": 0.1,
                  "drop_path": 0.0, "kernel_size": (3, 3), "qk_scale": None}


@NECKS.register
class SequenceEncoder(nn.Layer):
    def __init__(self, in_channels: int, encoder_type: str, hidden_size: int = 48,
                 dims: int | None = None, depth: int | None = None, hidden_dims: int | None = None,
                 use_guide: bool | None = None, num_heads: int | None = None,
                 qkv_bias: bool | None = None, mlp_ratio: float | None = None,
                 drop_rate: float | None = None, attn_drop_rate: float | None = None,
                 drop_path: float | None = None, kernel_size=None, qk_scale: float | None = None):
        super().__init__()
        if encoder_type not in ENCODER_TYPES:
            raise ConfigError(f"SequenceEncoder: encoder_type must be one of {ENCODER_TYPES}, "
                              f"got {encoder_type!r}")
        given = {"dims": dims, "depth": depth, "hidden_dims": hidden_dims, "use_guide": use_guide,
                 "num_heads": num_heads, "qkv_bias": qkv_bias, "mlp_ratio": mlp_ratio,
                 "drop_rate": drop_rate, "attn_drop_rate": attn_drop_rate, "drop_path": drop_path,
                 "kernel_size": kernel_size, "qk_scale": qk_scale}
        given = {k: v for k, v in given.items() if v is not None}
        if encoder_type != "svtr" and given:
            raise ConfigError(f"SequenceEncoder: key(s) {', '.join(sorted(given))} only apply to "
                              f"encoder_type 'svtr' (got '{encoder_type}')")
        self.encoder_type = encoder_type
        self.encoder_reshape = Im2Seq(in_channels)
        self.out_channels = in_channels
        if encoder_type == "svtr":
            self.encoder = EncoderWithSVTR(in_channels, **{**_SVTR_DEFAULTS, **given})
        elif encoder_type == "rnn":
            self.encoder = EncoderWithRNN(in_channels, hidden_size)
        elif encoder_type == "fc":
            self.encoder = EncoderWithFC(in_channels, hidden_size)
        else:
            self.encoder = None
        if self.encoder is not None:
            self.out_channels = self.encoder.out_channels

    def forward(self, x):
        if self.encoder_type == "svtr":
            return self.encoder_reshape(self.encoder(x))
        x = self.encoder_reshape(x)
        return x if self.encoder is None else self.encoder(x)
