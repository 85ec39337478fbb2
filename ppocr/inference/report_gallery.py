"""The eval gallery of a report: a run's model on its own Eval set, sample by sample.

The samples go through the config's Eval transforms, collate, model, post-process and metric (the
same parts as evaluation), in index order, so each one is paired with its raw image and label line
(``dataset.load(i)``). A sample the dataset reports as bad or filtered (it then hands over the next
one) is skipped and counted. rec/cls keep the mistakes (a sample whose own metric is not perfect);
det keeps every image, with its ground-truth and predicted boxes drawn.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import cv2
import numpy as np

from ppocr.errors import ConfigError
from ppocr.inference.images import read_image
from ppocr.inference.visualize import draw_boxes

# BGR colours of the det drawings (the page's legend names them)
TRUTH_COLOR, IGNORED_COLOR, PRED_COLOR = (0, 230, 0), (190, 190, 190), (40, 40, 255)
MAX_SIDE = {"det": 640, "rec": 480, "cls": 480}
MIN_DET_SIDE = 384


@dataclass
class Item:
    png: bytes
    truth: str
    prediction: str
    score: str
    source: str  # label file:line (image path)


@dataclass
class Gallery:
    kind: str
    items: list[Item] = field(default_factory=list)
    scanned: int = 0  # samples run through the model
    skipped: int = 0  # bad or filtered samples
    mistakes: int | None = None  # rec/cls
    metrics: dict = field(default_factory=dict)  # the metric over the scanned samples


def png_bytes(image: np.ndarray, max_side: int) -> bytes:
    h, w = image.shape[:2]
    scale = max_side / max(h, w)
    if scale < 1:
        image = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                           interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("cannot encode the image as PNG")
    return buf.tobytes()


def _to_tensors(batch: dict) -> dict:
    import paddle

    return {k: paddle.to_tensor(v) if isinstance(v, np.ndarray) else v for k, v in batch.items()}


def _pick(preds, metric):
    """A distillation post-process gives ``{model: preds}``: the metric's sub-model (``key``)."""
    if not isinstance(preds, dict):
        return preds
    key = getattr(metric, "key", None)
    return preds[key] if key in preds else next(iter(preds.values()))


def _one(batch: dict, j: int) -> dict:
    return {k: v[j:j + 1] if hasattr(v, "__getitem__") and not isinstance(v, str) else v
            for k, v in batch.items()}


def _sample_metric(metric, preds, batch: dict, j: int) -> dict:
    metric.reset()
    one = {k: v[j:j + 1] for k, v in preds.items()} if isinstance(preds, dict) else preds[j:j + 1]
    metric.update(one, _one(batch, j))
    return metric.compute()


def _text_item(kind: str, raw: dict, pred, source: str) -> Item:
    image = read_image(raw["image"])
    text, score = pred[0], pred[1]
    return Item(png_bytes(image, MAX_SIDE[kind]), str(raw.get("label", "")), str(text),
                f"{float(score):.3f}", source)


def _draw(image: np.ndarray, polys, color, scale: float) -> np.ndarray:
    """Outlines with a dark halo, so they show on any background."""
    polys = [np.asarray(p, dtype=np.float64) * scale for p in polys]
    for p in polys:
        cv2.polylines(image, [np.round(p).astype(np.int32).reshape(-1, 1, 2)], True, (20, 20, 20), 4)
    return draw_boxes(image, polys, color)


def _boxes(n: int) -> str:
    return f"{n} box" + ("" if n == 1 else "es")


def _transcriptions(label) -> list[str]:
    """The texts of a det label line (empty when it is not the JSON list DetLabelEncode read)."""
    try:
        boxes = json.loads(label)
        return [str(b["transcription"]) for b in boxes]
    except (TypeError, ValueError, KeyError):
        return []


