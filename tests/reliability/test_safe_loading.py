"""Loading a checkpoint never runs code hidden in it (issue 15, item 1).

A pickle whose ``__reduce__`` calls ``os.system`` or ``builtins.eval`` is refused with one line
naming the file and the global, at every entry point that reads weights or optimizer state, and
its side effect never happens; real checkpoints (ours, the released models, PaddleOCR's, AMP
optimizer state, numpy-1 and protocol-2 pickles) still load exactly as ``paddle.load`` reads them.
"""

from __future__ import annotations

import collections
import os
import pickle
import shutil

import numpy as np
import paddle
import pytest
from helpers import REPO, cls_overrides, missing_oracle, run_tool, write_cls_set

from ppocr.config import load_config
from ppocr.engine.builder import build_charset, build_model
from ppocr.engine.checkpoint import load_optimizer, load_weights, read_weights
from ppocr.errors import CheckpointError
from ppocr.utils.io import MANIFEST, mark_complete
from ppocr.utils.safe_load import REFUSED, load_pickle

CFG = str(REPO / "configs" / "cls" / "ppocrv3_cls.yml")
SYSTEM = f"{os.system.__module__}.system"  # 'posix.system' on Linux


class _System:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


class _Eval:
    """Looks harmless: evaluates to the real array, and touches the marker on the way."""

    def __init__(self, marker, shape):
        self.marker, self.shape = marker, shape

    def __reduce__(self):
        return eval, (f"__import__('pathlib').Path({str(self.marker)!r}).touch() or "
                      f"__import__('numpy').zeros({self.shape}, 'float32')",)


def write_evil(path, kind: str, marker, base: dict | None = None, protocol: int = 4) -> str:
    """A state dict (``base``, else one tensor) with one value replaced by the payload."""
    sd = dict(base or {"head.fc.weight": np.zeros((2, 2), "float32")})
    key = next(iter(sd))
    sd[key] = _System(marker) if kind == "system" else _Eval(marker, tuple(sd[key].shape))
    with open(path, "wb") as f:
        pickle.dump(sd, f, protocol=protocol)
    folder = os.path.dirname(str(path))
    if os.path.exists(os.path.join(folder, MANIFEST)):
        mark_complete(folder)  # whoever plants the file can rewrite COMPLETE too: the loader must refuse it
    return str(path)


def refusal(path, kind: str) -> str:
    name = SYSTEM if kind == "system" else "builtins.eval"
    return f"{path}: refused to load '{name}' ({REFUSED})"


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("cls_data")
    return {"train": write_cls_set(root / "train", 16, 1), "eval": write_cls_set(root / "eval", 8, 2)}


@pytest.fixture(scope="module")
def trained(data, tmp_path_factory):
    out = tmp_path_factory.mktemp("cls_run")
    run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(data, out, **{"Global.epoch_num": 1}))
    return out


@pytest.fixture
def cls_model():
    cfg = load_config(CFG)
    return build_model(cfg, build_charset(cfg))


@pytest.fixture
def marker(tmp_path):
    m = tmp_path / "pwned"
    yield m
    assert not m.exists(), "the checkpoint's payload ran"


# ---- in-process: load_weights / read_weights / load_optimizer -------------------------------------

@pytest.mark.parametrize("kind", ["system", "eval"])
@pytest.mark.parametrize("form", ["dir", "bare", "prefix", "protocol2"])
def test_load_weights_refuses_code(tmp_path, trained, cls_model, marker, kind, form):
    base = read_weights(str(trained / "latest" / "model.pdparams"))
    if form == "dir":
        ck = tmp_path / "ck"
        shutil.copytree(trained / "latest", ck)
        file = write_evil(ck / "model.pdparams", kind, marker, base)
        arg = str(ck)
    elif form == "prefix":  # PaddleOCR's output/best_accuracy -> best_accuracy.pdparams
        file = write_evil(tmp_path / "best_accuracy.pdparams", kind, marker, base)
        arg = str(tmp_path / "best_accuracy")
    else:
        file = arg = write_evil(tmp_path / "evil.pdparams", kind, marker, base,
                                protocol=2 if form == "protocol2" else 4)
    with pytest.raises(CheckpointError) as e:
        load_weights(cls_model, arg)
    assert str(e.value) == refusal(file, kind)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("kind", ["system", "eval"])
