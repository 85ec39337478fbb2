"""Building blocks shared by the two MobileNetV3 variants (detection and classification/recognition).

Layer classes and attribute names are PaddleOCR's (``conv``/``bn``, ``expand_conv``,
``bottleneck_conv``, ``mid_se``, ``linear_conv``), so state-dict keys match its checkpoints and, built
in the same order, parameters get the same automatic names as in its exported models.
"""

from __future__ import annotations

import paddle
from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError

# One row per inverted-residual block at scale 1.0:
# (kernel, expanded channels, output channels, squeeze-excitation, activation, stride)
LARGE = (
    (3, 16, 16, False, "relu", 1),
    (3, 64, 24, False, "relu", 2),
    (3, 72, 24, False, "relu", 1),
    (5, 72, 40, True, "relu", 2),
    (5, 120, 40, True, "relu", 1),
    (5, 120, 40, True, "relu", 1),
    (3, 240, 80, False, "hardswish", 2),
    (3, 200, 80, False, "hardswish", 1),
    (3, 184, 80, False, "hardswish", 1),
    (3, 184, 80, False, "hardswish", 1),
    (3, 480, 112, True, "hardswish", 1),
    (3, 672, 112, True, "hardswish", 1),
    (5, 672, 160, True, "hardswish", 2),
    (5, 960, 160, True, "hardswish", 1),
    (5, 960, 160, True, "hardswish", 1),
)
SMALL = (
    (3, 16, 16, True, "relu", 2),
    (3, 72, 24, False, "relu", 2),
    (3, 88, 24, False, "relu", 1),
    (5, 96, 40, True, "hardswish", 2),
    (5, 240, 40, True, "hardswish", 1),
    (5, 240, 40, True, "hardswish", 1),
    (5, 120, 48, True, "hardswish", 1),
    (5, 144, 48, True, "hardswish", 1),
    (5, 288, 96, True, "hardswish", 2),
    (5, 576, 96, True, "hardswish", 1),
    (5, 576, 96, True, "hardswish", 1),
)
# channels of the last 1x1 convolution at scale 1.0
LAST_CHANNELS = {"large": 960, "small": 576}
BLOCKS = {"large": LARGE, "small": SMALL}
SCALES = (0.35, 0.5, 0.75, 1.0, 1.25)
STEM_CHANNELS = 16


def make_divisible(v: float, divisor: int = 8) -> int:
    """Round ``v`` to the nearest multiple of ``divisor`` (at least ``divisor``), never more than 10%
    below ``v``."""
    rounded = max(divisor, int(v + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * v:
        rounded += divisor
    return rounded


def check_variant(model_name: str, scale: float, who: str) -> None:
    if model_name not in BLOCKS:
        raise ConfigError(f"{who}: model_name must be one of {sorted(BLOCKS)}, got {model_name!r}")
    if scale not in SCALES:
        raise ConfigError(f"{who}: scale must be one of {list(SCALES)}, got {scale!r}")


class ConvBNLayer(nn.Layer):
    """Conv (no bias) -> legacy ``nn.BatchNorm`` -> optional relu / hard-swish."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride=1,
                 padding: int = 0, groups: int = 1, act: str | None = None):
        super().__init__()
        if act not in (None, "relu", "hardswish"):
            raise ConfigError(f"ConvBNLayer: activation must be relu, hardswish or None, got {act!r}")
        self.act = act
        self.conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                              groups=groups, bias_attr=False)
        self.bn = nn.BatchNorm(out_channels, act=None)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.bn(self.conv(x))
        if self.act == "relu":
            return F.relu(x)
        if self.act == "hardswish":
            return F.hardswish(x)
        return x


class SEModule(nn.Layer):
    """Squeeze-excitation: global mean -> 1x1 conv, relu -> 1x1 conv, hard-sigmoid (slope 0.2,
    offset 0.5 as PaddleOCR) -> channel-wise scale of the input."""

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2D(1)
        self.conv1 = nn.Conv2D(channels, channels // reduction, 1)
        self.conv2 = nn.Conv2D(channels // reduction, channels, 1)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        w = F.relu(self.conv1(self.avg_pool(x)))
        return x * F.hardsigmoid(self.conv2(w), slope=0.2, offset=0.5)


class ResidualUnit(nn.Layer):
    """Inverted residual: 1x1 expand -> depthwise kxk (strided) -> [SE] -> 1x1 linear projection,
    plus the input when stride is 1 and the channel count is kept."""

    def __init__(self, in_channels: int, mid_channels: int, out_channels: int, kernel_size: int,
                 stride, use_se: bool, act: str):
        super().__init__()
        self.use_shortcut = stride == 1 and in_channels == out_channels
        self.use_se = use_se
        self.expand_conv = ConvBNLayer(in_channels, mid_channels, 1, act=act)
        self.bottleneck_conv = ConvBNLayer(mid_channels, mid_channels, kernel_size, stride=stride,
                                           padding=(kernel_size - 1) // 2, groups=mid_channels, act=act)
        if use_se:
            self.mid_se = SEModule(mid_channels)
        self.linear_conv = ConvBNLayer(mid_channels, out_channels, 1, act=None)

    def forward(self, inputs: paddle.Tensor) -> paddle.Tensor:
        x = self.bottleneck_conv(self.expand_conv(inputs))
        if self.use_se:
            x = self.mid_se(x)
        x = self.linear_conv(x)
        return inputs + x if self.use_shortcut else x
