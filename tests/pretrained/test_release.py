"""`make pretrained`: released models imported as checkpoints, checked against onnxruntime."""

from __future__ import annotations

import os

import pytest
from helpers import missing_oracle

from ppocr.pretrained import fetch
from ppocr.pretrained.release import RELEASES, TOLERANCE, import_release


@pytest.fixture(scope="module")
def cache(repo):
    cache = str(repo / ".cache")
    if not fetch.have_release(cache):
        missing_oracle("the released ONNX models are absent (run `make weights`)")
    return cache


@pytest.fixture(scope="module")
def imported(cache, tmp_path_factory):
    out = tmp_path_factory.mktemp("pretrained")
    return out, {r.name: import_release(r, str(out), cache) for r in RELEASES}


def test_each_release_matches_onnxruntime_and_is_a_checkpoint(imported):
    out, states = imported
    for name, state in states.items():
        assert state["max_abs_diff"] <= TOLERANCE
        assert sorted(os.listdir(out / name)) == sorted(["config.yml", "model.pdparams", "state.json", "inference.onnx"]
                                                        + (["ppocr_keys_v1.txt"] if name == "ppocrv3_rec" else []))
    assert len((out / "ppocrv3_rec" / "ppocr_keys_v1.txt").read_text().splitlines()) == 6623


def test_rerun_is_a_no_op(imported, cache):
    out, _ = imported
    before = os.path.getmtime(out / "ppocrv3_det" / "model.pdparams")
    import_release(RELEASES[0], str(out), cache)
    assert os.path.getmtime(out / "ppocrv3_det" / "model.pdparams") == before


def test_the_released_onnx_file_is_kept_and_restored(imported, cache):
    out, states = imported
    release = RELEASES[2]
    kept = out / release.name / "inference.onnx"
    assert fetch.sha256(str(kept)) == fetch.RELEASED[release.onnx][1] == states[release.name]["onnx"]["sha256"]
    kept.unlink()  # lost, or an import made before the file was kept
    before = os.path.getmtime(out / release.name / "model.pdparams")
    state = import_release(release, str(out), cache)
    assert fetch.sha256(str(kept)) == state["onnx"]["sha256"] == fetch.RELEASED[release.onnx][1]
    assert os.path.getmtime(out / release.name / "model.pdparams") == before  # nothing else redone


def test_loading_names_the_training_only_parameters(imported, logs):
    from ppocr.config import load_config
    from ppocr.engine.builder import build_model
    from ppocr.engine.checkpoint import load_weights

    out, _ = imported
    cfg = load_config(str(out / "ppocrv3_det" / "config.yml"))
    s = load_weights(build_model(cfg), str(out / "ppocrv3_det"))
    assert s["loaded"] == 288 and s["total"] == 301
    assert s["reinitialised"] == ["head.thresh.* (13 tensors, not in the release: training only)"]


def test_rec_release_reads_the_sample_crop(imported, shared):
    from ppocr.inference.model_runner import ModelRunner

    out, _ = imported
    runner = ModelRunner.create(config=str(out / "ppocrv3_rec" / "config.yml"))
    crop = (shared / "data" / "rec_cls_crops" / "text_rec.jpg").read_bytes()
    (text, score), = runner.predict([crop])
    assert text == "韩国小馆" and score > 0.9