def test_load_optimizer_refuses_code(tmp_path, trained, marker, kind):
    ck = tmp_path / "ck"
    shutil.copytree(trained / "latest", ck)
    file = write_evil(ck / "model.pdopt", kind, marker)
    with pytest.raises(CheckpointError) as e:
        load_optimizer(None, str(ck))
    assert str(e.value) == refusal(file, kind)


def test_object_arrays_and_other_codecs_are_refused(tmp_path, marker):
    p = tmp_path / "obj.pdparams"
    with open(p, "wb") as f:
        pickle.dump({"w": np.array([_System(marker)], dtype=object)}, f, protocol=4)
    with pytest.raises(CheckpointError, match="refused to load 'posix.system'|refused object dtype"):
        read_weights(str(p))
    p2 = tmp_path / "codec.pdparams"
    p2.write_bytes(b"\x80\x02c_codecs\nencode\nq\x00X\x01\x00\x00\x00aX\x05\x00\x00\x00rot13\x86R.")
    with pytest.raises(CheckpointError, match=r"codec.pdparams: refused _codecs.encode\(\.\.\., 'rot13'\)"):
        read_weights(str(p2))


# ---- the command lines: one `error:` line, exit 2, no side effect ---------------------------------

def _refused_by_tool(r, file, kind):
    assert r.returncode == 2, r.stdout[-2000:] + r.stderr[-2000:]
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {refusal(file, kind)}"], r.stderr[-2000:]


def test_train_pretrained_model_refuses_code(tmp_path, data, trained, marker):
    file = write_evil(tmp_path / "best_accuracy.pdparams", "system", marker)
    r = run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(data, tmp_path / "out"),
                 f"Global.pretrained_model={tmp_path / 'best_accuracy'}", check=False)
    _refused_by_tool(r, file, "system")


def test_train_checkpoints_refuses_code_in_optimizer_state(tmp_path, data, trained, marker):
    ck = tmp_path / "latest"
    shutil.copytree(trained / "latest", ck)
    file = write_evil(ck / "model.pdopt", "eval", marker)
    r = run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(data, tmp_path / "out"),
                 f"Global.checkpoints={ck}", check=False)
    _refused_by_tool(r, file, "eval")


def test_eval_weights_refuses_code(tmp_path, data, trained, marker):
    file = write_evil(tmp_path / "w.pdparams", "system", marker)
    r = run_tool("tools/eval.py", "-c", CFG, "-o", *cls_overrides(data, tmp_path / "out"),
                 "--weights", file, check=False)
    _refused_by_tool(r, file, "system")


def test_export_refuses_code(tmp_path, data, trained, marker):
    ck = tmp_path / "ck"
    shutil.copytree(trained / "latest", ck)
    file = write_evil(ck / "model.pdparams", "eval", marker)
    r = run_tool("tools/export_model.py", "-c", CFG, "-o", f"Global.pretrained_model={ck}",
                 "--output", str(tmp_path / "infer"), check=False)
    _refused_by_tool(r, file, "eval")
    assert not (tmp_path / "infer").exists()


def test_infer_weights_refuses_code(tmp_path, data, trained, marker):
    file = write_evil(tmp_path / "w.pdparams", "system", marker)
    r = run_tool("tools/infer.py", "cls", "-c", CFG, "--weights", file, "--image_dir",
                 str(data["eval"] / "images"), check=False)
    _refused_by_tool(r, file, "system")


# ---- what must still load ---------------------------------------------------------------------------

def _same(a, b):
    if isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    else:
        assert type(a) is type(b) and a == b


