"""One line reader: `tools/infer.py rec` and the OCR system read a crop the same way (PaddleOCR's
predict_rec: the line keeps its aspect ratio), also a long line that a squeeze to 320 px would
change."""

from __future__ import annotations

import cv2
import numpy as np
from helpers import run_tool

from ppocr.config import load_config
from ppocr.inference.crop_batcher import CropBatcher
from ppocr.inference.predictor import Predictor


def test_infer_rec_reads_a_long_line_as_the_system_does(pretrained, tmp_path):
    line = np.full((48, 900, 3), 255, np.uint8)  # aspect 18.75: wider than the 320 px training width
    cv2.putText(line, "Reading the long line 2026", (8, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (0, 0, 0), 2)
    (tmp_path / "crops").mkdir()
    cv2.imwrite(str(tmp_path / "crops" / "long.png"), line)
    config = str(pretrained / "ppocrv3_rec" / "config.yml")
    r = run_tool("tools/infer.py", "rec", "-c", config, "--image_dir", str(tmp_path / "crops"))
    path, text, score = r.stdout.strip().splitlines()[-1].split("\t")

    system_rec = CropBatcher(Predictor.from_checkpoint(load_config(config), str(pretrained / "ppocrv3_rec")))
    (want_text, want_score), = system_rec([line])
    assert path.endswith("long.png") and text == want_text and abs(float(score) - want_score) < 1e-4
    assert "long line" in text.lower()  # and it is read, not squeezed into nonsense