def _det_item(raw: dict, sample: dict, pred: dict, metrics: dict, source: str) -> Item:
    image = read_image(raw["image"])
    h, w = image.shape[:2]
    scale = min(MAX_SIDE["det"], max(MIN_DET_SIDE, h, w)) / max(h, w)  # small pages are enlarged
    image = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                       interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_NEAREST)
    polys = np.asarray(sample.get("polys", np.zeros((0, 4, 2))), dtype=np.float64)
    ignore = np.asarray(sample.get("ignore_tags", np.zeros(len(polys), bool))).reshape(-1).astype(bool)
    points = list(pred.get("points", []))
    image = _draw(image, [p for p, i in zip(polys, ignore) if i], IGNORED_COLOR, scale)
    image = _draw(image, [p for p, i in zip(polys, ignore) if not i], TRUTH_COLOR, scale)
    image = _draw(image, points, PRED_COLOR, scale)
    texts = _transcriptions(raw.get("label"))
    truth = _boxes(int((~ignore).sum())) + (f" ({int(ignore.sum())} ignored)" if ignore.any() else "")
    if texts:
        truth += ": " + ", ".join(texts[:20]) + (" ..." if len(texts) > 20 else "")
    scores = [float(s) for s in pred.get("scores", [])]
    prediction = _boxes(len(points)) + (f", mean score {np.mean(scores):.3f}" if scores else "")
    detail = ", ".join(f"{k} {v:.3f}" for k, v in metrics.items() if isinstance(v, float))
    return Item(png_bytes(image, MAX_SIDE["det"]), truth, prediction, detail, source)


def eval_gallery(session, max_items: int, batch_size: int) -> Gallery:
    """Run ``session.model`` (weights loaded) on the Eval set; up to ``max_items`` items."""
    import paddle

    from ppocr.data.collate import get_collate
    from ppocr.data.datasets.base import BAD_KEY, FILTERED_KEY
    from ppocr.data.loader import collate_name, loader_options
    from ppocr.engine.builder import model_type

    cfg = session.cfg
    kind = model_type(cfg)
    if kind not in MAX_SIDE:
        raise ConfigError(f"no gallery for model_type {kind!r} (cls, det or rec)")
    data = session.data("Eval", num_workers=0)
    dataset = data.dataset
    name = collate_name(loader_options(cfg["Eval"], "Eval"), dataset.transforms, "Eval")
    if name not in (None, "default"):
        raise ConfigError(f"no gallery for Eval.loader.collate_fn {name} (several model inputs per sample)")
    collate = get_collate(name)
    post, total, single = session.postprocess(), session.metric(), session.metric()
    gallery = Gallery(kind, mistakes=None if kind == "det" else 0)
    model = session.model
    model.eval()
    order = list(range(len(dataset)))
    for start in range(0, len(order), max(1, batch_size)):
        if kind == "det" and len(gallery.items) >= max_items:
            break  # det shows every image: no need to run past the last one shown
        samples, raws, sources = [], [], []
        for i in order[start:start + batch_size]:
            sample = dataset[(0, i)]
            if sample.pop(BAD_KEY, 0) or sample.pop(FILTERED_KEY, 0):
                gallery.skipped += 1
                continue
            samples.append(sample)
            raws.append(dataset.load(i))
            sources.append(dataset.describe(i))
        if not samples:
            continue
        batch = _to_tensors(collate(samples))
        with paddle.no_grad():
            outputs = model(batch)
        preds = post(outputs, batch)
        total.update(preds, batch)
        gallery.scanned += len(samples)
        plain = _pick(preds, total)
        for j, (sample, raw, source) in enumerate(zip(samples, raws, sources)):
            metrics = _sample_metric(single, preds, batch, j)
            if kind == "det":
                if len(gallery.items) < max_items:
                    gallery.items.append(_det_item(raw, sample, plain[j], metrics, source))
                continue
            if metrics.get(single.main_indicator, 0.0) >= 1.0:
                continue
            gallery.mistakes += 1
            if len(gallery.items) < max_items:
                gallery.items.append(_text_item(kind, raw, plain[j], source))
    gallery.metrics = total.compute()
    return gallery
