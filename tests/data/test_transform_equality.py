"""The data pipeline's rewritten-for-speed parts against straightforward reference implementations
kept here: the outputs must stay bit for bit the same (small random inputs)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ppocr.data.transforms.normalize import NormalizeImage
from ppocr.data.transforms.text_image_aug import mls_affine_map, tia_distort, tia_perspective, tia_stretch


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.uint8)


def reference_mls(src_pts, dst_pts, h: int, w: int):
    """Moving-least-squares affine maps written per grid point with einsum, as first implemented."""
    p = np.asarray(dst_pts, dtype=np.float64)
    q = np.asarray(src_pts, dtype=np.float64)
    step = max(1, min(h, w) // 12)
    gy = (np.arange(-(-h // step)) + 0.5) * step - 0.5
    gx = (np.arange(-(-w // step)) + 0.5) * step - 0.5
    v = np.stack(np.meshgrid(gx, gy), axis=-1).reshape(-1, 2)
    wts = 1.0 / np.maximum(((p[None] - v[:, None]) ** 2).sum(-1), 1e-8)
    wsum = wts.sum(1, keepdims=True)
    p_star, q_star = wts @ p / wsum, wts @ q / wsum
    p_hat, q_hat = p[None] - p_star[:, None], q[None] - q_star[:, None]
    a = np.einsum("mk,mki,mkj->mij", wts, p_hat, p_hat) + np.eye(2) * 1e-8
    b = np.einsum("mk,mki,mkj->mij", wts, p_hat, q_hat)
    f = np.einsum("mi,mij->mj", v - p_star, np.linalg.solve(a, b)) + q_star
    disp = (f - v).reshape(len(gy), len(gx), 2).astype(np.float32)
    if step > 1:
        disp = cv2.resize(disp, (len(gx) * step, len(gy) * step), interpolation=cv2.INTER_LINEAR)[:h, :w]
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return xs + disp[..., 0], ys + disp[..., 1]


@pytest.mark.parametrize("seed", range(6))
def test_mls_affine_map_equals_reference(seed):
    rng = np.random.default_rng(seed)
    for _ in range(20):
        h = int(rng.integers(2, 14)) if seed % 2 else int(rng.integers(14, 64))
        w = int(rng.integers(max(2, h // 2), 6 * h + 2))
        k = int(rng.choice([4, 8, 10]))
        src = np.c_[rng.integers(0, w + 1, k), rng.integers(0, h + 1, k)].astype(np.float64)
        dst = src + rng.normal(size=src.shape) * 3
        if rng.random() < 0.5:
            dst = np.round(dst)  # control points on grid pixels: the 1e-8 floor of the distances
        got, want = mls_affine_map(src, dst, h, w), reference_mls(src, dst, h, w)
        for g, r in zip(got, want):
            assert g.shape == r.shape and g.dtype == r.dtype
            assert np.array_equal(bits(g), bits(r))


@pytest.mark.parametrize("warp", [tia_distort, tia_stretch, tia_perspective])
def test_tia_warps_equal_reference_maps(warp, monkeypatch):
    """The warps, run with the reference maps and with ours from the same seed, give the same image."""
    import ppocr.data.transforms.text_image_aug as tia

    img = np.random.default_rng(1).integers(0, 256, (32, 100, 3), dtype=np.uint8)
    np.random.seed(3)
    ours = warp(img)
    monkeypatch.setattr(tia, "mls_affine_map", lambda s, d, h, w, grid_step=None: reference_mls(s, d, h, w))
    np.random.seed(3)
    assert np.array_equal(ours, warp(img))


@pytest.mark.parametrize("shape", [(7, 5, 3), (1, 1, 3), (16, 9, 3)])
@pytest.mark.parametrize("scale", ["1./255.", 1.0])
def test_normalize_table_equals_arithmetic(shape, scale):
    norm = NormalizeImage(scale=scale, mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    img = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    img[0, 0] = [0, 255, 128]
    want = img.astype(np.float32) * norm.mul + norm.add  # the float32 arithmetic, by hand
    got = norm({"image": img})["image"]
    assert got.dtype == np.float32 and got.shape == want.shape
    assert np.array_equal(bits(got), bits(want))
    # a non-contiguous view and a float image take the same values
    view = np.random.default_rng(1).integers(0, 256, (6, 8, 3), dtype=np.uint8)[:, ::2]
    assert np.array_equal(bits(norm({"image": view})["image"]), bits(view.astype(np.float32) * norm.mul + norm.add))
    as_float = img.astype(np.float32)
    assert np.array_equal(bits(norm({"image": as_float})["image"]), bits(want))


def test_normalize_chw_and_gray_keep_arithmetic():
    chw = NormalizeImage(order="chw")
    img = np.random.default_rng(2).integers(0, 256, (3, 4, 5), dtype=np.uint8)
    assert np.array_equal(bits(chw({"image": img})["image"]), bits(img.astype(np.float32) * chw.mul + chw.add))


def test_to_tensors_shares_nothing_but_values():
    """The CPU batches wrap the arrays without a copy: same dtypes, shapes and values as to_tensor."""
    paddle = pytest.importorskip("paddle")
    from ppocr.data.loader import to_tensors

    paddle.set_device("cpu")
    rng = np.random.default_rng(0)
    batch = {"image": rng.random((2, 3, 4, 4), dtype=np.float32), "label": np.arange(6).reshape(2, 3),
             "flag": np.array([True, False]), "strided": rng.random((3, 4))[:, ::2], "names": ["a", "b"]}
    got = to_tensors(batch)
    assert got["names"] == ["a", "b"]
    for key in ("image", "label", "flag", "strided"):
        want = paddle.to_tensor(batch[key])
        assert got[key].dtype == want.dtype and got[key].shape == want.shape
        assert got[key].stop_gradient and np.array_equal(got[key].numpy(), want.numpy())
    kept = batch["image"].copy()
    image = got["image"]
    del batch, got  # the tensor holds its array
    np.zeros((64, 1024), np.float32).fill(7)
    assert np.array_equal(image.numpy(), kept)


@pytest.mark.parametrize("shape", [(7, 5, 3), (1, 1, 3), (33, 17, 3)])
def test_normalize_before_to_chw_writes_planes_with_same_values(shape):
    from ppocr.data.transforms.base import build_transforms

    chain = build_transforms([{"NormalizeImage": {"scale": "1./255.", "order": "hwc"}}, {"ToCHWImage": None}], "t")
    norm = chain.ops[0]
    assert norm.planar
    img = np.random.default_rng(3).integers(0, 256, shape, dtype=np.uint8)
    want = np.ascontiguousarray((img.astype(np.float32) * norm.mul + norm.add).transpose(2, 0, 1))
    got = chain({"image": img})["image"]
    assert got.flags.c_contiguous and got.shape == want.shape and got.dtype == want.dtype
    assert np.array_equal(bits(got), bits(want))
    alone = build_transforms([{"NormalizeImage": {"scale": "1./255."}}], "t")
    assert not alone.ops[0].planar and alone({"image": img})["image"].flags.c_contiguous


def test_areas_lengths_equal_shapely_one_by_one():
    """MakeBorderMap/MakeShrinkMap measure all polygons in one shapely call: the same GEOS values
    as a Polygon per polygon, degenerate ones (a point, a repeated vertex, a line) included."""
    from shapely.geometry import Polygon

    from ppocr.data.transforms.det_polys import areas_lengths, shrink_distances

    rng = np.random.default_rng(3)
    polys = (rng.random((300, 4, 2)) * 700 - 30).astype(np.float32)
    polys[:5] = polys[:5, :1]  # a point
    polys[5:10, 2] = polys[5:10, 1]  # a repeated vertex
    polys[10:15, :, 1] = 7.5  # a line
    areas, lengths = areas_lengths(polys)
    assert areas == [Polygon(p).area for p in polys]
    assert lengths == [Polygon(p).length for p in polys]
    # DB's D = A (1 - r^2) / L, from one Polygon at a time; None without area
    one_by_one = [None if Polygon(p).area <= 0 else Polygon(p).area * (1 - np.power(0.4, 2)) / Polygon(p).length
                  for p in polys]
    assert shrink_distances(polys, 0.4) == one_by_one and None in one_by_one
    assert areas_lengths(polys[:0]) == ([], [])


def test_threshold_map_scaled_per_polygon_equals_scaling_after():
    """MakeBorderMap scales each polygon's ramp before the max over polygons: the same bits as
    the whole map scaled after (overlapping polygons, a NaN-free and a border case)."""
    from ppocr.data.transforms import make_border_map as mbm
    from ppocr.data.transforms.det_polys import shrink_distances

    rng = np.random.default_rng(5)
    for _ in range(20):
        h, w = int(rng.integers(40, 120)), int(rng.integers(40, 120))
        centre = rng.random((6, 1, 2)) * [w, h]
        polys = (centre + rng.normal(0, 15, (6, 4, 2))).astype(np.float32)
        out = mbm.MakeBorderMap()({"image": np.zeros((h, w, 3), np.uint8), "polys": polys,
                                   "ignore_tags": np.zeros(6, bool)})
        canvas, mask = np.zeros((h, w), np.float32), np.zeros((h, w), np.float32)
        for poly in polys:
            mbm.draw_border(poly, canvas, mask, shrink_distances(poly[None], 0.4)[0])
        canvas *= 0.7 - 0.3
        canvas += 0.3
        assert out["threshold_map"].tobytes() == canvas.tobytes()
        assert out["threshold_mask"].tobytes() == mask.tobytes()
