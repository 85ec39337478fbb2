"""Checkpoint files written one tensor at a time read back as paddle.save's do."""

from __future__ import annotations

import numpy as np
import paddle

from ppocr.engine.checkpoint import read_weights, save_state_dict


def _same(a, b) -> None:
    assert type(a) is type(b) or (isinstance(a, np.ndarray) and isinstance(b, np.ndarray))
    if isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)
    else:
        assert a == b


def _tiny():
    model = paddle.nn.Sequential(paddle.nn.Conv2D(3, 4, 3), paddle.nn.BatchNorm2D(4), paddle.nn.Linear(4, 2))
    opt = paddle.optimizer.Adam(learning_rate=paddle.optimizer.lr.StepDecay(0.1, 2), parameters=model.parameters())
    model(paddle.rand([2, 3, 3, 6])).mean().backward()
    opt.step()
    return model, opt


def test_weights_and_optimizer_read_back_as_paddle_saves_them(tmp_path):
    model, opt = _tiny()
    for name, state in (("w", model.state_dict()), ("o", opt.state_dict())):
        ours, theirs = tmp_path / f"{name}_ours", tmp_path / f"{name}_paddle"
        save_state_dict(state, str(ours))
        paddle.save(state, str(theirs))
        _same(paddle.load(str(theirs), return_numpy=True), paddle.load(str(ours), return_numpy=True))
    # the safe reader (no code from the file) takes it too
    _same(read_weights(str(tmp_path / "w_paddle")), read_weights(str(tmp_path / "w_ours")))


def test_nested_tensors_are_left_to_paddle_save(tmp_path):
    model, opt = _tiny()
    state = {"optimizer": opt.state_dict(), "scaler": {"scale": paddle.to_tensor([2.0])}}
    save_state_dict(state, str(tmp_path / "ours"))
    paddle.save(state, str(tmp_path / "theirs"))
    assert (tmp_path / "ours").read_bytes() == (tmp_path / "theirs").read_bytes()
