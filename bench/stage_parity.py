"""Single-stage parity with PaddleOCR 2.7's predictors: `tools/infer.py det|rec|cls` against
tools/infer/predict_det.py / predict_rec.py / predict_cls.py on the same released models.

PaddleOCR runs in its own environment (``--peer_python``, a venv with paddle and onnxruntime) from
a checkout (``--paddleocr``) on the released ONNX models (``--onnx_dir``: ch_PP-OCRv3_det_infer.onnx,
ch_PP-OCRv3_rec_infer.onnx, ch_ppocr_mobile_v2.0_cls_infer.onnx, e.g. RapidOCR's wheel's models).
Ours runs from each ``--source``: ``release`` (the released checkpoints under pretrained/, the
default of tools/infer.py), ``export`` (tools/export_model.py of them, Paddle Inference), ``onnx``
(the same ONNX files as PaddleOCR, --use_onnx true), ``config`` (the release with
--use_config_transforms true: the training config's eval transforms, the old behaviour). Image folders are read non-recursively by
PaddleOCR: give leaf folders.

Prints one JSON line per (stage, source):
  det: boxes matched one-to-one at IoU >= 0.9 (% of PaddleOCR's boxes), box counts, images whose
       box count differs;  rec: texts equal (%);  cls: labels equal (%); with the differing items.

  python bench/stage_parity.py --peer_python /work/scratch/peer/venv/bin/python \\
      --det_dirs ../shared/data/doc_images ../shared/data/det_toy_receipts/imgs \\
      --rec_dirs ../shared/data/rec_cls_crops ../shared/data/rec_toy/imgs ../shared/data/word_images/en \\
                 ../shared/data/word_images/ch --cls_dirs (same as rec) --source release export onnx
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile

import cv2
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ONNX = {"det": "ch_PP-OCRv3_det_infer.onnx", "rec": "ch_PP-OCRv3_rec_infer.onnx",
        "cls": "ch_ppocr_mobile_v2.0_cls_infer.onnx"}
IMAGE_EXTS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".gif")


def run(cmd: list, cwd: str | None = None) -> str:
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}")
    return r.stdout + r.stderr


def images_in(folder: str) -> list[str]:
    return sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.lower().endswith(IMAGE_EXTS))


# -- PaddleOCR ----------------------------------------------------------------------------------------
def paddle_det(args, folder: str, out: str) -> dict:
    run([args.peer_python, "tools/infer/predict_det.py", "--use_onnx", "True", "--use_gpu", "False",
         "--det_model_dir", os.path.join(args.onnx_dir, ONNX["det"]), "--image_dir", folder,
         "--draw_img_save_dir", out], cwd=args.paddleocr)
    return read_det(os.path.join(out, "det_results.txt"))


def paddle_lines(args, kind: str, folder: str) -> dict:
    """{path: (label, score)} from predict_rec / predict_cls's 'Predicts of PATH:(label, score)' log."""
    extra = ["--rec_char_dict_path", args.rec_dict] if kind == "rec" else []
    log = run([args.peer_python, f"tools/infer/predict_{kind}.py", "--use_onnx", "True", "--use_gpu", "False",
               f"--{kind}_model_dir", os.path.join(args.onnx_dir, ONNX[kind]), "--image_dir", folder, *extra],
              cwd=args.paddleocr)
    found = {}
    paths = images_in(folder)
    for line in log.splitlines():
        if "Predicts of " not in line:
            continue
        rest = line.split("Predicts of ", 1)[1]
        path = next((p for p in paths if rest.startswith(p + ":")), None)
        if path is not None:
            label, score = ast.literal_eval(rest[len(path) + 1:])
            found[path] = (label, float(score))
    return found


# -- ours ---------------------------------------------------------------------------------------------
def model_flags(kind: str, source: str, args, exports: dict) -> list:
    if source == "export":
        return ["--model_dir", exports[kind]]
    if source == "onnx":
        return ["--model_dir", os.path.join(args.onnx_dir, ONNX[kind]), "--use_onnx", "true"]
    if source == "config":
        return ["--use_config_transforms", "true"]
    return []


def ours(kind: str, folder: str, out: str, flags: list) -> dict:
    run([sys.executable, os.path.join(REPO, "tools", "infer.py"), kind, "--image_dir", folder,
         "--output", out, *flags])
    if kind == "det":
        return read_det(os.path.join(out, "det_results.txt"))
    found = {}
    with open(os.path.join(out, f"{kind}_results.txt"), encoding="utf-8") as f:
        for line in f:
            path, label, score = line.rstrip("\n").split("\t")
            found[path] = (label, float(score))
    return found


