"""Tolerances and comparison of a replayed trajectory against PaddleOCR's (README section 7).

- init statistics: 1e-10 relative (they follow from the formula alone);
- lrs: 1e-12 relative;
- losses of iteration 1 (and of iteration 2 when iteration 1 ran with lr 0): 1e-5 relative;
  later losses and eval summaries: 10x the recorded 2-thread spread, at least 1e-5;
- per-key abs_sum / sum_sq: 10x that key's recorded spread, at least 1e-5; keys listed in
  ``unstable_keys`` (gradient zero in exact arithmetic, moved by float noise) are exempt;
- ``sum`` can cancel to ~0: it is compared with an absolute tolerance scaled by ``abs_sum``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FLOOR = 1e-5
SPREAD_FACTOR = 10.0
INIT_TOL = 1e-10
LR_TOL = 1e-12


def rel_diff(mine: float, ref: float) -> float:
    d = abs(mine - ref)
    return 0.0 if d == 0 else d / max(abs(ref), 1e-30)


def _short(v) -> str:
    return f"{len(v)} items" if isinstance(v, (list, tuple, set)) else str(v)


@dataclass
class Check:
    """One compared figure: ``ratio`` = difference / tolerance (> 1 is outside)."""

    what: str
    rel: float
    tol: float

    @property
    def ratio(self) -> float:
        return self.rel / self.tol if self.tol > 0 else (0.0 if self.rel == 0 else float("inf"))

    @property
    def ok(self) -> bool:
        return self.rel <= self.tol


@dataclass
class StepReport:
    label: str                                     # "init", "step 1", ..., "eval"
    checks: list[Check] = field(default_factory=list)
    exempt: int = 0                                # unstable keys not compared

    def add(self, what: str, rel: float, tol: float) -> None:
        self.checks.append(Check(what, rel, tol))

    def add_count(self, what: str, mine, ref) -> None:
        """An exact comparison (counts, lists); ``ref`` None is not compared."""
        if ref is not None:
            self.checks.append(Check(f"count {what}: {_short(mine)} vs {_short(ref)}",
                                     0.0 if mine == ref else float("inf"), 0.0))

    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def worst(self, prefix: str = "") -> Check | None:
        cs = [c for c in self.checks if c.what.startswith(prefix)]
        return max(cs, key=lambda c: c.ratio) if cs else None

    def max_rel(self, prefix: str) -> float:
        return max((c.rel for c in self.checks if c.what.startswith(prefix)), default=0.0)

    def keys_outside(self) -> int:
        return len({c.what.split(" ", 2)[1] for c in self.failures() if c.what.startswith("key ")})


class Tolerances:
    """Per-figure tolerances from ``thread_spread.json``'s entry of one trajectory."""

    def __init__(self, spread: dict, ref_steps: list, factor: float = SPREAD_FACTOR, floor: float = FLOOR):
        self.factor, self.floor = factor, floor
        self.loss_spread = list(spread.get("loss_max_rel_per_step") or [])
        self.eval_spread = float(spread.get("eval_max_rel") or 0.0)
        self.unstable = set(spread.get("unstable_keys") or [])
        self.per_key = spread.get("per_key_rel(step1..4 x [sum,abs_sum,sum_sq])") or {}
        # iterations whose losses are a pure float32 forward of unchanged weights: the first, and
        # every following one while all earlier iterations ran with lr 0
        self.pure_forward = 1
        for s in ref_steps:
            if float(s["lr"]) == 0.0:
                self.pure_forward = int(s["step"]) + 1
            else:
                break

    def _scaled(self, spread: float) -> float:
        return max(self.floor, self.factor * spread)

    def loss(self, step: int) -> float:
        if step <= self.pure_forward:
            return self.floor
        spread = self.loss_spread[step - 1] if step - 1 < len(self.loss_spread) else 0.0
        return self._scaled(spread)

    def eval(self) -> float:
        return self._scaled(self.eval_spread)

    def key(self, key: str, step: int, ref: tuple[float, float, float]) -> tuple[float, float, float]:
        """Tolerances of (sum scaled by abs_sum, abs_sum relative, sum_sq relative) for one key."""
        rows = self.per_key.get(key)
        s_rel, a_rel, q_rel = rows[step - 1] if rows and step - 1 < len(rows) else (0.0, 0.0, 0.0)
        ref_sum, ref_abs, _ = ref
        sum_scaled = s_rel * abs(ref_sum) / ref_abs if ref_abs else 0.0
        return self._scaled(sum_scaled), self._scaled(a_rel), self._scaled(q_rel)


