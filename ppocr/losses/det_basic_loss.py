"""Map losses of DB text detection, shared by DBLoss and the detection distillation losses.

Each takes (pred, gt, mask) maps of one shape; only pixels where ``mask`` is 1 count.
- :class:`DiceLoss`: 1 - 2 sum(p g m) / (sum(p m) + sum(g m) + eps).
- :class:`MaskL1Loss`: sum(|p - g| m) / (sum(m) + eps).
- :class:`BCELoss`: per-pixel binary cross-entropy (no reduction; BalanceLoss reduces it).
- :class:`BalanceLoss`: PaddleOCR's OHEM wrapper around one of them: with P positive pixels
  (g m summed, truncated to an int) it keeps the positives' loss and the K = min(#negatives,
  ratio P) largest negative losses, and divides by P + K + eps. With a loss that reduces to one
  number (Dice, MaskL1) every negative carries that number, so the result is close to the plain
  loss; PP-OCRv3 (main_loss_type DiceLoss) is in that case.
"""

from __future__ import annotations

import paddle
from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError

MAIN_LOSS_TYPES = ("DiceLoss", "BCELoss", "MaskL1Loss")


class DiceLoss(nn.Layer):
    def __init__(self, eps: float = 1e-6):
        super().__init__()
        self.eps = eps

    def forward(self, pred: paddle.Tensor, gt: paddle.Tensor, mask: paddle.Tensor,
                weights: paddle.Tensor | None = None) -> paddle.Tensor:
        if weights is not None:
            mask = weights * mask
        intersection = paddle.sum(pred * gt * mask)
        union = paddle.sum(pred * mask) + paddle.sum(gt * mask) + self.eps
        return 1 - 2.0 * intersection / union


class MaskL1Loss(nn.Layer):
    def __init__(self, eps: float = 1e-6):
        super().__init__()
        self.eps = eps

    def forward(self, pred: paddle.Tensor, gt: paddle.Tensor, mask: paddle.Tensor) -> paddle.Tensor:
        return (paddle.abs(pred - gt) * mask).sum() / (mask.sum() + self.eps)


class BCELoss(nn.Layer):
    def forward(self, pred: paddle.Tensor, gt: paddle.Tensor, mask: paddle.Tensor | None = None) -> paddle.Tensor:
        return F.binary_cross_entropy(pred, gt, reduction="none")


class BalanceLoss(nn.Layer):
    def __init__(self, balance_loss: bool = True, main_loss_type: str = "DiceLoss", negative_ratio: float = 3,
                 eps: float = 1e-6):
        super().__init__()
        if main_loss_type not in MAIN_LOSS_TYPES:
            raise ConfigError(f"main_loss_type: expected one of {MAIN_LOSS_TYPES}, got {main_loss_type!r}")
        if negative_ratio <= 0:
            raise ConfigError(f"ohem_ratio / negative_ratio: expected > 0, got {negative_ratio!r}")
        self.balance_loss = balance_loss
        self.negative_ratio = negative_ratio
        self.eps = eps
        self.loss = {"DiceLoss": lambda: DiceLoss(eps), "BCELoss": BCELoss,
                     "MaskL1Loss": lambda: MaskL1Loss(eps)}[main_loss_type]()

    def forward(self, pred: paddle.Tensor, gt: paddle.Tensor, mask: paddle.Tensor) -> paddle.Tensor:
        loss = self.loss(pred, gt, mask)
        if not self.balance_loss:
            return loss
        positive = gt * mask
        negative = (1 - gt) * mask
        positive_count = int(positive.sum())
        negative_count = int(min(float(negative.sum()), positive_count * self.negative_ratio))
        positive_loss = (positive * loss).sum()
        if negative_count <= 0:
            return positive_loss / (positive_count + self.eps)
        negative_loss = (negative * loss).reshape([-1])
        hardest = paddle.topk(negative_loss, k=negative_count)[0]
        return (positive_loss + hardest.sum()) / (positive_count + negative_count + self.eps)
