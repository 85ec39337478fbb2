"""Issue 15, item 8: a rank killed in a 2-process run ends the other within seconds with one line
naming the dead rank, instead of gloo's std::terminate text and paddle's C++ stack
(ppocr/engine/rank_guard.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import REPO, cls_overrides, write_cls_set

from ppocr.engine.rank_guard import alive

CFG = str(REPO / "configs" / "cls" / "ppocrv3_cls.yml")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cls_data(tmp_path_factory):
    root = tmp_path_factory.mktemp("cls")
    return {"train": write_cls_set(root / "train", 32, 1), "eval": write_cls_set(root / "eval", 8, 2)}


def children(pid: int) -> list[int]:
    return [int(c) for t in Path(f"/proc/{pid}/task").iterdir() for c in (t / "children").read_text().split()]


def worker_ranks(launcher: int) -> dict[int, int]:
    """{rank: pid} of the launcher's workers (their PADDLE_TRAINER_ID)."""
    ranks = {}
    for pid in children(launcher):
        env = dict(kv.split(b"=", 1) for kv in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in kv)
        if b"PADDLE_TRAINER_ID" in env:
            ranks[int(env[b"PADDLE_TRAINER_ID"])] = pid
    return ranks


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not alive(pid)


def test_killed_rank_ends_the_survivor_with_one_line(cls_data, tmp_path):
    logs = tmp_path / "logs"
    proc = subprocess.Popen([sys.executable, "-m", "paddle.distributed.launch", "--nproc_per_node", "2",
                             "--log_dir", str(logs), "tools/train.py", "-c", CFG, "-o",
                             *cls_overrides(cls_data, tmp_path / "run", **{"Global.epoch_num": 500,
                                                                           "Global.print_batch_step": 1})],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        seen = []
        for line in proc.stdout:  # the launcher streams rank 0's log: wait for a training step
            seen.append(line)
            if "global_step:" in line:
                break
        assert "global_step:" in "".join(seen[-1:]), "training never started:\n" + "".join(seen)[-3000:]
        ranks = worker_ranks(proc.pid)
        guards = [p for p in children(ranks[0]) if b"rank_guard.py" in Path(f"/proc/{p}/cmdline").read_bytes()]
        os.kill(ranks[1], signal.SIGKILL)
        killed_at = time.monotonic()
        rest = proc.communicate(timeout=120)[0]
        took = time.monotonic() - killed_at
    finally:
        proc.kill()
    assert gone_within(ranks[0], 10) and all(gone_within(p, 10) for p in guards)  # a guard ends with its rank
    user_sees = "".join(seen) + rest + (logs / "workerlog.0").read_text()
    line = (f"error: rank 1 (pid {ranks[1]} on {socket.gethostname()}) stopped (killed, or failed: see its log); "
            f"ending rank 0")
    assert line in user_sees, user_sees[-3000:]
    assert proc.returncode != 0
    assert took < 20, f"the survivor took {took:.1f} s to end"
    for cxx in ("terminate called", "gloo::", "C++ Traceback", "Error Message Summary"):
        assert cxx not in user_sees, f"{cxx!r} reached the user:\n{user_sees[-3000:]}"
    assert len(guards) == 1  # rank 0 ran one guard
