"""DetMobileNetV3: the MobileNetV3 that PaddleOCR uses for text detection (``model_type: det``).

A stride-2 stem then the inverted-residual blocks, cut into four stages before each later stride-2
block; the last stage ends with the 1x1 ``conv_last`` convolution. ``forward`` returns the four stage
outputs (strides 4, 8, 16, 32) for an FPN neck; ``out_channels`` lists their channel counts.
Keys: ``conv.*``, ``stage0.0.expand_conv.conv.weight``, ..., ``stage3.<last>.conv.weight``.
"""

from __future__ import annotations

import paddle
from paddle import nn

from ppocr.modeling.backbones.mobilenet_v3_blocks import (
    BLOCKS,
    LAST_CHANNELS,
    STEM_CHANNELS,
    ConvBNLayer,
    ResidualUnit,
    check_variant,
    make_divisible,
)


class DetMobileNetV3(nn.Layer):
    """PP-OCRv3's detection student uses ``model_name: large, scale: 0.5, disable_se: true``:
    out_channels [16, 24, 56, 480]."""

    def __init__(self, in_channels: int = 3, model_name: str = "large", scale: float = 0.5,
                 disable_se: bool = False):
        super().__init__()
        check_variant(model_name, scale, "MobileNetV3 (det)")
        channels = make_divisible(STEM_CHANNELS * scale)
        self.conv = ConvBNLayer(in_channels, channels, 3, stride=2, padding=1, act="hardswish")

        # A new stage starts at every stride-2 block except the large model's first two, whose
        # strides are taken by the stem and stage 0 (so every variant gives strides 4..32).
        first_cut = 2 if model_name == "large" else 0
        stages, blocks = [], []
        self.out_channels = []
        for i, (k, exp, c, se, act, s) in enumerate(BLOCKS[model_name]):
            if s == 2 and i > first_cut:
                stages.append(blocks)
                self.out_channels.append(channels)
                blocks = []
            out = make_divisible(scale * c)
            blocks.append(ResidualUnit(channels, make_divisible(scale * exp), out, k, s,
                                       use_se=se and not disable_se, act=act))
            channels = out
        last = make_divisible(scale * LAST_CHANNELS[model_name])
        blocks.append(ConvBNLayer(channels, last, 1, act="hardswish"))
        stages.append(blocks)
        self.out_channels.append(last)
        self.stages = [nn.Sequential(*b) for b in stages]
        for i, stage in enumerate(self.stages):
            self.add_sublayer(f"stage{i}", stage)

    def forward(self, x: paddle.Tensor) -> list[paddle.Tensor]:
        x = self.conv(x)
        outs = []
        for stage in self.stages:
            x = stage(x)
            outs.append(x)
        return outs
