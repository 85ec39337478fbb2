"""The released PP-OCRv3 recognizer (ONNX) imported into our SVTR_LCNet gives onnxruntime's output
on real crops, with PaddleOCR's inference pre-processing (tools/infer/predict_rec.py)."""

from __future__ import annotations

import math

import numpy as np
import paddle
import pytest
from helpers import missing_oracle, require_module

from ppocr.errors import CheckpointError
from ppocr.pretrained.rec_import import (
    NOT_EXPORTED_PREFIX,
    PPOCRV3_REC_ARCHITECTURE,
    import_rec_onnx,
    load_rec_onnx,
)
from ppocr.registry import ARCHITECTURES

ONNX = "rapidocr/rapidocr_onnxruntime/models/ch_PP-OCRv3_rec_infer.onnx"
CROPS = ["rec_cls_crops/text_rec.jpg", "word_images/ch/word_2.jpg", "word_images/en/word_1.png",
         "rec_toy/imgs/1036169.jpg"]
TOL = 1e-4  # max abs difference of probabilities


@pytest.fixture(scope="module")
def onnx_path(repo, shared):
    path = repo / ".cache" / ONNX
    if not path.is_file():
        missing_oracle(f"{path} is absent (run `make pretrained`)")
    require_module("onnx")
    return str(path)


class StandIn:
    def __init__(self, num_chars: int):
        self.num_classes_ctc = num_chars + 1
        self.num_classes_sar = num_chars + 3


@pytest.fixture(scope="module")
def loaded(onnx_path):
    import ppocr.modeling.architectures  # noqa: F401

    model = ARCHITECTURES.build({"name": "BaseModel", **PPOCRV3_REC_ARCHITECTURE}, "Architecture",
                                charset=StandIn(6623 + 1))
    imported = load_rec_onnx(model, onnx_path)
    model.eval()
    return model, imported


@pytest.fixture(scope="module")
def session(onnx_path):
    ort = require_module("onnxruntime")
    return ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])


def rec_input(path: str, height: int = 48, min_width: int = 320) -> np.ndarray:
    """PaddleOCR's predict_rec for one image: BGR, width = 48 * max(320/48, w/h), the crop resized to
    height 48 keeping its ratio (ceil, capped at that width), (x/255 - 0.5)/0.5, zero-padded right."""
    import cv2

    img = cv2.imread(path)
    h, w = img.shape[:2]
    width = int(height * max(min_width / height, w / h))
    resized_w = min(width, int(math.ceil(height * w / h)))
    x = cv2.resize(img, (resized_w, height)).astype("float32").transpose(2, 0, 1) / 255
    out = np.zeros((3, height, width), dtype="float32")
    out[:, :, :resized_w] = (x - 0.5) / 0.5
    return out[None]


def greedy_ctc(probs: np.ndarray, table: list[str]) -> str:
    idx = probs.argmax(-1)
    return "".join(table[i] for j, i in enumerate(idx) if i != 0 and (j == 0 or i != idx[j - 1]))


def test_import_reports_the_sar_branch_as_not_loaded(loaded, shared, logs, onnx_path):
    model, imported = loaded
    keys = list(model.state_dict())
    sar = [k for k in keys if k.startswith(NOT_EXPORTED_PREFIX)]
    assert len(keys) == 239 and len(sar) == 43
    assert imported.not_loaded == sar
    assert sorted(imported.state_dict) == sorted(k for k in keys if k not in sar)
    dictionary = (shared / "reference" / "ppocr_keys_v1.txt").read_text(encoding="utf-8").splitlines()
    assert imported.characters == dictionary and imported.use_space_char
    load_rec_onnx(model, onnx_path)
    assert "loaded 196/239 tensors" in logs.text and "head.sar_head.* (43 tensors" in logs.text


@pytest.mark.parametrize("crop", CROPS)
def test_outputs_equal_onnxruntime(loaded, session, shared, crop):
    model, _ = loaded
    x = rec_input(str(shared / "data" / crop))
    expected = session.run(None, {"x": x})[0]
    with paddle.no_grad():
        out = model({"image": paddle.to_tensor(x)})
    probs, logits = out["probs"].numpy(), out["ctc"].numpy()
    assert probs.shape == expected.shape
    assert np.abs(probs - expected).max() < TOL
    # logits up to a per-step constant: log-softmax vs log of the released probabilities
    log_p = logits - logits.max(-1, keepdims=True)
    log_p -= np.log(np.exp(log_p).sum(-1, keepdims=True))
    confident = expected > 1e-3
    assert np.abs(log_p - np.log(expected))[confident].max() < 1e-3


def test_reads_the_crop(loaded, shared):
    model, imported = loaded
    table = ["<blank>", *imported.characters, " "]
    x = rec_input(str(shared / "data" / "rec_cls_crops" / "text_rec.jpg"))
    with paddle.no_grad():
        probs = model({"image": paddle.to_tensor(x)})["probs"].numpy()[0]
    assert greedy_ctc(probs, table) == "韩国小馆"


def test_wrong_construction_history_fails_loudly(onnx_path):
    # names counted as if the Teacher had not been built first: nothing lines up
    with pytest.raises(CheckpointError, match="does not fit PP-OCRv3's recognizer"):
        import_rec_onnx(onnx_path, models_built_before=0)
