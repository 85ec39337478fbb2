"""The released PP-OCRv3 detector and direction classifier (ONNX) imported into our models give
onnxruntime's outputs on real images, with PaddleOCR's inference pre-processing."""

from __future__ import annotations

import math

import numpy as np
import paddle
import pytest
from helpers import missing_oracle, require_module

import ppocr.modeling.architectures  # noqa: F401
import ppocr.modeling.backbones  # noqa: F401
import ppocr.modeling.heads  # noqa: F401
import ppocr.modeling.necks  # noqa: F401
from ppocr.errors import CheckpointError
from ppocr.pretrained.cls_import import PPOCR_CLS_ARCHITECTURE, import_cls_onnx, load_cls_onnx, released_name
from ppocr.pretrained.det_import import PPOCRV3_DET_ARCHITECTURE, import_det_onnx, load_det_onnx
from ppocr.registry import ARCHITECTURES

MODELS = "rapidocr/rapidocr_onnxruntime/models/"
DET_ONNX = MODELS + "ch_PP-OCRv3_det_infer.onnx"
CLS_ONNX = MODELS + "ch_ppocr_mobile_v2.0_cls_infer.onnx"
DET_IMAGES = ["00009282.jpg", "00018069.jpg", "img623.jpg"]  # 352x352, 256x416, 544x736 after resizing
TOL = 1e-4  # max abs difference of probabilities


def onnx_file(repo, rel: str) -> str:
    path = repo / ".cache" / rel
    if not path.is_file():
        missing_oracle(f"{path} is absent (run `make pretrained`)")
    require_module("onnx")
    return str(path)


@pytest.fixture(scope="module")
def det_path(repo):
    return onnx_file(repo, DET_ONNX)


@pytest.fixture(scope="module")
def cls_path(repo):
    return onnx_file(repo, CLS_ONNX)


def session(path: str):
    ort = require_module("onnxruntime")
    return ort.InferenceSession(path, providers=["CPUExecutionProvider"])


def loaded(architecture: dict, load, path: str):
    model = ARCHITECTURES.build({"name": "BaseModel", **architecture}, "Architecture")
    load(model, path)
    model.eval()
    return model


def det_input(path: str, limit_side_len: int = 960) -> np.ndarray:
    """PaddleOCR's det inference pre-processing: BGR; DetResizeForTest (limit_type max: the longer side
    at most 960, each side rounded to a multiple of 32); (x/255 - mean) / std per BGR channel."""
    import cv2

    img = cv2.imread(path)
    h, w = img.shape[:2]
    ratio = limit_side_len / max(h, w) if max(h, w) > limit_side_len else 1.0
    size = [max(int(round(int(side * ratio) / 32) * 32), 32) for side in (w, h)]
    x = cv2.resize(img, tuple(size)).astype("float32") / 255
    x = (x - np.float32([0.485, 0.456, 0.406])) / np.float32([0.229, 0.224, 0.225])
    return x.transpose(2, 0, 1)[None].astype("float32")


def cls_input(img: np.ndarray) -> np.ndarray:
    """PaddleOCR's cls pre-processing: height 48 keeping the ratio (width <= 192), (x/255 - 0.5)/0.5,
    zero-padded on the right to 192."""
    import cv2

    h, w = img.shape[:2]
    resized_w = min(192, int(math.ceil(48 * w / h)))
    x = cv2.resize(img, (resized_w, 48)).astype("float32").transpose(2, 0, 1) / 255
    out = np.zeros((3, 48, 192), dtype="float32")
    out[:, :, :resized_w] = (x - 0.5) / 0.5
    return out[None]


def run(model, x: np.ndarray, key: str) -> np.ndarray:
    with paddle.no_grad():
        return model({"image": paddle.to_tensor(x)})[key].numpy()


# --- detector ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def det_model(det_path):
    return loaded(PPOCRV3_DET_ARCHITECTURE, load_det_onnx, det_path)


