"""`tools/infer.py det|rec|cls` run one model with PaddleOCR 2.7's predictor semantics (predict_det
at 960 / max, predict_rec's batching and width rule, predict_cls at 3x48x192), from the released
models by default, and read what the OCR system's stages read; ``--output`` writes PaddleOCR's
result files; ``--use_config_transforms`` keeps the training config's eval transforms; an export
records the deployment pre-processing."""

from __future__ import annotations

import json
import os

import cv2
import numpy as np
import pytest
import yaml
from helpers import missing_oracle, require_module, run_tool

from ppocr.inference.model_runner import ModelRunner, deployed, with_eval_transforms
from ppocr.inference.params import SystemParams
from ppocr.inference.predictor import Predictor


@pytest.fixture(scope="module")
def release_system(pretrained):
    """The OCR system on the released checkpoints (the tools' default source)."""
    from ppocr.inference.system import TextSystem

    return TextSystem.create(SystemParams(use_angle_cls=True))


@pytest.fixture(scope="module")
def crops_dir(shared, tmp_path_factory):
    """Real line crops of several aspect ratios in one folder (so rec batches hold several)."""
    out = tmp_path_factory.mktemp("crops")
    for src in [shared / "data" / "rec_cls_crops" / "text_rec.jpg", shared / "data" / "rec_cls_crops" / "text_cls.jpg",
                *sorted((shared / "data" / "word_images" / "en").glob("*.png"))[:6]]:
        (out / src.name).write_bytes(src.read_bytes())
    return out


def sorted_boxes(boxes) -> list:
    return sorted(np.asarray(boxes, dtype=np.float32).reshape(-1, 4, 2).tolist())


def read_lines_file(path) -> dict:
    """{path: (label, score)} from rec_results.txt / cls_results.txt (path<TAB>label<TAB>score)."""
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(len(r) == 3 for r in rows)
    return {p: (label, float(score)) for p, label, score in rows}


def test_det_defaults_to_the_release_at_960_max_as_the_system(release_system, doc_images, tmp_path):
    image = doc_images / "00057937.jpg"  # 1000 x 750: 736 / min and 960 / max resize it differently
    run_tool("tools/infer.py", "det", "--image_dir", str(image), "--output", str(tmp_path))
    (line,) = (tmp_path / "det_results.txt").read_text(encoding="utf-8").splitlines()
    name, boxes = line.split("\t")
    boxes = json.loads(boxes)  # predict_det's format: a JSON list of 4-point boxes
    assert name == str(image) and all(len(b) == 4 and all(len(p) == 2 for p in b) for b in boxes)
    assert (tmp_path / "det_res_00057937.jpg").is_file()
    assert sorted_boxes(boxes) == sorted_boxes(release_system.detect(cv2.imread(str(image))))
    assert len(boxes) > 20


def test_rec_and_cls_default_to_the_release_and_read_as_the_system(release_system, crops_dir, tmp_path):
    paths = sorted(str(crops_dir / f) for f in os.listdir(crops_dir))
    crops = [cv2.imread(p) for p in paths]
    for kind, want in (("rec", release_system.recognize(crops)), ("cls", release_system.classify(crops)[1])):
        r = run_tool("tools/infer.py", kind, "--image_dir", str(crops_dir), "--output", str(tmp_path / kind))
        got = read_lines_file(tmp_path / kind / f"{kind}_results.txt")
        assert list(got) == paths
        assert [g[0] for g in got.values()] == [w[0] for w in want]
        assert max(abs(g[1] - w[1]) for g, w in zip(got.values(), want)) < 1e-5
        printed = [line.split("\t") for line in r.stdout.splitlines() if line.startswith(str(crops_dir))]
        assert [p[1] for p in printed] == [w[0] for w in want]
    rec = read_lines_file(tmp_path / "rec" / "rec_results.txt")
    assert rec[str(crops_dir / "text_rec.jpg")][0] == "韩国小馆"
    assert read_lines_file(tmp_path / "cls" / "cls_results.txt")[str(crops_dir / "text_cls.jpg")][0] == "180"


def test_config_transforms_run_what_eval_measured(pretrained, doc_images):
    from ppocr.config import load_config

    folder = pretrained / "ppocrv3_det"
    predictor = Predictor.from_checkpoint(load_config(str(folder / "config.yml")), str(folder))
    image = cv2.imread(str(doc_images / "00057937.jpg"))
    eval_run = ModelRunner(predictor, use_config_transforms=True)
    deploy_run = ModelRunner(predictor)
    # the eval transforms resize the shorter side up to 736, the deployment the longer down to 960
    assert eval_run.prepare(image)["image"].shape[1:] == (736, 992)
    assert deploy_run.prepare(image)["image"].shape[1:] == (704, 960)  # 720 -> round(22.5) * 32, as PaddleOCR (Python 3 rounding)
    data = predictor.preprocess(image)
    maps = predictor.run(data["image"][np.newaxis])
    (want,) = predictor.postprocess_component()({"maps": maps}, {"shape": data["shape"][np.newaxis]})
    (got,) = eval_run.predict([image])
    assert sorted_boxes(got["points"]) == sorted_boxes(want["points"])


