"""The ``ppocr`` command's single-stage modes against the OCR system's stages (issue 14, item 2).

  python bench/ocr_command_parity.py [--shared ../shared] [--work /tmp/ocr_parity]

1. ``ppocr --image_dir doc_images --rec false`` boxes vs ``TextSystem.detect`` (matched at IoU 0.9);
2. ``ppocr --image_dir rec_cls_crops --det false`` texts vs ``TextSystem.recognize``;
3. the line crops of doc_images (``--save_crop_res``) read again with ``--det false`` vs the texts
   the system read from them.
4. with --peer_python (PaddleOCR 2.7's venv, onnxruntime in it), --paddleocr (its checkout) and
   --onnx_dir (the released ONNX models, e.g. RapidOCR's): PaddleOCR's predict_det on doc_images vs
   ``--rec false`` (one-to-one at IoU 0.9, and the order), predict_rec (its default batch 6, and
   batch 1: one image per call, as ``paddleocr --det false`` reads them) on the crops of 3. vs
   ``--det false`` with the same --rec_batch_num;
   ours from the release checkpoints and from the same ONNX files (``--use_onnx``, bare .onnx).
Prints one line per check with the share matched; the released models under pretrained/.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]


def ppocr(*args: str) -> dict[str, list]:
    out = subprocess.run([sys.executable, "-m", "ppocr.tools.ocr", *args, "--show_log", "false"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    results, current = {}, None
    for line in out.splitlines():
        if line.startswith("*" * 10):
            current = line.strip("*")
            results[current] = []
        elif line.startswith(("[", "(")):
            results[current].append(ast.literal_eval(line))
    return results


def iou(a, b) -> float:
    from shapely.geometry import Polygon

    pa, pb = Polygon(a), Polygon(b)
    union = pa.union(pb).area
    return pa.intersection(pb).area / union if union else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", default=str(REPO.parent / "shared"))
    parser.add_argument("--work", default="/tmp/ocr_parity")
    parser.add_argument("--peer_python", help="python of a venv with PaddleOCR 2.7's requirements + onnxruntime")
    parser.add_argument("--paddleocr", help="PaddleOCR 2.7 checkout")
    parser.add_argument("--onnx_dir", help="ch_PP-OCRv3_det_infer.onnx, ch_PP-OCRv3_rec_infer.onnx")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from ppocr.inference.params import SystemParams
    from ppocr.inference.system import TextSystem

    system = TextSystem.create(SystemParams())
    docs = Path(args.shared) / "data" / "doc_images"

    printed = ppocr("--image_dir", str(docs), "--rec", "false")
    matched = total = 0
    for path, boxes in printed.items():
        ref = system.detect(cv2.imread(path)).tolist()
        total += len(ref)
        matched += sum(any(iou(r, b) >= 0.9 for b in boxes) for r in ref)
        assert len(boxes) == len(ref), path
    print(f"det only: {matched}/{total} boxes of {len(printed)} pages matched at IoU 0.9 "
          f"({100 * matched / max(total, 1):.1f}%)")

    crops_dir = Path(args.shared) / "data" / "rec_cls_crops"
    printed = ppocr("--image_dir", str(crops_dir), "--det", "false")
    ref = system.recognize([cv2.imread(p) for p in printed])
    same = sum(p[0][0] == r[0] for p, r in zip(printed.values(), ref))
    print(f"rec only (rec_cls_crops): {same}/{len(ref)} texts equal")

    crop_dir = Path(args.work) / "crops"
    os.makedirs(crop_dir, exist_ok=True)
    for f in crop_dir.glob("mg_crop_*.jpg"):
        f.unlink()
    lines = ppocr("--image_dir", str(docs), "--save_crop_res", "true", "--crop_res_save_dir", str(crop_dir),
                  "--drop_score", "0")
    texts = [text for page in lines.values() for _, (text, _) in page]
    reread = ppocr("--image_dir", str(crop_dir), "--det", "false")
    by_index = {int(Path(p).stem.split("_")[-1]): r[0] for p, r in reread.items()}
    # all crops as one list, batched by aspect ratio, as the command reads a folder with --det false
    system_texts = system.recognize([cv2.imread(str(crop_dir / f"mg_crop_{i}.jpg")) for i in range(len(texts))])
    same_cmd = sum(by_index[i][0] == t for i, t in enumerate(texts))
    same_sys = sum(by_index[i][0] == t for i, (t, _) in enumerate(system_texts))
    scores = np.array([abs(by_index[i][1] - s) for i, (_, s) in enumerate(system_texts)])
    print(f"rec only (the {len(texts)} saved line crops of doc_images): {same_sys}/{len(texts)} texts equal to "
          f"TextSystem.recognize on the saved crops (max score diff {scores.max():.2e}); {same_cmd}/{len(texts)} "
          f"equal to the det+rec run's texts (that run read the crops before JPEG and in batches of 6)")
    if args.peer_python:
        against_paddleocr(args, docs, crop_dir)


def against_paddleocr(args, docs: Path, crop_dir: Path) -> None:
    import json

    onnx = {k: os.path.join(args.onnx_dir, f"ch_PP-OCRv3_{k}_infer.onnx") for k in ("det", "rec")}
    keys = str(Path(args.shared) / "reference" / "ppocr_keys_v1.txt")
    out = Path(args.work) / "paddle_det"
    subprocess.run([args.peer_python, "tools/infer/predict_det.py", "--use_onnx", "True", "--use_gpu", "False",
                    "--det_model_dir", onnx["det"], "--image_dir", str(docs), "--draw_img_save_dir", str(out)],
                   cwd=args.paddleocr, check=True, capture_output=True)
    ref = {}
    for line in (out / "det_results.txt").read_text().splitlines():
        name, boxes = line.split("\t")
        ref[str(docs / name)] = json.loads(boxes)
    texts = {batch: predict_rec(args, onnx["rec"], keys, crop_dir, batch) for batch in (6, 1)}
    for name, det, rec in (("release checkpoints", [], []),
                           ("--use_onnx (the same .onnx files)", ["--use_onnx", "true", "--det_model_dir", onnx["det"]],
                            ["--use_onnx", "true", "--rec_model_dir", onnx["rec"], "--rec_char_dict_path", keys])):
        got = ppocr("--image_dir", str(docs), "--rec", "false", *det)
        matched = ordered = 0
        for path, boxes in ref.items():
            mine = list(got[path])
            ordered += len(mine) == len(boxes) and all(iou(a, b) >= 0.9 for a, b in zip(boxes, mine))
            for box in boxes:
                best = max(range(len(mine)), key=lambda i: iou(box, mine[i]), default=None)
                if best is not None and iou(box, mine[best]) >= 0.9:
                    matched += 1
                    mine.pop(best)
        total = sum(map(len, ref.values()))
        print(f"{name}: --rec false matches {matched}/{total} of predict_det's boxes one-to-one at IoU 0.9 "
              f"({100 * matched / total:.1f}%), in its order on {ordered}/{len(ref)} pages")
        for batch, ref_texts in texts.items():
            read = ppocr("--image_dir", str(crop_dir), "--det", "false", "--rec_batch_num", str(batch), *rec)
            same = sum(read[p][0][0] == t for p, t in ref_texts.items())
            print(f"{name}: --det false --rec_batch_num {batch} gives predict_rec's text (its --rec_batch_num "
                  f"{batch}) on {same}/{len(ref_texts)} crops ({100 * same / len(ref_texts):.1f}%)")


def predict_rec(args, model: str, keys: str, crop_dir: Path, batch: int) -> dict:
    """PaddleOCR's predict_rec on a folder of crops: {path: text} (batch 6 is its default)."""
    log = subprocess.run([args.peer_python, "tools/infer/predict_rec.py", "--use_onnx", "True", "--use_gpu", "False",
                          "--rec_model_dir", model, "--rec_char_dict_path", keys, "--rec_batch_num", str(batch),
                          "--image_dir", str(crop_dir)], cwd=args.paddleocr, check=True, capture_output=True,
                         text=True)
    texts = {}
    for line in (log.stdout + log.stderr).splitlines():
        if "Predicts of " in line:
            path, value = line.split("Predicts of ", 1)[1].split(".jpg:", 1)
            texts[path + ".jpg"] = ast.literal_eval(value)[0]
    return texts


if __name__ == "__main__":
    main()
