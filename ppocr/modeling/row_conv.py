"""Convolving one-pixel-high feature rows without multiplying the zero padding.

Recognition heads run k x k convolutions (SAR's 3x3 attention key, the SVTR encoder's 3x3 convs)
over backbone features that are one pixel high. With "same" padding along the height, only the
kernel's middle row ever meets data: the other rows multiply the zero padding. On such inputs
:func:`conv_rows` convolves with the middle row alone, which gives the same output (and the same
gradients: the other rows' are zero either way) for a third of the work.

It takes the ordinary ``nn.Conv2D`` layer, so layer classes, Paddle's auto parameter names (which
the released-model import matches on), initialisation and checkpoints are unchanged. The shortcut
is taken in training only; evaluation and exported inference graphs keep the full convolution.

It is off unless :func:`enable_row_shortcut` marks a model's convolutions (``Global.fast_row_conv``):
the result is the same up to float summation order, so training is no longer bitwise PaddleOCR's
(``tools/replay_trajectory.py`` then sees LayerNorm biases of the SVTR neck move by ~1e-5).
"""

from __future__ import annotations

from paddle import nn
from paddle.nn import functional as F


def middle_row_applies(conv: nn.Conv2D, x) -> bool:
    """True where ``conv(x)`` only ever uses the kernel's middle row and the shortcut is wanted."""
    kh = conv._kernel_size[0]
    pad = conv._updated_padding
    height = x.shape[2]
    return (getattr(conv, "rows_only", False) and conv.training and isinstance(height, int) and height == 1 and kh > 1 and kh % 2 == 1
            and conv._stride[0] == 1 and conv._dilation[0] == 1 and conv._padding_mode == "zeros"
            and conv._data_format == "NCHW" and isinstance(pad, (list, tuple)) and len(pad) == 2
            and all(isinstance(p, int) for p in pad) and pad[0] == kh // 2)


def conv_rows(conv: nn.Conv2D, x):
    """``conv(x)``, computed with the kernel's middle row alone where :func:`middle_row_applies`."""
    if not middle_row_applies(conv, x):
        return conv(x)
    kh = conv._kernel_size[0]
    weight = conv.weight[:, :, kh // 2:kh // 2 + 1, :]
    return F.conv2d(x, weight, conv.bias, stride=conv._stride, padding=[0, conv._updated_padding[1]],
                    dilation=conv._dilation, groups=conv._groups, data_format=conv._data_format)


def enable_row_shortcut(model: nn.Layer) -> int:
    """Let :func:`conv_rows` take the shortcut on every ``nn.Conv2D`` of ``model``; returns how many."""
    n = 0
    for layer in model.sublayers():
        if isinstance(layer, nn.Conv2D):
            layer.rows_only = True
            n += 1
    return n
