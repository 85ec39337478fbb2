"""PaddleOCR's ``loss_config_list``: a list of single-key mappings, each a loss and its keys."""

from __future__ import annotations

from ppocr.errors import ConfigError
from ppocr.registry import LOSSES, accepted_args

WHERE = "Loss.loss_config_list"


def loss_items(items, example: str) -> list[tuple[str, dict, str]]:
    """(name, args, config path) per item; ``example`` shows the expected form in errors."""
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{WHERE}: expected a non-empty list like {example}, got {items!r}")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict) or len(item) != 1:
            raise ConfigError(f"{WHERE}[{i}]: expected a single-key mapping like 'CTCLoss: {{}}', got {item!r}")
        (name, args), = item.items()
        at = f"{WHERE}[{i}].{name}"
        if args is not None and not isinstance(args, dict):
            raise ConfigError(f"{at}: arguments must be a mapping, got {args!r}")
        out.append((name, dict(args or {}), at))
    return out


def build_loss(name: str, args: dict, at: str, charset=None, defaults: dict | None = None):
    """Build one item, handing it the charset when it takes one."""
    provided = {"charset": charset} if "charset" in accepted_args(LOSSES.get(name, at))[0] else {}
    return LOSSES.build_named(name, args, at, defaults, **provided)


def weight_of(value, at: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{at}: expected a number, got {value!r}")
    return float(value)
