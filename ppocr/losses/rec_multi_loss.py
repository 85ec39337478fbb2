"""MultiLoss: PP-OCRv3's CTC loss plus the SAR guide loss (GTC), weighted and summed.

``loss_config_list`` is PaddleOCR's list of single-key mappings (``- CTCLoss:`` / ``- SARLoss: {...}``);
each entry is built from the loss registry with its own keys. ``weight_1`` weights CTCLoss and
``weight_2`` the other (guide) loss, as in PaddleOCR. The result holds ``loss`` (the weighted sum)
and each weighted term under its name (``CTCLoss``, ``SARLoss``), as PaddleOCR logs them.
"""

from __future__ import annotations

from paddle import nn

from ppocr.errors import ConfigError
from ppocr.registry import LOSSES, accepted_args


@LOSSES.register
class MultiLoss(nn.Layer):
    def __init__(self, loss_config_list: list, charset=None, weight_1: float = 1.0, weight_2: float = 1.0):
        super().__init__()
        where = "Loss.loss_config_list"
        if not isinstance(loss_config_list, list) or not loss_config_list:
            raise ConfigError(f"{where}: expected a non-empty list like [{{CTCLoss: null}}, "
                              f"{{SARLoss: null}}], got {loss_config_list!r}")
        for key, w in (("weight_1", weight_1), ("weight_2", weight_2)):
            if isinstance(w, bool) or not isinstance(w, (int, float)):
                raise ConfigError(f"Loss.{key}: expected a number, got {w!r}")
        self.names, self.weights = [], []
        losses = []
        for i, item in enumerate(loss_config_list):
            if not isinstance(item, dict) or len(item) != 1:
                raise ConfigError(f"{where}[{i}]: expected a single-key mapping like 'CTCLoss: {{}}', "
                                  f"got {item!r}")
            (name, args), = item.items()
            at = f"{where}[{i}].{name}"
            if name in self.names:
                raise ConfigError(f"{at}: {name} is listed twice")
            if name == "MultiLoss":
                raise ConfigError(f"{at}: MultiLoss cannot contain itself")
            if args is not None and not isinstance(args, dict):
                raise ConfigError(f"{at}: arguments must be a mapping, got {args!r}")
            provided = {}
            if "charset" in accepted_args(LOSSES.get(name, at))[0]:
                provided["charset"] = charset
            losses.append(LOSSES.build_named(name, args, at, **provided))
            self.names.append(name)
            self.weights.append(float(weight_1 if name == "CTCLoss" else weight_2))
        self.losses = nn.LayerList(losses)

    def forward(self, outputs: dict, batch: dict) -> dict:
        result, total = {}, 0.0
        for name, weight, loss_fn in zip(self.names, self.weights, self.losses):
            term = loss_fn(outputs, batch)["loss"] * weight
            result[name] = term
            total = total + term
        result["loss"] = total
        return result
