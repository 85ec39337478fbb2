"""CTCLoss: connectionist temporal classification over the CTC head's logits (blank = class 0).

``outputs['ctc']`` holds raw logits (N, T, C); paddle's CTC applies the softmax itself. The loss is
computed per sample (summed over time, not normalised by length) and averaged over the batch, as
PaddleOCR does. ``use_focal_loss`` weights each sample's loss by ``(1 - exp(-loss))^2``.
Labels: ``batch['label_ctc']`` (MultiLabelEncode) or ``batch['label']`` (CTCLabelEncode), padded
with 0, and ``batch['length']``.
"""

from __future__ import annotations

import paddle
from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError
from ppocr.losses.inputs import as_tensor, batch_value, output_value
from ppocr.registry import LOSSES


def ctc_loss(logits: paddle.Tensor, labels, lengths, use_focal_loss: bool = False) -> paddle.Tensor:
    """Mean over the batch of per-sample CTC losses; ``logits`` (N, T, C) unnormalised."""
    logits = as_tensor(logits, "float32")  # warpctc wants float32, also under AMP
    n, t = logits.shape[0], logits.shape[1]
    input_lengths = paddle.full([n], t, dtype="int64")
    loss = F.ctc_loss(logits.transpose([1, 0, 2]), as_tensor(labels, "int32"), input_lengths,
                      as_tensor(lengths, "int64").reshape([-1]), blank=0, reduction="none")
    if use_focal_loss:
        loss = loss * paddle.square(1.0 - paddle.exp(-loss))
    return loss.mean()


@LOSSES.register
class CTCLoss(nn.Layer):
    def __init__(self, use_focal_loss: bool = False):
        super().__init__()
        if not isinstance(use_focal_loss, bool):
            raise ConfigError(f"CTCLoss.use_focal_loss: expected true or false, got {use_focal_loss!r}")
        self.use_focal_loss = use_focal_loss

    def forward(self, outputs, batch: dict) -> dict:
        logits = output_value(outputs, "ctc", "CTCLoss")
        labels = batch_value(batch, ("label_ctc", "label"), "CTCLoss")
        lengths = batch_value(batch, ("length",), "CTCLoss")
        return {"loss": ctc_loss(logits, labels, lengths, self.use_focal_loss)}
