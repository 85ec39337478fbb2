"""Write ``latest`` (every ``save_latest_step`` and at epoch ends), ``iter_epoch_N`` (every
``save_epoch_step`` epochs) and ``best_accuracy`` (when evaluation improves). Rank 0 only."""

from __future__ import annotations

import os

from ppocr.engine.checkpoint import save_checkpoint
from ppocr.engine.hooks.base import Hook
from ppocr.utils.logging import get_logger


class CheckpointHook(Hook):
    api = ("save", "save_best")

    def __init__(self, out_dir: str, save_epoch_step: int, save_latest_step: int, model, config,
                 student=None, amp=None):
        self.out_dir = out_dir
        self.save_epoch_step = max(1, int(save_epoch_step))
        self.save_latest_step = int(save_latest_step or 0)
        self.model, self.config, self.student, self.amp = model, config, student, amp
        self.last_latest = -1
        self.best_at_latest = None

    def save(self, trainer, name: str, log: bool = True) -> None:
        path = os.path.join(self.out_dir, name)
        s = trainer.state
        save_checkpoint(path, self.model, trainer.optimizer, s.to_dict(), self.config,
                        student=self.student, scaler=self.amp.scaler if self.amp else None)
        if log:
            # at an epoch's end the state already points at the next epoch (the resume point)
            epoch = s.epoch - 1 if s.step_in_epoch == 0 and s.global_step > 0 else s.epoch
            get_logger().info(f"saved {name} (epoch {epoch}, step {s.global_step}) to {path}")
        if name == "latest":
            self.last_latest = trainer.state.global_step
            self.best_at_latest = dict(trainer.state.best)

    def after_step(self, trainer) -> None:
        s = trainer.state
        epoch_ends = s.step_in_epoch >= trainer.steps_per_epoch  # after_epoch saves it then
        if self.save_latest_step and s.global_step % self.save_latest_step == 0 and not epoch_ends:
            self.save(trainer, "latest")

    def after_epoch(self, trainer) -> None:
        finished = trainer.state.epoch - 1
        self.save(trainer, "latest", log=trainer.done)  # the routine epoch-end refresh goes unlogged
        if finished % self.save_epoch_step == 0:
            self.save(trainer, f"iter_epoch_{finished}")

    def after_train(self, trainer) -> None:
        s = trainer.state
        if self.last_latest != s.global_step or self.best_at_latest != s.best:
            self.save(trainer, "latest")

    def save_best(self, trainer) -> None:
        if trainer.state.best.get("baseline"):
            self.save(trainer, "best_accuracy", log=False)
            get_logger().info(f"saved best_accuracy (step 0: the starting weights, the baseline a step must "
                              f"beat) to {os.path.join(self.out_dir, 'best_accuracy')}")
            return
        self.save(trainer, "best_accuracy")

