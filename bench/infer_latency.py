"""End-to-end latency of the OCR system per image: the default system (what `tools/infer.py system`,
`ppocr` and PPOCR() build without model flags), the released checkpoints (dygraph), Paddle
Inference exports (oneDNN on and off) and the reference, onnxruntime with its default session
options running the released ONNX models; all with the same pre- and post-processing.

  python bench/infer_latency.py [--images DIR] [--warmup 2] [--rounds 2] [--cpu_threads N]
                                [--use_angle_cls false] [--export_dir DIR]

The released PP-OCRv3 models are exported from pretrained/ (tools/export_model.py's export, into a
temporary folder unless --export_dir names an existing one); the onnxruntime runs take the ONNX
files `make weights` put in .cache/ and swap only the model runner of the same Predictors
(ppocr.inference.onnx_runner.with_onnx). Images: ../shared/data/doc_images, or generated 1280x960
pages where that is absent. Each image is decoded once; a measurement is one TextSystem call (det ->
cls -> rec with PaddleOCR's defaults, direction classifier on unless --use_angle_cls false). The
runtimes take turns image by image, so load from other processes falls on all of them alike. The
first --warmup images of the first round are not counted. Prints a table and one JSON line; the
default system is marked "default": true (* in the table; its "backends" say where each stage ran),
the runtime used for exports given with --*_model_dir (made without --onnx)
"default_for_exports": true (+). The 1-minute load average before and after is printed with the figures:
taken on a busy machine (load >= 1) they are indicative only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
DOC_IMAGES = os.path.join(os.path.dirname(REPO), "shared", "data", "doc_images")
ONNX = {"det": "ch_PP-OCRv3_det_infer.onnx", "rec": "ch_PP-OCRv3_rec_infer.onnx",
        "cls": "ch_ppocr_mobile_v2.0_cls_infer.onnx"}


def str2bool(s: str) -> bool:
    return s.lower() in ("1", "true", "yes")


def load_images(folder: str | None, tmp: str) -> tuple[str, list]:
    from ppocr.inference.images import list_images, read_image

    if folder is None and os.path.isdir(DOC_IMAGES):
        folder = DOC_IMAGES
    if folder is None:
        from ppocr_synth import make_det_set

        make_det_set(os.path.join(tmp, "pages"), 8, seed=0, height=960, width=1280)
        folder = os.path.join(tmp, "pages", "images")
    paths = list_images(folder)
    return folder, [(os.path.basename(p), read_image(p)) for p in paths]


def export_release(out_dir: str) -> dict:
    from ppocr.config import load_config
    from ppocr.engine.export import export_model
    from ppocr.inference.system import PRETRAINED, REC_DICT, pretrained_dir

    dirs = {}
    for kind, name in PRETRAINED.items():
        dirs[kind] = os.path.join(out_dir, kind)
        if os.path.isfile(os.path.join(dirs[kind], "inference.yml")):
            continue
        folder = pretrained_dir() / name
        overrides = [f"Global.pretrained_model={folder}"]
        if kind == "rec":
            overrides.append(f"Global.character_dict_path={folder / REC_DICT}")
        export_model(load_config(str(folder / "config.yml"), overrides), dirs[kind])
    return dirs


def build_systems(dirs: dict, params, cpu_threads: int) -> dict:
    from ppocr.inference.onnx_runner import with_onnx
    from ppocr.inference.system import TextSystem, load_stage
    from ppocr.pretrained import fetch

    kinds = ("det", "rec", "cls") if params.use_angle_cls else ("det", "rec")
    stages = ("det", "rec")
    systems = {
        # what `tools/infer.py system` / `ppocr` / PPOCR() build without model flags
        "default": TextSystem.create(params, cpu_threads=cpu_threads, stages=stages),
        # the released checkpoints in dygraph (--use_onnx false)
        "checkpoint": TextSystem.create(params, cpu_threads=cpu_threads, stages=stages, use_onnx=False),
    }
    for name, mkldnn in (("paddle+onednn", True), ("paddle", False)):
        loaded = {k: load_stage(k, dirs[k], use_mkldnn=mkldnn, use_gpu=False, cpu_threads=cpu_threads, use_onnx=False)
                  for k in kinds}
        systems[name] = TextSystem(loaded["det"], loaded["rec"], loaded.get("cls"), params)
    cache = os.path.join(REPO, ".cache")
    if not fetch.have_release(cache):
        raise SystemExit(f"the released ONNX models are absent from {cache}: run `make weights`")
    plain = systems["paddle"]
    loaded = {"det": plain.det, "rec": plain.rec.predictor, "cls": plain.cls.predictor if plain.cls else None}
    # the reference: onnxruntime with its default session options, on the files of the wheel
    onnx = {k: with_onnx(p, fetch.released_path(ONNX[k], cache), cpu_threads, spinning=True)
            for k, p in loaded.items() if p}
    systems["onnxruntime"] = TextSystem(onnx["det"], onnx["rec"], onnx.get("cls"), params)
    return systems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", help="folder of images (default ../shared/data/doc_images, else generated)")
    parser.add_argument("--warmup", type=int, default=2, help="images of the first round not counted")
    parser.add_argument("--rounds", type=int, default=2, help="passes over the images")
    parser.add_argument("--cpu_threads", type=int, default=0, help="threads per runtime (0: its default)")
    parser.add_argument("--use_angle_cls", type=str2bool, default=True)
    parser.add_argument("--export_dir", help="reuse / keep the exports here")
    args = parser.parse_args()

    from ppocr.inference.params import SystemParams

    with tempfile.TemporaryDirectory() as tmp:
        folder, images = load_images(args.images, tmp)
        dirs = export_release(args.export_dir or os.path.join(tmp, "exports"))
        systems = build_systems(dirs, SystemParams(use_angle_cls=args.use_angle_cls), args.cpu_threads)
        load_start = os.getloadavg()[0]
        backends: dict = {}
        times = {name: [] for name in systems}
        stages = {name: {"det": 0.0, "cls": 0.0, "rec": 0.0} for name in systems}
        texts = {name: {} for name in systems}
        for r in range(args.rounds):
            for i, (image_name, image) in enumerate(images):
                for name, system in systems.items():
                    start = time.perf_counter()
                    lines = system(image)
                    elapsed = time.perf_counter() - start
                    texts[name][image_name] = [line.text for line in lines]
                    if r == 0 and i < args.warmup:
                        continue
                    times[name].append(elapsed * 1000)
                    for k, v in system.timings.items():
                        stages[name][k] += v * 1000
        load_end = os.getloadavg()[0]
        for name, system in systems.items():
            for k in ("det", "rec", "cls"):
                stage = getattr(system, k, None)
                predictor = getattr(stage, "predictor", stage)
                backends.setdefault(name, {})[k] = getattr(predictor, "backend", None) if stage else None
        n = len(next(iter(times.values())))
        reference = texts["onnxruntime"]
        summary = {"images": folder, "count": len(images), "measured": n, "rounds": args.rounds,
                   "use_angle_cls": args.use_angle_cls, "cpu_threads": args.cpu_threads,
                   "cpu_count": os.cpu_count(), "load_avg_1min": [round(load_start, 2), round(load_end, 2)],
                   "runtimes": {}}
        busy = " (busy machine: indicative only)" if max(load_start, load_end) >= 1 else ""
        print(f"{len(images)} images from {folder}; {n} timed calls per runtime (ms per image); "
              f"1-min load {load_start:.2f} at start, {load_end:.2f} at end{busy}; * = the default without model flags, "
              f"+ = the default for exports (--*_model_dir)")
        print(f"{'runtime':<16}{'mean':>9}{'median':>9}{'det':>8}{'cls':>8}{'rec':>8}{'/ ort':>8}  same texts")
        ort_mean = statistics.mean(times["onnxruntime"])
        for name, ms in times.items():
            same = sum(texts[name][k] == reference[k] for k in reference)
            row = {"default": name == "default", "default_for_exports": name == "paddle+onednn",
                   "backends": backends.get(name),
                   "mean_ms": round(statistics.mean(ms), 1), "median_ms": round(statistics.median(ms), 1),
                   **{f"{k}_ms": round(v / n, 1) for k, v in stages[name].items()},
                   "ratio_to_onnxruntime": round(statistics.mean(ms) / ort_mean, 2),
                   "images_with_same_texts": f"{same}/{len(reference)}"}
            summary["runtimes"][name] = row
            label = f"{name}{' *' if row['default'] else ''}{' +' if row['default_for_exports'] else ''}"
            print(f"{label:<16}{row['mean_ms']:>9}{row['median_ms']:>9}{row['det_ms']:>8}{row['cls_ms']:>8}"
                  f"{row['rec_ms']:>8}{row['ratio_to_onnxruntime']:>8}  {row['images_with_same_texts']}")
        print(json.dumps(summary))


if __name__ == "__main__":
    from ppocr.cli import run_main  # quiet Paddle's console, one-line user errors

    run_main(main)
