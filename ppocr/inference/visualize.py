"""Write inference results: PaddleOCR's det label lines and images with the boxes drawn."""

from __future__ import annotations

import json
import os

import cv2
import numpy as np


def det_label_line(path: str, points) -> str:
    """``path\\t[{"transcription": "", "points": [[x, y], ...]}, ...]`` (PaddleOCR's det label format)."""
    boxes = [{"transcription": "", "points": np.asarray(p).astype(int).tolist()} for p in points]
    return f"{path}\t{json.dumps(boxes, ensure_ascii=False)}"


def draw_boxes(image: np.ndarray, points, color=(0, 0, 255)) -> np.ndarray:
    out = image.copy()
    for p in points:
        cv2.polylines(out, [np.asarray(p, dtype=np.int32).reshape(-1, 1, 2)], True, color, 2)
    return out


def save_image(out_dir: str, src_path: str, image: np.ndarray, prefix: str) -> str:
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{prefix}{os.path.splitext(os.path.basename(src_path))[0]}.jpg")
    cv2.imwrite(path, image)
    return path
