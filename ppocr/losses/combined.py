"""CombinedLoss: PaddleOCR's weighted list of losses (``loss_config_list``), summed.

Each item is ``{LossName: {weight: w, ...its own keys}}``. Every term of an item is logged
multiplied by its weight, and ``loss`` is the sum of the items' weighted totals.
"""

from __future__ import annotations

from paddle import nn

from ppocr.losses.loss_list import build_loss, loss_items, weight_of
from ppocr.registry import LOSSES


@LOSSES.register
class CombinedLoss(nn.Layer):
    def __init__(self, loss_config_list: list, charset=None, max_text_length: int | None = None):
        super().__init__()
        losses, self.weights = [], []
        for name, args, at in loss_items(loss_config_list, "[{DBLoss: {weight: 1.0}}]"):
            self.weights.append(weight_of(args.pop("weight", 1.0), f"{at}.weight"))
            losses.append(build_loss(name, args, at, charset, {"max_text_length": max_text_length}))
        self.losses = nn.LayerList(losses)

    def forward(self, outputs: dict, batch: dict) -> dict:
        result, total = {}, 0.0
        for weight, loss_fn in zip(self.weights, self.losses):
            terms = loss_fn(outputs, batch)
            for k, v in terms.items():
                if k != "loss":
                    result[k] = v * weight
            total = total + terms["loss"] * weight
        result["loss"] = total
        return result
