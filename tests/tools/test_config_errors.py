"""A bad config value stops a tool with exit status 2 and one line naming the -o item (or file) and
the key, never a traceback."""

from __future__ import annotations

import pytest
from helpers import REPO, run_tool

CASES = [
    ("Global.epoch_num=ten", "Global.epoch_num expects an integer, got 'ten'"),
    ("Optimizer.lr.learning_rate=fast", "Optimizer.lr.learning_rate: Cosine learning_rate expects a number, "
                                        "got 'fast'"),
    ("Global.eval_batch_step=[0,", "the value is not valid YAML"),
    ("Global.use_gpu=maybe", "Global.use_gpu expects true or false, got 'maybe'"),
    ("Global.max_bad_sample_ratio=-0.5", "Global.max_bad_sample_ratio expects a number in [0, 1], got -0.5"),
    ("Global.max_bad_sample_ratio=5", "Global.max_bad_sample_ratio expects a number in [0, 1], got 5"),
    ("version=2", "version: unknown config version 2"),
    ("PostProcess.key=[a", "the value is not valid YAML"),
]


@pytest.mark.parametrize("item, message", CASES)
def test_train_stops_with_one_line_naming_the_override(item, message):
    r = run_tool("tools/train.py", "-c", "configs/cls/ppocrv3_cls.yml", "-o", item, check=False, timeout=120)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(f"error: -o {item}: ") and message in errors[0], r.stderr


def test_unknown_key_under_a_distillation_postprocess_names_the_file(tmp_path):
    src = (REPO / "configs" / "det" / "ppocrv3_det_cml.yml").read_text()
    assert "  unclip_ratio: 1.5\n" in src
    path = tmp_path / "cml.yml"
    path.write_text(src.replace("  unclip_ratio: 1.5\n", "  unclip_ratio: 1.5\n  kk: 1\n", 1))
    r = run_tool("tools/train.py", "-c", str(path), check=False, timeout=120)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {path}: PostProcess: DistillationDBPostProcess got unknown key 'kk'; "
                      f"accepts: model_name, key, thresh, box_thresh, max_candidates, unclip_ratio, "
                      f"use_dilation, score_mode, box_type"], r.stderr
