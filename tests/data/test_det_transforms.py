"""Detection transforms: label parsing, copy-paste, geometric augmentation, crop, test resize, and the
PP-OCRv3 training chain built from a config."""

import json
import random

import cv2
import numpy as np
import pytest
from shapely.geometry import Polygon

from ppocr.data.transforms import BadSample, build_transforms
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS


def build(name, **args):
    return TRANSFORMS.build_named(name, args, f"test.{name}")


def seed(s):
    random.seed(s)
    np.random.seed(s)


def label(*boxes):
    return json.dumps([{"transcription": t, "points": p} for t, p in boxes])


QUADS = [[[40, 30], [200, 30], [200, 70], [40, 70]],
         [[60, 120], [260, 110], [262, 150], [62, 160]],
         [[230, 200], [300, 200], [300, 230], [230, 230]]]


def rendered_sample(h=260, w=340, quads=QUADS, tags=(False, False, True)):
    """A grey image with each quad filled in its own colour, and the matching sample dict."""
    img = np.full((h, w, 3), 127, np.uint8)
    for i, q in enumerate(quads):
        cv2.fillPoly(img, [np.array(q, np.int32)], (20 + 60 * i, 255 - 60 * i, 30 * i))
    return {"image": img, "polys": np.array(quads, np.float32), "ignore_tags": np.array(tags),
            "texts": [f"t{i}" if not tag else "###" for i, tag in enumerate(tags)]}


def coverage(img, poly, color):
    """Share of the pixels inside ``poly`` that have ``color`` (within a tolerance)."""
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
    inside = img[mask > 0].astype(int)
    if not len(inside):
        return 0.0
    return float((np.abs(inside - np.array(color)).max(axis=1) < 40).mean())


