"""The OCR system on the released PP-OCRv3 models and real images (skipped without
`make pretrained` or ../shared): it reads real text, turns an upside-down line, and the exported
models give what the checkpoints give."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import cv2
import numpy as np
import pytest
from helpers import REPO, run_tool

from ppocr.inference.params import SystemParams
from ppocr.inference.system import TextSystem

# the lines printed on ../shared/data/doc_images/img_12.jpg, top to bottom
IMG_12 = ["ACKNOWLEDGEMENTS",
          "We would like to thank all the designers and",
          "contributors who have been involved in the",
          "production of this book; their contributions",
          "have been indispensable to its creation. We",
          "would also like to express our gratitude to all",
          "the producers for their invaluable opinions",
          "and assistance throughout this project. And to",
          "the many others whose names are not credited",
          "but have made specific input in this book, we",
          "thank you for your continuous support."]


def test_reads_an_english_page_in_reading_order(exported_system, doc_images):
    lines = exported_system(cv2.imread(str(doc_images / "img_12.jpg")))
    assert [line.text for line in lines] == IMG_12
    assert all(line.score > 0.85 for line in lines)
    tops = [line.points[0][1] for line in lines]
    assert tops == sorted(tops)


def test_reads_a_chinese_care_label(exported_system, doc_images):
    texts = [line.text for line in exported_system(cv2.imread(str(doc_images / "00009282.jpg")))]
    for printed in ("洗涤说明", "常规程序", "不可漂白", "悬挂晾干", "常规干洗"):
        assert printed in texts


def test_upside_down_line_is_turned_and_read(exported_system, shared):
    image = cv2.imread(str(shared / "data" / "rec_cls_crops" / "text_cls.jpg"))  # 怪我咯, upside down
    (line,) = exported_system(image)
    assert line.text == "怪我咯" and line.score > 0.95
    turned, ((label, score),) = exported_system.classify([cv2.rotate(image, cv2.ROTATE_180)])
    assert label == "0" and score > 0.9
    without_cls = TextSystem(exported_system.det, exported_system.rec.predictor, params=SystemParams(drop_score=0))
    assert [line.text for line in without_cls(image)] != ["怪我咯"]


def test_api_takes_paths_bytes_and_arrays(release_exports, shared):
    from ppocr import PPOCR

    ocr = PPOCR(use_angle_cls=True, **{f"{k}_model_dir": d for k, d in release_exports.items()})
    path = shared / "data" / "rec_cls_crops" / "text_cls.jpg"
    by_path = ocr.ocr(str(path))  # one page, one line
    assert len(by_path) == 1 and len(by_path[0]) == 1
    assert len(by_path[0][0][0]) == 4 and by_path[0][0][1][0] == "怪我咯"
    assert isinstance(by_path[0][0][1][1], float)
    assert ocr.ocr(path.read_bytes()) == by_path == ocr.ocr(cv2.imread(str(path)))
    with pytest.raises(Exception, match="unknown argument"):
        PPOCR(det_box_thresh=0.5)


def test_import_ppocr_does_not_load_paddle():
    code = "import sys, ppocr; assert 'paddle' not in sys.modules; ppocr.PPOCR; print('ok')"
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "ok", r.stderr


@pytest.mark.slow
def test_exports_give_what_the_checkpoints_give(exported_system, doc_images, shared):
    checkpoints = TextSystem.create(SystemParams(use_angle_cls=True), use_onnx=False)  # pretrained/, dygraph
    images = [doc_images / "00009282.jpg", doc_images / "img623.jpg", shared / "data/rec_cls_crops/text_cls.jpg"]
    for path in images:
        image = cv2.imread(str(path))
        ours, ref = exported_system(image), checkpoints(image)
        assert len(ours) == len(ref) > 0, path
        for a, b in zip(ours, ref):
            assert np.array_equal(a.points, b.points) and a.text == b.text, path
            assert abs(a.score - b.score) < 1e-4, path


@pytest.mark.slow
def test_command_line(release_exports, shared, tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    (images / "a.jpg").write_bytes((shared / "data" / "rec_cls_crops" / "text_cls.jpg").read_bytes())
    (images / "broken.png").write_bytes(b"not an image")
    out = tmp_path / "out"
    r = run_tool("tools/infer.py", "system", "--image_dir", str(images), "--use_angle_cls", "true",
                 "--output", str(out), *[a for k, d in release_exports.items() for a in (f"--{k}_model_dir", d)])
    assert f"{images / 'broken.png'}\tERROR: cannot read image" in r.stdout
    printed = [line for line in r.stdout.splitlines() if line.startswith("[[")]
    assert len(printed) == 1
    assert re.fullmatch(r"\[\[(\[\d+\.0, \d+\.0\](, )?){4}\], \('怪我咯', 0\.\d+\)\]", printed[0]), printed[0]
    assert f"{'*' * 10}{images / 'a.jpg'}{'*' * 10}" in r.stdout
    path, found = (out / "system_results.txt").read_text(encoding="utf-8").strip().split("\t")
    assert path == str(images / "a.jpg")
    (item,) = json.loads(found)
    assert item["transcription"] == "怪我咯" and len(item["points"]) == 4 and item["score"] > 0.95
    drawn = cv2.imread(str(out / "system_res_a.jpg"))
    assert drawn.shape[1] == 2 * cv2.imread(str(images / "a.jpg")).shape[1]
