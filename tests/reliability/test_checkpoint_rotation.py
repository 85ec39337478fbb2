"""A checkpoint survives crashes at any moment of a save (issue 15, item 7).

A save writes ``X.tmp`` (``COMPLETE`` last) and renames it into place through ``X.old``. Resume and
weight loading take ``X``, then a complete ``X.old``, then a complete ``X.tmp``, never an
incomplete copy; a save never removes the only complete copy. Directory states an interrupted
save can leave are built by hand; crashes are injected at every rename and removal of a save.
"""

from __future__ import annotations

import json
import logging
import os
import shutil

import paddle
import pytest

from ppocr.engine.checkpoint import (
    STATE,
    WEIGHTS,
    complete_copy,
    read_state,
    resolve_checkpoint_dir,
    save_checkpoint,
    weights_file,
)
from ppocr.errors import CheckpointError
from ppocr.utils.io import MANIFEST


class Crash(Exception):
    pass


@pytest.fixture(scope="module")
def model():
    paddle.seed(0)
    return paddle.nn.Linear(3, 2)


def save(model, path, step: int) -> str:
    return save_checkpoint(str(path), model, state={"global_step": step})


def step_of(d) -> int:
    return read_state(str(d))["global_step"]


def make(model, tmp_path, dest, step: int, broken: str | None = None) -> None:
    """A complete checkpoint at ``dest``, or one with ``broken`` in ("marker", "file", "size")."""
    src = save(model, tmp_path / f"src{step}", step)
    shutil.move(src, dest)
    if broken == "marker":      # written to the end but for COMPLETE
        os.remove(os.path.join(dest, MANIFEST))
    elif broken == "file":      # half removed: COMPLETE still lists state.json
        os.remove(os.path.join(dest, STATE))
    elif broken == "size":      # half written
        with open(os.path.join(dest, WEIGHTS), "r+b") as f:
            f.truncate(10)


def warnings_of(logs) -> list[str]:
    return [r.getMessage() for r in logs.records if r.levelno >= logging.WARNING]


def test_save_writes_the_marker_last_and_leaves_one_copy(tmp_path, model):
    x = tmp_path / "latest"
    save(model, x, 1)
    save(model, x, 2)
    assert sorted(os.listdir(tmp_path)) == ["latest"]
    files = json.loads((x / MANIFEST).read_text())["files"]
    assert set(files) == set(os.listdir(x)) - {MANIFEST}
    assert all(os.path.getsize(x / n) == size for n, size in files.items())
    assert resolve_checkpoint_dir(str(x)) == str(x) and step_of(x) == 2


# (copies built by hand: name suffix -> (step, broken)), the copy resume must take
STATES = {
    "only_tmp_complete": ({".tmp": (3, None)}, ".tmp"),
    "x_missing_old_complete": ({".old": (2, None), ".tmp": (3, None)}, ".old"),
    "tmp_incomplete_old_complete": ({".old": (2, None), ".tmp": (3, "size")}, ".old"),
    "x_no_marker_missing_files_old_complete": ({"": (3, "file"), ".old": (2, None)}, ".old"),
    "x_half_removed_tmp_complete": ({"": (2, "file"), ".tmp": (3, None)}, ".tmp"),
    "x_unmarked_tmp_unmarked": ({".old": (2, "marker"), ".tmp": (3, "marker")}, None),
}


def build(model, tmp_path, copies: dict) -> str:
    x = tmp_path / "ckpts" / "latest"
    x.parent.mkdir(parents=True, exist_ok=True)
    for suffix, (step, broken) in copies.items():
        make(model, tmp_path, f"{x}{suffix}", step, broken)
    return str(x)


@pytest.mark.parametrize("name", list(STATES))
def test_resume_takes_the_first_complete_copy(tmp_path, model, logs, name):
    copies, want = STATES[name]
    x = build(model, tmp_path, copies)
    if want is None:
        with pytest.raises(CheckpointError, match="no complete checkpoint") as e:
            resolve_checkpoint_dir(x)
        assert "\n" not in str(e.value)
        return
    assert resolve_checkpoint_dir(x) == x + want
    assert step_of(x + want) == copies[want][0]
    assert weights_file(x) == os.path.join(x + want, WEIGHTS)
    lines = warnings_of(logs)
    assert len(lines) == 2 and all(x + want in ln for ln in lines)  # one per call