def read_det(path: str) -> dict:
    """{image file name: (K, 4, 2) boxes} from a det_results.txt (predict_det's format)."""
    found = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                name, boxes = line.rstrip("\n").split("\t", 1)
                found[os.path.basename(name)] = np.asarray(json.loads(boxes), dtype=np.float32).reshape(-1, 4, 2)
    return found


def iou(a: np.ndarray, b: np.ndarray) -> float:
    inter, _ = cv2.intersectConvexConvex(a.astype(np.float32), b.astype(np.float32))
    union = cv2.contourArea(a) + cv2.contourArea(b) - inter
    return float(inter / union) if union > 0 else 0.0


def matched(ref: np.ndarray, got: np.ndarray, thresh: float = 0.9) -> int:
    """Boxes of ``ref`` matched one-to-one (greedy, best IoU first) by a box of ``got`` at ``thresh``."""
    pairs = sorted(((iou(r, g), i, j) for i, r in enumerate(ref) for j, g in enumerate(got)), reverse=True)
    used_r, used_g = set(), set()
    for v, i, j in pairs:
        if v < thresh:
            break
        if i not in used_r and j not in used_g:
            used_r.add(i)
            used_g.add(j)
    return len(used_r)


def compare_det(ref: dict, got: dict) -> dict:
    n_ref = sum(len(b) for b in ref.values())
    n_got = sum(len(got.get(k, ())) for k in ref)
    hits = sum(matched(ref[k], got.get(k, np.zeros((0, 4, 2), np.float32))) for k in ref)
    differ = sorted(k for k in ref if len(ref[k]) != len(got.get(k, ())))
    return {"images": len(ref), "paddleocr_boxes": n_ref, "our_boxes": n_got, "matched_iou0.9": hits,
            "matched_pct": round(100.0 * hits / max(n_ref, 1), 2), "count_differs": differ}


def compare_lines(ref: dict, got: dict) -> dict:
    same = [p for p in ref if p in got and got[p][0] == ref[p][0]]
    differ = {p: [ref[p][0], got.get(p, (None,))[0]] for p in ref if p not in same}
    dscore = max([abs(ref[p][1] - got[p][1]) for p in same] or [0.0])
    return {"items": len(ref), "equal": len(same), "equal_pct": round(100.0 * len(same) / max(len(ref), 1), 2),
            "max_score_diff": round(dscore, 6), "differ": differ}


def make_exports(out: str) -> dict:
    exports = {}
    for kind in ("det", "rec", "cls"):
        folder = os.path.join(REPO, "pretrained", f"ppocrv3_{kind}")
        opts = [f"Global.pretrained_model={folder}"]
        if kind == "rec":
            opts.append(f"Global.character_dict_path={os.path.join(folder, 'ppocr_keys_v1.txt')}")
        exports[kind] = os.path.join(out, kind)
        run([sys.executable, os.path.join(REPO, "tools", "export_model.py"), "-c",
             os.path.join(folder, "config.yml"), "-o", *opts, "--output", exports[kind]])
    return exports


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--peer_python", required=True, help="python of a venv with paddle + onnxruntime")
    p.add_argument("--paddleocr", default="/work/scratch/peer/PaddleOCR", help="PaddleOCR 2.7 checkout")
    p.add_argument("--onnx_dir", default=os.path.join(REPO, ".cache/rapidocr/rapidocr_onnxruntime/models"))
    p.add_argument("--rec_dict", default=os.path.join(REPO, "pretrained/ppocrv3_rec/ppocr_keys_v1.txt"))
    p.add_argument("--det_dirs", nargs="*", default=[])
    p.add_argument("--rec_dirs", nargs="*", default=[])
    p.add_argument("--cls_dirs", nargs="*", default=[])
    p.add_argument("--source", nargs="+", default=["release"], choices=("release", "export", "onnx", "config"))
    args = p.parse_args()
    args.paddleocr = os.path.abspath(args.paddleocr)
    with tempfile.TemporaryDirectory(prefix="stage_parity_") as tmp:
        exports = make_exports(os.path.join(tmp, "exports")) if "export" in args.source else {}
        for kind, dirs in (("det", args.det_dirs), ("rec", args.rec_dirs), ("cls", args.cls_dirs)):
            if not dirs:
                continue
            dirs = [os.path.abspath(d) for d in dirs]
            ref: dict = {}
            for n, d in enumerate(dirs):
                ref.update(paddle_det(args, d, os.path.join(tmp, f"paddle_det{n}")) if kind == "det"
                           else paddle_lines(args, kind, d))
            for source in args.source:
                got: dict = {}
                for n, d in enumerate(dirs):
                    got.update(ours(kind, d, os.path.join(tmp, f"{source}_{kind}{n}"),
                                    model_flags(kind, source, args, exports)))
                result = compare_det(ref, got) if kind == "det" else compare_lines(ref, got)
                print(json.dumps({"stage": kind, "source": source, **result}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
