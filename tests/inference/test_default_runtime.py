"""Which runtime a stage runs on (ppocr.inference.system.onnx_source): without a model flag the
released model's ONNX file on onnxruntime where that is installed (one log line), else its
checkpoint in Paddle; ``use_onnx`` forces either; exports made with --onnx run on onnxruntime."""

from __future__ import annotations

import importlib.util
import json
import shutil

import cv2
import numpy as np
import pytest
from helpers import require_module

from ppocr.errors import CheckpointError, ConfigError
from ppocr.inference import system as system_module
from ppocr.inference.params import SystemParams
from ppocr.inference.system import TextSystem, load_stage, onnx_source

KINDS = ("det", "rec", "cls")


@pytest.fixture
def fresh_log(monkeypatch):
    monkeypatch.setattr(system_module, "_AUTO_ONNX_SAID", [])


@pytest.fixture
def own_release(pretrained, tmp_path, monkeypatch):
    """A copy of pretrained/ that the test may damage, used as the release ($PPOCR_PRETRAINED)."""
    require_module("onnxruntime")
    copy = tmp_path / "pretrained"
    for kind in KINDS:
        shutil.copytree(pretrained / f"ppocrv3_{kind}", copy / f"ppocrv3_{kind}")
    monkeypatch.setenv("PPOCR_PRETRAINED", str(copy))
    return copy


def test_the_release_runs_on_onnxruntime_by_default_and_on_paddle_when_asked(own_release, logs, fresh_log):
    for kind in KINDS:
        assert load_stage(kind).backend == "onnxruntime"
        assert load_stage(kind, use_onnx=False).backend == "dygraph"
        assert load_stage(kind, use_onnx=True).backend == "onnxruntime"
    said = [r.getMessage() for r in logs.records if "onnxruntime is installed" in r.getMessage()]
    assert len(said) == 1 and str(own_release) in said[0] and "--use_onnx false" in said[0], said
    rec = load_stage("rec")
    assert len(rec.charset) == 6624  # the release's 6623 characters and the space


def test_without_onnxruntime_or_its_file_the_checkpoint_runs(own_release, monkeypatch, fresh_log):
    (own_release / "ppocrv3_det" / "inference.onnx").unlink()  # an import made before the file was kept
    assert load_stage("det").backend == "dygraph"
    with pytest.raises(CheckpointError, match="ppocrv3_det/inference.onnx is absent: run `ppocr-pretrained`"):
        load_stage("det", use_onnx=True)
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    assert load_stage("cls").backend == "dygraph"


def test_a_changed_release_file_is_refused(own_release, fresh_log):
    path = own_release / "ppocrv3_cls" / "inference.onnx"
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="ppocrv3_cls/inference.onnx: its sha256 is not the one"):
        load_stage("cls")
    state = json.loads((own_release / "ppocrv3_cls" / "state.json").read_text())
    assert state["onnx"]["file"] == "inference.onnx" and len(state["onnx"]["sha256"]) == 64


def test_a_checkpoint_never_runs_on_onnxruntime(own_release, fresh_log):
    config = str(own_release / "ppocrv3_cls" / "config.yml")
    assert onnx_source("cls", None, config, None, False) is None
    with pytest.raises(ConfigError, match="--cls_config is a checkpoint, which runs in Paddle"):
        onnx_source("cls", None, config, True, False)


def test_exports_run_on_onnxruntime_when_they_hold_an_onnx_model(release_exports, tmp_path, fresh_log):
    require_module("onnxruntime")
    require_module("paddle2onnx")
    from ppocr.engine.onnx_export import export_onnx

    plain = release_exports["cls"]
    assert onnx_source("cls", plain, None, None, False) is None  # no inference.onnx: Paddle Inference
    with_onnx = tmp_path / "cls"
    shutil.copytree(plain, with_onnx)
    export_onnx(str(with_onnx))
    assert onnx_source("cls", str(with_onnx), None, None, False) == str(with_onnx)
    assert onnx_source("cls", str(with_onnx), None, False, False) is None
    assert load_stage("cls", str(with_onnx)).backend == "onnxruntime"


@pytest.mark.slow
def test_the_default_system_reads_what_the_checkpoints_read(pretrained, doc_images, shared):
    require_module("onnxruntime")
    params = SystemParams(use_angle_cls=True)
    default, checkpoints = TextSystem.create(params), TextSystem.create(params, use_onnx=False)
    assert default.det.backend == default.rec.predictor.backend == default.cls.predictor.backend == "onnxruntime"
    for path in (doc_images / "00009282.jpg", doc_images / "img623.jpg", shared / "data/rec_cls_crops/text_cls.jpg"):
        image = cv2.imread(str(path))
        ours, ref = default(image), checkpoints(image)
        assert [a.text for a in ours] == [b.text for b in ref] and len(ours) > 0, path
        assert np.abs(np.stack([a.points for a in ours]) - np.stack([b.points for b in ref])).max() <= 1, path
        assert max(abs(a.score - b.score) for a, b in zip(ours, ref)) < 1e-4, path


def test_our_sessions_do_not_spin_and_the_reference_keeps_onnxruntimes_default(own_release, monkeypatch):
    import onnxruntime as ort

    from ppocr.inference.onnx_runner import ort_runner

    made = []
    real = ort.InferenceSession
    monkeypatch.setattr(ort, "InferenceSession", lambda path, options, **kw: made.append(options) or real(path, options, **kw))
    path = str(own_release / "ppocrv3_cls" / "inference.onnx")
    ort_runner(path)
    ort_runner(path, spinning=True)
    load_stage("cls")  # the default path goes through ort_runner
    entry = "session.intra_op.allow_spinning"
    assert made[0].get_session_config_entry(entry) == "0" and made[2].get_session_config_entry(entry) == "0"
    with pytest.raises(Exception):  # noqa: B017 - unset: onnxruntime's own default (spinning)
        made[1].get_session_config_entry(entry)
