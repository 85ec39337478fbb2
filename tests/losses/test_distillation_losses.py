import cv2
import numpy as np
import paddle
import pytest

import ppocr.losses  # noqa: F401
from ppocr.errors import ConfigError
from ppocr.losses.basic_loss import distance_loss, dml_loss
from ppocr.losses.det_basic_loss import BalanceLoss, DiceLoss
from ppocr.losses.distillation import dilate_2x2
from ppocr.registry import LOSSES

rng = np.random.default_rng(0)


def t(a):
    return paddle.to_tensor(np.asarray(a, dtype="float32"))


def det_batch(n=2, h=16, w=16):
    return {"shrink_map": t(rng.random((n, h, w)) > 0.7), "shrink_mask": t(rng.random((n, h, w)) > 0.1),
            "threshold_map": t(rng.random((n, h, w))), "threshold_mask": t(rng.random((n, h, w)) > 0.5)}


def det_out(n=2, h=16, w=16):
    return {"maps": t(rng.uniform(0.01, 0.99, (n, 3, h, w)))}


def test_dilate_matches_opencv():
    x = (rng.random((3, 17, 23)) > 0.8).astype("float32")
    ours = dilate_2x2(t(x)).numpy()
    theirs = np.stack([cv2.dilate(m.astype(np.uint8), np.ones((2, 2))) for m in x]).astype("float32")
    np.testing.assert_array_equal(ours, theirs)


def test_dilated_teacher_loss_is_the_documented_formula():
    outputs = {"Student": det_out(), "Student2": det_out(), "Teacher": det_out()}
    batch = det_batch()
    loss = LOSSES.build_named("DistillationDilaDBLoss", {"model_name_pairs": [["Student", "Teacher"],
                                                                              ["Student2", "Teacher"]],
                                                         "key": "maps"}, "Loss")(outputs, batch)
    mask = batch["shrink_mask"]
    total = 0.0
    for s in ("Student", "Student2"):
        th = outputs["Teacher"]["maps"].numpy()[:, 0] > 0.3
        label = t(np.stack([cv2.dilate(m.astype(np.uint8), np.ones((2, 2))) for m in th]))
        stu = outputs[s]["maps"]
        expect = 5 * BalanceLoss()(stu[:, 0], label, mask) + DiceLoss()(stu[:, 2], label, mask)
        np.testing.assert_allclose(float(loss[f"dila_dbloss_{s}_Teacher"]), float(expect), rtol=1e-6)
        total += float(expect)
    np.testing.assert_allclose(float(loss["loss"]), total, rtol=1e-6)


def test_per_model_db_loss_sums_each_student():
    outputs = {"Student": det_out(), "Student2": det_out()}
    batch = det_batch()
    loss = LOSSES.build_named("DistillationDBLoss", {"model_name_list": ["Student", "Student2"]}, "Loss")(outputs, batch)
    db = LOSSES.build_named("DBLoss", {}, "Loss")
    expect = float(db(outputs["Student"], batch)["loss"]) + float(db(outputs["Student2"], batch)["loss"])
    np.testing.assert_allclose(float(loss["loss"]), expect, rtol=1e-6)
    assert "db_Student_loss_shrink_maps" in loss and "db_Student2_loss_binary_maps" in loss


def test_dml_on_maps_and_on_ctc_branch():
    outputs = {"Student": det_out(), "Student2": det_out()}
    loss = LOSSES.build_named("DistillationDMLLoss", {"model_name_pairs": ["Student", "Student2"],
                                                      "maps_name": "thrink_maps", "key": "maps"}, "Loss")(outputs, {})
    p1, p2 = outputs["Student"]["maps"][:, 0].numpy(), outputs["Student2"]["maps"][:, 0].numpy()
    kl = 0.5 * (p2 * np.log((p2 + 1e-5) / (p1 + 1e-5) + 1e-5) + p1 * np.log((p1 + 1e-5) / (p2 + 1e-5) + 1e-5))
    per_image = kl.reshape(kl.shape[0], -1).mean(axis=1)  # PaddleOCR's: one value per image
    assert loss["loss"].shape == [len(per_image)]
    np.testing.assert_allclose(loss["loss"].numpy(), per_image, rtol=1e-5)
    np.testing.assert_allclose(loss["dml_thrink_maps_0"].numpy(), per_image, rtol=1e-5)  # PaddleOCR's name
    scalar = LOSSES.build_named("DistillationDMLLoss", {"model_name_pairs": ["Student", "Student2"], "key": "maps",
                                                        "maps_name": "thrink_maps", "batch_mean": True},
                                "Loss")(outputs, {})
    assert scalar["loss"].shape == [] and np.isclose(float(scalar["loss"]), per_image.mean(), rtol=1e-5)

    rec = {m: {"ctc": t(rng.standard_normal((2, 5, 7))), "sar": t(rng.standard_normal((2, 4, 9)))}
           for m in ("Student", "Teacher")}
    loss = LOSSES.build_named("DistillationDMLLoss", {"model_name_pairs": [["Student", "Teacher"]], "act": "softmax",
                                                      "use_log": True, "key": "head_out", "multi_head": True,
                                                      "dis_head": "sar"}, "Loss")(rec, {})
    expect = dml_loss(rec["Student"]["sar"], rec["Teacher"]["sar"], "softmax", True)
    np.testing.assert_allclose(float(loss["loss"]), float(expect), rtol=1e-6)


def test_distance_loss_and_combined_weights():
    feats = {m: {"backbone_out": t(rng.standard_normal((2, 4, 3, 3)))} for m in ("Student", "Teacher")}
    cfg = [{"DistillationDistanceLoss": {"weight": 0.5, "mode": "l2", "model_name_pairs": [["Student", "Teacher"]],
                                         "key": "backbone_out"}}]
    loss = LOSSES.build_named("CombinedLoss", {"loss_config_list": cfg}, "Loss")(feats, {})
    expect = 0.5 * float(distance_loss(feats["Student"]["backbone_out"], feats["Teacher"]["backbone_out"], "l2"))
    np.testing.assert_allclose(float(loss["loss"]), expect, rtol=1e-6)
    assert float(loss["loss_distance_l2_Student_Teacher_0"]) == pytest.approx(expect)


def test_unknown_sub_model_and_bad_pairs_are_config_errors():
    loss = LOSSES.build_named("DistillationDBLoss", {"model_name_list": ["Student", "Nope"]}, "Loss")
    with pytest.raises(ConfigError, match="no sub-model 'Nope'"):
        loss({"Student": det_out()}, det_batch())
    with pytest.raises(ConfigError, match="model_name_pairs"):
        LOSSES.build_named("DistillationDMLLoss", {"model_name_pairs": [["A"]]}, "Loss")
    with pytest.raises(ConfigError, match="unknown key 'wieght'"):
        LOSSES.build_named("CombinedLoss", {"loss_config_list": [{"DistillationDBLoss": {
            "model_name_list": ["S"], "wieght": 1}}]}, "Loss")