def compare_stats(report: StepReport, mine: dict, ref_keys: list, ref_stats: list, step: int,
                  tol: Tolerances | None) -> None:
    """Per-key statistics; ``tol`` None means the init rule (1e-10 on all three figures)."""
    for (key, _shape, _dtype), ref in zip(ref_keys, ref_stats):
        if key not in mine:
            report.add(f"key {key} missing", float("inf"), 0.0)
            continue
        if tol is not None and key in tol.unstable:
            report.exempt += 1
            continue
        s, a, q = mine[key]
        rs, ra, rq = ref
        t_sum, t_abs, t_sq = (INIT_TOL,) * 3 if tol is None else tol.key(key, step, ref)
        report.add(f"key {key} sum", abs(s - rs) / ra if ra else abs(s - rs), t_sum)
        report.add(f"key {key} abs_sum", rel_diff(a, ra), t_abs)
        report.add(f"key {key} sum_sq", rel_diff(q, rq), t_sq)
    extra = sorted(set(mine) - {k for k, _, _ in ref_keys})
    for key in extra:
        report.add(f"key {key} not in the reference", float("inf"), 0.0)


def compare_losses(report: StepReport, mine: dict, ref: dict, tol: float) -> None:
    """Every loss entry of the reference, by name (a per-image vector entry element by element)."""
    for name, value in ref.items():
        if name not in mine:
            report.add(f"loss {name} missing (have {sorted(mine)})", float("inf"), tol)
            continue
        got = np.atleast_1d(np.asarray(mine[name], np.float64))
        want = np.atleast_1d(np.asarray(value, np.float64))
        if got.shape != want.shape:
            report.add(f"loss {name} shape {got.shape} vs {want.shape}", float("inf"), tol)
            continue
        rel = max(rel_diff(float(g), float(w)) for g, w in zip(got, want))
        report.add(f"loss {name}", rel, tol)
    for name in sorted(set(mine) - set(ref)):
        report.add(f"loss {name} not in the reference", float("inf"), tol)


def compare_eval(report: StepReport, mine: dict[str, np.ndarray], ref: dict, tol: float) -> None:
    """Eval summaries: ``ref`` maps '<model>.<output>' (or one plain entry) to shape/sum/abs_sum/
    sum_sq and optionally the argmax of line 0 or the full softmax matrix."""
    for entry, summary in ref.items():
        model = entry.split(".", 1)[0] if "." in entry else ""
        if model not in mine:
            report.add(f"eval {entry}: no output of model '{model}' (have {sorted(mine)})", float("inf"), tol)
            continue
        out = mine[model].astype(np.float64)
        if list(out.shape) != list(summary["shape"]):
            report.add(f"eval {entry} shape {list(out.shape)} vs {summary['shape']}", float("inf"), tol)
            continue
        report.add(f"eval {entry} sum", abs(out.sum() - summary["sum"]) / summary["abs_sum"], tol)
        report.add(f"eval {entry} abs_sum", rel_diff(float(np.abs(out).sum()), summary["abs_sum"]), tol)
        report.add(f"eval {entry} sum_sq", rel_diff(float((out * out).sum()), summary["sum_sq"]), tol)
        if "argmax_line0" in summary:
            got = out[0].argmax(axis=-1).tolist()
            wrong = sum(int(a != b) for a, b in zip(got, summary["argmax_line0"]))
            report.add(f"eval {entry} argmax_line0 ({wrong} of {len(got)} differ)", float(wrong), 0.0)
        for key, matrix in summary.items():
            if isinstance(matrix, list) and matrix and isinstance(matrix[0], list):
                want = np.asarray(matrix, np.float64)
                rel = float(np.max(np.abs(out - want) / np.maximum(np.abs(want), 1e-30)))
                report.add(f"eval {entry} {key} matrix", rel, tol)
