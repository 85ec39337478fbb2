import numpy as np
import paddle
import pytest

from ppocr.charset import Charset
from ppocr.errors import ConfigError, DataError
from ppocr.losses.basic_loss import DistanceLoss, DMLLoss
from ppocr.registry import LOSSES

RTOL = 1e-5


@pytest.fixture(scope="module")
def golden(shared):
    z = np.load(shared / "reference" / "golden" / "rec_losses.npz")
    return {k: z[k] for k in z.files}


def en_like() -> Charset:
    return Charset.from_characters([chr(c) for c in range(32, 127)] + [" "])  # 96 -> 97 / 99 classes


def test_ctc_loss_matches_paddleocr(golden):
    loss = LOSSES.build({"name": "CTCLoss"}, "Loss")
    out = loss({"ctc": paddle.to_tensor(golden["ctc_logits"])},
               {"label_ctc": golden["label_ctc"], "length": golden["length"]})
    np.testing.assert_allclose(float(out["loss"]), golden["ctc_loss"], rtol=RTOL)


def test_sar_loss_matches_paddleocr(golden):
    cs = en_like()
    assert cs.sar_padding_idx == int(golden["sar_ignore_index"])
    loss = LOSSES.build({"name": "SARLoss"}, "Loss", charset=cs)
    out = loss({"sar": paddle.to_tensor(golden["sar_logits"])}, {"label_sar": golden["label_sar"]})
    np.testing.assert_allclose(float(out["loss"]), golden["sar_loss"], rtol=RTOL)
    # the head gives C_sar - 1 classes (no padding class); padding is still ignored
    out = loss({"sar": paddle.to_tensor(golden["sar_logits"][..., :98])}, {"label_sar": golden["label_sar"]})
    assert np.isfinite(float(out["loss"]))


def test_dml_and_distance_match_paddleocr(golden):
    a, b = paddle.to_tensor(golden["ctc_logits"]), paddle.to_tensor(golden["dml_other_logits"])
    np.testing.assert_allclose(float(DMLLoss(act="softmax", use_log=True)(a, b)), golden["dml_loss"], rtol=RTOL)
    np.testing.assert_allclose(float(DistanceLoss("l2")(a, 0.5 * a)), golden["l2_loss"], rtol=RTOL)


def test_multi_loss_weights_and_terms(golden):
    cs = en_like()
    cfg = {"name": "MultiLoss", "loss_config_list": [{"CTCLoss": None}, {"SARLoss": None}],
           "weight_1": 1.0, "weight_2": 0.5}
    loss = LOSSES.build(cfg, "Loss", charset=cs)
    out = loss({"ctc": paddle.to_tensor(golden["ctc_logits"]), "sar": paddle.to_tensor(golden["sar_logits"])},
               {k: golden[k] for k in ("label_ctc", "label_sar", "length")})
    np.testing.assert_allclose(float(out["CTCLoss"]), golden["ctc_loss"], rtol=RTOL)
    np.testing.assert_allclose(float(out["SARLoss"]), 0.5 * golden["sar_loss"], rtol=RTOL)
    np.testing.assert_allclose(float(out["loss"]), golden["ctc_loss"] + 0.5 * golden["sar_loss"], rtol=RTOL)


def logits_and_labels(seed=0, n=2, t=12, c=6):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(n, t, c)).astype("float32"),
            {"label_ctc": np.array([[1, 2, 3, 0], [4, 4, 0, 0]]), "length": np.array([3, 2])})


def test_ctc_focal_and_gradient():
    logits, batch = logits_and_labels()
    x = paddle.to_tensor(logits, stop_gradient=False)
    plain = LOSSES.build({"name": "CTCLoss"}, "Loss")({"ctc": x}, batch)["loss"]
    focal = LOSSES.build({"name": "CTCLoss", "use_focal_loss": True}, "Loss")({"ctc": x}, batch)["loss"]
    assert 0 < float(focal) < float(plain)
    plain.backward()
    assert x.grad is not None and np.isfinite(x.grad.numpy()).all()
    # CTCLabelEncode's plain 'label' works too
    out = LOSSES.build({"name": "CTCLoss"}, "Loss")({"ctc": x}, {"label": batch["label_ctc"], "length": batch["length"]})
    np.testing.assert_allclose(float(out["loss"]), float(plain), rtol=1e-6)


def test_dml_variants():
    a = paddle.to_tensor(np.random.default_rng(1).normal(size=(2, 5, 7)).astype("float32"))
    for act, use_log in (("softmax", True), ("sigmoid", True), ("softmax", False)):
        same, other = DMLLoss(act, use_log)(a, a).numpy(), DMLLoss(act, use_log)(a, 2 * a).numpy()
        # use_log: one batch-mean value; without it PaddleOCR's KLJS form, one value per sample
        assert same.shape == other.shape == (() if use_log else (2,))
        assert np.all(np.abs(same) < 1e-5) and np.all(other > 0)
    np.testing.assert_allclose(float(DistanceLoss("l1")(a, 0 * a)), float(a.abs().mean()), rtol=1e-6)
    assert float(DistanceLoss("smooth_l1")(a, a)) == 0.0
    with pytest.raises(ConfigError):
        DMLLoss(act="relu")
    with pytest.raises(ConfigError):
        DistanceLoss("l3")


def test_errors():
    cs = Charset.from_characters(list("abc"))
    with pytest.raises(ConfigError, match="needs the recognition charset"):
        LOSSES.build({"name": "SARLoss"}, "Loss", charset=None)
    with pytest.raises(ConfigError, match="ignore_index"):
        LOSSES.build({"name": "SARLoss", "ignore_index": 92}, "Loss", charset=cs)
    assert LOSSES.build({"name": "SARLoss", "ignore_index": 5}, "Loss", charset=cs).ignore_index == 5
    with pytest.raises(ConfigError, match="unknown key 'use_focal'"):
        LOSSES.build({"name": "MultiLoss", "loss_config_list": [{"CTCLoss": {"use_focal": True}}]},
                     "Loss", charset=cs)
    with pytest.raises(ConfigError, match="listed twice"):
        LOSSES.build({"name": "MultiLoss", "loss_config_list": [{"CTCLoss": None}, {"CTCLoss": None}]},
                     "Loss", charset=cs)
    logits, batch = logits_and_labels()
    with pytest.raises(ConfigError, match="no 'sar' output"):
        LOSSES.build({"name": "SARLoss"}, "Loss", charset=cs)({"ctc": logits}, batch)
    with pytest.raises(DataError, match="no 'label_ctc' or 'label'"):
        LOSSES.build({"name": "CTCLoss"}, "Loss")({"ctc": paddle.to_tensor(logits)}, {"length": batch["length"]})
