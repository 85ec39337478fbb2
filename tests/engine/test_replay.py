"""Training equals PaddleOCR 2.7 step by step: every golden trajectory replayed with PaddleOCR's own
config and with ours (tools/replay_trajectory.py), plus the replay's own rules."""

from __future__ import annotations

import json
import zlib

import numpy as np
import pytest
from helpers import REPO, run_tool

from ppocr.config import load_config
from ppocr.engine.replay import Golden, formula_value, replay
from ppocr.engine.replay_compare import StepReport, Tolerances, compare_losses

OURS = {
    "cls": "configs/cls/ppocrv3_cls.yml",
    "det_student": "configs/det/ppocrv3_det_student.yml",
    "det_dml": "configs/det/ppocrv3_det_dml.yml",
    "det_cml": "configs/det/ppocrv3_det_cml.yml",
    "rec": "configs/rec/ppocrv3_rec.yml",
    "rec_distillation": "configs/rec/ppocrv3_rec_udml.yml",
    "rotnet": "configs/ssl/ppocrv3_textrotnet.yml",
}


@pytest.fixture(scope="module")
def trajectories(shared):
    return shared / "reference" / "golden" / "trajectories"


def _replay(trajectories, name: str, config: str | None, overrides=()):
    golden = Golden.load(str(trajectories / f"{name}.json"))
    cfg = load_config(str(REPO / config) if config else golden.reference_file(golden.config), list(overrides))
    return replay(cfg, golden, log=lambda line: None)


def _failures(result) -> list[str]:
    return [f"{r.label}: {c.what} {c.rel:.3g} > {c.tol:.3g}" for r in result.reports for c in r.failures()]


@pytest.mark.shared
@pytest.mark.slow
@pytest.mark.parametrize("config", ["paddleocr", "ours"])
@pytest.mark.parametrize("name", list(OURS))
def test_replay_matches_paddleocr(trajectories, name, config):
    result = _replay(trajectories, name, OURS[name] if config == "ours" else None)
    assert result.passed, "\n".join(_failures(result)[:20])
    # every figure was compared: lr + losses per step, every key, the eval summaries
    golden = json.loads((trajectories / f"{name}.json").read_text())
    steps = [r for r in result.reports if r.label.startswith("step")]
    assert len(steps) == len(golden["steps"]) == 4
    for rep, ref in zip(steps, golden["steps"]):
        assert sum(c.what.startswith("loss ") for c in rep.checks) == len(ref["loss"])
        assert sum(c.what.startswith("key ") for c in rep.checks) == 3 * (len(golden["keys"]) - rep.exempt)
    assert any(c.what.startswith("eval ") for c in result.reports[-1].checks)


@pytest.mark.shared
def test_cli_passes_and_fails_with_exit_status(trajectories, tmp_path):
    ok = run_tool("tools/replay_trajectory.py", "--golden", str(trajectories / "cls.json"), check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    lines = ok.stdout.strip().splitlines()
    assert [x.split(":")[0].strip() for x in lines[1:8]] == ["setup", "init", "step 1", "step 2", "step 3", "step 4",
                                                           "eval"]
    assert lines[-1].startswith("PASS cls")
    # the same run with Adam's beta1 changed: losses from step 2 on differ
    bad = run_tool("tools/replay_trajectory.py", "--golden", str(trajectories / "cls.json"),
                   "-o", "Optimizer.beta1=0.8", check=False)
    assert bad.returncode == 1
    assert bad.stdout.strip().splitlines()[-1].startswith("FAIL cls: worst step")
    missing = run_tool("tools/replay_trajectory.py", "--golden", str(tmp_path / "none.json"), check=False)
    assert missing.returncode == 2 and "trajectory file not found" in missing.stderr


@pytest.mark.shared
def test_formula_reproduces_the_recorded_init_statistics(trajectories):
    """The init rule alone (README section 2), on a key of each rank."""
    golden = json.loads((trajectories / "rec.json").read_text())
    meta = json.loads((trajectories / "model_meta.json").read_text())["rec"]
    norms = set(meta["norm_scale_keys"])
    seen = set()
    for (key, shape, _), stats in zip(golden["keys"], golden["init_stats"]):
        rank = len(shape) if not key.endswith(("_mean", "_variance")) else key.rsplit("_", 1)[1]
        if rank in seen or any(key in group[1:] for group in meta["tied_keys"]):
            continue
        seen.add(rank)
        v = formula_value(key, shape, key in norms).astype(np.float64)
        np.testing.assert_allclose([v.sum(), np.abs(v).sum(), (v * v).sum()], stats, rtol=1e-12, atol=1e-12)
    assert {1, 2, 4, "mean", "variance"} <= seen


def test_formula_is_the_protocols():
    key = "backbone.conv1.conv.weight"
    rng = np.random.RandomState(zlib.crc32(key.encode()) & 0xFFFFFFFF)
    expect = (rng.standard_normal((8, 3, 3, 3)) * np.sqrt(2 / 27)).astype(np.float32)
    np.testing.assert_array_equal(formula_value(key, [8, 3, 3, 3], False), expect)
    assert formula_value("a.bn._variance", [4], False).tolist() == [1.0] * 4
    assert formula_value("a.bn._mean", [4], True).tolist() == [0.0] * 4
    assert formula_value("a.bn.weight", [4], True).tolist() == [1.0] * 4
    assert formula_value("a.fc.bias", [4], False).tolist() == [0.0] * 4


def test_tolerances_follow_the_protocol():
    spread = {"loss_max_rel_per_step": [0.0, 1e-7, 2e-5, 4e-4], "eval_max_rel": 6e-3,
              "unstable_keys": ["b"], "per_key_rel(step1..4 x [sum,abs_sum,sum_sq])":
                  {"a": [[0.5, 1e-8, 2e-5]] * 4}}
    steps = [{"step": 1, "lr": 0.0}, {"step": 2, "lr": 1e-5}, {"step": 3, "lr": 2e-5}, {"step": 4, "lr": 3e-5}]
    tol = Tolerances(spread, steps)
    # iterations 1 and 2 are pure float32 forwards (iteration 1 ran with lr 0): 1e-5
    assert tol.loss(1) == tol.loss(2) == 1e-5
    assert tol.loss(3) == pytest.approx(2e-4) and tol.loss(4) == pytest.approx(4e-3)
    assert tol.eval() == pytest.approx(6e-2)
    # sum: the recorded spread of the sum, scaled to abs_sum; abs_sum and sum_sq: 10x, floor 1e-5
    t_sum, t_abs, t_sq = tol.key("a", 2, (0.001, 2.0, 1.0))
    assert t_sum == pytest.approx(max(1e-5, 10 * 0.5 * 0.001 / 2.0)) and t_abs == 1e-5
    assert t_sq == pytest.approx(2e-4)
    assert "b" in tol.unstable


def test_loss_entries_are_compared_by_name_and_element():
    rep = StepReport("step 1")
    compare_losses(rep, {"loss": np.array([1.0, 2.0]), "extra": np.array(0.0)},
                   {"loss": [1.0, 2.00001], "dml_0": 0.5}, 1e-5)
    by_name = {c.what.split(" (")[0]: c for c in rep.checks}
    assert by_name["loss loss"].ok and by_name["loss loss"].rel == pytest.approx(5e-6, rel=1e-4)
    assert not by_name["loss dml_0 missing"].ok  # an entry of PaddleOCR's that we do not compute
    assert not by_name["loss extra not in the reference"].ok
