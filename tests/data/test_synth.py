"""Synthetic data (ppocr_synth, tools/synth_data.py): determinism, label formats, fonts, CLI."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from ppocr.data.datasets.simple import SimpleDataSet
from ppocr.data.transforms import build_transforms
from ppocr.data.transforms.base import BadSample
from ppocr.data.transforms.decode import DecodeImage
from ppocr.errors import ConfigError
from ppocr.utils import fonts
from ppocr_synth import (
    CORRUPT_KINDS,
    STYLES,
    Synth,
    cls_sample,
    make_cls_set,
    make_det_set,
    make_rec_set,
    write_corrupt_image,
)
from ppocr_synth import fonts as synth_fonts
from ppocr_synth.det import render_page
from ppocr_synth.sets import sample_rngs

REPO = Path(__file__).resolve().parents[2]


def read_label(path):
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.split("\t") for line in lines]


def files_of(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    args = dict(num=8, style="mixed")
    make_rec_set(str(tmp_path / "a"), seed=5, **args)
    make_rec_set(str(tmp_path / "b"), seed=5, **args)
    make_rec_set(str(tmp_path / "c"), seed=6, **args)
    make_rec_set(str(tmp_path / "p"), seed=5, num=3, style="mixed")
    a, b, c = files_of(tmp_path / "a"), files_of(tmp_path / "b"), files_of(tmp_path / "c")
    assert len(a) == 9 and a == b
    assert a["label.txt"] != c["label.txt"]
    assert all(a[k] != c[k] for k in a if k.startswith("images/"))
    # sample i depends on (seed, i) only: a smaller set is a prefix of a larger one
    assert read_label(tmp_path / "p" / "label.txt") == read_label(tmp_path / "a" / "label.txt")[:3]


def test_det_set_is_deterministic(tmp_path):
    for name in "ab":
        make_det_set(str(tmp_path / name), 2, seed=3, height=160, width=224, style="hard")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_rec_labels_use_only_the_charset(tmp_path):
    chars = "0123456789abcxyz-:"
    (tmp_path / "dict.txt").write_text("\n".join(chars) + "\n", encoding="utf-8")
    label = make_rec_set(str(tmp_path / "set"), 20, seed=1, charset_file=str(tmp_path / "dict.txt"),
                         min_len=2, max_len=9, style="hard")
    rows = read_label(label)
    assert len(rows) == 20
    for rel, text in rows:
        assert set(text) <= set(chars) and 2 <= len(text) <= 9 and text == text.strip()
        img = cv2.imread(str(tmp_path / "set" / rel))
        assert img.shape[0] == 48 and img.shape[1] >= 8


def test_default_english_texts_and_fixed_width(tmp_path):
    label = make_rec_set(str(tmp_path), 16, seed=2, width=160, height=32)
    for rel, text in read_label(label):
        assert text and text == text.strip() and "  " not in text and 3 <= len(text) <= 20
        assert all(32 <= ord(c) < 127 for c in text)
        assert cv2.imread(str(tmp_path / rel)).shape == (32, 160, 3)


def test_cls_is_balanced_and_180_is_the_rotated_upright_rendering(tmp_path):
    label = make_cls_set(str(tmp_path), 10, seed=4, ext="png", style="mixed")
    rows = read_label(label)
    assert sorted(lab for _, lab in rows) == ["0"] * 5 + ["180"] * 5
    synth = Synth(min_len=1, max_len=24, style="mixed")  # make_cls_set's defaults
    for i, (rel, lab) in enumerate(rows):
        img = cv2.imread(str(tmp_path / rel))
        _, expect_label, upright = cls_sample(synth, 4, i)
        assert lab == expect_label
        expected = cv2.rotate(upright, cv2.ROTATE_180) if lab == "180" else upright
        assert np.array_equal(img, expected), rel
    # a text line is asymmetric: the rotation is never the image itself
    assert not np.array_equal(upright, cv2.rotate(upright, cv2.ROTATE_180))


def clockwise(points):
    p = np.asarray(points, np.float64)
    return 0.5 * np.sum(p[:, 0] * np.roll(p[:, 1], -1) - np.roll(p[:, 0], -1) * p[:, 1]) > 0


def test_det_labels_are_quads_inside_the_image(tmp_path):
    label = make_det_set(str(tmp_path), 3, seed=7, height=320, width=480, dont_care=0.3, style="mixed")
    boxes = 0
    for rel, anns in read_label(label):
        assert cv2.imread(str(tmp_path / rel)).shape == (320, 480, 3)
        anns = json.loads(anns)
        assert anns, "every page has text"
        for a in anns:
            assert set(a) == {"transcription", "points"} and a["transcription"]
            pts = np.asarray(a["points"])
            assert pts.shape == (4, 2) and pts.dtype.kind == "i"
            assert (pts >= 0).all() and (pts[:, 0] < 480).all() and (pts[:, 1] < 320).all()
            assert clockwise(pts), a
            boxes += 1
    assert boxes >= 6
    label = make_det_set(str(tmp_path / "dc"), 1, seed=7, height=160, width=160, dont_care=1.0)
    assert {a["transcription"] for a in json.loads(read_label(label)[0][1])} == {"###"}


def test_det_quads_enclose_all_the_ink():
    plain = dataclasses.replace(STYLES["clean"], backgrounds=(1, 0, 0, 0), blur=(0, 0, 0), downscale=(0, 1, 1),
                                noise=(0, 0), jpeg=(0, 90, 90), det_rotate_deg=20, perspective=(0.5, 0.1))
    synth = Synth(min_len=1, max_len=12)
    for index in range(3):
        rng, r = sample_rngs(9, "det", index)
        img, anns = render_page(lambda r=r: synth.pick_text(r), rng, plain, 256, 320, dont_care=0.0)
        inside = np.zeros(img.shape[:2], np.uint8)
        ink = (img != img[0, 0]).any(2)
        for a in anns:
            one = np.zeros_like(inside)
            cv2.fillPoly(one, [np.asarray(a["points"], np.int32)], 1)
            assert ink[one > 0].mean() > 0.05, f"page {index}: quad {a} holds almost no ink"
            inside |= one
        inside = cv2.dilate(inside, np.ones((5, 5), np.uint8))  # antialiasing and rounding: 2 px
        assert inside[0, 0] == 0 and ink.any()  # the corner shows the flat background
        assert not (ink & (inside == 0)).any(), f"page {index}: ink outside the labelled quads"


def test_fonts_cover_every_character_drawn():
    synth = Synth(chars="ab\U0001d400\u0e01", min_len=4, max_len=8)  # bold-A: DejaVu Serif Bold only; Thai: none
    assert synth.chars == "ab\U0001d400"
    rng, r = sample_rngs(0, "rec", 0)
    seen_special = False
    for _ in range(40):
        font, text = synth.pick_text(r)
        assert all(fonts.covers(font, c) for c in text)
        if "\U0001d400" in text:
            seen_special = True
            assert "Serif" in os.path.basename(font) and "Bold" in os.path.basename(font)
    assert seen_special


def test_pil_coverage_fallback_agrees_with_the_cmap():
    path = fonts.dejavu_fonts()[0]
    for ch in "aZ \u0416\u0e01\U0001d400":
        assert fonts._pil_covers(path, ch) == fonts.covers(path, ch), repr(ch)


def test_cjk_without_a_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(synth_fonts, "find_cjk_fonts", lambda: [])
    with pytest.raises(ConfigError, match="no CJK font was found.*--font PATH"):
        Synth(lang="ch")
    with pytest.raises(ConfigError, match="--font PATH"):
        Synth(chars="abc\u4e2d\u6587")


def test_cjk_rendering_when_a_font_is_installed(tmp_path):
    # a CJK font is installed with ppocr (requirements: paperang-p2-fonts-cjk), so this always runs
    assert fonts.find_cjk_fonts(), f"no CJK font found: is {fonts.CJK_FONT_PIN} installed?"
    label = make_rec_set(str(tmp_path), 4, seed=1, lang="ch")
    assert any(ord(c) > 0x2E80 for _, text in read_label(label) for c in text)


def test_generated_set_loads_with_simple_dataset(tmp_path):
    label = make_cls_set(str(tmp_path), 4, seed=1)
    t = build_transforms([{"DecodeImage": {"img_mode": "BGR"}}, {"ClsLabelEncode": None},
                          {"ClsResizeImg": {"image_shape": [3, 48, 192]}},
                          {"KeepKeys": {"keep_keys": ["image", "label"]}}],
                         "Train.dataset.transforms", defaults={"label_list": ["0", "180"]})
    ds = SimpleDataSet([label], t, data_dir=str(tmp_path))
    assert len(ds) == 4 and ds[(0, 1)]["image"].shape == (3, 48, 192)


@pytest.mark.parametrize("kind", CORRUPT_KINDS)
def test_corrupt_images_do_not_decode(tmp_path, kind):
    path = write_corrupt_image(str(tmp_path / f"bad_{kind}.jpg"), kind)
    with pytest.raises(BadSample, match="cannot decode|truncated"):
        DecodeImage()({"image": Path(path).read_bytes()})


def run_cli(*args):
    return subprocess.run([sys.executable, "tools/synth_data.py", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def test_cli_writes_each_kind(tmp_path):
    for kind, extra in [("det", ["--height", "96", "--width", "128"]), ("rec", ["--chars", "abc 123"]),
                        ("cls", ["--style", "hard", "--ext", "png"])]:
        out = tmp_path / kind
        r = run_cli(kind, "--out", str(out), "--num", "2", "--seed", "1", *extra)
        assert r.returncode == 0, r.stderr
        assert f"wrote 2 {kind} samples" in r.stdout
        assert f"writing {out}" in r.stderr and "2/2" in r.stderr  # the progress bar
        rows = read_label(out / "label.txt")
        assert len(rows) == 2 and all((out / rel).is_file() for rel, _ in rows)
    assert all(set(t) <= set("abc 123") for _, t in read_label(tmp_path / "rec" / "label.txt"))


def test_cli_rejects_bad_arguments(tmp_path):
    r = run_cli("rec", "--out", str(tmp_path), "--num", "2", "--min_len", "5", "--max_len", "2")
    assert r.returncode == 2 and "min_len" in r.stderr
    r = run_cli("rec", "--out", str(tmp_path), "--num", "2", "--font", str(tmp_path / "nope.ttf"))
    assert r.returncode == 2 and "nope.ttf does not exist" in r.stderr


def test_cli_output_is_identical_across_processes(tmp_path):
    for name, hash_seed in [("a", "1"), ("b", "2")]:
        r = subprocess.run([sys.executable, "tools/synth_data.py", "det", "--out", str(tmp_path / name),
                            "--num", "2", "--seed", "11", "--height", "128", "--width", "128",
                            "--style", "mixed"], cwd=REPO, capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert r.returncode == 0, r.stderr
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
