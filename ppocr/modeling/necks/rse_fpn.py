"""RSEFPN: PP-OCRv3's detection-student neck, an FPN whose convolutions carry a residual
squeeze-excitation (RSE) block.

Per level i (0 = stride 4): ``ins_conv[i]`` (1x1 to ``out_channels``) and ``inp_conv[i]`` (3x3 to
``out_channels // 4``), built interleaved as PaddleOCR does. Output: ``out_channels`` channels at
stride 4 (the four levels concatenated).
"""

from __future__ import annotations

import paddle
from paddle import ParamAttr, nn
from paddle.nn.initializer import KaimingUniform

from ppocr.errors import ConfigError
from ppocr.modeling.backbones.mobilenet_v3_blocks import SEModule
from ppocr.modeling.necks.fpn_ops import check_levels, fuse, top_down
from ppocr.registry import NECKS


class RSELayer(nn.Layer):
    """Bias-free conv, then ``x + SE(x)`` (``shortcut``) or ``SE(x)``."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, shortcut: bool):
        super().__init__()
        self.in_conv = nn.Conv2D(in_channels, out_channels, kernel_size, padding=kernel_size // 2,
                                 weight_attr=ParamAttr(initializer=KaimingUniform()), bias_attr=False)
        self.se_block = SEModule(out_channels)
        self.shortcut = shortcut

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.in_conv(x)
        return x + self.se_block(x) if self.shortcut else self.se_block(x)


@NECKS.register
class RSEFPN(nn.Layer):
    def __init__(self, in_channels: list[int], out_channels: int, shortcut: bool = True):
        super().__init__()
        levels = check_levels(in_channels, "RSEFPN")
        if out_channels % 4 or out_channels < 16:  # out_channels // 4 feeds a 4x squeeze
            raise ConfigError(f"RSEFPN: out_channels must be a multiple of 4 and at least 16, "
                              f"got {out_channels}")
        self.out_channels = out_channels
        self.ins_conv = nn.LayerList()
        self.inp_conv = nn.LayerList()
        for c in levels:
            self.ins_conv.append(RSELayer(c, out_channels, 1, shortcut))
            self.inp_conv.append(RSELayer(out_channels, out_channels // 4, 3, shortcut))

    def forward(self, x: list[paddle.Tensor]) -> paddle.Tensor:
        outs = top_down([layer(c) for layer, c in zip(self.ins_conv, x)])
        return fuse([layer(o) for layer, o in zip(self.inp_conv, outs)])
