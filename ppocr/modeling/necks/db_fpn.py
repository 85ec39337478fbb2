"""DBFPN: DB's feature pyramid (PP-OCRv2's detection neck).

1x1 lateral convolutions to ``out_channels`` (``in2_conv`` .. ``in5_conv``), top-down addition, then
3x3 convolutions to ``out_channels // 4`` per level (``p5_conv`` .. ``p2_conv``), up-sampled to
stride 4 and concatenated: ``out_channels`` channels at 1/4 of the input size.
"""

from __future__ import annotations

import paddle
from paddle import ParamAttr, nn
from paddle.nn.initializer import KaimingUniform

from ppocr.errors import ConfigError
from ppocr.modeling.necks.fpn_ops import check_levels, fuse, top_down
from ppocr.registry import NECKS


def conv(in_channels: int, out_channels: int, kernel_size: int) -> nn.Conv2D:
    """Bias-free "same" convolution with PaddleOCR's Kaiming-uniform init for FPN convolutions."""
    return nn.Conv2D(in_channels, out_channels, kernel_size, padding=kernel_size // 2,
                     weight_attr=ParamAttr(initializer=KaimingUniform()), bias_attr=False)


@NECKS.register
class DBFPN(nn.Layer):
    def __init__(self, in_channels: list[int], out_channels: int):
        super().__init__()
        c2, c3, c4, c5 = check_levels(in_channels, "DBFPN")
        if out_channels % 4:
            raise ConfigError(f"DBFPN: out_channels must be a multiple of 4, got {out_channels}")
        self.out_channels = out_channels
        self.in2_conv = conv(c2, out_channels, 1)
        self.in3_conv = conv(c3, out_channels, 1)
        self.in4_conv = conv(c4, out_channels, 1)
        self.in5_conv = conv(c5, out_channels, 1)
        self.p5_conv = conv(out_channels, out_channels // 4, 3)
        self.p4_conv = conv(out_channels, out_channels // 4, 3)
        self.p3_conv = conv(out_channels, out_channels // 4, 3)
        self.p2_conv = conv(out_channels, out_channels // 4, 3)

    def forward(self, x: list[paddle.Tensor]) -> paddle.Tensor:
        c2, c3, c4, c5 = x
        out2, out3, out4, in5 = top_down([self.in2_conv(c2), self.in3_conv(c3), self.in4_conv(c4),
                                          self.in5_conv(c5)])
        return fuse([self.p2_conv(out2), self.p3_conv(out3), self.p4_conv(out4), self.p5_conv(in5)])
