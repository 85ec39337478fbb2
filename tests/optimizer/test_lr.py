import math

import paddle
import pytest

from ppocr.errors import ConfigError
from ppocr.optimizer import build_optimizer


def lrs(cfg, steps, step_each_epoch=10, total=100):
    net = paddle.nn.Linear(2, 2)
    opt, sched = build_optimizer({"name": "Adam", "lr": cfg}, net.named_parameters(), step_each_epoch, total)
    out = []
    for _ in range(steps):
        out.append(opt.get_lr())
        sched.step()
    return out


def test_cosine_with_warmup_epochs():
    v = lrs({"name": "Cosine", "learning_rate": 0.1, "warmup_epoch": 1}, 40)
    assert v[0] == 0.0 and v[5] == pytest.approx(0.05)
    assert v[10] == pytest.approx(0.1)  # warmup done, cosine starts
    assert v[30] == pytest.approx(0.05 * (1 + math.cos(math.pi * 20 / 100)))


def test_piecewise_and_linear_and_const():
    v = lrs({"name": "Piecewise", "decay_epochs": [2], "values": [0.1, 0.01]}, 25)
    assert v[19] == pytest.approx(0.1) and v[20] == pytest.approx(0.01)
    v = lrs({"name": "Linear", "learning_rate": 1.0, "end_lr": 0.0}, 51)
    assert v[50] == pytest.approx(0.5)
    v = lrs({"name": "Const", "learning_rate": 0.3, "warmup_steps": 3}, 5)
    assert v == pytest.approx([0.0, 0.1, 0.2, 0.3, 0.3])


def test_bad_schedule_values():
    with pytest.raises(ConfigError, match="needs len\\(decay_epochs\\) \\+ 1 = 2 values"):
        lrs({"name": "Piecewise", "decay_epochs": [2], "values": [0.1]}, 1)
    with pytest.raises(ConfigError, match="unknown lr scheduler 'Cosin'; did you mean 'Cosine'"):
        lrs({"name": "Cosin", "learning_rate": 0.1}, 1)


def test_regularizer_clip_and_frozen_params():
    net = paddle.nn.Sequential(paddle.nn.Linear(2, 2), paddle.nn.Linear(2, 1))
    for p in net[0].parameters():
        p.stop_gradient = True
    opt, _ = build_optimizer({"name": "Momentum", "momentum": 0.9, "clip_norm": 1.0,
                              "regularizer": {"name": "L2", "factor": 1e-4}, "lr": 0.1},
                             net.named_parameters(), 10, 100)
    assert len(opt._parameter_list) == 2  # frozen layer left out
    with pytest.raises(ConfigError, match="regularizer.name: 'L3'"):
        build_optimizer({"name": "Adam", "regularizer": {"name": "L3", "factor": 1}}, net.named_parameters(), 1, 1)


def test_adamw_exempts_named_params():
    net = paddle.nn.Sequential(paddle.nn.Linear(2, 2), paddle.nn.LayerNorm(2))
    opt, _ = build_optimizer({"name": "AdamW", "weight_decay": 0.1, "no_weight_decay_name": "1.",
                              "one_dim_param_no_weight_decay": False}, net.named_parameters(), 1, 1)
    decayed = {p.name for p in net.parameters() if opt._apply_decay_param_fun(p.name)}
    assert decayed == {p.name for p in net[0].parameters()}
