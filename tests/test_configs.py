"""Every config in configs/ parses, validates, builds and runs a forward pass on a tiny input; every
PaddleOCR reference config validates unchanged."""

from __future__ import annotations

import paddle
import pytest
from helpers import REPO

from ppocr.config import load_config
from ppocr.engine.builder import build_charset, build_model, check_config

CONFIGS = sorted(str(p.relative_to(REPO)) for p in (REPO / "configs").rglob("*.yml"))
TINY = {"cls": [1, 3, 48, 192], "det": [1, 3, 64, 64], "rec": [1, 3, 48, 96]}
EN_DICT = str(REPO / "ppocr" / "utils" / "dict" / "en_dict.txt")


@pytest.mark.parametrize("path", CONFIGS)
def test_config_builds_and_runs(path):
    cfg = load_config(str(REPO / path))
    if cfg["Architecture"]["model_type"] == "rec":  # the Chinese dictionary arrives with `make pretrained`
        cfg["Global"]["character_dict_path"] = EN_DICT
    check_config(cfg)
    model = build_model(cfg, build_charset(cfg))
    model.eval()
    shape = TINY[cfg["Architecture"]["model_type"]]
    with paddle.no_grad():
        out = model({"image": paddle.rand(shape)})
    student = getattr(model, "student_name", None)
    out = out[student] if student else out
    assert model.export_key in out and out[model.export_key].shape[0] == 1


REFERENCE = ["cls_mv3.yml", "ch_PP-OCRv3_det_student.yml", "ch_PP-OCRv3_det_dml.yml", "ch_PP-OCRv3_det_cml.yml",
             "ch_PP-OCRv2_det_student.yml", "ch_PP-OCRv3_rec.yml", "ch_PP-OCRv3_rec_distillation.yml",
             "en_PP-OCRv3_rec.yml", "ch_PP-OCRv3_rotnet.yml"]


@pytest.mark.parametrize("name", REFERENCE)
def test_paddleocr_config_validates_unchanged(shared, name):
    cfg = load_config(str(shared / "reference" / "paddleocr_configs" / name))
    check_config(cfg)


def test_cls_mv3_builds_unchanged(shared):
    cfg = load_config(str(shared / "reference" / "paddleocr_configs" / "cls_mv3.yml"))
    model = build_model(cfg)
    assert model.head.fc.weight.shape == [200, 2]
