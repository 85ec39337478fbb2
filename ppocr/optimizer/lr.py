"""Learning-rate schedules, stepped once per iteration, each with an optional linear warmup.

``step_each_epoch`` and ``total_steps`` are provided by the builder from the data and from
``Global.epoch_num`` / ``Global.max_iters``; epochs in these configs are converted to iterations.
"""

from __future__ import annotations

from paddle.optimizer import lr as plr

from ppocr.errors import ConfigError
from ppocr.registry import LR_SCHEDULERS


def _warmup(schedule, peak: float, warmup_epoch: float, warmup_steps: int | None, step_each_epoch: int):
    steps = int(warmup_steps) if warmup_steps is not None else int(round(warmup_epoch * step_each_epoch))
    if steps < 0:
        raise ConfigError(f"Optimizer.lr: warmup must be >= 0, got {steps} steps")
    if steps == 0:
        return schedule
    return plr.LinearWarmup(learning_rate=schedule, warmup_steps=steps, start_lr=0.0, end_lr=peak)


@LR_SCHEDULERS.register
def Cosine(learning_rate: float, step_each_epoch: int, total_steps: int, warmup_epoch: float = 0,
           warmup_steps: int | None = None):
    """Cosine decay from ``learning_rate`` to 0 over the whole run."""
    sched = plr.CosineAnnealingDecay(learning_rate=float(learning_rate), T_max=max(1, total_steps))
    return _warmup(sched, float(learning_rate), warmup_epoch, warmup_steps, step_each_epoch)


@LR_SCHEDULERS.register
def Piecewise(decay_epochs: list, values: list, step_each_epoch: int, total_steps: int,
              warmup_epoch: float = 0, warmup_steps: int | None = None, by_iters: bool = False):
    """``values[i]`` until ``decay_epochs[i]`` (or iterations with ``by_iters``)."""
    if len(values) != len(decay_epochs) + 1:
        raise ConfigError(f"Optimizer.lr.values: needs len(decay_epochs) + 1 = {len(decay_epochs) + 1} "
                          f"values, got {len(values)}")
    bounds = [int(e) if by_iters else int(e * step_each_epoch) for e in decay_epochs]
    sched = plr.PiecewiseDecay(boundaries=bounds, values=[float(v) for v in values])
    return _warmup(sched, float(values[0]), warmup_epoch, warmup_steps, step_each_epoch)


@LR_SCHEDULERS.register
def Linear(learning_rate: float, step_each_epoch: int, total_steps: int, end_lr: float = 0.0,
           power: float = 1.0, warmup_epoch: float = 0, warmup_steps: int | None = None):
    """Polynomial (linear for power 1) decay to ``end_lr`` over the whole run."""
    sched = plr.PolynomialDecay(learning_rate=float(learning_rate), decay_steps=max(1, total_steps),
                                end_lr=float(end_lr), power=float(power))
    return _warmup(sched, float(learning_rate), warmup_epoch, warmup_steps, step_each_epoch)


@LR_SCHEDULERS.register
def Const(learning_rate: float, step_each_epoch: int, total_steps: int, warmup_epoch: float = 0,
          warmup_steps: int | None = None):
    sched = plr.LambdaDecay(learning_rate=float(learning_rate), lr_lambda=lambda _: 1.0)
    return _warmup(sched, float(learning_rate), warmup_epoch, warmup_steps, step_each_epoch)
