"""A fine-tune a user can trust: the starting weights are evaluated at step 0 and are the best so
far, so best_accuracy never scores below them; the run ends with a summary; Global.freeze_norm and
the training-line metric (an eval-mode read of the last training batch)."""

from __future__ import annotations

import json

import numpy as np
import paddle
import pytest
from helpers import REPO, cls_overrides, run_tool, write_cls_set

pytestmark = pytest.mark.slow
CFG = str(REPO / "configs" / "cls" / "ppocrv3_cls.yml")


@pytest.fixture(scope="module")
def cls_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("cls_ft")
    return {"train": write_cls_set(root / "train", 16, seed=1), "eval": write_cls_set(root / "eval", 16, seed=2)}


@pytest.fixture(scope="module")
def start(tmp_path_factory, cls_data):
    """Starting weights with a known eval accuracy: a short run from scratch."""
    out = tmp_path_factory.mktemp("start")
    run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(cls_data, out, **{"Global.epoch_num": 3}))
    return out / "latest"


def _records(out, kind):
    return [r for r in map(json.loads, (out / "log.jsonl").read_text().splitlines()) if r["kind"] == kind]


def test_a_fine_tune_that_gets_worse_keeps_the_starting_weights_as_best(start, cls_data, tmp_path):
    out = tmp_path / "ft"
    # lr 0.5 wrecks the model: no step beats the start
    r = run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(
        cls_data, out, **{"Global.pretrained_model": start, "Global.epoch_num": 2, "Global.eval_batch_step": [0, 1],
                          "Optimizer.lr.learning_rate": 0.5, "Optimizer.lr.warmup_epoch": 0}))
    evals = _records(out, "eval")
    assert evals[0]["step"] == 0  # the baseline, logged as step 0
    baseline = evals[0]["acc"]
    state = json.loads((out / "best_accuracy" / "state.json").read_text())
    assert state["best"]["baseline"] is True and state["best"]["global_step"] == 0
    assert state["best"]["metric"]["acc"] == baseline == max(e["acc"] for e in evals)
    # best_accuracy holds exactly the starting weights
    a = paddle.load(str(out / "best_accuracy" / "model.pdparams"), return_numpy=True)
    b = paddle.load(str(start / "model.pdparams"), return_numpy=True)
    assert all(np.array_equal(a[k], b[k]) for k in b)
    summary, = _records(out, "summary")
    assert summary["start"] == baseline and summary["best_step"] == 0 and summary["final"] == evals[-1]["acc"]
    assert summary["steps"] == 4 and summary["samples_per_s"] > 0 and summary["best_accuracy"].endswith("best_accuracy")
    assert summary["export"].startswith("python tools/export_model.py -c ")
    assert "did not improve on the start" in r.stdout + r.stderr


def test_from_scratch_there_is_no_baseline_and_eval_at_start_is_a_switch(cls_data, start, tmp_path):
    run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(cls_data, tmp_path / "a", **{"Global.epoch_num": 1}))
    assert all(e["step"] > 0 for e in _records(tmp_path / "a", "eval"))
    run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(
        cls_data, tmp_path / "b", **{"Global.epoch_num": 1, "Global.pretrained_model": start,
                                     "Global.eval_at_start": False}))
    assert all(e["step"] > 0 for e in _records(tmp_path / "b", "eval"))


def test_training_line_metric_reads_the_batch_in_eval_mode():
    from ppocr.engine.hooks.logger import LoggerHook
    from ppocr.engine.trainer import Schedule, Trainer, Training, TrainState

    class Model(paddle.nn.Layer):  # answers right only when read as evaluation reads
        def forward(self, batch):
            return {"pred": batch["label"] if not self.training else 1 - batch["label"]}

    class Post:
        def __call__(self, outputs, batch):
            return outputs["pred"].numpy().tolist()

    class Metric:
        def reset(self):
            self.right = []

        def update(self, preds, batch):
            self.right += [p == t for p, t in zip(preds, batch["label"].numpy().tolist())]

        def compute(self):
            return {"acc": sum(self.right) / len(self.right), "count": len(self.right)}

    model = Model()
    trainer = Trainer(Training(model, None, None, None), None, Schedule(1, 1, 1), TrainState())
    trainer.last_batch = {"label": paddle.to_tensor([0, 1, 1])}
    hook = LoggerHook(None, 1, 1, (Post(), Metric()))
    model.train()
    assert hook.batch_metric(trainer) == {"acc": 1.0} and model.training
