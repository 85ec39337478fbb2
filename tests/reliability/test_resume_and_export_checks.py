"""Small checks on what a run reads back (issue 15, item 9): trainer state types, a checkpoint
already past the run's end, ``print_batch_step: 0``, a python tag in an export's ``inference.yml``."""

from __future__ import annotations

import json
import os

import pytest
import yaml
from helpers import REPO, cls_overrides, run_tool, write_cls_set

from ppocr.config import load_config
from ppocr.engine.checkpoint import read_state
from ppocr.engine.trainer import TrainState
from ppocr.errors import CheckpointError, ConfigError
from ppocr.inference.predictor import Predictor

CFG = str(REPO / "configs" / "cls" / "ppocrv3_cls.yml")


@pytest.mark.parametrize("key, value, want", [
    ("global_step", "12", "an integer >= 0"),
    ("epoch", 2.5, "an integer >= 0"),
    ("seed", True, "an integer >= 0"),
    ("samples_seen", -3, "an integer >= 0"),
    ("best", [1], "an object"),
])
def test_state_json_types_are_checked(key, value, want):
    with pytest.raises(CheckpointError) as e:
        TrainState.from_dict({"epoch": 1, key: value}, "out/latest/state.json")
    assert str(e.value) == f"out/latest/state.json: '{key}' must be {want}, got {json.dumps(value)}"


def test_good_state_json_still_loads():
    s = TrainState.from_dict({"epoch": 3, "global_step": 7, "best": {"acc": 1.0}, "unknown": "x"})
    assert (s.epoch, s.global_step, s.best) == (3, 7, {"acc": 1.0})


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    root = tmp_path_factory.mktemp("cls_done")
    data = {"train": write_cls_set(root / "train", 16, 1), "eval": write_cls_set(root / "eval", 8, 2)}
    out = root / "out"
    run_tool("tools/train.py", "-c", CFG, "-o",
             *cls_overrides(data, out, **{"Global.epoch_num": 1, "Global.eval_batch_step": [0, 1]}))
    return data, out


def snapshot(out) -> dict:
    return {str(p.relative_to(out)): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in out.rglob("*") if p.is_file() and p.name != "train.log"}


@pytest.mark.parametrize("max_iters", [1, 2])  # past the end, exactly at it (2 steps were trained)
def test_resume_at_or_past_the_end_trains_and_writes_nothing(finished, max_iters):
    data, out = finished
    state = read_state(str(out / "latest"))
    assert state["global_step"] == 2
    before = snapshot(out)
    r = run_tool("tools/train.py", "-c", CFG, "-o",
                 *cls_overrides(data, out, **{"Global.checkpoints": str(out / "latest"),
                                              "Global.max_iters": max_iters}))
    assert snapshot(out) == before
    said = [ln for ln in (r.stdout + r.stderr).splitlines() if "nothing to train" in ln]
    assert len(said) == 1 and f"already at step 2 of this run's {max_iters}" in said[0]
    assert read_state(str(out / "best_accuracy"))["epoch"] == 1


def test_print_batch_step_zero_is_refused(tmp_path):
    cfg = yaml.safe_load(open(CFG, encoding="utf-8"))
    cfg["Global"]["print_batch_step"] = 0
    path = tmp_path / "zero.yml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(str(path))
    assert str(e.value) == f"{path}: Global.print_batch_step expects an integer >= 1, got 0"
    with pytest.raises(ConfigError, match="print_batch_step expects an integer >= 1, got 0"):
        load_config(CFG, ["Global.print_batch_step=0"])


@pytest.mark.parametrize("text, problem", [
    ("model_type: rec\nx: !!python/object/apply:os.system ['touch {marker}']\n", "could not determine a constructor"),
    ("model_type: [rec\n", "while parsing"),
    ("- a list\n", "expected a mapping, got list"),
])
def test_bad_inference_yml_is_one_line(tmp_path, text, problem):
    marker = tmp_path / "pwned"
    export = tmp_path / "export"
    export.mkdir()
    (export / "inference.yml").write_text(text.format(marker=marker), encoding="utf-8")
    (export / "inference.json").write_text("{}", encoding="utf-8")
    (export / "inference.pdiparams").write_bytes(b"")
    with pytest.raises(CheckpointError) as e:
        Predictor.from_export(str(export))
    msg = str(e.value)
    assert msg.startswith(f"{export / 'inference.yml'}: not a valid export description (")
    assert problem in msg and "\n" not in msg
    assert not marker.exists() and not os.path.exists("pwned")