def test_deployment_preprocessing_of_old_exports_and_checkpoints():
    """An info without EvalPreProcess (a checkpoint, an older export) gets PaddleOCR's deployment
    pre-processing; one with it is used as recorded; the eval transforms stay at hand."""
    eval_det = [{"DecodeImage": {"img_mode": "BGR"}}, {"DetResizeForTest": None},
                {"KeepKeys": {"keep_keys": ["image", "shape"]}}]
    old = Predictor({"model_type": "det", "output": "maps", "PreProcess": eval_det}, None)
    new = deployed(old)
    assert new.info["PreProcess"][1] == {"DetResizeForTest": {"limit_side_len": 960, "limit_type": "max"}}
    assert new.info["EvalPreProcess"] == eval_det
    assert deployed(new) is new
    assert with_eval_transforms(new).info["PreProcess"] == eval_det
    rec = deployed(Predictor({"model_type": "rec", "output": "probs", "PreProcess": [
        {"RecResizeImg": {"image_shape": [3, 48, 320]}}]}, None))
    assert rec.info["PreProcess"] == [{"RecResizeImg": {"image_shape": [3, 48, 320], "infer_mode": True}}]
    line = np.full((48, 960, 3), 128, np.uint8)  # aspect 20: kept whole, not squeezed into 320 px
    assert rec.preprocess(line)["image"].shape == (3, 48, 960)


@pytest.mark.slow
def test_export_records_deployment_and_runs_as_the_checkpoint(release_exports, doc_images, crops_dir, tmp_path):
    info = yaml.safe_load(open(os.path.join(release_exports["det"], "inference.yml"), encoding="utf-8"))
    resize = [t["DetResizeForTest"] for t in info["PreProcess"] if "DetResizeForTest" in t]
    assert resize == [{"limit_side_len": 960, "limit_type": "max"}]
    assert [t for t in info["EvalPreProcess"] if "DetResizeForTest" in t] == [{"DetResizeForTest": None}]
    rec_info = yaml.safe_load(open(os.path.join(release_exports["rec"], "inference.yml"), encoding="utf-8"))
    assert {"RecResizeImg": {"image_shape": [3, 48, 320], "infer_mode": True}} in rec_info["PreProcess"]

    image = cv2.imread(str(doc_images / "00057937.jpg"))
    exported = ModelRunner.create("det", model_dir=release_exports["det"]).predict([image])[0]["points"]
    checkpoint = ModelRunner.create("det").predict([image])[0]["points"]
    assert len(exported) == len(checkpoint)
    assert np.abs(np.asarray(sorted_boxes(exported)) - np.asarray(sorted_boxes(checkpoint))).max() <= 1

    for kind in ("rec", "cls"):
        run_tool("tools/infer.py", kind, "--model_dir", release_exports[kind], "--image_dir", str(crops_dir),
                 "--output", str(tmp_path / kind))
        run_tool("tools/infer.py", kind, "--image_dir", str(crops_dir), "--output", str(tmp_path / f"{kind}_ck"))
        got = read_lines_file(tmp_path / kind / f"{kind}_results.txt")
        want = read_lines_file(tmp_path / f"{kind}_ck" / f"{kind}_results.txt")
        assert [g[0] for g in got.values()] == [w[0] for w in want.values()]


def test_released_onnx_runs_as_the_checkpoint(release_system, repo, doc_images):
    require_module("onnxruntime")
    onnx = repo / ".cache" / "rapidocr" / "rapidocr_onnxruntime" / "models" / "ch_PP-OCRv3_det_infer.onnx"
    if not onnx.is_file():
        missing_oracle(f"{onnx} is absent (the released ONNX models, unpacked by the RapidOCR reference test)")
    image = cv2.imread(str(doc_images / "00009282.jpg"))
    runner = ModelRunner.create("det", model_dir=str(onnx), use_onnx=True)
    assert runner.predictor.backend == "onnxruntime"
    (got,) = runner.predict([image])
    want = release_system.detect(image)
    assert len(got["points"]) == len(want)
    assert np.abs(np.asarray(sorted_boxes(got["points"])) - np.asarray(sorted_boxes(want))).max() <= 1
