"""Training throughput on this machine: data-pipeline samples/s and training-step samples/s.

  python bench/train_throughput.py cls det_student det_cml rec rec_udml [--steps 5] [--workers 0 1]

For each preset: a small generated set in the config's label format goes through the config's own
Train transforms (pipeline samples/s, per worker count), then one real batch is trained on
repeatedly (forward, loss, backward, optimizer step: training samples/s, data excluded).
Prints one JSON line per measurement. Detection uses 640x640 crops as PaddleOCR's configs do
(``--det_size`` to change); PaddleOCR's CML trains at 960.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EN_DICT = "ppocr/utils/dict/en_dict.txt"
PRESETS = {  # name: (config, data kind, batch)
    "cls": ("configs/cls/ppocrv3_cls.yml", "cls", 64),
    "det_student": ("configs/det/ppocrv3_det_student.yml", "det", 4),
    "det_cml": ("configs/det/ppocrv3_det_cml.yml", "det", 4),
    "rec": ("configs/rec/ppocrv3_rec_en.yml", "rec", 32),
    "rec_udml": ("configs/rec/ppocrv3_rec_udml.yml", "rec", 32),
}


def make_data(kind: str, root: str, num: int, det_size: int) -> str:
    from ppocr_synth import make_cls_set, make_det_set, make_rec_set

    out = os.path.join(root, kind)
    if not os.path.isdir(out):
        if kind == "det":
            make_det_set(out, num, seed=0, height=det_size + 160, width=det_size + 160)
        elif kind == "rec":
            make_rec_set(out, num, seed=0)
        else:
            make_cls_set(out, num, seed=0, min_len=6)
    return out


def overrides(kind: str, data: str, batch: int, workers: int, det_size: int) -> list[str]:
    o = [f"Train.dataset.data_dir={data}", f"Train.dataset.label_file_list=[{data}/label.txt]",
         f"Train.loader.batch_size_per_card={batch}", f"Train.loader.num_workers={workers}",
         "Global.use_gpu=false", "Train.loader.drop_last=true"]
    if kind == "rec":
        o.append(f"Global.character_dict_path={EN_DICT}")
    if kind == "det":
        o.append(f"Train.dataset.transforms.EastRandomCropData.size=[{det_size},{det_size}]")
    return o


def pipeline(session, batches: int) -> tuple[float, dict]:
    data = session.data("Train")
    data.sampler.set_epoch(1)
    it = iter(data.loader)
    first = next(it)  # worker start-up is not throughput
    t0, n = time.perf_counter(), 0
    for _ in range(batches):
        try:
            n += int(next(it)["image"].shape[0])
        except StopIteration:
            break
    return n / (time.perf_counter() - t0), first


def train_steps(session, batch: dict, steps: int) -> float:
    from ppocr.data.datasets.base import BAD_KEY, FILTERED_KEY
    from ppocr.engine import builder
    from ppocr.optimizer import build_optimizer

    batch.pop(BAD_KEY, None)
    batch.pop(FILTERED_KEY, None)
    model = session.model
    model.train()
    opt, _ = build_optimizer(session.cfg["Optimizer"], model.named_parameters(), 100, 1000)
    loss_fn = builder.build_loss(session.cfg, session.inputs)

    def step():
        loss = loss_fn(model(batch), batch)["loss"]
        loss.backward()
        opt.step()
        opt.clear_grad()

    step()  # first step allocates
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return int(batch["image"].shape[0]) * steps / (time.perf_counter() - t0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("presets", nargs="*", default=["cls"], help=f"any of {', '.join(PRESETS)}")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--workers", type=int, nargs="+", default=[0, 1])
    p.add_argument("--batches", type=int, default=6, help="batches timed for the pipeline")
    p.add_argument("--det_size", type=int, default=640)
    args = p.parse_args()
    unknown = [n for n in args.presets if n not in PRESETS]
    if unknown:
        p.error(f"unknown preset(s) {unknown}; choose from {', '.join(PRESETS)}")
    os.chdir(REPO)
    from ppocr.config import load_config
    from ppocr.engine.builder import Session

    with tempfile.TemporaryDirectory() as tmp:
        for name in args.presets:
            config, kind, batch = PRESETS[name]
            data = make_data(kind, tmp, batch * (args.batches + 2), args.det_size)
            first = None
            for w in args.workers:
                session = Session(load_config(config, overrides(kind, data, batch, w, args.det_size)))
                rate, first = pipeline(session, args.batches)
                print(json.dumps({"bench": "data_pipeline", "preset": name, "workers": w, "batch": batch,
                                  "samples_per_s": round(rate, 1)}), flush=True)
            session = Session(load_config(config, overrides(kind, data, batch, 0, args.det_size)))
            rate = train_steps(session, first, args.steps)
            print(json.dumps({"bench": "train_step", "preset": name, "batch": batch, "steps": args.steps,
                              "samples_per_s": round(rate, 2), "s_per_step": round(batch / rate, 3)}), flush=True)


if __name__ == "__main__":
    from ppocr.cli import run_main  # quiet Paddle's console, one-line user errors

    run_main(main)
