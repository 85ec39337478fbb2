"""Work a training step does not need: a distillation model's evaluation runs only the sub-models
the post-process reads, and the training metric's extra forward is read at most every 10 steps and
within 1% of the training time."""

from __future__ import annotations

import paddle
import pytest

from ppocr.engine.hooks import logger as logger_module
from ppocr.engine.hooks.logger import METRIC_EVERY, METRIC_SHARE, LoggerHook
from ppocr.engine.trainer import Schedule, Trainer, Training, TrainState
from ppocr.errors import ConfigError
from ppocr.modeling.architectures.distillation_model import DistillationModel

TINY_CLS = {"Backbone": {"name": "MobileNetV3", "scale": 0.35, "model_name": "small"},
            "Head": {"name": "ClsHead", "class_dim": 2}}


def _model():
    return DistillationModel("cls", {"Teacher": dict(TINY_CLS, freeze_params=True), "Student": dict(TINY_CLS)})


def test_eval_runs_only_the_named_sub_models_and_training_runs_all():
    model = _model()
    calls = []
    for name in model.names:
        getattr(model, name).register_forward_post_hook(lambda layer, i, o, n=name: calls.append(n))
    batch = {"image": paddle.rand([1, 3, 32, 64])}
    model.eval()
    with paddle.no_grad():
        everything = model(batch)
        model.evaluate_only(["Student"])
        only = model(batch)
    assert sorted(everything) == ["Student", "Teacher"] and list(only) == ["Student"]
    # the same Student output either way
    key = next(iter(only["Student"]))
    assert paddle.equal_all(everything["Student"][key], only["Student"][key]).item()
    calls.clear()
    model.train()
    assert sorted(model(batch)) == ["Student", "Teacher"] and sorted(calls) == ["Student", "Teacher"]
    model.eval()
    model.evaluate_only(None)
    with paddle.no_grad():
        assert sorted(model(batch)) == ["Student", "Teacher"]


def test_evaluate_only_names_an_unknown_sub_model():
    with pytest.raises(ConfigError, match=r"PostProcess.model_name: no sub-model \['Student2'\]"):
        _model().evaluate_only(["Student", "Student2"])


class _Recorder:
    def __init__(self):
        self.lines = []

    def write(self, kind, step, record):
        self.lines.append((step, record))


def _metric_reads(monkeypatch, total: int, print_every: int, forward_seconds: float = 0.0):
    """The steps at which LoggerHook read the training metric over ``total`` 1 s steps (a fake
    clock) whose metric forward takes ``forward_seconds``, and the recorder's lines."""
    clock = [0.0]
    monkeypatch.setattr(logger_module.time, "perf_counter", lambda: clock[0])
    reads = []

    class Hook(LoggerHook):
        def batch_metric(self, trainer):
            reads.append(trainer.state.global_step)
            clock[0] += forward_seconds
            return {"acc": 0.5}

    class Opt:
        def get_lr(self):
            return 0.1

    trainer = Trainer(Training(None, Opt(), None, None), None, Schedule(total, total, 1), TrainState())
    recorder = _Recorder()
    hook = Hook(recorder, print_every, 1, (None, None))
    hook.before_train(trainer)
    for step in range(1, total + 1):
        clock[0] += 1.0
        trainer.state.global_step = step
        trainer.last_losses = {"loss": 1.0}
        hook.after_step(trainer)
    return reads, recorder.lines, clock[0]


def test_training_metric_is_read_at_most_every_ten_steps_when_logging_every_step(monkeypatch):
    reads, lines, _ = _metric_reads(monkeypatch, 25, 1)
    assert reads == [1, 1 + METRIC_EVERY, 1 + 2 * METRIC_EVERY]
    assert [s for s, r in lines if "acc" in r] == reads and len(lines) == 25
    # printing every 10 steps: every regular line has it, as before (the last, short one not)
    reads, _, _ = _metric_reads(monkeypatch, 25, 10)
    assert reads == [10, 20]  # step 25 (the last line) is 5 steps after 20


def test_training_metric_takes_at_most_its_share_of_the_time(monkeypatch):
    reads, _, elapsed = _metric_reads(monkeypatch, 120, 1, forward_seconds=0.25)  # a quarter of a step
    assert reads[0] == 1 and len(reads) >= 3  # not every 10 steps (12 reads): about every 25
    assert all(b - a >= METRIC_EVERY for a, b in zip(reads, reads[1:]))
    assert 0.25 * (len(reads) - 1) <= METRIC_SHARE * elapsed
