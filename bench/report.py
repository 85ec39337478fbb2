"""One table of issue 16's figures, each with its reference and ratio, from results already taken.

  python bench/report.py [--work_dir DIR] [--infer FILE] [--json]

Inputs, all optional (a figure whose input is absent is a "not run" row, never an error):
- the peer harness's runs (../shared/bench/peer: pair.sh writes WORK_DIR/runs/PAIR_{peer,ours}_N
  with stamped.log and meta.json): training s/iter and peak RSS of ppocr vs PaddleOCR 2.7;
- WORK_DIR/pipeline.jsonl (pipeline.sh): Train DataLoader samples/s, det and rec, 0 and 1 workers;
- WORK_DIR/fast_options.jsonl (bench/fast_options.sh; the latest line per pair), or else the runs
  it leaves (runs/fast_PAIR_{peer,ours,opt,opt2}_N): training s/iter with the opt-in options;
- the output of bench/infer_latency.py (its JSON line; default WORK_DIR/infer_latency.out):
  ms per image of each runtime against onnxruntime's.

Every ratio reads "> 1: ppocr better": reference / ppocr for s/iter, MB and ms, ppocr / reference
for samples/s. Values are medians over the repetitions (peak RSS: the largest run's, as summary.sh reports it),
s/iter measured as the harness does: (t[last step] - t[step 3]) / (last - 3) from the stamps.
Targets are issue 16's: pairs >= 1.0 and RSS no higher than the peer's, det_student and rec with
the documented option >= 1.3, data pipeline >= 3.0, the default inference runtime at least as fast
as onnxruntime. reps: runs counted, reference/ppocr; load: the 1-minute load averages at the
starts (min-max). Standard library only: runs under either venv.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys

PAIRS = ("cls", "det_student", "det_cml", "rec", "rec_udml")
FAST_PAIRS = ("det_student", "rec")
PIPELINES = (("det_student", 0), ("det_student", 1), ("rec", 0), ("rec", 1))
TARGET = {"pair": 1.0, "rss": 1.0, "fast": 1.3, "pipeline": 3.0, "inference": 1.0}
PEER, ORT = "PaddleOCR 2.7", "onnxruntime"
SKIP = 3  # the harness leaves start-up and the first 3 steps out of s/iter
STEP = re.compile(r"global_step: (\d+),.*?avg_batch_cost: ")
RUN = re.compile(r"^(.+)_(peer|ours|opt|opt2)_(\d+)$")


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def largest(values):
    return max((v for v in values if v is not None), default=None)


def read_jsonl(path):
    """The JSON objects of a file, one a line; a torn or foreign line is passed over."""
    if not path or not os.path.isfile(path):
        return []
    out = []
    for line in open(path, errors="replace"):
        try:
            obj = json.loads(line)
        except ValueError:
            continue
        if isinstance(obj, dict):
            out.append(obj)
    return out


def one_run(folder):
    """s/iter (None without enough step lines or on failure), peak RSS, load at start, command."""
    meta = json.load(open(os.path.join(folder, "meta.json")))
    stamps = {}
    log = os.path.join(folder, "stamped.log")
    for line in open(log, errors="replace") if os.path.isfile(log) else ():
        t, _, rest = line.partition("\t")
        m = STEP.search(rest)
        if m:
            stamps[int(m.group(1))] = float(t)
    spi = None
    if meta.get("rc") == 0 and SKIP in stamps and max(stamps) > SKIP:
        last = max(stamps)
        spi = (stamps[last] - stamps[SKIP]) / (last - SKIP)
    return {"s_per_iter": spi, "peak_rss_mb": meta.get("peak_rss_mb"), "load": meta.get("load_at_start"),
            "cmd": meta.get("cmd") or [], "rep": int(RUN.match(os.path.basename(folder)).group(3))}


def read_runs(runs_dir):
    """{group: {system: [run, ...]}} for every RUNS/GROUP_SYSTEM_N with a meta.json."""
    groups = {}
    if not os.path.isdir(runs_dir):
        return groups
    for name in sorted(os.listdir(runs_dir)):
        m = RUN.match(name)
        if m and os.path.isfile(os.path.join(runs_dir, name, "meta.json")):
            groups.setdefault(m.group(1), {}).setdefault(m.group(2), []).append(one_run(os.path.join(runs_dir, name)))
    return groups


def load_range(loads):
    loads = sorted(v for v in loads if v is not None)
    if not loads:
        return "-"
    return f"{loads[0]:.2f}" if loads[0] == loads[-1] else f"{loads[0]:.2f}-{loads[-1]:.2f}"


def row(figure, unit, ref, ours, kind, reps="-", load="-", *, ref_name=PEER, higher_better=False, has_target=True,
        note=""):
    """A table row; ratio > 1 means ppocr better whichever way the unit points."""
    ratio = None
    if ref and ours:
        ratio = round(ours / ref if higher_better else ref / ours, 3)
    target = TARGET[kind] if has_target else None
    ref, ours = (round(v, 4) if isinstance(v, float) else v for v in (ref, ours))
    status = "ok" if ratio is not None else ("not run" if ref is None and ours is None else "incomplete")
    return {"figure": figure, "kind": kind, "unit": unit, "reference_name": ref_name, "reference": ref,
            "ppocr": ours, "ratio": ratio, "target": target,
            "met": None if ratio is None or target is None else ratio >= target,
            "reps": reps, "load": load, "status": status, "note": note}


def pair_rows(groups):
    rows = []
    extra = sorted(g for g in groups if not g.startswith("fast_") and g not in PAIRS)
    for pair in PAIRS + tuple(extra):
        by = groups.get(pair, {})
        peer, ours = by.get("peer", []), by.get("ours", [])
        timed = [[r for r in runs if r["s_per_iter"] is not None] for runs in (peer, ours)]
        reps = f"{len(timed[0])}/{len(timed[1])}"
        load = load_range(r["load"] for r in peer + ours)
        note = "" if len(timed[0]) == len(peer) and len(timed[1]) == len(ours) else "some runs failed (no timing)"
        rows.append(row(f"training {pair}", "s/iter", median(r["s_per_iter"] for r in timed[0]),
                        median(r["s_per_iter"] for r in timed[1]), "pair", reps, load, note=note))
        rows.append(row(f"training {pair} peak RSS", "MB", largest(r["peak_rss_mb"] for r in peer),
                        largest(r["peak_rss_mb"] for r in ours), "rss", f"{len(peer)}/{len(ours)}", load))
    return rows


def options_of(opt_cmd, ours_cmd):
    """The overrides an opt run adds to the plain ours run (its save_model_dir aside)."""
    return " ".join(a for a in opt_cmd if a not in ours_cmd and not a.startswith("Global.save_model_dir="))


def fast_rows(records, groups):
    rows = []
    for pair in FAST_PAIRS:
        latest = [r for r in records if r.get("bench") == "fast_options" and r.get("pair") == f"fast_{pair}"]
        found = []  # (options, peer s/iter values, options s/iter values, loads)
        if latest:
            rec = latest[-1]
            runs, loads = rec.get("runs", {}), rec.get("load_at_start", {})
            for key, opts in (("opt", rec.get("options", "")), ("opt2", rec.get("options2", ""))):
                if key in runs:
                    found.append((opts, runs.get("peer", []), runs[key], loads.get("peer", []) + loads.get(key, [])))
        else:
            by = groups.get(f"fast_{pair}", {})
            ours_cmd = by.get("ours", [{}])[0].get("cmd", [])
            peer = [r["s_per_iter"] for r in by.get("peer", []) if r["s_per_iter"] is not None]
            for key in ("opt", "opt2"):
                if by.get(key):
                    runs = by[key]
                    found.append((options_of(runs[0]["cmd"], ours_cmd), peer,
                                  [r["s_per_iter"] for r in runs if r["s_per_iter"] is not None],
                                  [r["load"] for r in by.get("peer", []) + runs]))
        if not found:
            rows.append(row(f"training {pair} with the fast option", "s/iter", None, None, "fast"))
        # the target (>= 1.3x with an option) is the pair's: its fastest option set carries it, the
        # others are shown for comparison
        speeds = [median(peer) / median(opt) if median(peer) and median(opt) else 0.0
                  for _, peer, opt, _ in found]
        best = speeds.index(max(speeds)) if speeds else -1
        for i, (opts, peer, opt, loads) in enumerate(found):
            rows.append(row(f"training {pair} + {opts or '(no options)'}", "s/iter", median(peer), median(opt),
                            "fast", f"{len(peer)}/{len(opt)}", load_range(loads), has_target=i == best,
                            note="" if i == best else "for comparison: the pair's fastest option set has the target"))
    return rows


def pipeline_rows(records):
    rates = {}
    for r in records:
        if "preset" in r and "system" in r and "samples_per_s" in r:
            rates.setdefault((r["preset"], r.get("workers")), []).append(r)
    rows = []
    for key in PIPELINES + tuple(sorted((k for k in rates if k not in PIPELINES), key=str)):
        recs = rates.get(key, [])
        peer = [r["samples_per_s"] for r in recs if r["system"] == "peer"]
        ours = [r["samples_per_s"] for r in recs if r["system"] == "ours"]
        batch = f"batch {recs[0]['batch']}" if recs and "batch" in recs[0] else ""
        rows.append(row(f"data pipeline {key[0]}, {key[1]} workers", "samples/s", median(peer), median(ours),
                        "pipeline", f"{len(peer)}/{len(ours)}", load_range(r.get("load_at_start") for r in recs),
                        higher_better=True, note=batch))
    return rows


def inference_rows(path):
    found = [r for r in read_jsonl(path) if isinstance(r.get("runtimes"), dict)]
    if not found or ORT not in found[-1]["runtimes"]:
        return [row("inference, default runtime", "ms/image", None, None, "inference", ref_name=ORT)]
    summary = found[-1]
    ort = summary["runtimes"][ORT]["mean_ms"]
    load = load_range(summary.get("load_avg_1min", []))
    n = summary.get("measured", "-")
    rows = []
    # the default first: it is the one with a target
    order = sorted((k for k in summary["runtimes"] if k != ORT), key=lambda k: not summary["runtimes"][k].get("default"))
    for name in order:
        r = summary["runtimes"][name]
        tags = [t for t, on in (("default", r.get("default")), ("default for exports", r.get("default_for_exports")))
                if on]
        label = f"inference {name}" + (f" ({', '.join(tags)})" if tags else "")
        same = r.get("images_with_same_texts")
        rows.append(row(label, "ms/image", ort, r.get("mean_ms"), "inference", f"{n}/{n}", load, ref_name=ORT,
                        has_target=bool(r.get("default")), note=f"same texts {same}" if same else ""))
    return rows


def build(work_dir, infer):
    groups = read_runs(os.path.join(work_dir, "runs"))
    return (pair_rows(groups) + fast_rows(read_jsonl(os.path.join(work_dir, "fast_options.jsonl")), groups)
            + pipeline_rows(read_jsonl(os.path.join(work_dir, "pipeline.jsonl"))) + inference_rows(infer))


def fmt(v, unit=""):
    if v is None:
        return "-"
    text = f"{v:.0f}" if unit in ("MB",) or abs(v) >= 100 else f"{v:.3g}" if abs(v) < 10 else f"{v:.1f}"
    return f"{text} {unit}".strip()


def table(rows):
    head = ("figure", "reference", "ppocr", "ratio", "target", "met", "reps ref/ppocr", "load", "note")
    lines = []
    for r in rows:
        if r["status"] == "not run":
            ref = ours = "not run"
        else:
            ref, ours = fmt(r["reference"], r["unit"]), fmt(r["ppocr"], r["unit"])
        lines.append((r["figure"], f"{ref} ({r['reference_name']})" if r["reference"] is not None else ref, ours,
                      "-" if r["ratio"] is None else f"{r['ratio']:.2f}",
                      "-" if r["target"] is None else f">= {r['target']:g}",
                      {True: "yes", False: "NO", None: "-"}[r["met"]], r["reps"], r["load"], r["note"]))
    out = ["ratio > 1: ppocr better (reference / ppocr for s/iter, MB, ms; ppocr / reference for samples/s); "
           "medians over repetitions; load: 1-minute load average at the runs' starts",
           "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(c) for c in cells) + " |" for cells in lines]
    missing = sum(r["status"] == "not run" for r in rows)
    met = [r["met"] for r in rows if r["met"] is not None]
    out.append(f"{sum(met)}/{len(met)} targets met; {missing} figures not run"
               + (" (`make bench PEER_GIT=/path/to/PaddleOCR.git` takes them all, docs/bench.md)" if missing else ""))
    return "\n".join(out)


def main(argv=None):
    default_work = os.environ.get("WORK_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "ppocr-peer")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work_dir", default=default_work,
                        help="the peer harness's WORK_DIR (default $WORK_DIR, else ~/.cache/ppocr-peer)")
    parser.add_argument("--infer", help="bench/infer_latency.py's output (default WORK_DIR/infer_latency.out)")
    parser.add_argument("--json", action="store_true", help="one JSON line with every row instead of the table")
    args = parser.parse_args(argv)
    rows = build(args.work_dir, args.infer or os.path.join(args.work_dir, "infer_latency.out"))
    if args.json:
        print(json.dumps({"bench": "report", "work_dir": args.work_dir, "rows": rows}))
    else:
        print(table(rows))


if __name__ == "__main__":
    sys.exit(main())
