"""The rank guard (ppocr/engine/rank_guard.py) on pipes: output passes through byte for byte; gloo's
abort text and paddle's C++ stack become one line naming the dead peer. The 2-process run with a
SIGKILLed rank is tests/reliability/test_dead_rank.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from ppocr.engine.rank_guard import ENDED, guard

HOST = socket.gethostname()
ABORT = (b"terminate called after throwing an instance of 'gloo::IoException'\n"
         b"  what():  [/paddle/third_party/gloo/gloo/transport/tcp/pair.cc:576] Read error [127.0.0.1]:950: "
         b"Connection reset by peer\n")
STACK = b"\n\n-----\nC++ Traceback (most recent call last):\n0   paddle::pybind::ThrowExceptionToPython\n"


@pytest.fixture
def parent():
    """A stand-in for the rank (the guard may signal it)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc.pid
    proc.kill()
    proc.wait()


@pytest.fixture(scope="module")
def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)


def run_guard(tmp_path, parent, peers, err: bytes, out: bytes, rank: int = 0) -> tuple[bytes, bytes]:
    """Feed ``err``/``out`` as the rank's stderr/stdout; what the guard wrote to each."""
    streams, files = [], []
    for name, data in (("err", err), ("out", out)):
        read_end, write_end = os.pipe()
        os.write(write_end, data)
        os.close(write_end)
        path = tmp_path / name
        streams.append((read_end, os.open(path, os.O_WRONLY | os.O_CREAT)))
        files.append(path)
    guard(rank, peers, streams, parent)
    for fds in streams:
        for fd in fds:
            os.close(fd)
    return files[0].read_bytes(), files[1].read_bytes()


def test_output_passes_through(tmp_path, parent, dead_pid):
    err, out = b"a warning\n\nno newline at the end", b"[step] loss: 1.0\r\nprogress 50%"
    assert run_guard(tmp_path, parent, [[1, HOST, ""], [2, HOST, ""]], err, out) == (err, out)


def test_gloo_abort_becomes_one_line(tmp_path, parent, dead_pid):
    peers = [[parent, HOST, "127.0.0.1"], [dead_pid, HOST, "127.0.0.1"]]
    err, out = run_guard(tmp_path, parent, peers, b"before\n" + ABORT, STACK)
    assert err == (f"before\nerror: rank 1 (pid {dead_pid} on {HOST}) stopped (killed, or failed: see its log); "
                   f"ending rank 0\n").encode()
    assert out == b""  # the C++ stack paddle prints on stdout is gone too


def test_pair_rank_names_the_peer(tmp_path, parent, dead_pid):
    peers = [[1, "node-a", "10.0.0.1"], [dead_pid, "node-b", "10.0.0.2"], [parent, HOST, "10.0.0.3"]]
    abort = (b"terminate called after throwing an instance of 'gloo::TimeoutException'\n"
             b"  what():  [pair.cc:584] TIMEOUT self_rank = 2 pair_rank = 0 peer_str = [10.0.0.1]:54193\n")
    err, _ = run_guard(tmp_path, parent, peers, abort, b"", rank=2)
    assert err.startswith(b"error: rank 0 (pid 1 on node-a) stopped or stopped answering") and err.count(b"\n") == 1
    assert err.endswith(b"; ending rank 2\n")


@pytest.mark.parametrize("how", [b"ok", b"failed"])
def test_an_ended_rank_names_a_dead_peer_only_after_a_failure(tmp_path, parent, dead_pid, how):
    """The launcher SIGTERMs the survivor before gloo notices: its Python ends 'failed'."""
    peers = [[parent, HOST, ""], [dead_pid, HOST, ""]]
    err, out = run_guard(tmp_path, parent, peers, b"", b"[step] 1\n" + ENDED + how + b"\n")
    assert out == b"[step] 1\n"
    assert err == (b"" if how == b"ok" else f"error: rank 1 (pid {dead_pid} on {HOST}) stopped (killed, or failed: "
                                               f"see its log); ending rank 0\n".encode())
