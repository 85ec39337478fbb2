"""Direction classifier throughput on this machine: data pipeline samples/s and training samples/s.

  python bench/cls_train.py [--num 512] [--batch 64] [--steps 20] [--workers 0 2]

Uses PP-OCRv3's classifier config (MobileNetV3 small x0.35, 3x48x192, the training transforms) on a
generated set. Prints one JSON line per measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CFG = os.path.join(REPO, "configs", "cls", "ppocrv3_cls.yml")


def overrides(data_dir: str, batch: int, workers: int) -> list[str]:
    label = os.path.join(data_dir, "label.txt")
    return [f"Train.dataset.data_dir={data_dir}", f"Train.dataset.label_file_list=[{label}]",
            f"Train.loader.batch_size_per_card={batch}", f"Train.loader.num_workers={workers}",
            "Global.use_gpu=false"]


def bench_pipeline(data_dir: str, batch: int, workers: int, batches: int) -> dict:
    from ppocr.config import load_config
    from ppocr.engine.run import Session

    session = Session(load_config(CFG, overrides(data_dir, batch, workers)))
    data = session.data("Train")
    data.sampler.set_epoch(1)
    it = iter(data.loader)
    next(it)  # worker start-up is not throughput
    t0, n = time.perf_counter(), 0
    for _ in range(batches):
        try:
            n += int(next(it)["image"].shape[0])
        except StopIteration:
            break
    dt = time.perf_counter() - t0
    return {"bench": "cls_data_pipeline", "workers": workers, "batch": batch, "samples": n,
            "samples_per_s": round(n / dt, 1)}


def bench_train(data_dir: str, batch: int, steps: int) -> dict:
    import paddle

    from ppocr.config import load_config
    from ppocr.engine import builder
    from ppocr.engine.run import Session
    from ppocr.optimizer import build_optimizer

    cfg = load_config(CFG, overrides(data_dir, batch, 0))
    session = Session(cfg)
    model = session.model
    model.train()
    opt, _ = build_optimizer(cfg["Optimizer"], model.named_parameters(), 100, 1000)
    loss_fn = builder.build_loss(cfg, session.inputs)
    x = paddle.to_tensor(np.random.default_rng(0).standard_normal((batch, 3, 48, 192)).astype("float32"))
    y = paddle.to_tensor(np.arange(batch) % 2)
    batch_dict = {"image": x, "label": y}

    def step():
        loss = loss_fn(model(batch_dict), batch_dict)["loss"]
        loss.backward()
        opt.step()
        opt.clear_grad()

    for _ in range(3):
        step()
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    dt = time.perf_counter() - t0
    return {"bench": "cls_train_step", "batch": batch, "steps": steps, "s_per_step": round(dt / steps, 4),
            "samples_per_s": round(batch * steps / dt, 1), "threads": paddle.get_device()}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--num", type=int, default=512)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--workers", type=int, nargs="+", default=[0, 2])
    args = p.parse_args()
    from ppocr.data.synth import make_cls_set

    with tempfile.TemporaryDirectory() as tmp:
        make_cls_set(tmp, args.num, seed=0, style="mixed")
        for w in args.workers:
            print(json.dumps(bench_pipeline(tmp, args.batch, w, args.num // args.batch - 1)), flush=True)
        print(json.dumps(bench_train(tmp, args.batch, args.steps)), flush=True)


if __name__ == "__main__":
    main()
