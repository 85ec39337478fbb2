"""Global.freeze_norm: BatchNorm statistics and affine parameters stay bit-equal while the rest of
the model trains; without it they move."""

import numpy as np
import paddle
import pytest

from ppocr.config import load_config
from ppocr.engine.builder import Session
from ppocr.errors import ConfigError
from ppocr.modeling.freeze_norm import freeze_norm, norm_patterns


def _train_steps(patterns, steps=3):
    paddle.seed(0)
    model = Session(load_config("configs/cls/ppocrv3_cls.yml")).model
    frozen = freeze_norm(model, patterns)
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    params = [p for p in model.parameters() if not p.stop_gradient]
    opt = paddle.optimizer.Adam(learning_rate=1e-2, parameters=params)
    model.train()
    x = paddle.to_tensor(np.random.default_rng(0).random((4, 3, 48, 192), dtype=np.float32))
    for _ in range(steps):
        loss = model({"image": x})["logits"].square().mean()
        loss.backward()
        opt.step()
        opt.clear_grad()
    after = {k: v.numpy() for k, v in model.state_dict().items()}
    return frozen, before, after


def test_frozen_batch_norms_stay_bit_equal_and_the_rest_trains():
    frozen, before, after = _train_steps(["backbone.*"])
    assert frozen and all(name.startswith("backbone.") for name in frozen)
    bn_keys = [k for k in before if any(k.startswith(f"{name}.") for name in frozen)]
    assert {k.rsplit(".", 1)[1] for k in bn_keys} == {"weight", "bias", "_mean", "_variance"}
    for k in bn_keys:
        np.testing.assert_array_equal(after[k], before[k], err_msg=k)
    assert not np.array_equal(after["head.fc.weight"], before["head.fc.weight"])  # the rest trains
    conv = next(k for k in before if k.startswith("backbone.") and k.endswith("conv.weight"))
    assert not np.array_equal(after[conv], before[conv])


def test_without_it_statistics_and_affine_parameters_move():
    frozen, before, after = _train_steps([])
    assert frozen == []
    moved = [k for k in before if k.endswith(("_mean", "_variance", "bn.weight", "bn.bias"))
             and not np.array_equal(after[k], before[k])]
    assert len(moved) > 50


def test_patterns_are_checked():
    assert norm_patterns(True) == ["*"] and norm_patterns(False) == [] and norm_patterns("x.*") == ["x.*"]
    with pytest.raises(ConfigError, match="Global.freeze_norm: expected true, false or a list"):
        norm_patterns(3)
    model = Session(load_config("configs/cls/ppocrv3_cls.yml")).model
    with pytest.raises(ConfigError, match="no BatchNorm layer matches"):
        freeze_norm(model, ["nothing.*"])
