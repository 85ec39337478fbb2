"""tools/uim.py with the released PP-OCRv3 recogniser (skipped without `make pretrained`): generated
lines and PaddleOCR's sample word crops -> label file + summary; unreadable images; resume."""

from __future__ import annotations

import json
import os

import pytest
from helpers import REPO, missing_oracle, run_tool

pytestmark = pytest.mark.slow
RELEASED = REPO / "pretrained" / "ppocrv3_rec"


@pytest.fixture(scope="module")
def released():
    if not (RELEASED / "model.pdparams").is_file():
        missing_oracle(f"{RELEASED} is absent (run `make pretrained`)")
    return RELEASED


@pytest.fixture(scope="module")
def crops(tmp_path_factory):
    from ppocr_synth import make_rec_set

    root = tmp_path_factory.mktemp("uim_crops")
    make_rec_set(str(root), 10, seed=5, min_len=4, max_len=8, style="mixed")
    (root / "images" / "broken.jpg").write_bytes(b"\xff\xd8 truncated")  # sorts first
    truth = dict(line.split("\t") for line in (root / "label.txt").read_text().splitlines())
    return root, truth


def uim(*args):
    r = run_tool("tools/uim.py", *map(str, args))
    return r.stdout + r.stderr


def test_generated_crops_labelled_filtered_and_resumed(released, crops, tmp_path):
    root, truth = crops
    out = tmp_path / "pseudo.txt"
    uim("--image_dir", root / "images", "--output", out, "--min_score", 0.0, "--relative_to", root)
    summary = json.loads((tmp_path / "pseudo.summary.json").read_text())
    assert summary["images"] == 11 and summary["dropped"]["unreadable"] == 1
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    assert len(rows) == summary["kept"] >= 9
    assert sum(truth.get(p) == t for p, t in rows) >= 7  # the released model reads generated lines

    # a stricter score filter keeps a subset, each with its score >= the threshold (journal)
    records = [json.loads(line) for line in (tmp_path / "pseudo.txt.journal.jsonl").read_text().splitlines()[1:]]
    journal = {it["path"]: it for r in records for it in (r["items"] or [])}
    scores = sorted(it["score"] for it in journal.values() if it["text"])
    threshold = scores[len(scores) // 2]
    log = uim("--image_dir", root / "images", "--output", out, "--min_score", threshold, "--relative_to", root)
    assert "0 to read" in log  # filters re-applied to the journal, no model run
    strict = [line.split("\t") for line in out.read_text().splitlines()]
    kept = [p for p, it in journal.items() if it["text"] and it["score"] >= threshold]
    assert sorted(p for p, _ in strict) == sorted(os.path.relpath(p, root) for p in kept)
    assert json.loads((tmp_path / "pseudo.summary.json").read_text())["dropped"]["low_score"] == len(scores) - len(kept)

    # resume: cut the journal after 4 images (and half a line), rerun: the rest only, no duplicates
    lines = (tmp_path / "pseudo.txt.journal.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "pseudo.txt.journal.jsonl").write_text("".join(lines[:5]) + lines[5][:10])
    log = uim("--image_dir", root / "images", "--output", out, "--min_score", threshold, "--relative_to", root)
    assert "4 already in" in log and "7 to read" in log
    assert [line.split("\t") for line in out.read_text().splitlines()] == strict


def test_word_images_with_the_released_model(released, shared, tmp_path):
    words = shared / "data" / "word_images"
    if not words.is_dir():
        missing_oracle(f"{words} is absent")
    out = tmp_path / "words.txt"
    uim("--image_dir", words, "--output", out, "--min_score", 0.9)
    rows = dict(line.split("\t") for line in out.read_text().splitlines())
    summary = json.loads((tmp_path / "words.summary.json").read_text())
    assert summary["images"] == 20 and summary["kept"] == len(rows) >= 12
    assert rows.get(str(words / "ch" / "word_1.jpg")) == "韩国小馆"
    assert rows.get(str(words / "en" / "word_1.png")) == "JOINT"
    assert sum(v for k, v in summary["score_histogram_kept"].items() if k < "0.9") == 0


def test_whole_images_detect_crop_and_label(released, tmp_path):
    from ppocr_synth import make_det_set

    pages = tmp_path / "pages"
    make_det_set(str(pages), 2, seed=3, height=320, width=320, dont_care=0.0, min_len=4, max_len=10)
    truth = {t["transcription"] for line in (pages / "label.txt").read_text().splitlines()
             for t in json.loads(line.split("\t")[1])}
    out = tmp_path / "whole.txt"
    uim("--whole_image", "--image_dir", pages / "images", "--output", out, "--min_score", 0.8)
    rows = [line.split("\t") for line in out.read_text().splitlines()]
    summary = json.loads((tmp_path / "whole.summary.json").read_text())
    assert summary["images"] == 2 and summary["kept"] == len(rows) > 0
    assert all(os.path.isfile(p) and p.startswith(str(tmp_path / "whole_crops")) for p, _ in rows)
    assert sum(t in truth for _, t in rows) >= len(rows) // 2  # most kept lines read a drawn text
