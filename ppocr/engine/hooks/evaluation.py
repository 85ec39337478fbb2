"""Evaluate every ``Global.eval_batch_step`` (and at epoch ends / the end); track the best model."""

from __future__ import annotations

from collections.abc import Callable

from ppocr.engine.hooks.base import Hook


class EvalHook(Hook):
    api = ("run",)

    def __init__(self, run_eval: Callable[[], dict], start: int, every: int, epoch_end: bool,
                 main_indicator: str, recorder, on_best: Callable | None = None, at_start: bool = False):
        self.run_eval = run_eval
        self.at_start = at_start  # a fine-tune's step-0 baseline
        self.baseline: dict | None = None
        self.start, self.every, self.epoch_end = start, every, epoch_end
        self.main_indicator = main_indicator
        self.recorder = recorder
        self.on_best = on_best
        self.last_eval_step = -1
        self.last_metrics: dict = {}

    def before_train(self, trainer) -> None:
        """The starting weights' metric, logged as step 0 and taken as the best so far: only a step
        that beats it writes best_accuracy (the starting weights are saved as best_accuracy now,
        marked ``baseline`` in state.json)."""
        if not self.at_start or trainer.state.global_step > 0:
            return
        self.run(trainer, baseline=True)
        self.baseline = dict(self.last_metrics)

    def after_step(self, trainer) -> None:
        step = trainer.state.global_step
        if step > self.start and (step - self.start) % self.every == 0:
            self.run(trainer)

    def after_epoch(self, trainer) -> None:
        # the last epoch is evaluated here, before the checkpoint hook writes `latest`
        if self.epoch_end or trainer.done:
            self.run(trainer)

    def after_train(self, trainer) -> None:
        self.run(trainer)  # the figure a run ends with; skipped when this step was just evaluated

    def run(self, trainer, baseline: bool = False) -> None:
        s = trainer.state
        if self.last_eval_step == s.global_step:
            return
        self.last_eval_step = s.global_step
        metrics = self.run_eval()
        self.last_metrics = metrics
        value = metrics.get(self.main_indicator)
        best = s.best.get("metric", {}).get(self.main_indicator)
        improved = value is not None and (best is None or value > best)
        if improved:
            s.best = {"metric": metrics, "epoch": s.epoch, "global_step": s.global_step}
            if baseline:
                s.best["baseline"] = True  # best_accuracy holds the starting weights
        record = dict(metrics)
        if s.best:
            record[f"best_{self.main_indicator}"] = s.best["metric"][self.main_indicator]
            record["best_step"] = s.best["global_step"]
        self.recorder.write("eval", s.global_step, record)
        if improved and self.on_best is not None:
            self.on_best(trainer)
