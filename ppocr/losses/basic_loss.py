"""Pairwise losses between two models' outputs, for distillation (not registered: the generic
distillation adapter picks the two tensors and calls these).

- :class:`DMLLoss` (deep mutual learning): optional ``act`` (softmax over the last axis, or sigmoid)
  on both inputs, then a symmetric KL divergence. With ``use_log`` (recognition, PP-OCRv3): the mean
  of KL(b || a) and KL(a || b), each summed over all elements and divided by the batch size (eps
  1e-10 as PaddleOCR). Without it (detection maps): PaddleOCR's KLJS "kl" form with eps 1e-5,
  averaged over the non-batch axes: a vector of one value per sample, as in PaddleOCR.
- :class:`DistanceLoss`: ``l1``, ``l2`` (mean squared error) or ``smooth_l1``, averaged.
"""

from __future__ import annotations

import paddle
from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError

_ACTS = (None, "softmax", "sigmoid")
_MODES = ("l1", "l2", "smooth_l1")


def _kl_batchmean(log_p: paddle.Tensor, q: paddle.Tensor) -> paddle.Tensor:
    """sum(q * (log(q) - log_p)) / batch size."""
    return paddle.sum(q * (paddle.log(q + 1e-10) - log_p)) / q.shape[0]


def symmetric_kl(p1: paddle.Tensor, p2: paddle.Tensor, eps: float = 1e-5) -> paddle.Tensor:
    """Per-element 0.5 * (p2 log(p2/p1) + p1 log(p1/p2)), with PaddleOCR's eps placement."""
    loss = p2 * paddle.log((p2 + eps) / (p1 + eps) + eps)
    loss = loss + p1 * paddle.log((p1 + eps) / (p2 + eps) + eps)
    return loss * 0.5


def dml_loss(out1: paddle.Tensor, out2: paddle.Tensor, act: str | None = "softmax",
             use_log: bool = True) -> paddle.Tensor:
    if act == "softmax":
        out1, out2 = F.softmax(out1, axis=-1) + 1e-10, F.softmax(out2, axis=-1) + 1e-10
    elif act == "sigmoid":
        out1, out2 = F.sigmoid(out1) + 1e-10, F.sigmoid(out2) + 1e-10
    if use_log:
        return (_kl_batchmean(paddle.log(out1), out2) + _kl_batchmean(paddle.log(out2), out1)) / 2.0
    # PaddleOCR's KLJSLoss: a mean over the non-batch axes, one value per image (not averaged over
    # the batch; a training step back-propagates the sum of the vector)
    loss = symmetric_kl(out1, out2)
    if loss.ndim == 3:  # (N, H, W) maps: the same reduction kernel as PaddleOCR's
        return paddle.mean(loss, axis=[1, 2])
    return loss.reshape([loss.shape[0], -1]).mean(axis=1)


def distance_loss(x: paddle.Tensor, y: paddle.Tensor, mode: str = "l2") -> paddle.Tensor:
    if mode == "l1":
        return F.l1_loss(x, y)
    if mode == "l2":
        return F.mse_loss(x, y)
    return F.smooth_l1_loss(x, y)


class DMLLoss(nn.Layer):
    def __init__(self, act: str | None = None, use_log: bool = False):
        super().__init__()
        if act not in _ACTS:
            raise ConfigError(f"DMLLoss.act: expected softmax, sigmoid or null, got {act!r}")
        if not isinstance(use_log, bool):
            raise ConfigError(f"DMLLoss.use_log: expected true or false, got {use_log!r}")
        self.act, self.use_log = act, use_log

    def forward(self, out1: paddle.Tensor, out2: paddle.Tensor) -> paddle.Tensor:
        return dml_loss(out1, out2, self.act, self.use_log)


class DistanceLoss(nn.Layer):
    def __init__(self, mode: str = "l2"):
        super().__init__()
        if mode not in _MODES:
            raise ConfigError(f"DistanceLoss.mode: expected one of {_MODES}, got {mode!r}")
        self.mode = mode

    def forward(self, x: paddle.Tensor, y: paddle.Tensor) -> paddle.Tensor:
        return distance_loss(x, y, self.mode)
