"""ClsLoss: cross entropy of a classifier's logits (text direction; TextRotNet's rotations).

PaddleOCR's TextRotNet config gives the loss a ``main_indicator`` it does not use (the metric's
key); it is accepted and ignored with one warning.
"""

from __future__ import annotations

import paddle
from paddle import nn

from ppocr.registry import LOSSES


@LOSSES.register(ignored_keys=("main_indicator",))
class ClsLoss(nn.Layer):
    def __init__(self):
        super().__init__()

    def forward(self, outputs: dict, batch: dict) -> dict:
        label = batch["label"]
        if not isinstance(label, paddle.Tensor):
            label = paddle.to_tensor(label)
        label = label.astype("int64").reshape([-1])
        return {"loss": nn.functional.cross_entropy(outputs["logits"], label)}