def test_checkpoint_written_before_the_marker_still_loads(tmp_path, model, logs):
    x = tmp_path / "old_run"
    make(model, tmp_path, x, 5, broken="marker")
    assert resolve_checkpoint_dir(str(x)) == str(x)
    assert weights_file(str(x)) == str(x / WEIGHTS)
    assert warnings_of(logs) == []


def test_bare_weights_folder_still_loads(tmp_path, model):
    d = tmp_path / "weights"
    d.mkdir()
    paddle.save(model.state_dict(), str(d / WEIGHTS))
    assert weights_file(str(d)) == str(d / WEIGHTS)
    with pytest.raises(CheckpointError, match="no complete checkpoint"):
        resolve_checkpoint_dir(str(d))


def crashing(monkeypatch, at: int | None) -> list[str]:
    """Make the ``at``-th rename or removal (0-based) fail; a removal deletes one file first, as a
    crash in the middle of ``rmtree`` would. Returns the log of calls."""
    calls: list[str] = []
    real_replace, real_rmtree = os.replace, shutil.rmtree

    def fake_replace(src, dst, *a, **k):
        calls.append(f"replace {os.path.basename(str(src))} -> {os.path.basename(str(dst))}")
        if len(calls) - 1 == at:
            raise Crash(calls[-1])
        return real_replace(src, dst, *a, **k)

    def fake_rmtree(path, *a, **k):
        calls.append(f"rmtree {os.path.basename(str(path))}")
        if len(calls) - 1 == at:
            names = sorted(os.listdir(path))
            if names:
                os.remove(os.path.join(path, names[0]))
            raise Crash(calls[-1])
        return real_rmtree(path, *a, **k)

    monkeypatch.setattr(os, "replace", fake_replace)
    monkeypatch.setattr(shutil, "rmtree", fake_rmtree)
    return calls


def n_calls(model, tmp_path, copies, monkeypatch) -> int:
    with monkeypatch.context() as m:
        x = build(model, tmp_path / "count", copies) if copies else str(tmp_path / "count" / "latest")
        if not copies:
            save(model, x, 1)
        calls = crashing(m, None)
        save(model, x, 9)
    return len(calls)


def check_complete(x: str, allowed: set[int]) -> int:
    d = complete_copy(x)
    assert d is not None, f"no complete copy: {sorted(os.listdir(os.path.dirname(x)))}"
    assert resolve_checkpoint_dir(x) == d
    step = step_of(d)
    assert step in allowed
    return step


START = {"plain": {}} | {k: v[0] for k, v in STATES.items() if v[1] is not None}


@pytest.mark.parametrize("name", list(START))
def test_two_crashes_at_any_moment_leave_a_complete_checkpoint(tmp_path, model, monkeypatch, name):
    copies = START[name]
    n = n_calls(model, tmp_path, copies, monkeypatch)
    assert n >= 4
    for first in range(n):
        for second in range(n + 1):  # n: the second save goes through
            root = tmp_path / f"{first}_{second}"
            root.mkdir()
            if copies:
                x = build(model, root, copies)
            else:
                x = str(root / "ckpts" / "latest")
                save(model, x, 1)
            before = {s for s, _ in copies.values()} | {1}
            for at, step in ((first, 10), (second, 11)):
                with monkeypatch.context() as m:
                    crashing(m, at)
                    try:
                        save(model, x, step)
                    except Crash:
                        pass
                before.add(check_complete(x, before | {step}))
            # and a save that goes through leaves exactly one complete copy, the new one
            save(model, x, 12)
            assert check_complete(x, {12}) == 12 and complete_copy(x) == x
            assert sorted(os.listdir(os.path.dirname(x))) == ["latest"]
