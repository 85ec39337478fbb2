"""One self-contained HTML page about a training run (``tools/report.py OUTPUT_DIR``).

The page holds a summary table (from ``log.jsonl``, the config and the weights used), the curves of
the log (loss terms, learning rate, eval metrics with the best marked) and an eval gallery: the
run's own config (``OUTPUT_DIR/config.yml``) and weights (``best_accuracy``, else ``latest``) on
its Eval set -- rec/cls mistakes, det images with ground-truth and predicted boxes. Every image is
an inline PNG data URI: the file can be mailed or archived alone. A run without an Eval set or
weights gets the curves and a line saying why the gallery is absent.
"""

from __future__ import annotations

import base64
import html
import json
import os
from dataclasses import dataclass

from ppocr.errors import CheckpointError, DataError, PPOCRError
from ppocr.inference.report_gallery import IGNORED_COLOR, PRED_COLOR, TRUTH_COLOR, Gallery
from ppocr.inference.report_log import RunLog, curve_pngs, read_log
from ppocr.utils.logging import get_logger

DEFAULT_WEIGHTS = ("best_accuracy", "latest")
OPTIONAL_ROWS = ("start", "wall_s", "samples_per_s")  # from the summary record of newer runs
CSS = """
body { font-family: sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
#curves { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 1.5em; }
#curves img { width: calc(50% - 8px); border: 1px solid #ddd; }
#gallery img { max-width: 640px; image-rendering: pixelated; }
.note { color: #555; }
.truth { color: #070; } .prediction { color: #b00; }
"""


@dataclass
class Report:
    path: str  # the HTML file written
    log: RunLog
    gallery: Gallery | None
    gallery_note: str
    weights: str | None


def choose_weights(output_dir: str, name: str | None) -> str | None:
    """``--weights NAME``: a checkpoint directory in OUTPUT_DIR or any weights path; by default
    ``best_accuracy``, else ``latest`` (None when the run has neither)."""
    if name:
        for candidate in (os.path.join(output_dir, name), name):
            if os.path.exists(candidate) or os.path.exists(candidate + ".pdparams"):
                return candidate
        raise CheckpointError(f"--weights {name}: neither {os.path.join(output_dir, name)} nor {name} exists")
    for default in DEFAULT_WEIGHTS:
        if os.path.isdir(os.path.join(output_dir, default)):
            return os.path.join(output_dir, default)
    return None


def _build_gallery(cfg, weights: str, max_items: int) -> Gallery:
    import paddle

    from ppocr.engine.builder import Session, resolve_weights
    from ppocr.engine.checkpoint import load_weights
    from ppocr.inference.predictor import wants_gpu
    from ppocr.inference.report_gallery import eval_gallery

    paddle.set_device("gpu" if wants_gpu((cfg.get("Global") or {}).get("use_gpu")) else "cpu")
    session = Session(cfg)
    path, what = resolve_weights(cfg, weights)
    load_weights(session.model, path, what=f"weights ({what})" if what == "--weights" else what)
    batch_size = int((cfg["Eval"].get("loader") or {}).get("batch_size_per_card", 1))
    return eval_gallery(session, max_items, batch_size)


def build_report(output_dir: str, weights: str | None = None, max_items: int = 40,
                 out: str | None = None) -> Report:
    if not os.path.isdir(output_dir):
        raise DataError(f"{output_dir}: no such directory (expected a training run's Global.save_model_dir)")
    log_path, cfg_path = os.path.join(output_dir, "log.jsonl"), os.path.join(output_dir, "config.yml")
    if not os.path.isfile(log_path) and not os.path.isfile(cfg_path):
        raise DataError(f"{output_dir}: not a training output directory (no log.jsonl, no config.yml)")
    if max_items < 0:
        raise DataError(f"--max_items must be >= 0, got {max_items}")
    log = read_log(log_path)
    weights_path = choose_weights(output_dir, weights)
    gallery, note = None, ""
    if not os.path.isfile(cfg_path):
        note = f"no config.yml in {output_dir}: the model and its Eval set are unknown"
    elif weights_path is None:
        note = f"no weights: {output_dir} has no {' or '.join(DEFAULT_WEIGHTS)} checkpoint"
    else:
        from ppocr.config import load_config

        cfg = load_config(cfg_path)
        if not cfg.get("Eval") or not cfg.get("PostProcess") or not cfg.get("Metric"):
            missing = [k for k in ("Eval", "PostProcess", "Metric") if not cfg.get(k)]
            note = f"the config has no {', '.join(missing)} section: there is no eval set to show"
        else:
            try:
                gallery = _build_gallery(cfg, weights_path, max_items)
            except PPOCRError as e:
                if weights and isinstance(e, CheckpointError):
                    raise  # the weights asked for do not load: the user's error
                note = f"the eval set could not be run: {e}"
    out = out or os.path.join(output_dir, "report.html")
    page = render(output_dir, cfg_path, log, gallery, note, weights_path if gallery else None)
    from ppocr.utils.io import atomic_write_text

    atomic_write_text(out, page)
    get_logger().info(f"report written to {out}")
    return Report(out, log, gallery, note, weights_path if gallery else None)


