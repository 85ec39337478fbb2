"""Pseudo-labels for unlabelled text images (PP-OCRv3's UIM: unlabelled images mining).

A strong recogniser reads every crop (crops mode), or a detector + recogniser read every line of
whole images whose crops are saved as files (whole-image mode); the lines that pass the filters
become a PaddleOCR rec label file (``path<TAB>text``) plus a JSON summary (kept, dropped by reason,
score histograms).

Every prediction, kept or not, first goes to a journal (``<output>.journal.jsonl``: a header line
naming the model, then one JSON line per image, flushed per batch). The journal is the truth; the
label file and the summary are derived from it:
- a run that is killed at any point loses at most the batch in flight; the next run with the same
  output drops a half-written last journal line, rewrites the label file from the journal (so no
  line is doubled or lost) and reads only the images the journal does not hold;
- a rerun with other filters (``min_score``, lengths, charset) re-derives the label file without
  running the model again; a journal written by another model is refused.
Unreadable images are journalled as such, skipped and counted. Spaces the recogniser puts around
a text are removed (they are noise in a label; the score still covers them).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

from ppocr.errors import ConfigError, DataError
from ppocr.utils.io import atomic_write_json, atomic_write_text
from ppocr.utils.logging import get_logger

JOURNAL_VERSION = 1
# drop reasons: an unreadable image, then those of a read line in the order they are tested
# (a line is counted under the first that applies)
REASONS = ("unreadable", "empty", "low_score", "too_short", "too_long", "charset")
HIST_BINS = 10


@dataclass
class Filters:
    min_score: float = 0.0
    min_len: int = 0
    max_len: int = 0  # 0: no limit
    charset: frozenset[str] | None = None  # characters allowed (None: any)
    charset_source: str | None = None

    def __post_init__(self):
        if not 0.0 <= self.min_score <= 1.0:
            raise ConfigError(f"min_score must be in [0, 1], got {self.min_score}")
        if self.min_len < 0 or self.max_len < 0 or (self.max_len and self.max_len < self.min_len):
            raise ConfigError(f"length filter: need 0 <= min_len <= max_len (0: none), got "
                              f"min_len={self.min_len}, max_len={self.max_len}")

    def reason(self, item: dict) -> str | None:
        """Why ``item`` (one read line: path, text, score) is dropped, or None when it is kept."""
        text, score = item["text"], float(item["score"])
        if not text.strip() or "\t" in text or "\n" in text:
            return "empty"
        if score < self.min_score:
            return "low_score"
        if len(text) < self.min_len:
            return "too_short"
        if self.max_len and len(text) > self.max_len:
            return "too_long"
        if self.charset is not None and any(c not in self.charset for c in text):
            return "charset"
        return None

    def describe(self) -> dict:
        d = asdict(self)
        d["charset"] = self.charset_source
        del d["charset_source"]
        return d


def charset_filter(path: str, allow_space: bool = True) -> frozenset[str]:
    """The characters of a PaddleOCR dictionary file (one a line), plus the space."""
    from ppocr.charset import read_dictionary

    chars = set(read_dictionary(path))
    if allow_space:
        chars.add(" ")
    return frozenset(chars)


@dataclass
class Journal:
    """``<output>.journal.jsonl``: one record per source image read so far,
    ``{"source": path, "items": [{"path", "text", "score"}, ...]}`` (crops mode: one item, the
    image itself; whole-image mode: one per detected line, its crop saved as ``path``), or
    ``"items": null`` for an unreadable image."""

    path: str
    model: str
    records: dict[str, dict] = field(default_factory=dict)

    def load(self) -> None:
        """Read an existing journal; a half-written last line (a kill mid-write) is cut off."""
        if not os.path.isfile(self.path):
            return
        with open(self.path, "rb") as f:
            raw = f.read()
        complete = raw[:raw.rfind(b"\n") + 1]
        if len(complete) != len(raw):
            get_logger().warning(f"{self.path}: dropping a half-written last line (an interrupted run)")
            with open(self.path, "r+b") as f:
                f.truncate(len(complete))
        lines = complete.decode("utf-8").splitlines()
        if not lines:
            return
        try:
            header = json.loads(lines[0])
            records = [json.loads(line) for line in lines[1:]]
        except json.JSONDecodeError as e:
            raise DataError(f"{self.path}: corrupt journal ({e}); remove it to start over") from None
        if header.get("model") != self.model:
            raise ConfigError(f"{self.path} holds predictions of another model ({header.get('model')}); "
                              f"this run uses {self.model}. Write to another --output, or remove the "
                              f"journal to start over")
        self.records = {r["source"]: r for r in records}

    def append(self, records: list[dict]) -> None:
        new = not os.path.isfile(self.path) or os.path.getsize(self.path) == 0
        with open(self.path, "a", encoding="utf-8") as f:
            if new:
                f.write(json.dumps({"version": JOURNAL_VERSION, "model": self.model}) + "\n")
            for r in records:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        for r in records:
            self.records[r["source"]] = r


def histogram(scores: Sequence[float], bins: int = HIST_BINS) -> dict[str, int]:
    """Counts per score bin ``[k/bins, (k+1)/bins)`` (1.0 in the last bin)."""
    hist = {f"{k / bins:.1f}-{(k + 1) / bins:.1f}": 0 for k in range(bins)}
    keys = list(hist)
    for s in scores:
        hist[keys[min(int(float(s) * bins), bins - 1)]] += 1
    return hist


def crop_items(recognize: Callable[[list], list]) -> Callable[[list], list]:
    """Crops mode: ``recognize(images) -> [(text, score) | None]`` as a labeller of (path, image)
    pairs whose one item is the image itself."""

    def label(batch: list) -> list:
        results = recognize([img for _, img in batch])
        return [None if r is None else [{"path": p, "text": str(r[0]).strip(), "score": float(r[1])}]
                for (p, _), r in zip(batch, results)]

    return label


class PseudoLabeler:
    """Label ``paths`` with ``label([(path, image), ...]) -> [items | None]`` -> label file + summary.

    Paths in the label file are absolute by default, so it mixes with any data_dir; relative to a
    folder with ``relative_to``."""

    def __init__(self, output: str, model: str, filters: Filters, relative_to: str | None = None,
                 batch_size: int = 32):
        self.output = output
        self.summary_path = os.path.splitext(output)[0] + ".summary.json"
        self.journal = Journal(output + ".journal.jsonl", model)
        self.filters = filters
        self.relative_to = relative_to
        self.batch_size = max(1, int(batch_size))

    def label_line(self, item: dict) -> str:
        path = os.path.abspath(item["path"])
        path = os.path.relpath(path, self.relative_to) if self.relative_to else path
        return f"{path}\t{item['text']}\n"

    def _kept_lines(self, records: list[dict]) -> list[str]:
        return [self.label_line(it) for r in records for it in (r["items"] or [])
                if self.filters.reason(it) is None]

    def run(self, paths: Sequence[str], label: Callable[[list], list],
            read: Callable[[str], object | None]) -> dict:
        """``read(path)`` gives the decoded image or None (unreadable)."""
        paths = list(dict.fromkeys(paths))  # a path listed twice is read and labelled once
        os.makedirs(os.path.dirname(os.path.abspath(self.output)), exist_ok=True)
        self.journal.load()
        done = self.journal.records
        done_before = sum(1 for p in paths if p in done)
        # the label file always equals the journal's kept lines: rewrite it, then append
        atomic_write_text(self.output, "".join(self._kept_lines([done[p] for p in paths if p in done])))
        todo = [p for p in paths if p not in done]
        log = get_logger()
        log.info(f"UIM: {len(paths)} images, {done_before} already in {self.journal.path}, {len(todo)} to read")
        with open(self.output, "a", encoding="utf-8") as out:
            for start in range(0, len(todo), self.batch_size):
                chunk = todo[start:start + self.batch_size]
                images = [(p, read(p)) for p in chunk]
                readable = [(p, img) for p, img in images if img is not None]
                found = dict(zip([p for p, _ in readable], label(readable))) if readable else {}
                records = [{"source": p, "items": _rounded(found.get(p))} for p in chunk]
                self.journal.append(records)
                out.writelines(self._kept_lines(records))
                out.flush()
                log.info(f"UIM: {min(start + self.batch_size, len(todo))}/{len(todo)} read")
        summary = self.summarize(paths, done_before)
        atomic_write_json(self.summary_path, summary)
        log.info(f"UIM: kept {summary['kept']} of {summary['lines']} lines from {summary['images']} images "
                 f"-> {self.output}; dropped {summary['dropped']}; summary {self.summary_path}")
        return summary

    def summarize(self, paths: Sequence[str], done_before: int = 0) -> dict:
        records = [self.journal.records[p] for p in paths]
        dropped = dict.fromkeys(REASONS, 0)
        dropped["unreadable"] = sum(1 for r in records if r["items"] is None)
        items = [it for r in records for it in (r["items"] or [])]
        kept_scores = []
        for it in items:
            why = self.filters.reason(it)
            if why is None:
                kept_scores.append(it["score"])
            else:
                dropped[why] += 1
        return {"label_file": os.path.abspath(self.output), "model": self.journal.model,
                "images": len(records), "images_without_text": sum(1 for r in records if r["items"] == []),
                "lines": len(items), "kept": len(kept_scores), "dropped": dropped,
                "resumed": done_before, "filters": self.filters.describe(),
                "mean_score_kept": sum(kept_scores) / len(kept_scores) if kept_scores else None,
                "score_histogram": histogram([it["score"] for it in items]),
                "score_histogram_kept": histogram(kept_scores)}


def _rounded(items: list | None) -> list | None:
    if items is None:
        return None
    return [{**it, "score": round(float(it["score"]), 6)} for it in items]


def whole_image_items(ocr, crop_dir: str, root: str) -> Callable[[list], list]:
    """Whole-image mode: ``ocr`` (a :class:`~ppocr.inference.system.TextSystem`) finds the lines of
    each image; each line's crop is saved as ``crop_dir/<image path below root>_<k>.jpg`` (written
    atomically, the same name on a rerun) and becomes an item. Lines are not dropped by the system's
    ``drop_score``: the filters decide."""
    import cv2

    from ppocr.inference.boxes import crop_box
    from ppocr.utils.io import atomic_path

    def save(source: str, k: int, crop) -> str:
        stem = os.path.splitext(os.path.relpath(os.path.abspath(source), root))[0].replace(os.sep, "__")
        path = os.path.join(crop_dir, f"{stem}_{k:03d}.jpg")
        ok, buf = cv2.imencode(".jpg", crop, [cv2.IMWRITE_JPEG_QUALITY, 95])
        if not ok:
            raise DataError(f"{source}: cannot encode line {k} ({crop.shape}) as JPEG")
        with atomic_path(path) as tmp, open(tmp, "wb") as f:
            f.write(buf.tobytes())
        return path

    def label(batch: list) -> list:
        out = []
        for source, image in batch:
            crops = [crop_box(image, box) for box in ocr.detect(image)]
            if crops and ocr.params.use_angle_cls:
                crops, _ = ocr.classify(crops)
            texts = ocr.recognize(crops)
            out.append([{"path": save(source, k, c), "text": t.strip(), "score": float(s)}
                        for k, (c, (t, s)) in enumerate(zip(crops, texts))])
        return out

    return label
