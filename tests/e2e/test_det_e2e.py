"""Each detection config end to end on tiny generated pages: train -> resume -> eval -> export -> infer."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from helpers import REPO, run_tool

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def det_data(tmp_path_factory):
    from ppocr_synth import make_det_set

    root = tmp_path_factory.mktemp("det_data")
    make_det_set(str(root / "train"), 4, seed=1, height=192, width=192, max_len=8)
    make_det_set(str(root / "eval"), 2, seed=2, height=192, width=192, max_len=8)
    return root


def overrides(data, out, **extra):
    o = {"Global.save_model_dir": out, "Global.epoch_num": 1, "Global.print_batch_step": 1,
         "Global.use_gpu": "false", "Global.save_epoch_step": 1,
         "Train.dataset.data_dir": data / "train", "Train.dataset.label_file_list": f"[{data / 'train' / 'label.txt'}]",
         "Train.dataset.transforms.EastRandomCropData.size": "[128,128]",
         "Train.loader.batch_size_per_card": 2, "Train.loader.num_workers": 0,
         "Eval.dataset.data_dir": data / "eval", "Eval.dataset.label_file_list": f"[{data / 'eval' / 'label.txt'}]",
         "Eval.dataset.transforms.DetResizeForTest.limit_side_len": 192,
         "Eval.dataset.transforms.DetResizeForTest.limit_type": "max",
         "Eval.loader.num_workers": 0}
    o.update(extra)
    return [f"{k}={v}" for k, v in o.items()]


@pytest.mark.parametrize("name", ["ppocrv3_det_student", "ppocrv3_det_dml", "ppocrv3_det_cml"])
def test_det_config_end_to_end(name, det_data, tmp_path):
    cfg = str(REPO / "configs" / "det" / f"{name}.yml")
    out = tmp_path / "run"
    run_tool("tools/train.py", "-c", cfg, "-o", *overrides(det_data, out, **{"Global.max_iters": 1}))
    assert json.loads((out / "latest" / "state.json").read_text())["global_step"] == 1
    distill = name != "ppocrv3_det_student"
    assert (out / "latest" / "student.pdparams").is_file() == distill

    run_tool("tools/train.py", "-c", cfg, "-o", *overrides(det_data, out), f"Global.checkpoints={out / 'latest'}")
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["global_step"] == 2 and state["epoch"] == 2
    assert set(state["best"]["metric"]) >= {"precision", "recall", "hmean"}

    r = run_tool("tools/eval.py", "-c", cfg, "-o", *overrides(det_data, out), f"Global.checkpoints={out / 'latest'}")
    metrics = json.loads(r.stdout.strip().splitlines()[-1])
    assert {"precision", "recall", "hmean"} <= set(metrics)

    export = tmp_path / "infer"
    run_tool("tools/export_model.py", "-c", cfg, "-o", *overrides(det_data, out),
             f"Global.pretrained_model={out / 'latest'}", "--output", str(export))
    import yaml

    info = yaml.safe_load((export / "inference.yml").read_text())
    assert info["input_shape"] == [-1, 3, -1, -1] and info["PostProcess"]["name"] == "DBPostProcess"
    assert info["sub_model"] == ("Student" if distill else None)

    res = tmp_path / "det_out"
    run_tool("tools/infer.py", "det", "--model_dir", str(export), "--image_dir", str(det_data / "eval" / "images"),
             "--output", str(res))
    lines = (res / "det_results.txt").read_text().strip().splitlines()
    assert len(lines) == 2 and all(isinstance(json.loads(ln.split("\t")[1]), list) for ln in lines)
    assert len([f for f in os.listdir(res) if f.startswith("det_res_")]) == 2


def test_cml_teacher_from_dml_student_stays_frozen(det_data, tmp_path):
    """The PP-OCRv3 recipe: the DML run's student.pdparams becomes CML's frozen Teacher."""
    import paddle

    dml, cml = tmp_path / "dml", tmp_path / "cml"
    run_tool("tools/train.py", "-c", str(REPO / "configs" / "det" / "ppocrv3_det_dml.yml"), "-o",
             *overrides(det_data, dml, **{"Global.max_iters": 1}))
    teacher = dml / "latest" / "student.pdparams"
    run_tool("tools/train.py", "-c", str(REPO / "configs" / "det" / "ppocrv3_det_cml.yml"), "-o",
             *overrides(det_data, cml, **{"Global.epoch_num": 2}),
             f"Architecture.Models.Teacher.pretrained={teacher}")
    t = paddle.load(str(teacher), return_numpy=True)
    e1 = paddle.load(str(cml / "iter_epoch_1" / "model.pdparams"), return_numpy=True)
    e2 = paddle.load(str(cml / "iter_epoch_2" / "model.pdparams"), return_numpy=True)
    weights = [k for k in t if not k.endswith(("_mean", "_variance"))]  # BN statistics keep updating
    for k in weights:
        np.testing.assert_array_equal(e2[f"Teacher.{k}"], t[k], err_msg=k)
    s = "Student.backbone.conv.conv.weight"
    assert not np.array_equal(e1[s], e2[s])  # the students learn
