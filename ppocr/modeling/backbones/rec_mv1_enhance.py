"""MobileNetV1Enhance: PP-OCRv3's recognition backbone (the "LCNet" half of SVTR_LCNet).

A 3x3 stem and 13 depthwise-separable blocks (the last two with squeeze-excitation); three blocks
halve only the height, ``last_conv_stride`` sets the last block's stride, and a final pool
(``last_pool_type``) brings a 48-pixel-high crop down to a 1-high feature row. Layer classes and
attribute names follow PaddleOCR (``conv1._conv``, ``block_list.N._depthwise_conv._batch_norm``,
``block_list.11._se.conv1``) so its checkpoints load and its exported parameter names line up.
"""

from __future__ import annotations

import paddle
from paddle import ParamAttr, nn
from paddle.nn import functional as F
from paddle.nn.initializer import KaimingNormal
from paddle.regularizer import L2Decay

from ppocr.errors import ConfigError
from ppocr.registry import BACKBONES


class ConvBNLayer(nn.Layer):
    """Conv (no bias) + the legacy ``nn.BatchNorm`` with a fused hard-swish, as PaddleOCR."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride, padding: int,
                 groups: int = 1):
        super().__init__()
        self._conv = nn.Conv2D(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                               groups=groups, weight_attr=ParamAttr(initializer=KaimingNormal()),
                               bias_attr=False)
        # BatchNorm's scale and shift are not weight-decayed.
        self._batch_norm = nn.BatchNorm(out_channels, act="hard_swish",
                                        param_attr=ParamAttr(regularizer=L2Decay(0.0)),
                                        bias_attr=ParamAttr(regularizer=L2Decay(0.0)))

    def forward(self, x):
        return self._batch_norm(self._conv(x))


class SEModule(nn.Layer):
    """Squeeze-excitation: global average -> 1x1 conv (relu) -> 1x1 conv (hard-sigmoid) -> scale."""

    def __init__(self, channels: int, reduction: int = 4):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool2D(1)
        self.conv1 = nn.Conv2D(channels, channels // reduction, 1)
        self.conv2 = nn.Conv2D(channels // reduction, channels, 1)

    def forward(self, x):
        w = F.relu(self.conv1(self.avg_pool(x)))
        return x * F.hardsigmoid(self.conv2(w))


class DepthwiseSeparable(nn.Layer):
    """Depthwise conv (optionally followed by SE) then a pointwise conv."""

    def __init__(self, in_channels: int, mid_channels: int, out_channels: int, stride,
                 dw_size: int = 3, use_se: bool = False):
        super().__init__()
        self.use_se = use_se
        self._depthwise_conv = ConvBNLayer(in_channels, mid_channels, dw_size, stride,
                                           padding=dw_size // 2, groups=mid_channels)
        if use_se:
            self._se = SEModule(mid_channels)
        self._pointwise_conv = ConvBNLayer(mid_channels, out_channels, 1, 1, padding=0)

    def forward(self, x):
        x = self._depthwise_conv(x)
        if self.use_se:
            x = self._se(x)
        return self._pointwise_conv(x)


# (channels in, channels out, stride, depthwise kernel, squeeze-excitation) at scale 1.0;
# the last block's stride is ``last_conv_stride``.
_BLOCKS = (
    (32, 64, 1, 3, False),
    (64, 128, 1, 3, False),
    (128, 128, 1, 3, False),
    (128, 256, (2, 1), 3, False),
    (256, 256, 1, 3, False),
    (256, 512, (2, 1), 3, False),
    *[(512, 512, 1, 5, False)] * 5,
    (512, 1024, (2, 1), 5, True),
    (1024, 1024, None, 5, True),
)


def _pair(value, key: str):
    if isinstance(value, int):
        return value
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return tuple(value)
    raise ConfigError(f"MobileNetV1Enhance: {key} must be an int or a pair of ints, got {value!r}")


@BACKBONES.register
class MobileNetV1Enhance(nn.Layer):
    """``out_channels`` = 1024 * scale. A [N, 3, 48, W] crop gives [N, 512, 1, W/8] with PP-OCRv3's
    settings (scale 0.5, last_conv_stride [1, 2], avg pool [2, 2]).

    As in PaddleOCR, ``last_pool_kernel_size`` applies to the average pool only; the max pool is
    always 2x2 with stride 2.
    """

    def __init__(self, in_channels: int = 3, scale: float = 0.5, last_conv_stride=1,
                 last_pool_type: str = "max", last_pool_kernel_size=(3, 2)):
        super().__init__()
        if last_pool_type not in ("avg", "max"):
            raise ConfigError(f"MobileNetV1Enhance: last_pool_type must be 'avg' or 'max', "
                              f"got {last_pool_type!r}")
        if not isinstance(scale, (int, float)) or scale <= 0:
            raise ConfigError(f"MobileNetV1Enhance: scale must be a positive number, got {scale!r}")
        last_conv_stride = _pair(last_conv_stride, "last_conv_stride")
        kernel = _pair(last_pool_kernel_size, "last_pool_kernel_size")
        self.scale = scale

        def ch(c: int) -> int:
            return int(c * scale)

        self.conv1 = ConvBNLayer(in_channels, ch(32), 3, 2, padding=1)
        blocks = []
        for cin, cout, stride, dw_size, use_se in _BLOCKS:
            blocks.append(DepthwiseSeparable(ch(cin), ch(cin), ch(cout),
                                             last_conv_stride if stride is None else stride,
                                             dw_size=dw_size, use_se=use_se))
        self.block_list = nn.Sequential(*blocks)
        if last_pool_type == "avg":
            self.pool = nn.AvgPool2D(kernel_size=kernel, stride=kernel, padding=0)
        else:
            self.pool = nn.MaxPool2D(kernel_size=2, stride=2, padding=0)
        self.out_channels = ch(1024)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.pool(self.block_list(self.conv1(x)))
