"""conv_rows must compute what the nn.Conv2D it is given computes (outputs and gradients) on
one-pixel-high inputs, and take its shortcut only there and only in training."""

import numpy as np
import paddle
import pytest
from paddle import nn

from ppocr.modeling.row_conv import conv_rows, enable_row_shortcut, middle_row_applies


def _conv(kernel, padding, stride=1, enabled=True):
    paddle.seed(3)
    conv = nn.Conv2D(6, 4, kernel, stride=stride, padding=padding)
    if enabled:
        enable_row_shortcut(nn.Sequential(conv))
    return conv


def _forward_backward(layer, x, fn):
    x = x.detach()
    x.stop_gradient = False
    y = fn(layer, x)
    (y * paddle.arange(y.size, dtype="float32").reshape(y.shape)).sum().backward()
    grads = (x.grad.numpy().copy(), layer.weight.grad.numpy().copy(), layer.bias.grad.numpy().copy())
    layer.clear_gradients()
    return y.numpy(), grads


@pytest.mark.parametrize("kernel,padding", [(3, 1), (5, 2), ((3, 5), (1, 2)), (3, [1, 1])])
def test_conv_rows_equals_conv_on_one_pixel_rows(kernel, padding):
    conv = _conv(kernel, padding)
    x = paddle.randn([2, 6, 1, 9])
    assert middle_row_applies(conv, x)
    y_ref, g_ref = _forward_backward(conv, x, lambda layer, t: layer(t))
    y_row, g_row = _forward_backward(conv, x, conv_rows)
    np.testing.assert_allclose(y_row, y_ref, atol=1e-5)
    for a, b in zip(g_row, g_ref):
        np.testing.assert_allclose(a, b, atol=1e-4)
    # the rows that only meet padding get no gradient, as with the full convolution
    kh = conv.weight.shape[2]
    assert np.all(g_row[1][:, :, [i for i in range(kh) if i != kh // 2], :] == 0)


@pytest.mark.parametrize("shape,kernel,padding,stride,train,enabled", [
    ([2, 6, 3, 9], 3, 1, 1, True, True),      # taller than one row
    ([2, 6, 1, 9], 3, (2, 1), 1, True, True),  # more height padding than "same"
    ([2, 6, 1, 9], 3, 1, 2, True, True),      # strided
    ([2, 6, 1, 9], 3, 1, 1, False, True),     # eval: the ordinary convolution, as exported
    ([2, 6, 1, 9], 3, 1, 1, True, False),     # not enabled (the default: bitwise PaddleOCR's training)
])
def test_conv_rows_falls_back_to_the_full_convolution(shape, kernel, padding, stride, train, enabled):
    conv = _conv(kernel, padding, stride, enabled)
    conv.train() if train else conv.eval()
    x = paddle.randn(shape)
    assert not middle_row_applies(conv, x)
    np.testing.assert_array_equal(conv_rows(conv, x).numpy(), conv(x).numpy())
