"""TextRotNet end to end on tiny generated lines: train -> resume -> eval (rotation accuracy) ->
its backbone loads into the recogniser, by explicit allowance for the heads."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import REPO, run_tool, write_rec_sets

from ppocr.errors import CheckpointError

pytestmark = pytest.mark.slow
CFG = str(REPO / "configs" / "ssl" / "ppocrv3_textrotnet.yml")
REC_CFG = str(REPO / "configs" / "rec" / "ppocrv3_rec.yml")
EN_DICT = "ppocr/utils/dict/en_dict.txt"


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    return write_rec_sets(tmp_path_factory.mktemp("ssl_data"), 12, 5, max_len=8)


def overrides(data, out, **extra):
    o = {"Global.save_model_dir": out, "Global.epoch_num": 1, "Global.print_batch_step": 1,
         "Global.use_gpu": "false", "Global.save_epoch_step": 1, "Global.eval_batch_step": "[0,1000]",
         "Train.dataset.data_dir": data / "train" / "images", "Train.loader.batch_size_per_card": 4,
         "Train.loader.num_workers": 0,
         "Train.dataset.transforms.SSLRotateResize.image_shape": "[3,32,96]",
         # eval reads a list file: the rec label file, whose text after the tab is not read
         "Eval.dataset.data_dir": data / "eval", "Eval.dataset.list_file": data / "eval" / "label.txt",
         "Eval.dataset.transforms.SSLRotateResize.image_shape": "[3,32,96]",
         "Eval.loader.batch_size_per_card": 2, "Eval.loader.num_workers": 0}
    o.update(extra)
    return [f"{k}={v}" for k, v in o.items()]


@pytest.fixture(scope="module")
def trained(lines, tmp_path_factory):
    out = tmp_path_factory.mktemp("rotnet_run")
    r = run_tool("tools/train.py", "-c", CFG, "-o", *overrides(lines, out, **{"Global.max_iters": 2}))
    return {"out": out, "log": r.stdout + r.stderr}


def test_trains_on_four_rotations_per_line(trained):
    out = trained["out"]
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["global_step"] == 2
    records = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    train = [r for r in records if r["kind"] == "train"]
    assert train and all(r["avg_samples"] == 16 for r in train)  # 4 lines x 4 rotations
    assert "ignoring Loss.main_indicator" not in trained["log"]  # our config sets no ignored key


def test_resume_then_eval_reports_rotation_accuracy(trained, lines):
    out = trained["out"]
    run_tool("tools/train.py", "-c", CFG, "-o", *overrides(lines, out), f"Global.checkpoints={out / 'latest'}")
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["global_step"] == 3 and state["epoch"] == 2  # 12 lines / 4 = 3 steps an epoch

    r = run_tool("tools/eval.py", "-c", CFG, "-o", *overrides(lines, out), f"Global.checkpoints={out / 'latest'}")
    metrics = json.loads(r.stdout.strip().splitlines()[-1])
    assert metrics["count"] == 20 and 0.0 <= metrics["acc"] <= 1.0  # 5 lines x 4 rotations


def _rec_config(pretrained, allow=None):
    from ppocr.config import load_config

    o = [f"Global.character_dict_path={EN_DICT}", f"Global.pretrained_model={pretrained}"]
    if allow is not None:
        o.append(f"Global.allow_mismatch={allow}")
    return load_config(REC_CFG, o)


def test_backbone_hands_over_to_the_recogniser(trained, logs):
    import paddle

    from ppocr.config import settings
    from ppocr.engine.builder import build_charset, build_model
    from ppocr.engine.checkpoint import load_weights

    ckpt = trained["out"] / "latest"
    cfg = _rec_config(ckpt, '["head.*"]')
    model = build_model(cfg, build_charset(cfg))
    summary = load_weights(model, settings(cfg).pretrained_model, settings(cfg).allow_mismatch,
                           what="Global.pretrained_model")
    rotnet = paddle.load(str(ckpt / "model.pdparams"), return_numpy=True)
    backbone = {k: v for k, v in rotnet.items() if k.startswith("backbone.")}
    state = model.state_dict()
    assert backbone and summary["loaded"] == len(backbone)
    for k, v in backbone.items():
        np.testing.assert_array_equal(state[k].numpy(), v, err_msg=k)
    assert sorted(summary["unused"]) == ["head.fc.bias", "head.fc.weight"]  # the rotation classifier
    assert all(r.startswith("head.") for r in summary["reinitialised"])
    assert len(summary["reinitialised"]) == len(state) - len(backbone)
    line = next(r.getMessage() for r in logs.records if r.getMessage().startswith("Global.pretrained_model"))
    assert f"loaded {len(backbone)}/{len(state)}; re-initialised (allowed): head." in line
    assert "unused from file: head.fc.weight, head.fc.bias" in line

    # without the allowance the mismatch is an error naming the heads, not a silent partial load
    strict = _rec_config(ckpt)
    with pytest.raises(CheckpointError, match="does not fit the model.*head\\..*allow_mismatch"):
        load_weights(build_model(strict, build_charset(strict)), str(ckpt))