@pytest.mark.parametrize("name", ["ppocrv3_cls", "ppocrv3_det", "ppocrv3_rec"])
def test_released_checkpoints_load(name):
    path = REPO / "pretrained" / name / "model.pdparams"
    if not path.is_file():
        missing_oracle(f"{path} is absent (run `make pretrained`)")
    _same(paddle.load(str(path), return_numpy=True), load_pickle(str(path)))
    if name == "ppocrv3_cls":
        cfg = load_config(str(path.parent / "config.yml"))
        s = load_weights(build_model(cfg, build_charset(cfg)), str(path.parent))
        assert s["loaded"] == s["total"]


def test_our_checkpoint_reads_as_paddle_load_does(trained):
    for f in ("model.pdparams", "model.pdopt"):
        _same(paddle.load(str(trained / "latest" / f), return_numpy=True), load_pickle(str(trained / "latest" / f)))


def test_other_writers_read_as_paddle_load_does(tmp_path):
    """AMP optimizer state (nested dict: paddle pickles Tensors as tuple((name, array))), protocol 2
    and 3, an OrderedDict state dict, numpy scalars, and a numpy-1 pickle (numpy.core.multiarray)."""
    paddle.seed(0)
    layer = paddle.nn.Linear(3, 2)
    opt = paddle.optimizer.Adam(learning_rate=paddle.optimizer.lr.CosineAnnealingDecay(0.1, 10),
                                parameters=layer.parameters())
    layer(paddle.randn([4, 3])).sum().backward()
    opt.step()
    paddle.save({"optimizer": opt.state_dict(), "scaler": {"scale": np.array([1024.0], "float32")}},
                str(tmp_path / "amp.pdopt"))
    for proto in (2, 3):
        paddle.save(layer.state_dict(), str(tmp_path / f"p{proto}.pdparams"), protocol=proto)
    with open(tmp_path / "od.pdparams", "wb") as f:
        pickle.dump(collections.OrderedDict(w=np.arange(6, dtype="float32").reshape(2, 3), lr=np.float64(0.1),
                                            names={"a", "b"}), f, protocol=2)
    numpy1 = (tmp_path / "p2.pdparams").read_bytes().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")
    assert numpy1 != (tmp_path / "p2.pdparams").read_bytes()
    (tmp_path / "numpy1.pdparams").write_bytes(numpy1)
    for f in ("amp.pdopt", "p2.pdparams", "p3.pdparams", "od.pdparams", "numpy1.pdparams"):
        _same(paddle.load(str(tmp_path / f), return_numpy=True), load_pickle(str(tmp_path / f)))
    # the AMP state resumes an optimizer
    opt2 = paddle.optimizer.Adam(learning_rate=paddle.optimizer.lr.CosineAnnealingDecay(0.1, 10),
                                 parameters=layer.parameters())
    (tmp_path / "ck").mkdir()
    shutil.copy(tmp_path / "amp.pdopt", tmp_path / "ck" / "model.pdopt")
    load_optimizer(opt2, str(tmp_path / "ck"))
    assert opt2._learning_rate.last_epoch == opt._learning_rate.last_epoch


def test_paddleocr_style_checkpoint_loads(shared, tmp_path, cls_model):
    import json

    spec = json.loads((shared / "reference" / "paddleocr_state_dicts" / "cls.json").read_text())
    rng = np.random.default_rng(0)
    state = {k: paddle.to_tensor(rng.standard_normal(s).astype("float32")) for k, s in spec["state_dict"]}
    paddle.save(state, str(tmp_path / "best_accuracy.pdparams"))
    s = load_weights(cls_model, str(tmp_path / "best_accuracy"))
    assert s["loaded"] == s["total"] == spec["num_tensors"]
    key, _ = spec["state_dict"][0]
    np.testing.assert_array_equal(cls_model.state_dict()[key].numpy(), state[key].numpy())


def test_train_then_resume_still_works(tmp_path, data, trained):
    ck = tmp_path / "latest"
    shutil.copytree(trained / "latest", ck)
    r = run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(data, tmp_path / "out", **{"Global.epoch_num": 2}),
                 f"Global.checkpoints={ck}")
    assert "Global.checkpoints" in r.stdout + r.stderr
    assert (tmp_path / "out" / "latest" / "model.pdopt").is_file()
