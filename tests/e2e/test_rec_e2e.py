"""Each recognition config end to end on tiny generated lines: train -> resume -> eval -> export -> infer."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from helpers import REPO, kill_and_resume, run_tool, write_rec_sets

pytestmark = pytest.mark.slow
EN_DICT = "ppocr/utils/dict/en_dict.txt"


@pytest.fixture(scope="module")
def rec_data(tmp_path_factory):
    return write_rec_sets(tmp_path_factory.mktemp("rec_data"), 16, 6, max_len=10)


def overrides(data, out, **extra):
    o = {"Global.save_model_dir": out, "Global.character_dict_path": EN_DICT, "Global.epoch_num": 1,
         "Global.print_batch_step": 1, "Global.use_gpu": "false", "Global.save_epoch_step": 1,
         "Train.dataset.data_dir": data / "train", "Train.dataset.label_file_list": f"[{data / 'train' / 'label.txt'}]",
         "Train.loader.batch_size_per_card": 4, "Train.loader.num_workers": 0,
         "Eval.dataset.data_dir": data / "eval", "Eval.dataset.label_file_list": f"[{data / 'eval' / 'label.txt'}]",
         "Eval.loader.batch_size_per_card": 6, "Eval.loader.num_workers": 0}
    o.update(extra)
    return [f"{k}={v}" for k, v in o.items()]


@pytest.mark.parametrize("name", ["ppocrv3_rec", "ppocrv3_rec_en", "ppocrv3_rec_udml"])
def test_rec_config_end_to_end(name, rec_data, tmp_path):
    cfg = str(REPO / "configs" / "rec" / f"{name}.yml")
    out = tmp_path / "run"
    run_tool("tools/train.py", "-c", cfg, "-o", *overrides(rec_data, out, **{"Global.max_iters": 2}))
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["global_step"] == 2
    distill = name.endswith("udml")
    assert (out / "latest" / "student.pdparams").is_file() == distill

    # resume: continue the same run to the end of its epoch (4 steps)
    run_tool("tools/train.py", "-c", cfg, "-o", *overrides(rec_data, out),
             f"Global.checkpoints={out / 'latest'}")
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["global_step"] == 4 and state["epoch"] == 2

    r = run_tool("tools/eval.py", "-c", cfg, "-o", *overrides(rec_data, out), f"Global.checkpoints={out / 'latest'}")
    metrics = json.loads(r.stdout.strip().splitlines()[-1])
    assert metrics["count"] == 6 and 0.0 <= metrics["acc"] <= 1.0 and "norm_edit_dis" in metrics

    export = tmp_path / "infer"
    run_tool("tools/export_model.py", "-c", cfg, "-o", *overrides(rec_data, out),
             f"Global.pretrained_model={out / 'latest'}", "--output", str(export))
    import yaml

    info = yaml.safe_load((export / "inference.yml").read_text())
    assert info["input_shape"] == [-1, 3, 48, -1] and info["PostProcess"]["name"] == "CTCLabelDecode"
    assert len(info["character_dict"]) == 96  # en_dict (95 + its own space line, deduplicated) + space
    assert info["sub_model"] == ("Student" if distill else None)

    r = run_tool("tools/infer.py", "rec", "--model_dir", str(export), "--image_dir", str(rec_data / "eval" / "images"))
    rows = [line.split("\t") for line in r.stdout.strip().splitlines()]
    assert len(rows) == 6 and all(0.0 <= float(row[2]) <= 1.0 for row in rows)


def test_student_weights_have_plain_keys(rec_data, tmp_path):
    import paddle

    cfg = str(REPO / "configs" / "rec" / "ppocrv3_rec_udml.yml")
    out = tmp_path / "run"
    run_tool("tools/train.py", "-c", cfg, "-o", *overrides(rec_data, out, **{"Global.max_iters": 1}))
    full = paddle.load(str(out / "latest" / "model.pdparams"), return_numpy=True)
    student = paddle.load(str(out / "latest" / "student.pdparams"), return_numpy=True)
    assert student and all(not k.startswith(("Student.", "Teacher.")) for k in student)
    for k, v in student.items():
        np.testing.assert_array_equal(v, full[f"Student.{k}"])
    # and the plain-key file fine-tunes a plain recogniser
    plain = str(REPO / "configs" / "rec" / "ppocrv3_rec_en.yml")
    run_tool("tools/train.py", "-c", plain, "-o", *overrides(rec_data, tmp_path / "plain", **{"Global.max_iters": 1}),
             f"Global.pretrained_model={out / 'latest' / 'student.pdparams'}")
    assert os.path.isdir(tmp_path / "plain" / "latest")


def test_sigkill_mid_epoch_then_resume_matches_uninterrupted(rec_data, tmp_path):
    """The recogniser has dropout (SVTR neck, SAR): a resumed run draws the same masks only because
    paddle's RNG is reseeded from (seed, step) before every step. Kill the run once the mid-epoch
    `latest` of step 2 is on disk, resume it, and compare every weight with an uninterrupted run."""
    cfg = str(REPO / "configs" / "rec" / "ppocrv3_rec_en.yml")
    base = {"Global.epoch_num": 2, "Global.save_latest_step": 2, "Global.eval_batch_step": "[0,10000]"}
    at_kill, end = kill_and_resume(cfg, lambda out: overrides(rec_data, out, **base), tmp_path,
                                   "saved latest (epoch 1, step 2)")
    assert at_kill["epoch"] == 1 and at_kill["step_in_epoch"] == 2  # mid-epoch (4 steps per epoch)
    assert end["global_step"] == 8
