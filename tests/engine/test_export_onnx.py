"""`--onnx` export: the ONNX model run in onnxruntime agrees with Paddle Inference on the same export
(random weights on tiny inputs; the released det/rec when pretrained/ is there), with the dynamic
sizes PaddleOCR's deployment relies on (det: H and W, rec: W)."""

from __future__ import annotations

import sys

import numpy as np
import pytest
import yaml
from helpers import REPO, missing_oracle, require_module

from ppocr.config import load_config
from ppocr.engine.export import export_model
from ppocr.errors import ExportError
from ppocr.inference.predictor import Predictor

ort = require_module("onnxruntime")
require_module("paddle2onnx")
EN_DICT = "ppocr/utils/dict/en_dict.txt"
TOL = 1e-4


def export(tmp_path, config: str, *opts: str, weights: str | None = None):
    cfg = load_config(str(REPO / config), list(opts))
    out = tmp_path / "infer"
    info = export_model(cfg, str(out), weights, onnx=True)
    assert info["onnx"] == "inference.onnx"
    assert yaml.safe_load((out / "inference.yml").read_text())["onnx"] == "inference.onnx"
    return out, info


def onnx_session(out):
    return ort.InferenceSession(str(out / "inference.onnx"), providers=["CPUExecutionProvider"])


def max_diff_vs_paddle(out, shapes: list[tuple[int, ...]]) -> float:
    """The largest |onnxruntime - Paddle Inference| over random inputs of each shape."""
    paddle_run = Predictor.from_export(str(out), use_mkldnn=False, use_gpu=False).run
    session = onnx_session(out)
    name = session.get_inputs()[0].name
    rng = np.random.default_rng(0)
    worst = 0.0
    for shape in shapes:
        x = rng.uniform(-1, 1, shape).astype(np.float32)
        a, b = paddle_run(x), session.run(None, {name: x})[0]
        assert a.shape == b.shape, (shape, a.shape, b.shape)
        worst = max(worst, float(np.abs(a - b).max()))
    return worst


def dynamic_axes(out) -> list[int]:
    dims = onnx_session(out).get_inputs()[0].shape
    return [i for i, d in enumerate(dims) if not isinstance(d, int)]


def test_cls_onnx_agrees_with_paddle_inference(tmp_path):
    out, _ = export(tmp_path, "configs/cls/ppocrv3_cls.yml")
    assert dynamic_axes(out) == [0]
    assert max_diff_vs_paddle(out, [(2, 3, 48, 192)]) < TOL


def test_det_onnx_agrees_with_paddle_inference_at_two_sizes(tmp_path):
    out, _ = export(tmp_path, "configs/det/ppocrv3_det_student.yml")
    assert dynamic_axes(out) == [0, 2, 3]
    assert max_diff_vs_paddle(out, [(1, 3, 64, 96), (2, 3, 96, 128)]) < TOL


def test_rec_onnx_is_the_ctc_branch_and_agrees_at_two_widths(tmp_path):
    out, info = export(tmp_path, "configs/rec/ppocrv3_rec_en.yml", f"Global.character_dict_path={EN_DICT}")
    assert dynamic_axes(out) == [0, 3]
    assert max_diff_vs_paddle(out, [(1, 3, 48, 64), (2, 3, 48, 160)]) < TOL
    # CTC probabilities: one row per 8 pixels of width; the blank, then the characters
    probs = onnx_session(out).run(None, {"x": np.zeros((1, 3, 48, 160), np.float32)})[0]
    assert probs.shape == (1, 20, 1 + len(info["character_dict"]))
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-5)


def test_distillation_exports_the_student(tmp_path):
    out, info = export(tmp_path, "configs/rec/ppocrv3_rec_udml.yml", f"Global.character_dict_path={EN_DICT}")
    assert info["sub_model"] == "Student"
    assert max_diff_vs_paddle(out, [(1, 3, 48, 96)]) < TOL


def test_missing_paddle2onnx_is_a_clear_error_before_anything_is_written(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "paddle2onnx", None)  # import paddle2onnx -> ImportError
    cfg = load_config(str(REPO / "configs/cls/ppocrv3_cls.yml"), [])
    with pytest.raises(ExportError, match="pip install paddle2onnx"):
        export_model(cfg, str(tmp_path / "infer"), onnx=True)
    assert not (tmp_path / "infer").exists()


# -- the released models (pretrained/ from `make pretrained`) -------------------------------------
def released(name: str) -> str:
    path = REPO / "pretrained" / name
    if not (path / "model.pdparams").is_file():
        missing_oracle(f"{path} is absent (make pretrained)")
    return str(path)


RELEASED_ONNX = {"ppocrv3_rec": "ch_PP-OCRv3_rec_infer.onnx", "ppocrv3_det": "ch_PP-OCRv3_det_infer.onnx"}


@pytest.mark.slow
@pytest.mark.parametrize("name, shapes", [("ppocrv3_rec", [(1, 3, 48, 320), (2, 3, 48, 128)]),
                                          ("ppocrv3_det", [(1, 3, 96, 160), (1, 3, 160, 96)])])
def test_released_model_onnx_agrees_with_paddle_inference(name, shapes, tmp_path):
    path = released(name)
    out, _ = export(tmp_path, f"pretrained/{name}/config.yml", weights=path)
    assert max_diff_vs_paddle(out, shapes) < TOL
    # and with the ONNX model PaddleOCR released (RapidOCR's copy, when `make pretrained` fetched it)
    original = REPO / ".cache/rapidocr/rapidocr_onnxruntime/models" / RELEASED_ONNX[name]
    if original.is_file():
        ours, theirs = onnx_session(out), ort.InferenceSession(str(original), providers=["CPUExecutionProvider"])
        x = np.random.default_rng(1).uniform(-1, 1, shapes[0]).astype(np.float32)
        a = ours.run(None, {ours.get_inputs()[0].name: x})[0]
        b = theirs.run(None, {theirs.get_inputs()[0].name: x})[0]
        assert float(np.abs(a - b).max()) < TOL
