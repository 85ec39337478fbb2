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
