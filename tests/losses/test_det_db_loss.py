"""DBLoss against PaddleOCR 2.7's golden values, and its parts."""

import numpy as np
import paddle
import pytest

import ppocr.losses  # noqa: F401  (registers the losses)
from ppocr.errors import ConfigError, DataError
from ppocr.losses.det_basic_loss import BalanceLoss, DiceLoss, MaskL1Loss
from ppocr.registry import LOSSES

RTOL = 1e-5
TERMS = ("loss", "loss_shrink_maps", "loss_threshold_maps", "loss_binary_maps", "loss_cbn")
LABELS = ("shrink_map", "shrink_mask", "threshold_map", "threshold_mask")


@pytest.fixture(scope="module")
def golden(shared):
    z = np.load(shared / "reference" / "golden" / "db_loss.npz")
    return {k: z[k] for k in z.files}


@pytest.mark.shared
def test_db_loss_matches_paddleocr(golden):
    loss = LOSSES.build({"name": "DBLoss", "balance_loss": True, "main_loss_type": "DiceLoss",
                         "alpha": 5, "beta": 10, "ohem_ratio": 3}, "Loss")
    out = loss({"maps": paddle.to_tensor(golden["pred_maps"].astype("float32"))},
               {k: golden[k] for k in LABELS})
    assert set(out) == set(TERMS)
    for key in TERMS:
        np.testing.assert_allclose(float(out[key]), golden[key], rtol=RTOL, err_msg=key)


def random_case(seed=0, n=2, h=24, w=32):
    rng = np.random.default_rng(seed)
    shrink = np.zeros((n, h, w), np.float32)
    shrink[:, 6:14, 5:25] = 1
    mask = (rng.uniform(size=(n, h, w)) > 0.1).astype(np.float32)
    thresh = rng.uniform(0.3, 0.7, (n, h, w)).astype(np.float32)
    tmask = (rng.uniform(size=(n, h, w)) > 0.5).astype(np.float32)
    pred = rng.uniform(0.01, 0.99, (n, 3, h, w)).astype(np.float32)
    return pred, {"shrink_map": shrink, "shrink_mask": mask, "threshold_map": thresh, "threshold_mask": tmask}


def test_balanced_bce_is_ohem_over_the_hardest_negatives():
    pred, y = random_case()
    p, g, m = pred[:, 0], y["shrink_map"], y["shrink_mask"]
    bce = -(g * np.log(p) + (1 - g) * np.log(1 - p))
    pos, neg = g * m, (1 - g) * m
    n_pos = int(pos.sum())
    n_neg = int(min(neg.sum(), 3 * n_pos))
    hardest = np.sort((neg * bce).ravel())[::-1][:n_neg]
    expect = ((pos * bce).sum() + hardest.sum()) / (n_pos + n_neg + 1e-6)
    got = BalanceLoss(True, "BCELoss", 3)(*(paddle.to_tensor(v) for v in (p, g, m)))
    np.testing.assert_allclose(float(got), expect, rtol=1e-5)


def test_dice_and_l1_and_the_weighting():
    pred, y = random_case(1)
    t = {k: paddle.to_tensor(v) for k, v in y.items()}
    p = paddle.to_tensor(pred)
    dice = float(DiceLoss()(p[:, 2], t["shrink_map"], t["shrink_mask"]))
    g, m, b = y["shrink_map"], y["shrink_mask"], pred[:, 2]
    np.testing.assert_allclose(dice, 1 - 2 * (b * g * m).sum() / ((b * m).sum() + (g * m).sum() + 1e-6), rtol=1e-5)
    l1 = float(MaskL1Loss()(p[:, 1], t["threshold_map"], t["threshold_mask"]))
    tm = y["threshold_mask"]
    np.testing.assert_allclose(l1, (np.abs(pred[:, 1] - y["threshold_map"]) * tm).sum() / (tm.sum() + 1e-6), rtol=1e-5)
    out = LOSSES.build({"name": "DBLoss", "alpha": 2, "beta": 3, "balance_loss": False}, "Loss")({"maps": p}, y)
    shrink_dice = float(DiceLoss()(p[:, 0], t["shrink_map"], t["shrink_mask"]))
    np.testing.assert_allclose(float(out["loss_shrink_maps"]), 2 * shrink_dice, rtol=1e-5)
    np.testing.assert_allclose(float(out["loss_threshold_maps"]), 3 * l1, rtol=1e-5)
    np.testing.assert_allclose(float(out["loss_binary_maps"]), dice, rtol=1e-5)
    np.testing.assert_allclose(float(out["loss"]), 2 * shrink_dice + 3 * l1 + dice, rtol=1e-5)


@pytest.mark.parametrize("main", ["DiceLoss", "BCELoss", "MaskL1Loss"])
def test_db_loss_gives_gradients(main):
    pred, y = random_case(2)
    p = paddle.to_tensor(pred, stop_gradient=False)
    out = LOSSES.build({"name": "DBLoss", "main_loss_type": main}, "Loss")({"maps": p}, y)
    out["loss"].backward()
    grad = p.grad.numpy()
    assert np.isfinite(grad).all() and np.abs(grad).sum() > 0 and np.isfinite(float(out["loss"]))


def test_db_loss_errors():
    pred, y = random_case()
    with pytest.raises(ConfigError, match="main_loss_type"):
        LOSSES.build({"name": "DBLoss", "main_loss_type": "Focal"}, "Loss")
    loss = LOSSES.build({"name": "DBLoss"}, "Loss")
    with pytest.raises(DataError, match="threshold_mask"):
        loss({"maps": paddle.to_tensor(pred)}, {k: v for k, v in y.items() if k != "threshold_mask"})
    with pytest.raises(ConfigError, match=r"\(N, 3, H, W\)"):
        loss({"maps": paddle.to_tensor(pred[:, :1])}, y)
