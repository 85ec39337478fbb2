"""RecMobileNetV3: the MobileNetV3 that PaddleOCR uses for text-line models (``model_type: cls`` and
``rec``), e.g. the direction classifier (``cls_mv3.yml``: small, scale 0.35).

The strided blocks halve only the height (stride ``(s, 1)``), so a 48-pixel-high line keeps its
width resolution; a final 1x1 conv and a 2x2 max pool give one feature map with
``out_channels`` = make_divisible(scale * 960 | 576) channels (200 for small x0.35).
Keys: ``conv1.*``, ``blocks.<i>.expand_conv.conv.weight``, ..., ``conv2.*``.
"""

from __future__ import annotations

import paddle
from paddle import nn

from ppocr.errors import ConfigError
from ppocr.modeling.backbones.mobilenet_v3_blocks import (
    BLOCKS,
    LAST_CHANNELS,
    STEM_CHANNELS,
    ConvBNLayer,
    ResidualUnit,
    check_variant,
    make_divisible,
)


def _strides(value, default: list[int], key: str) -> list[int]:
    if value is None:
        return default
    if not (isinstance(value, (list, tuple)) and len(value) == 4 and all(isinstance(v, int) for v in value)):
        raise ConfigError(f"MobileNetV3 (cls/rec): {key} must be a list of 4 ints, got {value!r}")
    return list(value)


class RecMobileNetV3(nn.Layer):
    """``large_stride`` / ``small_stride``: the vertical strides of the four down-sampling blocks
    (PaddleOCR's defaults [1, 2, 2, 2] and [2, 2, 2, 2]); the large model's first one is a plain
    (square) stride as in PaddleOCR."""

    def __init__(self, in_channels: int = 3, model_name: str = "small", scale: float = 0.5,
                 disable_se: bool = False, large_stride: list[int] | None = None,
                 small_stride: list[int] | None = None):
        super().__init__()
        check_variant(model_name, scale, "MobileNetV3 (cls/rec)")
        large = _strides(large_stride, [1, 2, 2, 2], "large_stride")
        small = _strides(small_stride, [2, 2, 2, 2], "small_stride")
        # block index -> stride; every other block has stride 1 (the large model's 7th block,
        # stride 2 in the detection table, keeps the resolution here)
        if model_name == "large":
            strides = {0: large[0], 1: (large[1], 1), 3: (large[2], 1), 12: (large[3], 1)}
        else:
            strides = {0: (small[0], 1), 1: (small[1], 1), 3: (small[2], 1), 8: (small[3], 1)}

        channels = make_divisible(STEM_CHANNELS * scale)
        self.conv1 = ConvBNLayer(in_channels, channels, 3, stride=2, padding=1, act="hardswish")
        blocks = []
        for i, (k, exp, c, se, act, _) in enumerate(BLOCKS[model_name]):
            out = make_divisible(scale * c)
            blocks.append(ResidualUnit(channels, make_divisible(scale * exp), out, k, strides.get(i, 1),
                                       use_se=se and not disable_se, act=act))
            channels = out
        self.blocks = nn.Sequential(*blocks)
        self.out_channels = make_divisible(scale * LAST_CHANNELS[model_name])
        self.conv2 = ConvBNLayer(channels, self.out_channels, 1, act="hardswish")
        self.pool = nn.MaxPool2D(kernel_size=2, stride=2, padding=0)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.pool(self.conv2(self.blocks(self.conv1(x))))
