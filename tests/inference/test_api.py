"""The PaddleOCR-compatible Python API (PaddleOCR 2.7's paddleocr.py): the class name, each call form
of ``ocr(img, det, rec, cls)`` with results nested per page, its keywords, and ``draw_ocr``; on the
released models (skipped without `make pretrained`) and real images from ../shared."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from helpers import require_module

import ppocr
from ppocr.errors import ConfigError, DataError


@pytest.fixture(scope="module")
def engine(pretrained):
    return ppocr.PaddleOCR(use_angle_cls=True, show_log=False, use_gpu=False, lang="ch")


@pytest.fixture(scope="module")
def crops(shared):
    folder = shared / "data" / "rec_cls_crops"
    return {"upside_down": str(folder / "text_cls.jpg"), "upright": str(folder / "text_rec.jpg")}


def is_box(value) -> bool:
    return np.asarray(value).shape == (4, 2) and all(isinstance(v, float) for p in value for v in p)


def test_paddleocr_is_ppocr_and_exported_lazily():
    assert ppocr.PaddleOCR is ppocr.PPOCR
    assert callable(ppocr.draw_ocr)


def test_det_and_rec_nested_per_page(engine, crops):
    result = engine.ocr(crops["upside_down"])  # the PaddleOCR call with its defaults: det, rec, cls
    assert len(result) == 1  # one page
    (line,) = result[0]
    box, (text, score) = line
    assert is_box(box) and text == "怪我咯" and isinstance(score, float) and score > 0.95
    data = open(crops["upside_down"], "rb").read()
    assert engine.ocr(data) == result == engine.ocr(cv2.imread(crops["upside_down"]))


def test_cls_false_skips_the_classifier(engine, crops):
    turned = engine.ocr(crops["upside_down"], cls=False)
    assert [line[1][0] for line in turned[0]] != ["怪我咯"]


def test_det_only_gives_boxes_per_page(engine, doc_images):
    image = cv2.imread(str(doc_images / "img_12.jpg"))
    (boxes,) = engine.ocr(image, rec=False)
    assert len(boxes) == 11 and all(is_box(b) for b in boxes)
    # PaddleOCR's det-only order is the detector's; the same boxes as the system's (reading order)
    expected = engine.system.detect(image)
    assert sorted(map(str, boxes)) == sorted(str(b.tolist()) for b in expected)


def test_rec_only_reads_the_whole_image_as_a_line(engine, crops):
    assert engine.ocr(crops["upright"], det=False, cls=False) == [[("韩国小馆", pytest.approx(0.994, abs=0.005))]]
    assert engine.ocr(crops["upside_down"], det=False)[0][0][0] == "怪我咯"  # turned first (cls)
    # a list of line images: one "page" per image, as PaddleOCR gives
    pages = engine.ocr([crops["upright"], cv2.imread(crops["upright"])], det=False)
    assert len(pages) == 2 and pages[0] == pages[1] and pages[0][0][0] == "韩国小馆"


def test_cls_only_gives_labels(engine, crops):
    result = engine.ocr([crops["upside_down"], crops["upright"]], det=False, rec=False)
    assert [page[0][0] for page in result] == ["180", "0"]
    assert all(isinstance(page[0][1], float) for page in result)


def test_list_with_det_is_refused(engine, crops):
    with pytest.raises(DataError, match="det=False"):
        engine.ocr([crops["upright"]])


def test_without_the_classifier_cls_only_is_empty(pretrained, crops):
    plain = ppocr.PaddleOCR(show_log=False, stages=("rec",))
    assert plain.ocr(crops["upright"], det=False, rec=False) == []
    assert plain.ocr(crops["upright"], det=False)[0][0][0] == "韩国小馆"
    with pytest.raises(ConfigError, match="without a det model"):
        plain.ocr(crops["upright"])


def test_keywords(pretrained):
    with pytest.raises(ConfigError, match="did you mean 'det_db_box_thresh'"):
        ppocr.PaddleOCR(det_db_box_tresh=0.5)
    with pytest.raises(ConfigError, match="en_PP-OCRv3_rec"):
        ppocr.PaddleOCR(lang="en")
    with pytest.raises(ConfigError, match="did you mean 'japan'"):
        ppocr.PaddleOCR(lang="japn")
    with pytest.raises(ConfigError, match="PP-OCRv3 models only"):
        ppocr.PaddleOCR(ocr_version="PP-OCRv4")
    with pytest.raises(ConfigError, match="det_limit_type"):
        ppocr.PaddleOCR(det_limit_type="middle")


@pytest.mark.slow
def test_pdf_pages_are_nested(engine, doc_images, tmp_path):
    require_module("pypdfium2")
    from PIL import Image

    pdf = tmp_path / "two.pdf"
    first = Image.open(doc_images / "img_12.jpg").convert("RGB")
    first.save(pdf, save_all=True, append_images=[Image.open(doc_images / "254.jpg").convert("RGB")],
               resolution=72)
    result = engine.ocr(str(pdf))
    assert len(result) == 2
    texts = [line[1][0] for line in result[0]]
    assert texts[0] == "ACKNOWLEDGEMENTS" and len(texts) == 11
    engine.page_num = 1
    try:
        assert len(engine.ocr(str(pdf), rec=False)) == 1
    finally:
        engine.page_num = 0


def test_draw_ocr_layout(doc_images):
    image = cv2.imread(str(doc_images / "img_12.jpg"))[:, :, ::-1]  # RGB, as PaddleOCR's docs pass it
    h, w = image.shape[:2]
    boxes = [[[10, 10], [200, 10], [200, 50], [10, 50]], [[10, 60], [200, 60], [200, 90], [10, 90]]]
    only_boxes = ppocr.draw_ocr(image, boxes)
    assert only_boxes.shape == image.shape and tuple(only_boxes[10, 100]) == (255, 0, 0)
    drawn = ppocr.draw_ocr(image, boxes, ["ACKNOWLEDGEMENTS", "低分"], [0.99, 0.2])
    scale = 600 / max(h, w)
    assert drawn.shape == (round(h * scale), round(w * scale) + 600, 3)
    panel = drawn[:, -600:]
    assert (panel[:, -1] == 0).all() and (panel[:, :-1] < 128).any()  # the border, some text written
    with pytest.raises(DataError, match="one each per box"):
        ppocr.draw_ocr(image, boxes, ["one"])
