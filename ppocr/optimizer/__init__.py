"""Optimizers and learning-rate schedules; ``build_optimizer`` turns ``Optimizer`` into both."""

from __future__ import annotations

import contextlib
import logging

from ppocr.errors import ConfigError
from ppocr.optimizer import lr, optimizers  # noqa: F401  (registers)
from ppocr.registry import LR_SCHEDULERS, OPTIMIZERS


def build_optimizer(cfg: dict, named_parameters, step_each_epoch: int, total_steps: int,
                    where: str = "Optimizer"):
    """Return (optimizer, lr schedule). ``Optimizer.lr`` may be a schedule mapping or a number."""
    if not isinstance(cfg, dict) or "name" not in cfg:
        raise ConfigError(f"{where}: expected a mapping with 'name' (one of {', '.join(OPTIMIZERS.names())})")
    args = {k: v for k, v in cfg.items() if k not in ("name", "lr")}
    lr_cfg = cfg.get("lr", {"name": "Const", "learning_rate": 0.001})
    if isinstance(lr_cfg, (int, float)):
        lr_cfg = {"name": "Const", "learning_rate": float(lr_cfg)}
    schedule = LR_SCHEDULERS.build(lr_cfg, f"{where}.lr", step_each_epoch=max(1, step_each_epoch),
                                   total_steps=max(1, total_steps))
    params = [(n, p) for n, p in named_parameters if not p.stop_gradient]
    if not params:
        raise ConfigError(f"{where}: the model has no trainable parameters (all frozen?)")
    with _without_regularizer_notice():
        optimizer = OPTIMIZERS.build_named(cfg["name"], args, where, learning_rate=schedule, parameters=params)
    return optimizer, schedule


class _DropNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "will not take effect" not in record.getMessage()


@contextlib.contextmanager
def _without_regularizer_notice():
    """Paddle logs, at every optimizer it builds, that parameters with their own regulariser keep it
    (MobileNetV1Enhance's BatchNorm, the CTC head's fc): documented behaviour, not news each run."""
    root, notice = logging.getLogger(), _DropNotice()
    handlers = [root, *root.handlers]
    for h in handlers:
        h.addFilter(notice)
    try:
        yield
    finally:
        for h in handlers:
            h.removeFilter(notice)


def check_optimizer(cfg: dict, where: str = "Optimizer") -> None:
    """Validate keys without building (no parameters are needed)."""
    if not isinstance(cfg, dict) or "name" not in cfg:
        raise ConfigError(f"{where}: expected a mapping with 'name' (one of {', '.join(OPTIMIZERS.names())})")
    OPTIMIZERS.check(cfg["name"], {k: v for k, v in cfg.items() if k not in ("name", "lr")}, where,
                     provided=("learning_rate", "parameters"))
    lr_cfg = cfg.get("lr")
    if isinstance(lr_cfg, dict):
        if "name" not in lr_cfg:
            raise ConfigError(f"{where}.lr: missing 'name' (one of {', '.join(LR_SCHEDULERS.names())})")
        LR_SCHEDULERS.check(lr_cfg["name"], {k: v for k, v in lr_cfg.items() if k != "name"}, f"{where}.lr",
                            provided=("step_each_epoch", "total_steps"))
