"""The training loop. It runs steps and calls hooks; it never asks which algorithm it trains.

Hooks (:class:`ppocr.engine.hooks.base.Hook` subclasses) are assembled in
:func:`ppocr.engine.run.train` in a fixed, commented order and get the trainer at ``before_train``,
``after_step``, ``after_epoch`` and ``after_train``.
"""

from __future__ import annotations

import json
import time
import warnings
from dataclasses import asdict, dataclass, field
from typing import Any

import paddle

from ppocr.data.datasets.base import BAD_KEY, FILTERED_KEY
from ppocr.data.sampler import sample_seed_step
from ppocr.engine.hooks.base import Hook
from ppocr.engine.lookahead import Lookahead
from ppocr.errors import CheckpointError

# paddle's BatchNorm1D/2D/3D (the SVTR neck's ConvBNAct) warn on every training forward that they
# "now always track global mean and variance" (a Paddle 2.0 notice, not about this run)
BN_NOTICE = "When training, we now always track global mean and variance"


@dataclass
class TrainState:
    """Everything needed to continue a run, saved as JSON in each checkpoint."""

    epoch: int = 1                 # the epoch being trained (1-based, like PaddleOCR's logs)
    step_in_epoch: int = 0         # batches of this epoch already trained
    global_step: int = 0           # batches trained in total
    samples_seen: int = 0
    bad_samples: int = 0           # unusable images/labels skipped
    filtered_samples: int = 0      # samples a transform dropped on purpose
    best: dict = field(default_factory=dict)  # {"metric": {...}, "epoch": e, "global_step": s}
    seed: int = 0
    world_size: int = 1

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict, where: str = "state.json") -> TrainState:
        """Known keys, type-checked: a wrong value is one CheckpointError naming ``where`` and the key."""
        if not isinstance(d, dict):
            raise CheckpointError(f"{where}: expected a JSON object, got {type(d).__name__}")
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        for key, value in known.items():
            if key == "best":
                ok, want = isinstance(value, dict), "an object"
            else:  # JSON true/false are Python ints: refuse them too
                ok, want = isinstance(value, int) and not isinstance(value, bool) and value >= 0, \
                    "an integer >= 0"
            if not ok:
                raise CheckpointError(f"{where}: '{key}' must be {want}, got {json.dumps(value)}")
        return cls(**known)


@dataclass
class Training:
    """What a training step needs besides the batch: the (AMP-decorated) model, optimizer, LR
    schedule, loss and AMP state (``ppocr.engine.run.build_training`` builds it)."""

    model: Any
    optimizer: Any
    lr_scheduler: Any
    loss_fn: Any
    amp: Any = None  # ppocr.engine.amp.Amp or None
    forward: Any = None  # batch -> losses, replacing loss_fn(model(batch)) (Global.to_static)


@dataclass
class Schedule:
    total_steps: int       # stop after this many batches
    steps_per_epoch: int
    epoch_num: int


class Trainer:
    """``Trainer(training, data, schedule, state, hooks).train()``; ``run_step(batch)`` alone is one
    iteration (tools/replay_trajectory.py drives it with fixed batches)."""

    def __init__(self, training: Training, data, schedule: Schedule, state: TrainState,
                 hooks: list[Hook] = ()):
        for hook in hooks:
            if not isinstance(hook, Hook):
                raise TypeError(f"{type(hook).__name__} is not a ppocr.engine.hooks.base.Hook")
        self.model = training.model
        self.loss_fn = training.loss_fn
        self.optimizer = training.optimizer
        self.lr_scheduler = training.lr_scheduler
        self.amp = training.amp
        self.forward = training.forward  # the opt-in compiled forward (Global.to_static), or None
        self._losses = training.forward or self.eager_forward  # batch -> losses
        self.data = data                  # ppocr.data.loader.Data for Train (None: run_step only)
        self.total_steps = schedule.total_steps
        self.steps_per_epoch = schedule.steps_per_epoch
        self.epoch_num = schedule.epoch_num
        self.hooks = list(hooks)
        self.state = state
        self.last_losses: dict[str, float] = {}  # each loss entry as a number (a vector's mean)
        self.last_loss_terms: dict = {}          # the loss dict as the loss returned it
        self.last_batch = None  # (the outputs are not kept: they would live through the next forward)
        self.batch_size = 0
        self.reader_cost = 0.0
        self.batch_cost = 0.0
        # installed by the trainer, not at import: the notice would otherwise print once per step
        warnings.filterwarnings("ignore", message=BN_NOTICE, category=UserWarning)

    def _call(self, event: str) -> None:
        for hook in self.hooks:
            getattr(hook, event)(self)

    @property
    def done(self) -> bool:
        return self.state.global_step >= self.total_steps

    def train(self) -> TrainState:
        self.model.train()
        self._call("before_train")
        while not self.done:
            self.data.sampler.set_epoch(self.state.epoch, self.state.step_in_epoch)
            batches = Lookahead(self.data.loader)  # the next batch is read during run_step
            try:
                tic = time.perf_counter()
                batch = batches.next()
                while batch is not None:
                    self.reader_cost = time.perf_counter() - tic
                    if self.state.global_step + 1 < self.total_steps:
                        batches.read_ahead()
                    self.run_step(batch)
                    batches.settle()  # before the hooks: they may read data (evaluation)
                    self.batch_cost = time.perf_counter() - tic
                    self._call("after_step")
                    tic = time.perf_counter()
                    if self.done:
                        break
                    batch = batches.next()
            finally:
                batches.close()
            if self.state.step_in_epoch >= self.steps_per_epoch:
                self.state.epoch += 1
                self.state.step_in_epoch = 0
                self._call("after_epoch")
        self._call("after_train")
        return self.state

    def eager_forward(self, batch: dict) -> dict:
        return self.loss_fn(self.model(batch), batch)

    def run_step(self, batch: dict) -> None:
        s = self.state
        s.bad_samples += int(sum(batch.pop(BAD_KEY, [0])))
        s.filtered_samples += int(sum(batch.pop(FILTERED_KEY, [0])))
        # dropout and other in-model randomness: a function of (seed, step), so a resumed run
        # draws exactly what the uninterrupted one would have
        paddle.seed(sample_seed_step(s.seed, s.global_step))
        if self.amp is not None:
            with self.amp.autocast():
                losses = self._losses(batch)
            self.amp.backward_and_step(losses["loss"], self.optimizer)
        else:
            losses = self._losses(batch)
            losses["loss"].backward()
            self.optimizer.step()
        self.optimizer.clear_grad()
        if self.lr_scheduler is not None:
            self.lr_scheduler.step()
        self.batch_size = int(batch["image"].shape[0])
        s.global_step += 1
        s.step_in_epoch += 1
        s.samples_seen += self.batch_size * s.world_size
        # a per-image loss vector (PaddleOCR's detection DML) is logged as its mean, as PaddleOCR does
        self.last_losses = {k: float(v.mean()) for k, v in losses.items() if hasattr(v, "shape")}
        self.last_loss_terms = losses
        self.last_batch = batch

    @property
    def lr(self) -> float:
        return float(self.optimizer.get_lr())

