"""Two "machines" on loopback: two ``paddle.distributed.launch`` processes with
``--master 127.0.0.1:PORT --nnodes 2 --nproc_per_node 1``, each with its own log folder, writing to one
shared save_model_dir, as users run it on a cluster (docs/training.md, "Training on a cluster").
What each rank read, wrote and ended with is recorded by tests/e2e/rank_trace (test-only)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import numpy as np
import paddle
import pytest
from e2e.test_distributed import CFG, TRACE_PLUGIN, read_trace, written
from helpers import REPO, cls_overrides

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_nodes_on_loopback(cls_data, tmp_path):
    trace, out, port = tmp_path / "trace", tmp_path / "shared_storage" / "run", free_port()
    pythonpath = os.pathsep.join(filter(None, [str(TRACE_PLUGIN), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": pythonpath, "RANK_TRACE_DIR": str(trace), "RANK_TRACE_WEIGHTS": "1"}
    nodes = [subprocess.Popen([sys.executable, "-m", "paddle.distributed.launch", "--master", f"127.0.0.1:{port}",
                               "--nnodes", "2", "--nproc_per_node", "1", "--log_dir", str(tmp_path / f"logs_node{n}"),
                               "tools/train.py", "-c", CFG, "-o", *cls_overrides(cls_data, out)],
                              cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for n in range(2)]
    try:
        logs = [p.communicate(timeout=300)[0] for p in nodes]
    finally:
        for p in nodes:
            p.kill()
    for n, (p, log) in enumerate(zip(nodes, logs)):
        assert p.returncode == 0, f"node {n} failed ({p.returncode}):\n{log[-3000:]}"

    s0, replaced0 = read_trace(trace / "rank0.txt")
    s1, replaced1 = read_trace(trace / "rank1.txt")
    for epoch in (1, 2):  # disjoint shards that cover the epoch
        e0 = {i for e, i in s0 if e == epoch}
        e1 = {i for e, i in s1 if e == epoch}
        assert e0 and e1 and not (e0 & e1), f"epoch {epoch}: ranks overlap"
        assert e0 | e1 == set(range(48))

    w0, w1 = np.load(trace / "weights_rank0.npz"), np.load(trace / "weights_rank1.npz")
    assert sorted(w0.files) == sorted(w1.files)
    assert "head.fc.weight" in w0.files  # trainable only: BatchNorm running statistics stay per rank
    for k in w0.files:  # gradients are averaged over the nodes: the replicas never drift
        np.testing.assert_array_equal(w0[k], w1[k], err_msg=k)

    out = out.resolve()
    assert "latest" in written(replaced0, out)
    assert written(replaced1, out) == set()  # only rank 0 writes to the shared directory
    saved = paddle.load(str(out / "latest" / "model.pdparams"), return_numpy=True)
    for k in w0.files:  # rank 0's checkpoint holds the final parameters
        np.testing.assert_array_equal(saved[k], w0[k], err_msg=k)
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["world_size"] == 2 and state["global_step"] == 6  # 48 samples / 2 ranks / batch 8, 2 epochs
