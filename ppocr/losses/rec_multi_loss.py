"""MultiLoss: PP-OCRv3's CTC loss plus the SAR guide loss (GTC), weighted and summed.

``loss_config_list`` is PaddleOCR's list of single-key mappings (``- CTCLoss:`` / ``- SARLoss: {...}``);
each entry is built from the loss registry with its own keys. ``weight_1`` weights CTCLoss and
``weight_2`` the other (guide) loss, as in PaddleOCR. The result holds ``loss`` (the weighted sum)
and each weighted term under its name (``CTCLoss``, ``SARLoss``), as PaddleOCR logs them.
"""

from __future__ import annotations

from paddle import nn

from ppocr.errors import ConfigError
from ppocr.losses.loss_list import build_loss, loss_items, weight_of
from ppocr.registry import LOSSES


@LOSSES.register
class MultiLoss(nn.Layer):
    def __init__(self, loss_config_list: list, charset=None, weight_1: float = 1.0, weight_2: float = 1.0):
        super().__init__()
        weights = {1: weight_of(weight_1, "Loss.weight_1"), 2: weight_of(weight_2, "Loss.weight_2")}
        self.names, self.weights = [], []
        losses = []
        for name, args, at in loss_items(loss_config_list, "[{CTCLoss: null}, {SARLoss: null}]"):
            if name in self.names:
                raise ConfigError(f"{at}: {name} is listed twice")
            if name == "MultiLoss":
                raise ConfigError(f"{at}: MultiLoss cannot contain itself")
            losses.append(build_loss(name, args, at, charset))
            self.names.append(name)
            self.weights.append(weights[1] if name == "CTCLoss" else weights[2])
        self.losses = nn.LayerList(losses)

    def forward(self, outputs: dict, batch: dict) -> dict:
        result, total = {}, 0.0
        for name, weight, loss_fn in zip(self.names, self.weights, self.losses):
            term = loss_fn(outputs, batch)["loss"] * weight
            result[name] = term
            total = total + term
        result["loss"] = total
        return result
