import os

import numpy as np
import paddle
import pytest

from ppocr.engine.checkpoint import (
    load_optimizer,
    load_weights,
    read_state,
    resolve_checkpoint_dir,
    save_checkpoint,
    weights_file,
)
from ppocr.errors import CheckpointError


class Net(paddle.nn.Layer):
    def __init__(self, classes=3):
        super().__init__()
        self.backbone = paddle.nn.Linear(4, 5)
        self.head = paddle.nn.Linear(5, classes)


def test_save_is_a_complete_directory_and_resumes_optimizer(tmp_path):
    net = Net()
    opt = paddle.optimizer.Adam(parameters=net.parameters())
    net.head(net.backbone(paddle.ones([2, 4]))).sum().backward()
    opt.step()
    d = str(tmp_path / "latest")
    save_checkpoint(d, net, opt, {"epoch": 3})
    assert sorted(os.listdir(d)) == ["COMPLETE", "model.pdopt", "model.pdparams", "state.json"]
    assert read_state(d) == {"epoch": 3}
    assert not os.path.exists(d + ".tmp") and not os.path.exists(d + ".old")
    save_checkpoint(d, net, opt, {"epoch": 4})  # replaces the old one
    assert read_state(d)["epoch"] == 4
    net2 = Net()
    opt2 = paddle.optimizer.Adam(parameters=net2.parameters())
    load_weights(net2, d)
    load_optimizer(opt2, d)
    for (k, a), b in zip(net.state_dict().items(), net2.state_dict().values()):
        assert np.array_equal(a.numpy(), b.numpy()), k
    m1 = {k: v for k, v in opt.state_dict().items() if "moment1" in k}
    m2 = {k: v for k, v in opt2.state_dict().items() if "moment1" in k}
    assert [v.numpy().tolist() for v in m1.values()] == [v.numpy().tolist() for v in m2.values()]


def test_interrupted_replace_falls_back_to_old_copy(tmp_path):
    d = str(tmp_path / "latest")
    save_checkpoint(d, Net(), None, {"epoch": 1})
    os.rename(d, d + ".old")  # a crash between the two renames
    assert resolve_checkpoint_dir(d) == d + ".old"
    assert weights_file(d).endswith("latest.old/model.pdparams")


def test_weights_path_forms(tmp_path):
    net = Net()
    paddle.save(net.state_dict(), str(tmp_path / "best_accuracy.pdparams"))
    assert weights_file(str(tmp_path / "best_accuracy")).endswith("best_accuracy.pdparams")
    with pytest.raises(CheckpointError, match="weights not found"):
        weights_file(str(tmp_path / "nothing"))
    with pytest.raises(CheckpointError, match="needs a checkpoint directory"):
        resolve_checkpoint_dir(str(tmp_path / "best_accuracy"))


def test_strict_load_reports_and_allow_mismatch(tmp_path, logs):
    paddle.save(Net(classes=7).state_dict(), str(tmp_path / "w.pdparams"))
    with pytest.raises(CheckpointError) as e:
        load_weights(Net(), str(tmp_path / "w.pdparams"))
    assert "head.weight (file 5x7, model 5x3)" in str(e.value) and "allow_mismatch" in str(e.value)
    net = Net()
    before = net.head.weight.numpy().copy()
    summary = load_weights(net, str(tmp_path / "w.pdparams"), allow_mismatch=["head.*"])
    assert summary["loaded"] == 2 and summary["total"] == 4
    assert np.array_equal(net.head.weight.numpy(), before)  # left as initialised
    line = [r.getMessage() for r in logs.records if "loaded 2/4" in r.getMessage()][0]
    assert "re-initialised (allowed): head.weight (file 5x7, model 5x3), head.bias" in line


def test_unexpected_and_missing_keys_are_errors(tmp_path):
    sd = Net().state_dict()
    sd["extra.weight"] = paddle.zeros([1])
    del sd["head.bias"]
    paddle.save(sd, str(tmp_path / "w.pdparams"))
    with pytest.raises(CheckpointError, match=r"head.bias \(missing in file\).*extra.weight \(in file, not in model\)"):
        load_weights(Net(), str(tmp_path / "w.pdparams"))


def test_distillation_file_loads_into_plain_model(tmp_path, logs):
    src = Net()
    sd = {f"Student.{k}": v for k, v in src.state_dict().items()}
    sd.update({f"Teacher.{k}": v for k, v in Net().state_dict().items()})
    paddle.save(sd, str(tmp_path / "distill.pdparams"))
    net = Net()
    s = load_weights(net, str(tmp_path / "distill.pdparams"))
    assert s["prefix"] == "Student" and s["loaded"] == 4
    assert np.array_equal(net.head.weight.numpy(), src.head.weight.numpy())


def test_corrupt_weights_file(tmp_path):
    (tmp_path / "w.pdparams").write_bytes(b"\x00garbage")
    with pytest.raises(CheckpointError, match="w.pdparams: cannot read weights"):
        load_weights(Net(), str(tmp_path / "w.pdparams"))
    d = tmp_path / "ck"
    save_checkpoint(str(d), Net(), None, {})
    (d / "state.json").write_text("{broken")
    with pytest.raises(CheckpointError, match="corrupt trainer state"):
        read_state(str(d))
