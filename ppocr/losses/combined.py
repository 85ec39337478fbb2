"""CombinedLoss: PaddleOCR's weighted list of losses (``loss_config_list``), summed.

Each item is ``{LossName: {weight: w, ...its own keys}}``. Every term of an item is logged
multiplied by its weight, and ``loss`` is the sum of the items' weighted totals.
"""

from __future__ import annotations

from paddle import nn

from ppocr.errors import ConfigError
from ppocr.registry import LOSSES, accepted_args


@LOSSES.register
class CombinedLoss(nn.Layer):
    def __init__(self, loss_config_list: list, charset=None, max_text_length: int | None = None):
        super().__init__()
        where = "Loss.loss_config_list"
        if not isinstance(loss_config_list, list) or not loss_config_list:
            raise ConfigError(f"{where}: expected a non-empty list of single-key mappings")
        losses, self.weights = [], []
        for i, item in enumerate(loss_config_list):
            if not isinstance(item, dict) or len(item) != 1:
                raise ConfigError(f"{where}[{i}]: expected a single-key mapping like 'DBLoss: {{...}}', "
                                  f"got {item!r}")
            (name, args), = item.items()
            at = f"{where}[{i}].{name}"
            args = dict(args or {})
            weight = args.pop("weight", 1.0)
            if isinstance(weight, bool) or not isinstance(weight, (int, float)):
                raise ConfigError(f"{at}.weight: expected a number, got {weight!r}")
            accepted = accepted_args(LOSSES.get(name, at))[0]
            provided = {"charset": charset} if "charset" in accepted else {}
            losses.append(LOSSES.build_named(name, args, at, {"max_text_length": max_text_length},
                                             **provided))
            self.weights.append(float(weight))
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
