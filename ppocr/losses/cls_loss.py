"""ClsLoss: cross entropy of the direction classifier's logits."""

from __future__ import annotations

import paddle
from paddle import nn

from ppocr.registry import LOSSES


@LOSSES.register
class ClsLoss(nn.Layer):
    def __init__(self):
        super().__init__()

    def forward(self, outputs: dict, batch: dict) -> dict:
        label = batch["label"]
        if not isinstance(label, paddle.Tensor):
            label = paddle.to_tensor(label)
        label = label.astype("int64").reshape([-1])
        return {"loss": nn.functional.cross_entropy(outputs["logits"], label)}
