"""Write inference results: PaddleOCR's label lines and images with the boxes (and text) drawn."""

from __future__ import annotations

import functools
import json
import os
import random

import cv2
import numpy as np

from ppocr.errors import DataError
from ppocr.utils.fonts import CJK_FONT_ADVICE, dejavu_fonts, find_cjk_fonts, truetype
from ppocr.utils.io import atomic_path
from ppocr.utils.logging import get_logger


def det_label_line(path: str, points) -> str:
    """``path\\t[{"transcription": "", "points": [[x, y], ...]}, ...]`` (PaddleOCR's det label format)."""
    boxes = [{"transcription": "", "points": np.asarray(p).astype(int).tolist()} for p in points]
    return f"{path}\t{json.dumps(boxes, ensure_ascii=False)}"


def system_result_line(path: str, lines) -> str:
    """``path\\t[{"transcription": text, "points": [[x, y] x 4], "score": s}, ...]`` (the det label
    format of PaddleOCR's predict_system, plus each line's score)."""
    items = [{"transcription": line.text, "points": np.asarray(line.points).astype(np.int32).tolist(),
              "score": float(line.score)} for line in lines]
    return f"{path}\t{json.dumps(items, ensure_ascii=False)}"


def draw_boxes(image: np.ndarray, points, color=(0, 0, 255)) -> np.ndarray:
    out = image.copy()
    for p in points:
        cv2.polylines(out, [np.asarray(p, dtype=np.int32).reshape(-1, 1, 2)], True, color, 2)
    return out


@functools.cache
def find_font(path: str | None = None) -> str | None:
    """``path`` if given (--vis_font_path), else a font with Chinese glyphs (the one installed with
    ppocr first), else DejaVu Sans with one warning saying how to get a CJK font, else None
    (matplotlib's font list, see ppocr.utils.fonts; nothing is downloaded)."""
    if path:
        if not os.path.isfile(path):
            raise DataError(f"--vis_font_path: no such font file: {path}")
        return path
    cjk = find_cjk_fonts()
    if cjk:
        return cjk[0]
    get_logger().warning(f"no font with Chinese glyphs was found: Chinese text is drawn as empty boxes; "
                         f"{CJK_FONT_ADVICE}")
    found = dejavu_fonts()
    return found[0] if found else None


def _put_text(canvas: np.ndarray, lines, font_path: str) -> np.ndarray:
    from PIL import Image, ImageDraw

    pil = Image.fromarray(canvas[:, :, ::-1])
    draw = ImageDraw.Draw(pil)
    for line in lines:
        p = np.asarray(line.points, dtype=np.float64)
        height = float(np.linalg.norm(p[0] - p[3]))
        width = float(np.linalg.norm(p[0] - p[1]))
        vertical = height > 2 * width and len(line.text) > 1
        size = max(int((width if vertical else height) * 0.8), 10)
        font = truetype(font_path, size)
        x, y = float(p[0][0]) + 2, float(p[0][1])
        if vertical:
            for ch in line.text:
                draw.text((x, y), ch, fill=(0, 0, 0), font=font)
                y += size
        else:
            draw.text((x, y), line.text, fill=(0, 0, 0), font=font)
    return np.ascontiguousarray(np.asarray(pil)[:, :, ::-1])


def draw_ocr(image: np.ndarray, lines, font_path: str | None = None) -> np.ndarray:
    """Side by side: the image with each box filled in a colour at half opacity, and a white
    panel with the box outlines and the text written in them (boxes only without a font)."""
    rng = random.Random(0)
    fill = image.copy()
    panel = np.full_like(image, 255)
    for line in lines:
        color = tuple(rng.randint(0, 255) for _ in range(3))
        pts = np.asarray(line.points, dtype=np.int32).reshape(-1, 1, 2)
        cv2.fillPoly(fill, [pts], color)
        cv2.polylines(panel, [pts], True, color, 1)
    left = cv2.addWeighted(image, 0.5, fill, 0.5, 0)
    if font_path and len(lines):
        panel = _put_text(panel, lines, font_path)
    return np.hstack([left, panel])


