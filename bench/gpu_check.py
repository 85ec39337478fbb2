"""GPU readiness (bench/gpu_check.sh): det student, det CML, rec and UDML train a few steps with AMP
off, O1 and O2; one line per run with samples/s, peak GPU memory and the losses; AMP's mean loss
must be finite and within 5% of float32's. Then the OCR system runs on the GPU (exported released
models, Paddle Inference). Exit 0: all checks passed; 1: a check failed; 2: no GPU (nothing checked).

    python bench/gpu_check.py [--steps 30] [--work DIR] [--allow-cpu]

``--allow-cpu`` runs the same code on the CPU (AMP is then refused and runs in float32): a dry run
of the script itself, not a check.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)

RUNS = {  # name: (config, batch size, data kind)
    "det_student": ("configs/det/ppocrv3_det_student.yml", 8, "det"),
    "det_cml": ("configs/det/ppocrv3_det_cml.yml", 4, "det"),
    "rec": ("configs/rec/ppocrv3_rec.yml", 64, "rec"),
    "rec_udml": ("configs/rec/ppocrv3_rec_udml.yml", 32, "rec"),
}
AMP = {"fp32": [], "O1": ["Global.use_amp=true", "Global.amp_level=O1"],
       "O2": ["Global.use_amp=true", "Global.amp_level=O2"]}
TOLERANCE = 0.05


def has_gpu() -> bool:
    import paddle

    return paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0


def make_data(work: str) -> dict:
    from ppocr_synth import make_det_set, make_rec_set

    paths = {"det": os.path.join(work, "det"), "rec": os.path.join(work, "rec")}
    if not os.path.isdir(paths["det"]):
        make_det_set(paths["det"], 32, seed=1, height=640, width=640)
    if not os.path.isdir(paths["rec"]):
        make_rec_set(paths["rec"], 512, seed=1)
    return paths


def train_run(name: str, amp: str, data: dict, steps: int, gpu: bool) -> dict:
    import paddle

    from ppocr.config import load_config
    from ppocr.engine.builder import Session
    from ppocr.engine.run import build_training, seed_everything
    from ppocr.engine.trainer import Schedule, Trainer, TrainState

    config, batch, kind = RUNS[name]
    root = data[kind]
    o = [f"Train.dataset.data_dir={root}", f"Train.dataset.label_file_list=[{root}/label.txt]",
         f"Train.loader.batch_size_per_card={batch}", "Train.loader.num_workers=2",
         f"Global.use_gpu={'true' if gpu else 'false'}", *AMP[amp]]
    if kind == "rec":
        o.append("Global.character_dict_path=ppocr/utils/dict/en_dict.txt")
    else:
        o.append("Train.dataset.transforms.EastRandomCropData.size=[640,640]")
    cfg = load_config(os.path.join(REPO, config), o)
    paddle.set_device("gpu:0" if gpu else "cpu")
    seed_everything(1024)
    session = Session(cfg)
    loader = session.data("Train").loader
    parts = build_training(cfg, session, steps, steps)
    trainer = Trainer(parts, None, Schedule(steps, steps, 1), TrainState(seed=1024))
    trainer.model.train()
    if gpu:
        paddle.device.cuda.reset_max_memory_allocated()
    losses, samples, start = [], 0, None
    batches = iter(loader)
    for i in range(steps):
        try:
            b = next(batches)
        except StopIteration:
            batches = iter(loader)
            b = next(batches)
        if i == 3:  # start-up and the first steps left out of the rate
            if gpu:
                paddle.device.synchronize()
            start, samples = time.perf_counter(), 0
        trainer.run_step(b)
        losses.append(trainer.last_losses["loss"])
        samples += trainer.batch_size
    if gpu:
        paddle.device.synchronize()
    took = time.perf_counter() - start if start else float("nan")
    mem = paddle.device.cuda.max_memory_allocated() / 2**30 if gpu else float("nan")
    return {"name": name, "amp": amp, "losses": losses, "samples_per_s": samples / took if took else float("nan"),
            "gpu_mem_gib": mem, "amp_on": parts.amp is not None}


def check_amp(runs: list[dict]) -> list[str]:
    problems = []
    for r in runs:
        if not all(math.isfinite(v) for v in r["losses"]):
            problems.append(f"{r['name']} {r['amp']}: a loss is not finite")
    by = {(r["name"], r["amp"]): r for r in runs}
    for name in RUNS:
        ref = by.get((name, "fp32"))
        for amp in ("O1", "O2"):
            r = by.get((name, amp))
            if ref is None or r is None:
                continue
            a, b = sum(r["losses"]) / len(r["losses"]), sum(ref["losses"]) / len(ref["losses"])
            if abs(a - b) > TOLERANCE * abs(b):
                problems.append(f"{name} {amp}: mean loss {a:.4f} vs float32 {b:.4f} (> {TOLERANCE:.0%})")
    return problems


def system_on(gpu: bool, work: str) -> str:
    from ppocr.config import load_config
    from ppocr.engine.export import export_model
    from ppocr.inference.images import read_image
    from ppocr.inference.system import TextSystem
    from ppocr_synth import make_det_set

    dirs = {}
    for kind in ("det", "rec", "cls"):
        folder = os.path.join(REPO, "pretrained", f"ppocrv3_{kind}")
        if not os.path.isfile(os.path.join(folder, "model.pdparams")):
            return f"skipped: {folder} is absent (make pretrained)"
        o = [f"Global.character_dict_path={folder}/ppocr_keys_v1.txt"] if kind == "rec" else []
        dirs[kind] = os.path.join(work, f"export_{kind}")
        if not os.path.isdir(dirs[kind]):
            export_model(load_config(os.path.join(folder, "config.yml"), o), dirs[kind], weights=folder)
    page_dir = os.path.join(work, "page")
    if not os.path.isdir(page_dir):
        make_det_set(page_dir, 1, seed=3, height=960, width=960)
    page = os.path.join(page_dir, open(os.path.join(page_dir, "label.txt")).readline().split("\t")[0])
    system = TextSystem.create(det_model_dir=dirs["det"], rec_model_dir=dirs["rec"], cls_model_dir=dirs["cls"],
                               use_gpu=gpu)
    image = read_image(page)
    system(image)  # warm-up
    start = time.perf_counter()
    lines = system(image)
    return f"{len(lines)} lines in {1000 * (time.perf_counter() - start):.0f} ms (det backend {system.det.backend})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "ppocr_gpu_check"))
    ap.add_argument("--allow-cpu", action="store_true", help="dry run on the CPU (AMP refused: float32)")
    ap.add_argument("--only", nargs="*", choices=sorted(RUNS), help="a subset of the runs")
    args = ap.parse_args()
    gpu = has_gpu()
    if not gpu and not args.allow_cpu:
        print("gpu_check: no GPU present (this paddle build has no CUDA, or no device is visible): "
              "nothing checked")
        return 2
    import paddle

    print(f"gpu_check: paddle {paddle.__version__}, "
          f"{paddle.device.cuda.get_device_name(0) if gpu else 'CPU dry run (AMP refused: float32)'}")
    data = make_data(args.work)
    runs = []
    print(f"{'run':<12} {'amp':<5} {'samples/s':>10} {'GPU GiB':>8}  first / last loss")
    for name in args.only or RUNS:
        for amp in AMP:
            r = train_run(name, amp, data, args.steps, gpu)
            runs.append(r)
            print(f"{name:<12} {amp:<5} {r['samples_per_s']:>10.1f} {r['gpu_mem_gib']:>8.2f}  "
                  f"{r['losses'][0]:.4f} / {r['losses'][-1]:.4f}" + ("" if r["amp_on"] or amp == "fp32"
                                                                    else "  (AMP not on)"), flush=True)
    problems = check_amp(runs)
    print(f"OCR system ({'GPU' if gpu else 'CPU'}): {system_on(gpu, args.work)}")
    for p in problems:
        print(f"FAIL {p}")
    print("gpu_check: " + ("PASS" if not problems else f"FAIL ({len(problems)} problem(s))"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
