"""The direction classifier end to end: train -> checkpoints -> eval -> export -> infer -> resume."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys

import numpy as np
import pytest
from helpers import REPO, cls_overrides, kill_and_resume, run_tool

from ppocr.utils.hugepages import glibc_version, hugepage_env, hugepages_on, thp_mode

CFG = str(REPO / "configs" / "cls" / "ppocrv3_cls.yml")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained(cls_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("cls_run")
    r = run_tool("tools/train.py", "-c", CFG, "-o",
                 *cls_overrides(cls_data, out, **{"Global.save_latest_step": 4, "Global.use_visualdl": True}))
    return {"out": out, "log": r.stdout}


def test_training_writes_checkpoints_logs_and_config(trained):
    out = trained["out"]
    for name in ("latest", "best_accuracy", "iter_epoch_1", "iter_epoch_2"):
        assert sorted(os.listdir(out / name)) == ["COMPLETE", "config.yml", "model.pdopt", "model.pdparams", "state.json"]
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["global_step"] == 12 and state["epoch"] == 3 and state["step_in_epoch"] == 0
    assert "acc" in state["best"]["metric"]
    records = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    train = [r for r in records if r["kind"] == "train"]
    assert {"loss", "lr", "ips", "avg_reader_cost", "avg_batch_cost", "eta", "acc"} <= set(train[0])
    evals = [r for r in records if r["kind"] == "eval"]
    assert evals and evals[-1]["count"] == 16
    assert (out / "config.yml").is_file() and (out / "train.log").is_file()
    assert any(p.name.startswith("vdlrecords") for p in (out / "vdl").iterdir())  # VisualDL scalars
    assert "global_step: 2" in trained["log"]


def test_training_asks_for_huge_pages_where_the_machine_has_them(trained):
    """tools/train.py restarts itself with glibc's huge-page malloc on a machine that qualifies
    (Linux, glibc >= 2.35, THP madvise: this one and CI's) and says so in one line; not elsewhere."""
    expected = hugepages_on() or hugepage_env(os.environ, sys.platform, glibc_version(), thp_mode()) is not None
    assert trained["log"].count("transparent huge pages on") == int(expected)


def test_huge_pages_change_no_number(trained, cls_data, tmp_path):
    """Only where memory comes from changes: the same run with PPOCR_HUGEPAGES=0 ends with the same
    weights, bit for bit."""
    import paddle

    r = run_tool("tools/train.py", "-c", CFG, "-o",
                 *cls_overrides(cls_data, tmp_path, **{"Global.save_latest_step": 4, "Global.use_visualdl": True}),
                 env={"PPOCR_HUGEPAGES": "0", "GLIBC_TUNABLES": ""})
    assert "transparent huge pages on" not in r.stdout
    with_pages = paddle.load(str(trained["out"] / "latest" / "model.pdparams"))
    without = paddle.load(str(tmp_path / "latest" / "model.pdparams"))
    assert with_pages.keys() == without.keys()
    for k in with_pages:
        assert np.array_equal(np.asarray(with_pages[k]), np.asarray(without[k])), k


def test_eval_tool_reports_accuracy(trained, cls_data):
    r = run_tool("tools/eval.py", "-c", CFG, "-o", *cls_overrides(cls_data, trained["out"]),
                 f"Global.checkpoints={trained['out'] / 'best_accuracy'}")
    metrics = json.loads(r.stdout.strip().splitlines()[-1])
    best = json.loads((trained["out"] / "best_accuracy" / "state.json").read_text())["best"]["metric"]
    assert metrics["count"] == 16 and metrics["acc"] == pytest.approx(best["acc"])


def test_export_and_infer_agree_with_dygraph(trained, cls_data, tmp_path):
    from ppocr.config import load_config
    from ppocr.inference.images import list_images, read_bytes
    from ppocr.inference.predictor import Predictor

    export_dir = tmp_path / "infer"
    ck = str(trained["out"] / "best_accuracy")
    run_tool("tools/export_model.py", "-c", CFG, "-o", *cls_overrides(cls_data, trained["out"]),
             f"Global.pretrained_model={ck}", "--output", str(export_dir))
    assert {"inference.json", "inference.pdiparams", "inference.yml"} <= set(os.listdir(export_dir))

    exported = Predictor.from_export(str(export_dir))
    dygraph = Predictor.from_checkpoint(load_config(CFG, cls_overrides(cls_data, trained["out"])), ck)
    images = [read_bytes(p) for p in list_images(str(cls_data["eval"] / "images"))]
    real = REPO.parent / "shared" / "data" / "rec_cls_crops"
    if real.is_dir():
        images += [read_bytes(str(p)) for p in sorted(real.glob("*.jpg"))]
    x = np.stack([exported.preprocess(img)["image"] for img in images])
    a, b = exported.run(x), dygraph.run(x)
    assert a.shape == (len(images), 2)
    assert np.abs(a - b).max() < 1e-5

    r = run_tool("tools/infer.py", "cls", "--model_dir", str(export_dir), "--image_dir",
                 str(cls_data["eval"] / "images"))
    rows = [line.split("\t") for line in r.stdout.strip().splitlines()]
    assert len(rows) == 16 and all(row[1] in ("0", "180") and 0 <= float(row[2]) <= 1 for row in rows)


def test_sigkill_mid_epoch_then_resume_matches_uninterrupted(cls_data, tmp_path):
    base = {"Global.epoch_num": 2, "Global.save_latest_step": 2, "Global.print_batch_step": 1,
            "Global.eval_batch_step": [0, 10000]}
    at_kill, end = kill_and_resume(CFG, lambda out: cls_overrides(cls_data, out, **base), tmp_path,
                                   "saved latest (epoch 1, step 4)")
    assert at_kill["epoch"] == 1 and 0 < at_kill["step_in_epoch"] < 6  # mid-epoch
    assert end["global_step"] == 12


def _exited_within(pid: int, seconds: float) -> bool:
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], seconds)[0])  # readable once the process has exited
    finally:
        os.close(fd)


def test_sigterm_stops_training_and_its_loader_workers(cls_data, tmp_path):
    o = {"Global.epoch_num": 50, "Global.save_latest_step": 2, "Global.print_batch_step": 1,
         "Train.loader.num_workers": 1}
    cmd = [sys.executable, "tools/train.py", "-c", CFG, "-o", *cls_overrides(cls_data, tmp_path, **o)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:  # the loader worker is running once a step has been saved
        if "saved latest" in line:
            break
    workers = [int(p) for p in (open(f"/proc/{proc.pid}/task/{proc.pid}/children").read().split())]
    assert workers, "expected a data-loader worker process"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=120) == 143
    proc.stdout.close()
    assert all(_exited_within(pid, 60) for pid in workers)
    assert (tmp_path / "latest" / "model.pdparams").is_file()  # the resume point is intact


def test_bad_config_key_fails_before_training(cls_data, tmp_path):
    r = run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(cls_data, tmp_path),
                 "Architecture.Head.class_dims=2", check=False)
    assert r.returncode == 2
    assert "Architecture.Head: ClsHead got unknown key 'class_dims'; did you mean 'class_dim'?" in r.stderr
    assert not (tmp_path / "latest").exists()


def test_missing_checkpoint_is_a_clear_error(cls_data, tmp_path):
    r = run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(cls_data, tmp_path),
                 f"Global.checkpoints={tmp_path / 'nope'}", check=False)
    assert r.returncode == 2 and "checkpoint not found" in r.stderr
