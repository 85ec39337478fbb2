"""A run's ``log.jsonl`` for the report: its records, summary figures and curves as PNG bytes.

Each line is one :class:`~ppocr.engine.hooks.logger.JsonlSink` record: ``{"kind": "train" | "eval",
"step", "time", ...scalars}``. A resumed run appends to the same file, so a step may be written
twice; the last record of a step wins. The ``summary`` record (SummaryHook, at the end of each
training session) gives the wall time, samples/s and the start (step-0) metric. Other kinds are
left out; a truncated last line (a killed run) is counted and skipped.
"""

from __future__ import annotations

import io
import json
import math
import os
from dataclasses import dataclass, field

# train-record keys that are neither a loss term nor a metric
BOOKKEEPING = {"kind", "step", "time", "epoch", "epoch_num", "lr", "avg_reader_cost", "avg_batch_cost",
               "avg_samples", "ips", "eta", "count", "best_step"}
# the keys the metrics report (a train record holds them with Global.cal_metric_during_train)
METRIC_KEYS = {"acc", "norm_edit_dis", "precision", "recall", "hmean"}


@dataclass
class RunLog:
    path: str
    train: list[dict] = field(default_factory=list)  # one record per step, in step order
    evals: list[dict] = field(default_factory=list)
    summaries: list[dict] = field(default_factory=list)  # one per training session, in file order
    skipped: int = 0  # lines that were not JSON records

    @property
    def main_indicator(self) -> str | None:
        """The metric the run kept its best by: the ``best_<name>`` key of the eval records."""
        for record in reversed(self.evals):
            for key in record:
                if key.startswith("best_") and key != "best_step":
                    return key[len("best_"):]
        return None

    def metric_keys(self) -> list[str]:
        keys = {k for r in self.evals for k, v in r.items() if _number(v)}
        return sorted(k for k in keys | METRIC_KEYS
                      if k not in BOOKKEEPING and not k.startswith("best_") and any(k in r for r in self.evals))

    def train_metric_keys(self) -> list[str]:
        known = METRIC_KEYS | set(self.metric_keys())
        return sorted({k for r in self.train for k in r if k in known})

    def loss_keys(self) -> list[str]:
        """Numeric train-record keys that are not bookkeeping or metrics, ``loss`` (the total) first."""
        skip = BOOKKEEPING | METRIC_KEYS | set(self.metric_keys())
        keys = []
        for r in self.train:
            keys += [k for k, v in r.items() if k not in skip and k not in keys and _number(v)]
        return sorted(keys, key=lambda k: k != "loss")

    def summary(self) -> dict:
        """steps (the last logged step), the main indicator's best value and step (as the run
        tracked them: ``best_<name>``/``best_step`` of the last eval record) and its final value."""
        steps = [r["step"] for r in self.train + self.evals]
        out = {"steps": max(steps) if steps else None, "main_indicator": self.main_indicator,
               "evaluations": len(self.evals)}
        main = self.main_indicator
        if main and self.evals:
            last = self.evals[-1]
            out.update(best=last.get(f"best_{main}"), best_step=last.get("best_step"),
                       final=last.get(main), final_step=last["step"])
        starts = [r["start"] for r in self.summaries if _number(r.get("start"))]
        if starts:
            out["start"] = starts[0]
        walls = [r["wall_s"] for r in self.summaries if _number(r.get("wall_s"))]
        if walls:
            out["wall_s"] = round(sum(walls), 1)
        speeds = [r["samples_per_s"] for r in self.summaries if _number(r.get("samples_per_s"))]
        if speeds:
            out["samples_per_s"] = speeds[-1]
        return out


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def read_log(path: str) -> RunLog:
    log = RunLog(path)
    if not os.path.isfile(path):
        return log
    by_kind: dict[str, dict[int, dict]] = {"train": {}, "eval": {}}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                log.skipped += 1
                continue
            if not isinstance(record, dict) or not isinstance(record.get("step"), int):
                log.skipped += 1
                continue
            if record.get("kind") == "summary":
                log.summaries.append(record)
            if record.get("kind") not in by_kind:
                continue
            by_kind[record["kind"]][record["step"]] = record
    log.train = [by_kind["train"][s] for s in sorted(by_kind["train"])]
    log.evals = [by_kind["eval"][s] for s in sorted(by_kind["eval"])]
    return log


# -- curves ---------------------------------------------------------------------------------------
def _series(records: list[dict], key: str) -> tuple[list[int], list[float]]:
    pairs = [(r["step"], float(r[key])) for r in records if _number(r.get(key))]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _figure(title: str):
    from matplotlib.figure import Figure  # no pyplot: no global state, the Agg canvas

    fig = Figure(figsize=(6.4, 3.4), dpi=100)
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_xlabel("step")
    ax.grid(True, alpha=0.3)
    return fig, ax


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _loss_plot(log: RunLog) -> bytes:
    fig, ax = _figure("loss terms (train, smoothed)")
    values = []
    for key in log.loss_keys():
        steps, ys = _series(log.train, key)
        ax.plot(steps, ys, marker="." if len(steps) < 30 else None, label=key)
        values += ys
    positive = [v for v in values if v > 0]
    if values and len(positive) == len(values) and max(values) > 100 * min(values):
        ax.set_yscale("log")
    ax.legend(fontsize="small")
    return _png(fig)


def _lr_plot(log: RunLog) -> bytes:
    fig, ax = _figure("learning rate")
    steps, ys = _series(log.train, "lr")
    ax.plot(steps, ys, marker="." if len(steps) < 30 else None, color="tab:purple")
    ax.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    return _png(fig)


def _metric_plot(log: RunLog) -> bytes:
    fig, ax = _figure("eval metrics")
    main = log.main_indicator
    for key in log.metric_keys():
        steps, ys = _series(log.evals, key)
        ax.plot(steps, ys, marker="o", lw=2 if key == main else 1, label=f"eval {key}")
    for key in log.train_metric_keys():
        steps, ys = _series(log.train, key)
        ax.plot(steps, ys, ls="--", lw=0.8, alpha=0.7, label=f"train batch {key}")
    s = log.summary()
    if s.get("best") is not None and s.get("best_step") is not None:
        ax.plot([s["best_step"]], [s["best"]], marker="*", ms=16, color="gold", mec="black", ls="none",
                label=f"best {main} {s['best']:.4g} @ step {s['best_step']}", zorder=5)
    ax.legend(fontsize="small")
    return _png(fig)


def curve_pngs(log: RunLog) -> list[tuple[str, str, bytes]]:
    """``(id, title, png)`` for each curve the log has data for."""
    out = []
    if log.loss_keys():
        out.append(("loss", "loss terms vs step", _loss_plot(log)))
    if any(_number(r.get("lr")) for r in log.train):
        out.append(("lr", "learning rate vs step", _lr_plot(log)))
    if log.evals and log.metric_keys():
        out.append(("metrics", "eval metrics vs step (best marked)", _metric_plot(log)))
    return out
