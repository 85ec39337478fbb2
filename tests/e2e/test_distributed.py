"""Two CPU processes (gloo) under paddle.distributed.launch: disjoint samples, rank-0-only writes,
metrics gathered across ranks. What each worker read and wrote is recorded by a test-only plugin,
tests/e2e/rank_trace/sitecustomize.py, put on the workers' PYTHONPATH."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import REPO, cls_overrides, run_tool

CFG = str(REPO / "configs" / "cls" / "ppocrv3_cls.yml")
TRACE_PLUGIN = Path(__file__).resolve().parent / "rank_trace"
pytestmark = pytest.mark.slow


def read_trace(path):
    """(samples read as {(epoch, index)}, paths moved into place) from rank_trace/sitecustomize.py."""
    samples, replaced = set(), []
    if path.is_file():
        for line in path.read_text().splitlines():
            kind, *rest = line.split(" ")
            if kind == "sample":
                samples.add((int(rest[0]), int(rest[1])))
            elif kind == "replace":
                replaced.append(Path(" ".join(rest)))
    return samples, replaced


def written(replaced, out):
    """The top-level names under ``out`` that a rank moved files into (checkpoints, config, state)."""
    return {p.relative_to(out).parts[0] for p in replaced if p.is_relative_to(out)}


def test_two_process_cpu_data_parallel(cls_data, tmp_path):
    trace, out = tmp_path / "trace", tmp_path / "run"
    # a test-only plugin (not ppocr) records what each worker read and wrote: see its docstring
    pythonpath = os.pathsep.join(filter(None, [str(TRACE_PLUGIN), os.environ.get("PYTHONPATH")]))
    run_tool("-m", "paddle.distributed.launch", "--nproc_per_node", "2", "--log_dir", str(tmp_path / "logs"),
             "tools/train.py", "-c", CFG, "-o",
             *cls_overrides(cls_data, out, **{"Global.epoch_num": 2, "Global.eval_batch_step": [0, 3]}),
             env={"PYTHONPATH": pythonpath, "RANK_TRACE_DIR": str(trace)}, timeout=900)
    s0, replaced0 = read_trace(trace / "rank0.txt")
    s1, replaced1 = read_trace(trace / "rank1.txt")
    for epoch in (1, 2):
        e0 = {i for e, i in s0 if e == epoch}
        e1 = {i for e, i in s1 if e == epoch}
        assert e0 and e1 and not (e0 & e1), f"epoch {epoch}: ranks overlap"
        assert e0 | e1 == set(range(48))
    out = out.resolve()
    assert {"latest", "best_accuracy"} <= written(replaced0, out)
    assert written(replaced1, out) == set()  # only rank 0 writes checkpoints
    log = (out / "train.log").read_text()
    assert "saved latest" in log and "saved best_accuracy" in log
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["world_size"] == 2 and state["global_step"] == 6  # 48 samples / 2 ranks / batch 8
    evals = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    evals = [r for r in evals if r["kind"] == "eval"]
    assert evals and all(r["count"] == 16 for r in evals)  # each rank saw half; the sums cover all 16


@pytest.mark.slow
def test_resume_on_more_processes_keeps_the_epoch_count(cls_data, tmp_path):
    """One epoch alone (6 steps of 8), then resumed on 2 processes with epoch_num 2: epoch 2 is
    trained (3 steps at world size 2) instead of 'nothing to train' (the old step 6 >= 2 x 3)."""
    out = tmp_path / "run"
    run_tool("tools/train.py", "-c", CFG, "-o", *cls_overrides(cls_data, out, **{"Global.epoch_num": 1}))
    first = json.loads((out / "latest" / "state.json").read_text())
    assert (first["world_size"], first["global_step"], first["epoch"]) == (1, 6, 2)
    run_tool("-m", "paddle.distributed.launch", "--nproc_per_node", "2", "--log_dir", str(tmp_path / "logs"),
             "tools/train.py", "-c", CFG, "-o",
             *cls_overrides(cls_data, out, **{"Global.epoch_num": 2,
                                              "Global.checkpoints": str(out / "latest")}), timeout=900)
    state = json.loads((out / "latest" / "state.json").read_text())
    assert state["world_size"] == 2
    assert state["epoch"] == 3 and state["global_step"] == 6  # 3 (epoch 1, rescaled) + 3 trained
    assert state["samples_seen"] == first["samples_seen"] + 3 * 8 * 2
    log = (out / "train.log").read_text()
    assert "step 6 at " in log and "is step 3 (epoch 2, batch 0) at 2" in log
