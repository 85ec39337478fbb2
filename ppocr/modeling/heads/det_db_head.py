"""DBHead: Differentiable Binarization (https://arxiv.org/abs/1911.08947).

Two identical branches on the neck's stride-4 features, each conv -> BN+relu -> 2x transposed conv
-> BN+relu -> 2x transposed conv to one channel -> sigmoid: ``binarize`` predicts the shrink
(probability) map, ``thresh`` the threshold map. In training the output ``maps`` is
concat(shrink, threshold, approximate binary map = 1 / (1 + exp(-k (shrink - threshold)))) [N, 3, H, W];
in eval only the shrink map [N, 1, H, W] (the exported output, ``export_key``), as PaddleOCR.
"""

from __future__ import annotations

import math

import paddle
from paddle import ParamAttr, nn
from paddle.nn import functional as F
from paddle.nn.initializer import Constant, KaimingUniform, Uniform

from ppocr.errors import ConfigError
from ppocr.registry import HEADS


def _bias_attr(fan_in: int) -> ParamAttr:
    bound = 1.0 / math.sqrt(fan_in)
    return ParamAttr(initializer=Uniform(-bound, bound))


def _bn(channels: int) -> nn.BatchNorm:
    return nn.BatchNorm(channels, act="relu", param_attr=ParamAttr(initializer=Constant(1.0)),
                        bias_attr=ParamAttr(initializer=Constant(1e-4)))


class DBBranch(nn.Layer):
    """One map predictor; ``kernel_list`` = (conv kernel, transposed kernel, transposed kernel)."""

    def __init__(self, in_channels: int, kernel_list: tuple[int, int, int]):
        super().__init__()
        mid = in_channels // 4
        k1, k2, k3 = kernel_list
        self.conv1 = nn.Conv2D(in_channels, mid, k1, padding=k1 // 2, bias_attr=False)
        self.conv_bn1 = _bn(mid)
        self.conv2 = nn.Conv2DTranspose(mid, mid, k2, stride=2,
                                        weight_attr=ParamAttr(initializer=KaimingUniform()),
                                        bias_attr=_bias_attr(mid))
        self.conv_bn2 = _bn(mid)
        self.conv3 = nn.Conv2DTranspose(mid, 1, k3, stride=2,
                                        weight_attr=ParamAttr(initializer=KaimingUniform()),
                                        bias_attr=_bias_attr(mid))

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.conv_bn2(self.conv2(self.conv_bn1(self.conv1(x))))
        return F.sigmoid(self.conv3(x))


@HEADS.register
class DBHead(nn.Layer):
    """``k``: steepness of the approximate binarization; ``kernel_list``: see :class:`DBBranch`
    ([3, 2, 2] for the student, [7, 2, 2] for PP-OCRv3's teacher)."""

    export_key = "maps"

    def __init__(self, in_channels: int, k: float = 50, kernel_list: list[int] | tuple[int, ...] = (3, 2, 2)):
        super().__init__()
        if not isinstance(in_channels, int) or in_channels < 4:
            raise ConfigError(f"DBHead needs one fused feature map of >= 4 channels (a neck such as "
                              f"DBFPN); got in_channels={in_channels!r}")
        if not (isinstance(kernel_list, (list, tuple)) and len(kernel_list) == 3
                and all(isinstance(v, int) and v > 0 for v in kernel_list)):
            raise ConfigError(f"DBHead: kernel_list must be 3 positive ints, got {kernel_list!r}")
        self.k = k
        self.binarize = DBBranch(in_channels, tuple(kernel_list))
        self.thresh = DBBranch(in_channels, tuple(kernel_list))

    def forward(self, x: paddle.Tensor) -> dict:
        shrink = self.binarize(x)
        if not self.training:
            return {"maps": shrink}
        threshold = self.thresh(x)
        binary = paddle.reciprocal(1 + paddle.exp(-self.k * (shrink - threshold)))
        return {"maps": paddle.concat([shrink, threshold, binary], axis=1)}
