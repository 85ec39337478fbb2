"""ResNet_vd: the ResNet-D detection backbone (PP-OCRv3's DML teacher uses ResNet_vd 50).

"vd" tweaks: a deep stem of three 3x3 convolutions, and projection shortcuts that average-pool
before their 1x1 convolution instead of striding it. ``forward`` returns the four stage outputs
(strides 4, 8, 16, 32). Blocks are registered as ``bb_<stage>_<index>`` with PaddleOCR's inner
names (``conv0``, ``conv1``, ``conv2``, ``short``; ``_conv`` / ``_batch_norm``), so keys and the
automatic parameter names match PaddleOCR's.
"""

from __future__ import annotations

import paddle
from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError
from ppocr.registry import BACKBONES

# layers -> blocks per stage
DEPTHS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3),
          152: (3, 8, 36, 3), 200: (3, 12, 48, 3)}
WIDTHS = (64, 128, 256, 512)  # inner channels per stage; bottleneck outputs are 4x


class ConvBNLayer(nn.Layer):
    """[2x2 average pool, for vd shortcuts] -> conv (no bias, "same" padding) -> BatchNorm(act)."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int = 1,
                 act: str | None = None, avg_pool_first: bool = False):
        super().__init__()
        self.avg_pool_first = avg_pool_first
        self._pool2d_avg = nn.AvgPool2D(kernel_size=2, stride=2, padding=0, ceil_mode=True)
        self._conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride,
                               padding=(kernel_size - 1) // 2, bias_attr=False)
        self._batch_norm = nn.BatchNorm(out_channels, act=act)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if self.avg_pool_first:
            x = self._pool2d_avg(x)
        return self._batch_norm(self._conv(x))


class BottleneckBlock(nn.Layer):
    """1x1 -> 3x3 (strided) -> 1x1 (x4 channels), plus the input or its projection; relu."""

    expansion = 4

    def __init__(self, in_channels: int, channels: int, stride: int, project: bool, first: bool):
        super().__init__()
        self.conv0 = ConvBNLayer(in_channels, channels, 1, act="relu")
        self.conv1 = ConvBNLayer(channels, channels, 3, stride=stride, act="relu")
        self.conv2 = ConvBNLayer(channels, channels * 4, 1)
        self.project = project
        if project:
            # the very first block keeps full resolution: no pooling there
            self.short = ConvBNLayer(in_channels, channels * 4, 1, avg_pool_first=not first)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        y = self.conv2(self.conv1(self.conv0(x)))
        return F.relu(y + (self.short(x) if self.project else x))


class BasicBlock(nn.Layer):
    """3x3 (strided) -> 3x3, plus the input or its projection; relu (ResNet 18/34)."""

    expansion = 1

    def __init__(self, in_channels: int, channels: int, stride: int, project: bool, first: bool):
        super().__init__()
        self.conv0 = ConvBNLayer(in_channels, channels, 3, stride=stride, act="relu")
        self.conv1 = ConvBNLayer(channels, channels, 3)
        self.project = project
        if project:
            self.short = ConvBNLayer(in_channels, channels, 1, avg_pool_first=not first)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        y = self.conv1(self.conv0(x))
        return F.relu(y + (self.short(x) if self.project else x))


@BACKBONES.register(name="ResNet_vd")
class ResNetVd(nn.Layer):
    """``layers``: 18, 34, 50, 101, 152 or 200. ``out_channels``: [256, 512, 1024, 2048] from 50
    layers up, [64, 128, 256, 512] below.

    As in PaddleOCR, the first block of every stage has a projection shortcut (so does ResNet 18/34's
    first stage, whose channel count does not change) and every stage but the first halves the
    resolution in its first block.
    """

    def __init__(self, in_channels: int = 3, layers: int = 50):
        super().__init__()
        if layers not in DEPTHS:
            raise ConfigError(f"ResNet_vd: layers must be one of {sorted(DEPTHS)}, got {layers!r}")
        self.layers = layers
        block_cls = BottleneckBlock if layers >= 50 else BasicBlock
        self.conv1_1 = ConvBNLayer(in_channels, 32, 3, stride=2, act="relu")
        self.conv1_2 = ConvBNLayer(32, 32, 3, act="relu")
        self.conv1_3 = ConvBNLayer(32, 64, 3, act="relu")
        self.pool2d_max = nn.MaxPool2D(kernel_size=3, stride=2, padding=1)

        self.stages: list[nn.Sequential] = []
        self.out_channels: list[int] = []
        channels = 64
        for stage, (depth, width) in enumerate(zip(DEPTHS[layers], WIDTHS)):
            blocks = []
            for i in range(depth):
                block = block_cls(channels, width, stride=2 if i == 0 and stage > 0 else 1,
                                  project=i == 0, first=stage == 0 and i == 0)
                self.add_sublayer(f"bb_{stage}_{i}", block)
                blocks.append(block)
                channels = width * block_cls.expansion
            self.stages.append(nn.Sequential(*blocks))
            self.out_channels.append(channels)

    def forward(self, x: paddle.Tensor) -> list[paddle.Tensor]:
        x = self.pool2d_max(self.conv1_3(self.conv1_2(self.conv1_1(x))))
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return outs
