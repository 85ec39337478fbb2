import math
import random

import numpy as np
import pytest

from ppocr.data.transforms import build_transforms
from ppocr.data.transforms.rec_aug import RecAug
from ppocr.data.transforms.rec_con_aug import RecConAug
from ppocr.data.transforms.rec_resize import RecResizeImg
from ppocr.data.transforms.text_image_aug import mls_affine_map, tia_distort, tia_perspective, tia_stretch
from ppocr.errors import ConfigError


def line(h=32, w=100, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def seed(s):
    random.seed(s)
    np.random.seed(s)


def test_resize_pads_right_and_normalises():
    img = np.full((32, 100, 3), 255, np.uint8)
    out = RecResizeImg([3, 48, 320])({"image": img})
    assert out["image"].shape == (3, 48, 320) and out["image"].dtype == np.float32
    new_w = math.ceil(48 * 100 / 32)  # 150
    assert np.all(out["image"][:, :, :new_w] == 1.0) and np.all(out["image"][:, :, new_w:] == 0.0)
    assert out["valid_ratio"] == pytest.approx(new_w / 320)
    # a long line is squeezed to the full width
    out = RecResizeImg([3, 48, 320])({"image": line(20, 400)})
    assert out["valid_ratio"] == 1.0
    # PaddleOCR's value arithmetic
    img = line()
    out = RecResizeImg([3, 48, 320])({"image": img})
    import cv2
    ref = (cv2.resize(img, (150, 48)).astype("float32").transpose(2, 0, 1) / 255 - 0.5) / 0.5
    np.testing.assert_array_equal(out["image"][:, :, :150], ref)


def test_resize_modes():
    out = RecResizeImg([3, 48, 320], padding=False)({"image": line(32, 50)})
    assert out["valid_ratio"] == 1.0 and np.all(out["image"][:, :, -1] != 0)
    out = RecResizeImg([3, 48, 320], eval_mode=True)({"image": line(20, 400)})
    assert out["image"].shape == (3, 48, 960) and out["valid_ratio"] == 1.0
    out = RecResizeImg([1, 32, 100])({"image": line(32, 50)[:, :, :1]})
    assert out["image"].shape == (1, 32, 100)
    with pytest.raises(ConfigError):
        RecResizeImg([48, 320])


def test_mls_identity_and_translation():
    src = np.array([[0, 0], [40, 0], [40, 20], [0, 20], [20, 0], [20, 20]], float)
    mx, my = mls_affine_map(src, src, 20, 40)
    xs, ys = np.meshgrid(np.arange(40), np.arange(20))
    np.testing.assert_allclose(mx, xs, atol=1e-3)
    np.testing.assert_allclose(my, ys, atol=1e-3)
    mx, my = mls_affine_map(src, src + [3, 0], 20, 40)  # content moves right by 3
    np.testing.assert_allclose(mx, xs - 3, atol=1e-3)


@pytest.mark.parametrize("fn", [lambda im: tia_distort(im, 4), lambda im: tia_stretch(im, 5), tia_perspective])
def test_tia_keeps_shape_and_is_seeded(fn):
    img = line(32, 120)
    seed(3)
    a = fn(img)
    seed(3)
    b = fn(img)
    assert a.shape == img.shape and a.dtype == img.dtype
    np.testing.assert_array_equal(a, b)


def test_rec_aug_reproducible_and_changes_image():
    img = line(32, 120)
    aug = RecAug(tia_prob=1.0)
    seed(7)
    a = aug({"image": img.copy()})["image"]
    seed(7)
    b = aug({"image": img.copy()})["image"]
    np.testing.assert_array_equal(a, b)
    assert a.shape[1] == 120 and not np.array_equal(a, img)
    off = RecAug(0, 0, 0, 0, 0, 0, 0)
    np.testing.assert_array_equal(off({"image": img.copy()})["image"], img)
    with pytest.raises(ConfigError, match="tia_prob"):
        RecAug(tia_prob=2)


def ext(text, w, h=32):
    return {"image": line(h, w, seed=w), "label": text}


def test_con_aug_joins_while_it_fits():
    op = RecConAug(prob=1.0, image_shape=[48, 320, 3], max_text_length=10, ext_data_num=2)
    data = {"image": line(32, 64), "label": "abc", "ext_data": [ext("de", 64), ext("fg", 64)]}
    out = op(data)
    assert out["label"] == "abcdefg" and "ext_data" not in out
    assert out["image"].shape == (48, 96 * 3, 3)
    # ratios 2 + 2 + 3 > 320 / 48: the third piece does not fit
    out = op({"image": line(32, 64), "label": "abc", "ext_data": [ext("de", 64), ext("fg", 96)]})
    assert out["label"] == "abcde" and out["image"].shape == (48, 192, 3)
    # text too long stops joining
    out = op({"image": line(32, 64), "label": "abcdefgh", "ext_data": [ext("xyz", 32)]})
    assert out["label"] == "abcdefgh" and out["image"].shape == (32, 64, 3)


def test_con_aug_probability_and_builder_default():
    op = RecConAug(prob=0.0)
    out = op({"image": line(), "label": "a", "ext_data": [ext("b", 20)]})
    assert out["label"] == "a" and "ext_data" not in out
    ops = build_transforms([{"RecConAug": {"prob": 0.5}}], "T", {"max_text_length": 40})
    assert ops.ops[0].max_text_length == 40 and ops.ops[0].ext_data_num == 2
