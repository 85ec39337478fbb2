"""Helpers for end-to-end tests: tiny generated data sets, config overrides, running the tools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]


def missing_oracle(reason: str):
    """A reference the test compares against is absent (../shared, the released models, the
    trajectories, a reference package): skip here, fail under CI (``CI`` set), where every oracle
    must be present and a skipped comparison would pass silently."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} [CI is set: a missing oracle is a failure, not a skip]", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def require_module(name: str):
    """``pytest.importorskip`` that fails under CI instead of skipping (see :func:`missing_oracle`)."""
    try:
        return __import__(name)
    except ImportError as e:
        missing_oracle(f"{name} is not installed ({e})")


def write_cls_set(root: Path, n: int, seed: int) -> Path:
    """Text-line crops with cv2's Hershey fonts: even samples upright ('0'), odd ones rotated ('180')."""
    rng = np.random.default_rng(seed)
    (root / "images").mkdir(parents=True, exist_ok=True)
    lines = []
    for i in range(n):
        w = int(rng.integers(120, 220))
        img = np.full((40, w, 3), int(rng.integers(180, 255)), np.uint8)
        text = "".join(rng.choice(list("ABCDEFGHKLMNPRSTyqgjp0123456789"), int(rng.integers(4, 9))))
        cv2.putText(img, text, (4, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2)
        label = "0" if i % 2 == 0 else "180"
        if label == "180":
            img = cv2.rotate(img, cv2.ROTATE_180)
        cv2.imwrite(str(root / "images" / f"{i}.png"), img)
        lines.append(f"images/{i}.png\t{label}")
    (root / "label.txt").write_text("\n".join(lines) + "\n")
    return root


def write_rec_sets(root: Path, n_train: int, n_eval: int, **synth) -> Path:
    """Generated rec line sets ``root/train`` (seed 1) and ``root/eval`` (seed 2), PaddleOCR's format."""
    from ppocr_synth import make_rec_set

    make_rec_set(str(root / "train"), n_train, seed=1, **synth)
    make_rec_set(str(root / "eval"), n_eval, seed=2, **synth)
    return root


def cls_overrides(data: dict, out: Path, **extra) -> list[str]:
    o = {
        "Global.save_model_dir": str(out), "Global.epoch_num": 2, "Global.print_batch_step": 2,
        "Global.eval_batch_step": [0, 1000], "Global.use_gpu": False, "Global.save_epoch_step": 1,
        "Train.dataset.data_dir": str(data["train"]),
        "Train.dataset.label_file_list": [str(data["train"] / "label.txt")],
        "Train.loader.batch_size_per_card": 8, "Train.loader.num_workers": 0,
        "Eval.dataset.data_dir": str(data["eval"]),
        "Eval.dataset.label_file_list": [str(data["eval"] / "label.txt")],
        "Eval.loader.batch_size_per_card": 8, "Eval.loader.num_workers": 0,
    }
    o.update(extra)
    return [f"{k}={_yaml(v)}" for k, v in o.items()]


def _yaml(v) -> str:
    if isinstance(v, list):
        return "[" + ",".join(_yaml(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def run_tool(*args: str, env: dict | None = None, check: bool = True, timeout: int = 600):
    """Run tools/<script> in a fresh interpreter, as a user would."""
    full_env = {**os.environ, **(env or {})}
    r = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, env=full_env,
                       timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"{args} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
    return r


def kill_and_resume(config: str, overrides, tmp: Path, marker: str) -> tuple[dict, dict]:
    """Train ``config`` once without interruption; train it again, SIGKILL it as soon as an output
    line contains ``marker`` (a mid-epoch ``latest`` is on disk; blocking reads, no sleeping) and
    resume it from that ``latest``. Both runs must end with bit-equal weights. ``overrides(out)``
    gives the -o list of a run writing to ``out``. Returns the killed run's state.json at the kill
    and at the end."""
    import json
    import signal

    full, killed = tmp / "full", tmp / "killed"
    run_tool("tools/train.py", "-c", config, "-o", *overrides(full))
    proc = subprocess.Popen([sys.executable, "tools/train.py", "-c", config, "-o", *overrides(killed)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for line in proc.stdout:
        if marker in line:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait()
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL, f"{marker!r} never appeared"
    at_kill = json.loads((killed / "latest" / "state.json").read_text())
    run_tool("tools/train.py", "-c", config, "-o", *overrides(killed), f"Global.checkpoints={killed / 'latest'}")
    assert_same_weights(full / "latest" / "model.pdparams", killed / "latest" / "model.pdparams")
    return at_kill, json.loads((killed / "latest" / "state.json").read_text())


def assert_same_weights(a: Path, b: Path) -> None:
    """Two .pdparams files hold the same keys with bit-equal values."""
    import paddle

    wa, wb = paddle.load(str(a), return_numpy=True), paddle.load(str(b), return_numpy=True)
    assert wa.keys() == wb.keys()
    for k in wa:
        np.testing.assert_array_equal(wa[k], wb[k], err_msg=k)
