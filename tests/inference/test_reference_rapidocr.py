"""Reference check: our system against RapidOCR's Python pipeline (rapidocr-onnxruntime 1.2.13, a
port of PaddleOCR's predict_system) on the same released ONNX models, both set to PaddleOCR's
defaults, on ../shared/data/doc_images. The wheel is the one `make weights` downloads into .cache/;
it is unpacked into a temporary folder and put on sys.path, never installed.

Three RapidOCR 1.2.13 behaviours differ from PaddleOCR's and are set aside here (docs/inference.md):
it decodes image files with Pillow (its JPEG pixels differ slightly from OpenCV's), its rec
batches have no 320 px minimum width, and its line score is the mean of the characters'
probabilities with an extra 1e-50 term (n / (n + 1) of PaddleOCR's). So both get OpenCV's pixels,
its rec batches get PaddleOCR's minimum width, its scores are scaled back by (n + 1) / n, and
nothing is dropped (drop_score 0) so the same lines are compared.
"""

from __future__ import annotations

import glob
import sys
import zipfile

import cv2
import numpy as np
import pytest
import yaml
from helpers import missing_oracle, require_module

from ppocr.inference.params import SystemParams
from ppocr.inference.system import TextSystem

WHEEL = "rapidocr_onnxruntime-1.2.13-py3-none-any.whl"


@pytest.fixture(scope="module")
def rapid(repo, tmp_path_factory):
    wheel = repo / ".cache" / WHEEL
    if not wheel.is_file():
        missing_oracle(f"{wheel} is absent (run `make weights`)")
    for module in ("onnxruntime", "pyclipper", "shapely", "six", "PIL"):
        require_module(module)
    root = tmp_path_factory.mktemp("rapidocr")
    with zipfile.ZipFile(wheel) as z:
        z.extractall(root)
    package = root / "rapidocr_onnxruntime"
    cfg = yaml.safe_load((package / "config.yaml").read_text())
    # PaddleOCR's defaults; no shortcut past detection for short or long images
    cfg["Global"].update(text_score=0.0, use_angle_cls=True, min_height=-1, width_height_ratio=-1)
    cfg["Det"].update(limit_side_len=960, limit_type="max", thresh=0.3, box_thresh=0.6, unclip_ratio=1.5,
                      use_dilation=False, score_mode="fast", max_candidates=1000)
    cfg["Cls"].update(cls_thresh=0.9, cls_batch_num=6)
    cfg["Rec"].update(rec_img_shape=[3, 48, 320], rec_batch_num=6)
    for section in ("Det", "Cls", "Rec"):
        cfg[section]["model_path"] = str(package / cfg[section]["model_path"])
    (root / "paddleocr_defaults.yaml").write_text(yaml.safe_dump(cfg))
    sys.path.insert(0, str(root))
    try:
        from rapidocr_onnxruntime import RapidOCR

        engine = RapidOCR(config_path=str(root / "paddleocr_defaults.yaml"))
    finally:
        sys.path.remove(str(root))
    rec = engine.text_recognizer
    resize = type(rec).resize_norm_img
    rec.resize_norm_img = lambda img, ratio: resize(rec, img, max(ratio, 320 / 48))  # PaddleOCR's minimum
    return engine


@pytest.mark.slow
def test_same_boxes_texts_and_scores_as_rapidocr(rapid, exported_system, doc_images):
    ours = TextSystem(exported_system.det, exported_system.rec.predictor, exported_system.cls.predictor,
                      SystemParams(use_angle_cls=True, drop_score=0.0))
    total = 0
    for path in sorted(glob.glob(str(doc_images / "*.jpg"))):
        image = cv2.imread(path)
        ref, _ = rapid(image.copy())
        lines = ours(image)
        assert len(lines) == len(ref or []), path
        for line, (points, text, score) in zip(lines, ref or []):
            assert np.abs(line.points - np.array(points)).max() <= 2, (path, text)
            assert line.text == text, path
            assert abs(line.score - float(score) * (len(text) + 1) / max(len(text), 1)) < 1e-4, (path, text)
        total += len(lines)
    assert total > 250  # 11 images, 286 lines at drop_score 0