# -- HTML -------------------------------------------------------------------------------------------
def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _img(png: bytes, alt: str, attrs: str = "") -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img {attrs} alt="{_e(alt)}" src="data:image/png;base64,{data}">'


def _fmt(v) -> str:
    return f"{v:.6g}" if isinstance(v, float) else ("-" if v is None else str(v))


def _summary(output_dir: str, cfg_path: str, log: RunLog, gallery: Gallery | None, weights) -> str:
    s = log.summary()
    main = s.get("main_indicator") or "metric"
    rows = [("run", "run directory", os.path.abspath(output_dir)), ("steps", "steps", s.get("steps")),
            ("main_indicator", "main indicator", s.get("main_indicator")),
            ("best", f"best {main}", s.get("best")), ("best_step", f"best {main} at step", s.get("best_step")),
            ("final", f"final {main}", s.get("final")), ("final_step", "final evaluation at step", s.get("final_step")),
            ("evaluations", "evaluations logged", s.get("evaluations")),
            ("start", f"{main} at the start (step 0)", s.get("start")),
            ("wall_s", "training time (s, all sessions)", s.get("wall_s")),
            ("samples_per_s", "samples/s (last session)", s.get("samples_per_s")),
            ("config", "config", os.path.abspath(cfg_path) if os.path.isfile(cfg_path) else None),
            ("weights", "weights used (gallery)", os.path.abspath(weights) if weights else None)]
    rows = [r for r in rows if r[2] is not None or r[0] not in OPTIONAL_ROWS]
    if gallery is not None:
        rows.append(("gallery_metrics", f"metrics of these weights on the {gallery.scanned} sample(s) run",
                     ", ".join(f"{k} {_fmt(v)}" for k, v in gallery.metrics.items())))
    body = "".join(f'<tr data-key="{key}"><th>{_e(label)}</th><td data-value="{_e(json.dumps(value))}">'
                   f"{_e(_fmt(value))}</td></tr>" for key, label, value in rows)
    return f'<table id="summary">{body}</table>'


def _curves(log: RunLog) -> str:
    if not log.train and not log.evals:
        return f'<p class="note" id="curves-note">no records in {_e(log.path)}: no curves</p>'
    skipped = (f'<p class="note">{log.skipped} line(s) of the log were not records and were skipped</p>'
               if log.skipped else "")
    imgs = "".join(_img(png, title, f'class="curve" data-curve="{cid}" title="{_e(title)}"')
                   for cid, title, png in curve_pngs(log))
    return f'<div id="curves">{imgs}</div>{skipped}'


def _rgb(bgr) -> str:
    return "rgb({},{},{})".format(*reversed(bgr))


def _gallery(gallery: Gallery | None, note: str) -> str:
    if gallery is None:
        return f'<p class="note" id="gallery-absent">The gallery is absent: {_e(note)}.</p>'
    g = gallery
    if g.kind == "det":
        head = (f"{len(g.items)} of {g.scanned} eval image(s); boxes: "
                f'<b style="color:{_rgb(TRUTH_COLOR)}">ground truth</b>, '
                f'<b style="color:{_rgb(IGNORED_COLOR)}">ignored (###)</b>, '
                f'<b style="color:{_rgb(PRED_COLOR)}">prediction</b>')
        cols = ("image", "ground truth", "prediction", "this image's metric", "sample")
    else:
        head = f"{g.mistakes} mistake(s) among {g.scanned} eval sample(s); showing {len(g.items)}"
        cols = ("image", "ground truth", "prediction", "score", "sample")
    if g.skipped:
        head += f"; {g.skipped} bad or filtered sample(s) skipped"
    rows = "".join(
        f'<tr class="item"><td class="image">{_img(it.png, it.source)}</td>'
        f'<td class="truth">{_e(it.truth)}</td><td class="prediction">{_e(it.prediction)}</td>'
        f'<td class="score">{_e(it.score)}</td><td class="source">{_e(it.source)}</td></tr>'
        for it in g.items)
    header = "".join(f"<th>{c}</th>" for c in cols)
    return (f'<p class="note" id="gallery-note">{head}</p>'
            f'<table id="gallery" data-kind="{g.kind}"><thead><tr>{header}</tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def render(output_dir: str, cfg_path: str, log: RunLog, gallery: Gallery | None, note: str,
           weights: str | None) -> str:
    title = f"ppocr run report: {os.path.basename(os.path.abspath(output_dir))}"
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{_e(title)}</h1>"
            f"<h2>Summary</h2>{_summary(output_dir, cfg_path, log, gallery, weights)}"
            f"<h2>Curves</h2>{_curves(log)}"
            f"<h2>Eval gallery</h2>{_gallery(gallery, note)}</body></html>\n")