def covered(img, poly, color, tol=25):
    """Share of the pixels of ``color`` that lie inside ``poly`` (grown by a pixel)."""
    hit = np.abs(img.astype(int) - np.array(color)).max(axis=2) < tol
    mask = np.zeros(img.shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    return float((hit & (mask > 0)).sum() / max(hit.sum(), 1))


# --- DetLabelEncode -------------------------------------------------------------------------------

def test_det_label_encode_parses_and_tags():
    enc = build("DetLabelEncode")
    out = enc({"label": label(("ab", QUADS[0]), ("###", QUADS[1]), ("*", QUADS[2]))})
    assert out["polys"].dtype == np.float32 and out["polys"].shape == (3, 4, 2)
    assert out["texts"] == ["ab", "###", "*"]
    assert out["ignore_tags"].dtype == bool and out["ignore_tags"].tolist() == [False, True, True]


def test_det_label_encode_pads_shorter_polygons_with_their_last_point():
    six = [[0, 0], [10, 0], [20, 0], [20, 10], [10, 10], [0, 10]]
    out = build("DetLabelEncode")({"label": label(("a", QUADS[0]), ("b", six))})
    assert out["polys"].shape == (2, 6, 2)
    np.testing.assert_array_equal(out["polys"][0, 4:], [QUADS[0][3], QUADS[0][3]])
    np.testing.assert_array_equal(out["polys"][1], six)


@pytest.mark.parametrize("bad", [
    "not json", '{"points": [[0, 0], [1, 0], [1, 1]]}', '[{"transcription": "a"}]',
    '[{"transcription": "a", "points": [[0, 0], [1, 1]]}]',
    '[{"transcription": "a", "points": [[0, 0], ["x", 1], [1, 1]]}]',
    '[{"transcription": "a", "points": [[0, 0, 3], [1, 0], [1, 1]]}]', "[3]"])
def test_det_label_encode_rejects_malformed_labels(bad):
    with pytest.raises(BadSample, match="detection label"):
        build("DetLabelEncode")({"label": bad})


def test_det_label_encode_drops_images_without_boxes():
    assert build("DetLabelEncode")({"label": "[]"}) is None


# --- IaaAugment -------------------------------------------------------------------------------------

@pytest.mark.parametrize("s", range(4))
def test_iaa_augment_moves_polygons_with_the_image(s):
    seed(s)
    data = rendered_sample()
    colors = [tuple(int(c) for c in data["image"][int(np.mean(q, 0)[1]), int(np.mean(q, 0)[0])]) for q in QUADS]
    out = build("IaaAugment")(data)  # PaddleOCR's default: flip, rotate [-10, 10], resize [0.5, 3]
    assert out["polys"].shape == (3, 4, 2) and out["polys"].dtype == np.float32
    for poly, color in zip(out["polys"], colors):
        assert coverage(out["image"], poly, color) > 0.85  # the polygon holds its text ...
        assert covered(out["image"], poly, color) > 0.95   # ... and all of it


def test_iaa_augment_flip_and_resize_are_exact():
    data = rendered_sample()
    aug = build("IaaAugment", augmenter_args=[{"type": "Fliplr", "args": {"p": 1.0}},
                                              {"type": "Resize", "args": {"size": 2.0}}])
    out = aug(data)
    assert out["image"].shape[:2] == (520, 680)
    x = np.array(QUADS[0], np.float32)[:, 0]
    np.testing.assert_allclose(out["polys"][0, :, 0], (339 - x) * 2, atol=1e-3)


def test_iaa_augment_ops_draw_independently():
    """imgaug draws each op's parameters on its own: whether a sample is flipped says nothing of its
    rotation or scale (per-node seeding gave every op the same draw: flipped samples were always
    shrunk, correlation -0.86)."""
    aug = build("IaaAugment")
    image = np.zeros((100, 200, 3), np.uint8)
    flipped, scale, angle = [], [], []
    for s in range(400):
        seed(s)
        quad = np.array([[[10, 10], [60, 10], [60, 20], [10, 20]]], np.float32)
        out = aug({"image": image, "polys": quad})
        height, width = out["image"].shape[:2]
        p = out["polys"][0]
        flipped.append(p[:, 0].mean() / width > 0.5)
        scale.append(width / 200)
        top = p[1] - p[0] if not flipped[-1] else p[0] - p[1]  # the quad's top edge, left to right
        angle.append(np.degrees(np.arctan2(top[1], top[0])))
    flipped, scale, angle = np.array(flipped), np.array(scale), np.array(angle)
    assert 0.4 < flipped.mean() < 0.6 and 0.5 <= scale.min() < 0.7 and 2.7 < scale.max() <= 3.0
    assert np.abs(angle).max() <= 10.5 and angle.min() < -8 and angle.max() > 8
    for a, b in ((flipped, scale), (flipped, np.abs(angle)), (scale, angle), (flipped, angle)):
        assert abs(np.corrcoef(a, b)[0, 1]) < 0.15


@pytest.mark.parametrize("args", [
    [{"type": "Crop", "args": {}}], [{"type": "Affine", "args": {"rotat": 3}}],
    [{"type": "Resize", "args": {"size": "big"}}], [{"type": "Affine", "args": {"order": 2}}], "Fliplr"])
def test_iaa_augment_config_errors(args):
    with pytest.raises(ConfigError, match="IaaAugment"):
        build("IaaAugment", augmenter_args=args)


def test_iaa_augment_without_polygons():
    out = build("IaaAugment")({"image": np.zeros((50, 60, 3), np.uint8), "polys": np.zeros((0, 4, 2), np.float32),
                               "ignore_tags": np.zeros(0, bool)})
    assert out["polys"].shape == (0, 4, 2)


# --- EastRandomCropData -----------------------------------------------------------------------------

@pytest.mark.parametrize("s", range(5))
def test_east_random_crop_keeps_text_whole_and_consistent(s):
    seed(s)
    data = rendered_sample()
    colors = [tuple(int(c) for c in data["image"][int(np.mean(q, 0)[1]), int(np.mean(q, 0)[0])]) for q in QUADS]
    out = build("EastRandomCropData", size=[128, 96], max_tries=50, min_crop_side_ratio=0.1)(data)
    assert out["image"].shape == (96, 128, 3) and out["image"].dtype == np.uint8
    assert len(out["polys"]) == len(out["ignore_tags"]) == len(out["texts"]) >= 1
    assert not out["ignore_tags"].all()
    for poly, text in zip(out["polys"], out["texts"]):
        color = colors[int(text[1])] if text != "###" else colors[2]
        if text != "###":  # cared-for text is never cut by the crop
            assert poly[:, 0].min() >= -1e-3 and poly[:, 0].max() <= 128 + 1e-3
            assert poly[:, 1].min() >= -1e-3 and poly[:, 1].max() <= 96 + 1e-3
            assert coverage(out["image"], poly, color) > 0.8


def test_east_random_crop_stretches_without_keep_ratio():
    seed(0)
    data = rendered_sample(quads=QUADS[:1], tags=(False,))
    out = build("EastRandomCropData", size=[100, 100], max_tries=0, keep_ratio=False)(data)  # whole image
    assert out["image"].shape == (100, 100, 3)
    np.testing.assert_allclose(out["polys"][0], np.array(QUADS[0]) * [100 / 340, 100 / 260], rtol=1e-5)


def test_east_random_crop_config_errors():
    with pytest.raises(ConfigError, match="size"):
        build("EastRandomCropData", size=640)


# --- CopyPaste --------------------------------------------------------------------------------------

@pytest.mark.parametrize("s", range(4))
def test_copy_paste_adds_non_overlapping_text_from_the_image(s):
    seed(s)
    data = rendered_sample(h=400, w=500)
    out = build("CopyPaste", objects_paste_ratio=1.0, ext_data_num=0)(data)
    n = len(out["polys"])
    assert n > 3 and len(out["ignore_tags"]) == len(out["texts"]) == n
    assert not out["ignore_tags"][3:].any() and all(t in ("t0", "t1") for t in out["texts"][3:])
    shapes = [Polygon(p) for p in out["polys"]]
    for i in range(3, n):
        assert not any(shapes[i].intersects(shapes[j]) for j in range(n) if j != i)
        color = (20, 255, 0) if out["texts"][i] == "t0" else (80, 195, 30)
        assert coverage(out["image"], out["polys"][i], color) > 0.8


def test_copy_paste_takes_text_from_the_extra_sample():
    seed(1)
    data = rendered_sample(h=400, w=500, quads=QUADS[2:], tags=(False,))
    data["texts"] = ["mine"]
    extra = rendered_sample()
    data["ext_data"] = [extra]
    cp = build("CopyPaste")
    assert cp.ext_data_num == 1
    out = cp(data)
    assert "ext_data" not in out
    assert out["texts"][0] == "mine" and set(out["texts"][1:]) <= {"t0", "t1"} and len(out["texts"]) > 1


def test_copy_paste_without_cared_text_changes_nothing():
    data = rendered_sample(tags=(True, True, True))
    img = data["image"].copy()
    out = build("CopyPaste", ext_data_num=0)(data)
    assert len(out["polys"]) == 3 and (out["image"] == img).all()


# --- DetResizeForTest -------------------------------------------------------------------------------

@pytest.mark.parametrize("args, hw, expect", [
    ({}, (300, 500), (736, 1216)),                                       # min side up to 736
    ({"limit_side_len": 960, "limit_type": "max"}, (1000, 2000), (480, 960)),
    ({"limit_side_len": 960, "limit_type": "max"}, (300, 500), (288, 512)),  # not enlarged
    ({"limit_side_len": 640, "limit_type": "resize_long"}, (300, 500), (384, 640)),
    ({"image_shape": [640, 640]}, (300, 500), (640, 640)),
    ({"image_shape": [64, 64], "keep_ratio": True}, (30, 100), (64, 224)),
    ({"resize_long": 500}, (300, 510), (384, 512)),
    ({"limit_side_len": 32, "limit_type": "max"}, (10, 20), (32, 32)),   # padded, at least 32
])
def test_det_resize_for_test_sizes(args, hw, expect):
    data = build("DetResizeForTest", **args)({"image": np.zeros(hw + (3,), np.uint8)})
    assert data["image"].shape == expect + (3,)
    src_h, src_w, rh, rw = data["shape"]
    assert (src_h, src_w) == hw
    assert expect[0] % 32 == 0 and expect[1] % 32 == 0
    if sum(hw) >= 64:
        assert rh == pytest.approx(expect[0] / hw[0]) and rw == pytest.approx(expect[1] / hw[1])


def test_det_resize_for_test_config_errors():
    with pytest.raises(ConfigError, match="limit_type"):
        build("DetResizeForTest", limit_side_len=960, limit_type="long")
    with pytest.raises(ConfigError, match="image_shape"):
        build("DetResizeForTest", image_shape=[640])


# --- the PP-OCRv3 training chain --------------------------------------------------------------------

TRAIN_TRANSFORMS = [
    {"DecodeImage": {"img_mode": "BGR", "channel_first": False}}, {"DetLabelEncode": None},
    {"CopyPaste": None},
    {"IaaAugment": {"augmenter_args": [{"type": "Fliplr", "args": {"p": 0.5}},
                                       {"type": "Affine", "args": {"rotate": [-10, 10]}},
                                       {"type": "Resize", "args": {"size": [0.5, 3]}}]}},
    {"EastRandomCropData": {"size": [160, 160], "max_tries": 50, "keep_ratio": True}},
    {"MakeBorderMap": {"shrink_ratio": 0.4, "thresh_min": 0.3, "thresh_max": 0.7}},
    {"MakeShrinkMap": {"shrink_ratio": 0.4, "min_text_size": 8}},
    {"NormalizeImage": {"scale": "1./255.", "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                        "order": "hwc"}},
    {"ToCHWImage": None},
    {"KeepKeys": {"keep_keys": ["image", "threshold_map", "threshold_mask", "shrink_map", "shrink_mask"]}},
]


def test_training_chain_from_config_is_deterministic():
    sample = rendered_sample()
    raw = {"image": cv2.imencode(".png", sample["image"])[1].tobytes(),
           "label": label(*[(t, q) for t, q in zip(sample["texts"], QUADS)])}
    ops = build_transforms(TRAIN_TRANSFORMS, "Train.dataset.transforms")
    outs = []
    for _ in range(2):
        seed(7)
        outs.append(ops(dict(raw)))
    out = outs[0]
    assert out["image"].shape == (3, 160, 160) and out["image"].dtype == np.float32
    for key in ("threshold_map", "threshold_mask", "shrink_map", "shrink_mask"):
        assert out[key].shape == (160, 160) and out[key].dtype == np.float32
        np.testing.assert_array_equal(out[key], outs[1][key])
    assert out["shrink_map"].any()
