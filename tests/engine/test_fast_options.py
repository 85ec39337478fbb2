"""Opt-in CPU fine-tuning options (docs/training.md, Faster CPU fine-tuning): Global.freeze_backbone
and Global.to_static each build and train a tiny model for 2 steps with a finite loss; a frozen
backbone stays bit-equal (weights and BatchNorm statistics) while the head trains, and no gradient
flows into it."""

import math

import numpy as np
import paddle
import pytest

from ppocr.config import load_config
from ppocr.engine import builder
from ppocr.engine.builder import Session
from ppocr.engine.fast_options import build_forward
from ppocr.engine.trainer import Schedule, Trainer, Training, TrainState
from ppocr.errors import ConfigError
from ppocr.modeling.freeze_layers import freeze_layers, layer_patterns
from ppocr.optimizer import build_optimizer
from ppocr.settings import settings


def _trainer(freeze=False, to_static=False):
    paddle.seed(0)
    session = Session(load_config("configs/cls/ppocrv3_cls.yml"))
    model = session.model
    frozen = freeze_layers(model, layer_patterns(freeze))
    optimizer, schedule = build_optimizer({"name": "Adam", "lr": 1e-2}, model.named_parameters(), 2, 2)
    loss_fn = builder.build_loss(session.cfg, session.inputs)
    forward = build_forward(model, loss_fn, to_static)
    trainer = Trainer(Training(model, optimizer, schedule, loss_fn, forward=forward), None,
                      Schedule(2, 2, 1), TrainState())
    model.train()
    return trainer, frozen


def _batch():
    rng = np.random.default_rng(0)
    return {"image": paddle.to_tensor(rng.random((4, 3, 48, 192), dtype=np.float32)),
            "label": paddle.to_tensor(np.array([0, 1, 1, 0], dtype=np.int64))}


def _train(trainer, steps=2):
    losses = []
    for _ in range(steps):
        trainer.run_step(_batch())
        losses.append(trainer.last_losses["loss"])
    return losses


def test_frozen_backbone_stays_bit_equal_its_backward_is_skipped_and_the_head_trains():
    trainer, frozen = _trainer(freeze=True)
    assert frozen == ["backbone"]
    model = trainer.model
    before = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    trained = {id(p) for group in [trainer.optimizer._parameter_list] for p in group}
    assert not any(id(p) in trained for p in model.backbone.parameters())  # not merely lr 0
    assert model.backbone(_batch()["image"]).stop_gradient  # no autograd graph below the head
    losses = _train(trainer)
    assert all(math.isfinite(v) for v in losses)
    after = {k: v.numpy() for k, v in model.state_dict().items()}
    backbone = [k for k in before if k.startswith("backbone.")]
    assert any(k.endswith("_mean") for k in backbone)  # BatchNorm statistics are compared too
    for k in backbone:
        np.testing.assert_array_equal(after[k], before[k], err_msg=k)
    assert not np.array_equal(after["head.fc.weight"], before["head.fc.weight"])


def test_to_static_trains_and_matches_dygraph():
    static, _ = _trainer(to_static=True)
    dygraph, _ = _trainer()
    assert dygraph.forward is None and static.forward is not None
    start = static.model.head.fc.weight.numpy().copy()
    got, want = _train(static), _train(dygraph)
    assert all(math.isfinite(v) for v in got)
    np.testing.assert_allclose(got, want, rtol=1e-5)
    trained = static.model.head.fc.weight.numpy()  # gradients reach the weights through the compiled forward
    assert not np.array_equal(trained, start)
    np.testing.assert_allclose(trained, dygraph.model.head.fc.weight.numpy(), rtol=1e-4, atol=1e-6)


def test_the_options_are_off_by_default_and_checked():
    g = settings({"Global": {}})
    assert g.to_static is False and g.freeze_backbone is False
    assert layer_patterns(True) == ["backbone", "*.backbone"] and layer_patterns(None) == []
    with pytest.raises(ConfigError, match="Global.freeze_backbone: expected true, false or a list"):
        layer_patterns([1])
    with pytest.raises(ConfigError, match=r"Global.freeze_backbone: no sub-layer matches \['nothing'\]"):
        freeze_layers(paddle.nn.Sequential(paddle.nn.Linear(2, 2)), ["nothing"])


def test_cpu_threads_sets_paddles_math_threads_on_a_cpu(monkeypatch, logs):
    from ppocr.engine import run

    assert settings({"Global": {}}).cpu_threads == 1  # Paddle's own default: bitwise PaddleOCR's
    with pytest.raises(ConfigError, match="cpu_threads"):
        settings({"Global": {"cpu_threads": -1}})
    calls = []
    monkeypatch.setattr(paddle.base.core, "set_num_threads", calls.append)
    env = type("Env", (), {"rank": 0})()
    for value, expected in ((1, []), (3, [3]), (0, [__import__("os").cpu_count()])):
        calls.clear()
        device = run.setup_device(settings({"Global": {"use_gpu": False, "cpu_threads": value}}), env)
        assert device == "cpu" and calls == expected
    assert "Global.cpu_threads: Paddle's CPU math runs on" in logs.text
