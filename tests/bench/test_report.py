"""bench/report.py: issue 16's table from small result files shaped as the harness writes them
(../shared/bench/peer stamp.py's runs/NAME/{meta.json,stamped.log}, loader_rate.py's pipeline.jsonl),
bench/fast_options.sh's JSON line and bench/infer_latency.py's output."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO, missing_oracle

spec = importlib.util.spec_from_file_location("bench_report", REPO / "bench" / "report.py")
report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(report)

HARNESS = REPO.parent / "shared" / "bench" / "peer"


def write_run(runs: Path, name: str, step_times: list[float], rc: int = 0, rss: int = 1000, load: float = 0.5,
              cmd: list[str] | None = None) -> None:
    """A run as stamp.py leaves it: a step line per training step (PaddleOCR's log format, both
    trainers print it), each prefixed with its stamp, and the meta.json."""
    d = runs / name
    d.mkdir(parents=True)
    lines = ["0.9000\t[2026-12-01 22:08:51] INFO training BaseModel (CLS): 768 samples, 12 steps/epoch\n"]
    for step, t in enumerate(step_times, 1):
        lines.append(f"{t:.4f}\t[2026-12-01 22:08:53] INFO epoch: [1/1], global_step: {step}, lr: 0.000983, "
                     f"loss: 0.744803, avg_reader_cost: 0.069850, avg_batch_cost: 1.309495, avg_samples: 64.000000, "
                     f"ips: 48.873803, eta: 0:00:17\n")
    (d / "stamped.log").write_text("".join(lines))
    meta = {"name": name, "rc": rc, "cmd": cmd or ["python", "tools/train.py"], "cwd": "/x", "waited_s": 0.0,
            "load_at_start": load, "load_at_end": load, "wall_s": 30.0, "peak_rss_mb": rss}
    (d / "meta.json").write_text(json.dumps(meta, indent=1))


def steps(spi: float, n: int = 8, start: float = 2.0) -> list[float]:
    """Stamps of n steps, the first three slower (start-up) and spi seconds apart after step 3."""
    return [start + 5.0 * k for k in range(3)] + [start + 10.0 + spi * k for k in range(1, n - 2)]


def by_figure(rows):
    return {r["figure"]: r for r in rows}


def test_pairs_medians_ratio_rss_and_failed_runs(tmp_path):
    runs = tmp_path / "runs"
    for i, (spi, rss, load) in enumerate([(1.0, 1000, 0.2), (1.4, 1100, 0.4), (1.2, 1050, 0.3)], 1):
        write_run(runs, f"cls_peer_{i}", steps(spi), rss=rss, load=load)
    for i, (spi, rss) in enumerate([(1.1, 1200), (0.9, 900), (1.0, 950)], 1):
        write_run(runs, f"cls_ours_{i}", steps(spi), rss=rss, load=0.6)
    write_run(runs, "cls_ours_4", steps(0.1)[:2], rc=1, rss=800)  # crashed: no timing, its RSS still counts
    rows = by_figure(report.build(str(tmp_path), str(tmp_path / "absent.out")))

    spi = rows["training cls"]
    assert spi["reference"] == pytest.approx(1.2) and spi["ppocr"] == pytest.approx(1.0)
    assert spi["ratio"] == pytest.approx(1.2, abs=1e-3)  # peer / ours: > 1 = ppocr faster
    assert spi["target"] == 1.0 and spi["met"] is True
    assert spi["reps"] == "3/3" and spi["load"] == "0.20-0.60" and "failed" in spi["note"]
    rss = rows["training cls peak RSS"]
    assert (rss["reference"], rss["ppocr"]) == (1100, 1200)  # the largest run's, as summary.sh
    assert rss["ratio"] == pytest.approx(1100 / 1200, abs=1e-3) and rss["met"] is False
    for pair in ("det_student", "det_cml", "rec", "rec_udml"):
        assert rows[f"training {pair}"]["status"] == "not run"
        assert rows[f"training {pair}"]["met"] is None


def test_seconds_per_iter_as_the_harness_computes_it(tmp_path):
    if not (HARNESS / "stamp.py").is_file():
        missing_oracle(f"the peer harness is absent ({HARNESS})")
    runs = tmp_path / "runs"
    write_run(runs, "rec_peer_1", [1.5, 4.0, 6.25, 9.0, 11.5, 15.0, 16.0])
    write_run(runs, "rec_ours_1", [2.0, 3.0, 4.5, 6.0, 8.25, 9.0, 12.5, 13.0])
    out = subprocess.run([sys.executable, str(HARNESS / "stamp.py"), "summary", str(runs)], capture_output=True,
                         text=True, check=True).stdout
    theirs = json.loads([line for line in out.splitlines() if line.startswith('{"pair": "rec"')][0])
    mine = by_figure(report.build(str(tmp_path), ""))["training rec"]
    assert mine["reference"] == pytest.approx(theirs["peer_s_per_iter"], abs=1e-3)
    assert mine["ppocr"] == pytest.approx(theirs["ours_s_per_iter"], abs=1e-3)
    assert mine["ratio"] == pytest.approx(theirs["ratio_ours_over_peer"], abs=2e-3)


def test_pipeline_medians_ratio_and_target(tmp_path):
    lines = []
    for system, rates in (("peer", [20.0, 30.0, 22.0]), ("ours", [90.0, 66.0, 70.0])):
        for r in rates:
            lines.append({"system": system, "preset": "det_student", "workers": 0, "batch": 4, "batches": 15,
                          "samples": 60, "samples_per_s": r, "load_at_start": 0.5, "paddle": "3.3.1"})
    lines.append({"system": "ours", "preset": "rec", "workers": 1, "batch": 16, "batches": 40, "samples": 640,
                  "samples_per_s": 640.0, "load_at_start": 0.7, "paddle": "3.3.1"})
    (tmp_path / "pipeline.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines) + '{"torn": ')
    rows = by_figure(report.build(str(tmp_path), ""))
    det = rows["data pipeline det_student, 0 workers"]
    assert (det["reference"], det["ppocr"]) == (22.0, 70.0)
    assert det["ratio"] == pytest.approx(70 / 22, abs=1e-3)  # ours / peer for samples/s
    assert det["target"] == 3.0 and det["met"] is True and det["reps"] == "3/3" and det["note"] == "batch 4"
    half = rows["data pipeline rec, 1 workers"]
    assert half["ratio"] is None and half["met"] is None and half["status"] == "incomplete"
    assert rows["data pipeline rec, 0 workers"]["status"] == "not run"


def fast_record(pair, opts, peer, opt, loads=None):
    med = {"peer": sorted(peer)[len(peer) // 2], "opt": sorted(opt)[len(opt) // 2]}
    out = {"bench": "fast_options", "pair": f"fast_{pair}", "options": opts, "options2": "",
           "runs": {"peer": peer, "ours": peer, "opt": opt}, "median_s_per_iter": med,
           "peer_over_ours_with_options": round(med["peer"] / med["opt"], 3)}
    if loads is not None:
        out["load_at_start"] = loads
    return out


def test_fast_options_latest_line_and_runs_fallback(tmp_path):
    old = fast_record("rec", "Global.to_static=true", [6.0], [5.0])
    new = fast_record("rec", "Global.to_static=true Global.freeze_backbone=true", [6.0, 6.6, 6.2], [4.0, 5.0, 4.4],
                      {"peer": [0.3, 0.4, 0.5], "ours": [0.3] * 3, "opt": [0.6, 0.4, 0.5]})
    (tmp_path / "fast_options.jsonl").write_text(json.dumps(old) + "\n" + json.dumps(new) + "\n")
    # det_student has no line (runs from before the JSONL file): read from its runs
    runs = tmp_path / "runs"
    base = ["python", "tools/train.py", "-c", "configs/det/ppocrv3_det_student.yml", "-o", "Global.use_gpu=false"]
    write_run(runs, "fast_det_student_peer_1", steps(5.2), cmd=["peer"], load=0.9)
    write_run(runs, "fast_det_student_ours_1", steps(5.0), cmd=base + ["Global.save_model_dir=/o/ours"])
    write_run(runs, "fast_det_student_opt_1", steps(4.0),
              cmd=base + ["Global.freeze_backbone=true", "Global.save_model_dir=/o/opt"], load=1.1)
    rows = by_figure(report.build(str(tmp_path), ""))

    rec = rows["training rec + Global.to_static=true Global.freeze_backbone=true"]
    assert (rec["reference"], rec["ppocr"]) == (6.2, 4.4)
    assert rec["ratio"] == pytest.approx(6.2 / 4.4, abs=1e-3) and rec["target"] == 1.3 and rec["met"] is True
    assert rec["reps"] == "3/3" and rec["load"] == "0.30-0.60"
    assert "training rec + Global.to_static=true" not in rows  # the older line is superseded
    det = rows["training det_student + Global.freeze_backbone=true"]
    assert det["reference"] == pytest.approx(5.2) and det["ppocr"] == pytest.approx(4.0)
    assert det["ratio"] == pytest.approx(1.3, abs=1e-3) and det["met"] is True and det["load"] == "0.90-1.10"
    # the plain pairs are not mixed up with the fast_ runs
    assert rows["training det_student"]["status"] == "not run"


def test_fast_options_target_is_the_pairs_fastest_option_set(tmp_path):
    """>= 1.3x is asked of the pair with an option: with two option sets in one line, the faster
    carries the target and the other is shown for comparison, not counted as a miss."""
    rec = fast_record("rec", "Global.cpu_threads=0", [6.0, 6.0, 6.0], [5.8, 5.9, 6.0])
    rec["options2"] = "Global.cpu_threads=0 Global.to_static=true Global.freeze_backbone=true"
    rec["runs"]["opt2"] = [2.5, 2.4, 2.6]
    (tmp_path / "fast_options.jsonl").write_text(json.dumps(rec) + "\n")
    rows = by_figure(report.build(str(tmp_path), ""))
    slow = rows["training rec + Global.cpu_threads=0"]
    fast = rows["training rec + Global.cpu_threads=0 Global.to_static=true Global.freeze_backbone=true"]
    assert fast["ratio"] == pytest.approx(6.0 / 2.5, abs=1e-3) and fast["target"] == 1.3 and fast["met"] is True
    assert slow["ratio"] == pytest.approx(6.0 / 5.9, abs=1e-3) and slow["target"] is None and slow["met"] is None
    assert "comparison" in slow["note"]


def infer_output(default_ms: float, ort_ms: float) -> str:
    runtimes = {}
    for name, ms, default, exports in (("checkpoint", default_ms, True, False), ("paddle+onednn", 400.0, False, False),
                                       ("paddle", 500.0, False, False), ("onnxruntime", ort_ms, False, True)):
        runtimes[name] = {"default": default, "default_for_exports": exports, "backends": {"det": "x"},
                          "mean_ms": ms, "median_ms": ms, "det_ms": 1.0, "cls_ms": 1.0, "rec_ms": 1.0,
                          "ratio_to_onnxruntime": round(ms / ort_ms, 2), "images_with_same_texts": "11/11"}
    summary = {"images": "/x", "count": 11, "measured": 20, "rounds": 2, "use_angle_cls": True, "cpu_threads": 0,
               "cpu_count": 2, "load_avg_1min": [0.4, 0.7], "runtimes": runtimes}
    return ("11 images from /x; 20 timed calls per runtime (ms per image)\n"
            "runtime              mean   median\n" + json.dumps(summary) + "\n")


def test_inference_rows_default_has_the_target(tmp_path):
    out = tmp_path / "infer_latency.out"
    out.write_text(infer_output(default_ms=300.0, ort_ms=250.0))
    rows = by_figure(report.build(str(tmp_path), str(out)))
    default = rows["inference checkpoint (default)"]
    assert (default["reference"], default["ppocr"]) == (250.0, 300.0)
    assert default["ratio"] == pytest.approx(250 / 300, abs=1e-3)  # onnxruntime ms / ours: > 1 = ours faster
    assert default["target"] == 1.0 and default["met"] is False
    assert default["reps"] == "20/20" and default["load"] == "0.40-0.70" and "11/11" in default["note"]
    other = rows["inference paddle+onednn"]
    assert other["ratio"] == pytest.approx(250 / 400, abs=1e-3) and other["target"] is None and other["met"] is None
    assert not any(f.startswith("inference onnxruntime") for f in rows)


def test_nothing_run_lists_every_figure(tmp_path, capsys):
    report.main(["--work_dir", str(tmp_path / "absent")])
    text = capsys.readouterr().out
    assert "| training rec | not run | not run |" in text
    assert "| inference, default runtime | not run |" in text
    assert "0/0 targets met" in text and "PEER_GIT" in text
    report.main(["--work_dir", str(tmp_path / "absent"), "--json"])
    rows = json.loads(capsys.readouterr().out)["rows"]
    figures = {r["figure"] for r in rows}
    assert {"training det_cml", "training rec_udml peak RSS", "data pipeline det_student, 1 workers",
            "inference, default runtime"} <= figures
    assert all(r["status"] == "not run" and r["met"] is None for r in rows)


def test_make_bench_runs_every_step():
    if shutil.which("make") is None:
        missing_oracle("make is not installed")
    out = subprocess.run(["make", "-n", "bench", "BENCH_WORK_DIR=/tmp/bw", "REPS=2", "PEER_GIT=/p.git"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    assert 'setup.sh "/p.git" "/tmp/bw"' in out
    assert "for p in cls det_student det_cml rec rec_udml" in out and "pair.sh $p 2" in out
    assert "pipeline.sh 2" in out
    assert "fast_options.sh det_student 2 Global.freeze_backbone=true" in out
    assert "fast_options.sh rec 2 Global.to_static=true Global.freeze_backbone=true" in out
    assert "bench/infer_latency.py" in out and "/tmp/bw/infer_latency.out" in out
    assert "bench/report.py --work_dir /tmp/bw" in out