def save_image(out_dir: str, src_path: str, image: np.ndarray, prefix: str) -> str:
    path = os.path.join(out_dir, f"{prefix}{os.path.splitext(os.path.basename(src_path))[0]}.jpg")
    ok, buf = cv2.imencode(".jpg", image)
    if not ok:
        raise DataError(f"{path}: OpenCV could not encode the image")
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(buf.tobytes())
    return path


PANEL_WIDTH, PANEL_FONT = 600, 20  # PaddleOCR's draw_ocr: the image's longer side and the text size


def _text_panels(entries: list[str], height: int, font_path: str) -> np.ndarray:
    """White panels PANEL_WIDTH wide (a black line on the right edge) with one entry per line,
    wrapped to the width; a new panel to the right when one is full."""
    from PIL import Image, ImageDraw

    font = truetype(font_path, PANEL_FONT)
    step = PANEL_FONT + 5
    per_line = PANEL_WIDTH // PANEL_FONT - 4  # characters (a Latin letter or digit counts one half)
    rows = []
    for entry in entries:
        text, first = entry, True
        while _width(text) >= per_line:
            cut = _cut(text, per_line)
            rows.append(text[:cut] if first else "    " + text[:cut])
            text, first = text[cut:], False
        rows.append(text if first else "  " + text)
    per_panel = max(height // step - 1, 1)
    panels = []
    for start in range(0, max(len(rows), 1), per_panel):
        pil = Image.new("RGB", (PANEL_WIDTH, height), (255, 255, 255))
        draw = ImageDraw.Draw(pil)
        draw.line([(PANEL_WIDTH - 1, 0), (PANEL_WIDTH - 1, height)], fill=(0, 0, 0))
        for k, row in enumerate(rows[start:start + per_panel]):
            draw.text((0, step * (k + 1)), row, fill=(0, 0, 0), font=font)
        panels.append(np.asarray(pil))
    return np.concatenate(panels, axis=1)


def _width(text: str) -> float:
    return sum(0.5 if c.isascii() and (c.isalnum() or c.isspace()) else 1 for c in text)


def _cut(text: str, width: int) -> int:
    total = 0.0
    for i, c in enumerate(text):
        total += _width(c)
        if total > width:
            return max(i, 1)
    return len(text)


def draw_ocr_panel(image: np.ndarray, boxes, txts=None, scores=None, drop_score: float = 0.5,
                   font_path: str | None = None) -> np.ndarray:
    """PaddleOCR's ``draw_ocr`` layout: the boxes drawn on the image in (255, 0, 0) (red for the RGB
    image PaddleOCR's docs pass), and with ``txts`` the image scaled so its longer side is 600 next
    to a 600-wide panel listing ``i: text   score`` (lines scoring below ``drop_score`` skipped)."""
    image = np.ascontiguousarray(np.asarray(image)[:, :, :3])
    scores = [1.0] * len(boxes) if scores is None else list(scores)
    if len(scores) != len(boxes) or (txts is not None and len(txts) != len(boxes)):
        raise DataError(f"draw_ocr: {len(boxes)} boxes, {len(scores)} scores"
                        f"{'' if txts is None else f', {len(txts)} texts'}: expected one each per box")
    kept = [i for i, s in enumerate(scores) if s >= drop_score]  # NaN fails the test: skipped
    for i in kept:
        cv2.polylines(image, [np.asarray(boxes[i], dtype=np.int32).reshape(-1, 1, 2)], True, (255, 0, 0), 2)
    if txts is None:
        return image
    font = find_font(font_path)
    if font is None:
        raise DataError("draw_ocr: no font found to write the texts; pass font_path")
    scale = PANEL_WIDTH / max(image.shape[:2])
    image = cv2.resize(image, None, fx=scale, fy=scale)
    entries = [f"{n}: {txts[i]}   {scores[i]:.3f}" for n, i in enumerate(kept, 1)]
    return np.concatenate([image, _text_panels(entries, image.shape[0], font)], axis=1)
