"""Forward passes of the recognition models on tiny inputs: PP-OCRv3's SVTR_LCNet with the GTC
MultiHead (train: CTC + SAR, eval: CTC only), a plain CTC model, and the SAR head alone."""

from __future__ import annotations

import copy

import numpy as np
import paddle
import pytest

import ppocr.modeling.architectures  # noqa: F401
import ppocr.modeling.backbones  # noqa: F401
import ppocr.modeling.heads  # noqa: F401
import ppocr.modeling.necks  # noqa: F401
from ppocr.errors import DataError
from ppocr.registry import ARCHITECTURES, HEADS

NUM_CHARS = 10  # CTC: 11 classes; SAR: 13 classes (start/end 11, padding 12), predicts 12
MAX_LEN = 25

# paddle's legacy BatchNorm (PaddleOCR's layer class in this backbone) warns in training mode
pytestmark = pytest.mark.filterwarnings("ignore:When training, we now always track")

BACKBONE = {"name": "MobileNetV1Enhance", "scale": 0.5, "last_conv_stride": [1, 2],
            "last_pool_type": "avg", "last_pool_kernel_size": [2, 2]}
SVTR_LCNET = {
    "model_type": "rec",
    "Backbone": BACKBONE,
    "Head": {"name": "MultiHead", "head_list": [
        {"CTCHead": {"Neck": {"name": "svtr", "dims": 64, "depth": 2, "hidden_dims": 120,
                              "use_guide": True},
                     "Head": {"fc_decay": 0.00001}}},
        {"SARHead": {"enc_dim": 512, "max_text_length": MAX_LEN}},
    ]},
}


class StandIn:
    num_classes_ctc = NUM_CHARS + 1
    num_classes_sar = NUM_CHARS + 3


def build(arch: dict):
    return ARCHITECTURES.build({"name": "BaseModel", **copy.deepcopy(arch)}, "Architecture",
                               charset=StandIn())


def sar_labels(texts: list[list[int]]) -> paddle.Tensor:
    start_end, pad = NUM_CHARS + 1, NUM_CHARS + 2
    rows = [[start_end, *t, start_end] + [pad] * (MAX_LEN - len(t) - 2) for t in texts]
    return paddle.to_tensor(np.array(rows, dtype="int64"))


@pytest.fixture(scope="module")
def model():
    paddle.seed(0)
    return build({**SVTR_LCNET, "return_all_feats": True})


@pytest.fixture
def batch():
    return {"image": paddle.rand([2, 3, 48, 64]), "label_sar": sar_labels([[1, 2, 3], [4]]),
            "valid_ratio": paddle.to_tensor([1.0, 0.5])}


def test_train_outputs(model, batch):
    model.train()
    out = model(batch)
    assert set(out) == {"backbone_out", "ctc", "ctc_neck", "neck_out", "sar"}
    assert out["neck_out"] is out["ctc_neck"]  # PaddleOCR names the CTC branch neck neck_out
    assert list(out["backbone_out"].shape) == [2, 512, 1, 8]
    assert list(out["ctc"].shape) == [2, 8, NUM_CHARS + 1]
    assert list(out["ctc_neck"].shape) == [2, 8, 64]
    assert list(out["sar"].shape) == [2, MAX_LEN, NUM_CHARS + 2]


def test_eval_outputs_skip_the_sar_branch(model, batch, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the SAR head ran in eval mode")

    monkeypatch.setattr(model.head.sar_head, "forward", boom)
    model.eval()
    with paddle.no_grad():
        out = model({"image": batch["image"]})
    assert set(out) == {"backbone_out", "ctc", "probs"}
    assert model.export_key == "probs"
    probs = out["probs"].numpy()
    assert probs.shape == (2, 8, NUM_CHARS + 1)
    np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-5)
    np.testing.assert_allclose(probs, paddle.nn.functional.softmax(out["ctc"], axis=-1).numpy(), atol=1e-6)


def test_use_guide_stops_ctc_gradients_at_the_backbone(model, batch):
    """GTC as PaddleOCR: the CTC branch reads gradient-stopped backbone features, so only the SAR
    branch trains the backbone."""
    model.train()
    stem = model.backbone.conv1._conv.weight
    model.clear_gradients()
    out = model(batch)
    out["ctc"].sum().backward()
    assert stem.grad is None or not np.any(stem.grad.numpy())
    assert np.any(model.head.ctc_encoder.encoder.conv1.conv.weight.grad.numpy())
    model.clear_gradients()
    out = model(batch)
    out["sar"].sum().backward()
    assert np.any(stem.grad.numpy())
    model.clear_gradients()


def test_plain_ctc_model():
    for neck in ({"name": "SequenceEncoder", "encoder_type": "svtr", "dims": 32, "depth": 1,
                  "hidden_dims": 24, "use_guide": True},
                 {"name": "SequenceEncoder", "encoder_type": "rnn", "hidden_size": 16}):
        model = build({"model_type": "rec", "Backbone": BACKBONE, "Neck": neck,
                       "Head": {"name": "CTCHead", "fc_decay": 0.00001, "mid_channels": 20,
                                "return_feats": True}})
        x = paddle.rand([1, 3, 48, 64])
        model.train()
        out = model({"image": x})
        assert set(out) == {"ctc", "ctc_feats"} and list(out["ctc"].shape) == [1, 8, NUM_CHARS + 1]
        assert list(out["ctc_feats"].shape) == [1, 8, 20]
        model.eval()
        with paddle.no_grad():
            out = model({"image": x})
        assert set(out) == {"ctc", "probs"} and list(out["probs"].shape) == [1, 8, NUM_CHARS + 1]


def small_sar(**args):
    head = HEADS.build({"name": "SARHead", "enc_dim": 16, "d_k": 8, "max_text_length": 6, **args},
                       "Head", in_channels=12, charset=StandIn())
    return head


def test_sar_masks_what_lies_beyond_the_valid_width():
    paddle.seed(1)
    head = small_sar(enc_drop_rnn=0.0, pred_dropout=0.0)
    head.train()  # teacher forcing, no dropout configured
    feat = paddle.rand([1, 12, 1, 8])
    # valid width ceil(0.5 * 8) = 4; the attention keys' 3x3 conv still sees column 4, so change 5..7
    changed = paddle.concat([feat[:, :, :, :5], paddle.rand([1, 12, 1, 3]) * 5], axis=3)
    labels = paddle.to_tensor([[11, 1, 2, 11, 12, 12]], dtype="int64")
    half = {"label_sar": labels, "valid_ratio": paddle.to_tensor([0.5])}
    a, b = head(feat, half)["sar"], head(changed, half)["sar"]
    assert list(a.shape) == [1, 6, NUM_CHARS + 2]
    np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-6)
    full = {"label_sar": labels, "valid_ratio": paddle.to_tensor([1.0])}
    assert not np.allclose(head(feat, full)["sar"].numpy(), head(changed, full)["sar"].numpy())
    with pytest.raises(DataError, match="label_sar"):
        head(feat, {"valid_ratio": paddle.to_tensor([1.0])})


def test_sar_greedy_decoding_in_eval():
    head = small_sar()
    head.eval()
    with paddle.no_grad():
        probs = head(paddle.rand([2, 12, 1, 8]), {"valid_ratio": paddle.to_tensor([1.0, 0.25])})["probs"]
    assert list(probs.shape) == [2, 6, NUM_CHARS + 2]
    np.testing.assert_allclose(probs.numpy().sum(-1), 1.0, rtol=1e-5)