def test_det_import_covers_all_but_the_threshold_branch(det_path, logs):
    state, arch = import_det_onnx(det_path)
    assert arch == PPOCRV3_DET_ARCHITECTURE and len(state) == 288
    assert not any(k.startswith("head.thresh.") for k in state)
    model = ARCHITECTURES.build({"name": "BaseModel", **arch}, "Architecture")
    left = [k for k in model.state_dict() if k not in state]
    assert len(left) == 13 and all(k.startswith("head.thresh.") for k in left)
    load_det_onnx(model, det_path)
    assert "loaded 288/301 tensors" in logs.text and "head.thresh.* (13 tensors" in logs.text


@pytest.mark.shared
@pytest.mark.parametrize("name", DET_IMAGES)
def test_det_maps_equal_onnxruntime(det_model, det_path, shared, name):
    x = det_input(str(shared / "data" / "doc_images" / name))
    expected = session(det_path).run(None, {"x": x})[0]
    maps = run(det_model, x, "maps")
    assert maps.shape == expected.shape == (1, 1, *x.shape[2:])
    assert np.abs(maps - expected).max() < TOL
    assert (maps > 0.3).mean() > 0.01  # it finds text


def test_det_names_counted_from_another_history_fail_loudly(det_path):
    # as if another model had been built first in the exporting process: nothing lines up
    with pytest.raises(CheckpointError, match="does not fit PP-OCRv3's detector"):
        import_det_onnx(det_path, models_built_before=1)


# --- direction classifier -------------------------------------------------------------------

@pytest.fixture(scope="module")
def cls_model(cls_path):
    return loaded(PPOCR_CLS_ARCHITECTURE, load_cls_onnx, cls_path)


def test_cls_mapping_is_explicit():
    assert released_name("backbone.conv1.bn._variance") == "conv1_bn_variance"
    assert released_name("backbone.blocks.0.bottleneck_conv.conv.weight") == "conv2_depthwise_weights"
    assert released_name("backbone.blocks.10.mid_se.conv2.bias") == "conv12_se_2_offset"
    assert released_name("backbone.conv2.bn.weight") == "conv_last_bn_scale"
    assert released_name("head.fc.weight") == "fc_0.w_0"
    with pytest.raises(CheckpointError, match="no rule maps 'backbone.blocks.0.extra.weight'"):
        released_name("backbone.blocks.0.extra.weight")


def test_cls_import_covers_every_key(cls_path, cls_model):
    state, arch = import_cls_onnx(cls_path)
    assert arch == PPOCR_CLS_ARCHITECTURE
    assert sorted(state) == sorted(cls_model.state_dict()) and len(state) == 213


@pytest.mark.shared
@pytest.mark.parametrize("name, label", [("text_rec.jpg", 0), ("text_cls.jpg", 1)])
def test_cls_probs_equal_onnxruntime(cls_model, cls_path, shared, name, label):
    import cv2

    img = cv2.imread(str(shared / "data" / "rec_cls_crops" / name))
    sess = session(cls_path)
    for flipped in (False, True):  # the crop and its 180-degree rotation
        x = cls_input(cv2.rotate(img, cv2.ROTATE_180) if flipped else img)
        expected = sess.run(None, {"x": x})[0]
        probs = run(cls_model, x, "probs")
        assert probs.shape == expected.shape == (1, 2)
        assert np.abs(probs - expected).max() < TOL
        assert probs[0].argmax() == label ^ flipped  # '0' vs '180', as cls_gt_paddleocr.txt


def test_wrong_architecture_fails_loudly(cls_path):
    arch = {**PPOCR_CLS_ARCHITECTURE, "Backbone": {**PPOCR_CLS_ARCHITECTURE["Backbone"], "scale": 0.5}}
    with pytest.raises(CheckpointError, match="does not fit PaddleOCR's direction classifier"):
        import_cls_onnx(cls_path, arch)
