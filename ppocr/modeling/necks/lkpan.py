"""LKPAN: the large-kernel path-aggregation neck of PP-OCRv3's detection teacher.

An FPN top-down pass (``ins_conv``: 1x1 to ``out_channels``; ``inp_conv``: 9x9 to
``out_channels // 4``), then a bottom-up pass (``pan_head_conv``: 3x3 stride-2 convolutions adding
each finer level into the next coarser one) and 9x9 ``pan_lat_conv`` per level; the four levels are
up-sampled to stride 4 and concatenated (``out_channels`` channels). ``mode: lite`` replaces the 9x9
convolutions with depthwise-separable :class:`DSConv` blocks.
"""

from __future__ import annotations

import paddle
from paddle import ParamAttr, nn
from paddle.nn import functional as F
from paddle.nn.initializer import KaimingUniform

from ppocr.errors import ConfigError
from ppocr.modeling.necks.fpn_ops import check_levels, fuse, top_down
from ppocr.registry import NECKS


def conv(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> nn.Conv2D:
    return nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2,
                     weight_attr=ParamAttr(initializer=KaimingUniform()), bias_attr=False)


class DSConv(nn.Layer):
    """Depthwise kxk + BN -> 1x1 to 4x channels + BN, relu -> 1x1 to ``out_channels``; plus a 1x1
    projection of the input (``conv_end``) when the channel count changes."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int):
        super().__init__()
        self.conv1 = nn.Conv2D(in_channels, in_channels, kernel_size, padding=kernel_size // 2,
                               groups=in_channels, bias_attr=False)
        self.bn1 = nn.BatchNorm(in_channels, act=None)
        self.conv2 = nn.Conv2D(in_channels, in_channels * 4, 1, bias_attr=False)
        self.bn2 = nn.BatchNorm(in_channels * 4, act=None)
        self.conv3 = nn.Conv2D(in_channels * 4, out_channels, 1, bias_attr=False)
        self.project = in_channels != out_channels
        if self.project:
            self.conv_end = nn.Conv2D(in_channels, out_channels, 1, bias_attr=False)

    def forward(self, inputs: paddle.Tensor) -> paddle.Tensor:
        x = self.bn1(self.conv1(inputs))
        x = self.conv3(F.relu(self.bn2(self.conv2(x))))
        return x + self.conv_end(inputs) if self.project else x


@NECKS.register
class LKPAN(nn.Layer):
    def __init__(self, in_channels: list[int], out_channels: int, mode: str = "large"):
        super().__init__()
        levels = check_levels(in_channels, "LKPAN")
        if not isinstance(mode, str) or mode.lower() not in ("lite", "large"):
            raise ConfigError(f"LKPAN: mode must be 'lite' or 'large', got {mode!r}")
        if out_channels % 4:
            raise ConfigError(f"LKPAN: out_channels must be a multiple of 4, got {out_channels}")
        large = mode.lower() == "large"

        def big(cin: int, cout: int) -> nn.Layer:
            return conv(cin, cout, 9) if large else DSConv(cin, cout, 9)

        self.out_channels = out_channels
        quarter = out_channels // 4
        self.ins_conv = nn.LayerList()
        self.inp_conv = nn.LayerList()
        self.pan_head_conv = nn.LayerList()
        self.pan_lat_conv = nn.LayerList()
        for i, c in enumerate(levels):  # PaddleOCR's construction order, level by level
            self.ins_conv.append(conv(c, out_channels, 1))
            self.inp_conv.append(big(out_channels, quarter))
            if i > 0:
                self.pan_head_conv.append(conv(quarter, quarter, 3, stride=2))
            self.pan_lat_conv.append(big(quarter, quarter))

    def forward(self, x: list[paddle.Tensor]) -> paddle.Tensor:
        outs = top_down([layer(c) for layer, c in zip(self.ins_conv, x)])
        f = [layer(o) for layer, o in zip(self.inp_conv, outs)]
        pan = [f[0]]
        for i in range(1, 4):  # bottom-up: each level plus the down-sampled finer one
            pan.append(f[i] + self.pan_head_conv[i - 1](pan[-1]))
        return fuse([layer(p) for layer, p in zip(self.pan_lat_conv, pan)])
