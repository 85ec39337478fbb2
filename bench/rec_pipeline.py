"""Train DataLoader throughput of a config (recognition by default) on this machine, no model.

  python bench/rec_pipeline.py [--config configs/rec/ppocrv3_rec_en.yml] [--data DIR] [--batch 16]
                               [--batches 40] [--workers 0 1] [-o KEY=VALUE ...]

The loader is ``Session(cfg).data('Train')`` as the trainer builds it, shuffle off. DIR holds
``label.txt`` and its images (default: the peer harness's rec data under
$WORK_DIR/data/rec, else generated lines). The first batch (worker start-up) is not timed. Prints
one JSON line per worker count: samples/s and CPU ms per sample of this process. For detection,
``--config configs/det/ppocrv3_det_student.yml --data $WORK_DIR/data/det --batch 4 --batches 15
-o Train.dataset.transforms.EastRandomCropData.size=[640,640]``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_data(tmp: str) -> str:
    peer = os.path.join(os.environ.get("WORK_DIR", os.path.expanduser("~/.cache/ppocr-peer")), "data", "rec")
    if os.path.isfile(os.path.join(peer, "label.txt")):
        return peer
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    lines = []
    for i in range(64):
        word = "".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz0123456789"), int(rng.integers(3, 12))))
        img = np.full((48, 24 * len(word), 3), 230, np.uint8)
        cv2.putText(img, word, (4, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)
        cv2.imwrite(os.path.join(tmp, f"{i}.png"), img)
        lines.append(f"{i}.png\t{word}")
    with open(os.path.join(tmp, "label.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return tmp


def rate(loader, batches: int) -> tuple[int, float, float]:
    it = iter(loader)
    next(it)
    n, t0, c0 = 0, time.perf_counter(), time.process_time()
    for _ in range(batches):
        try:
            n += int(next(it)["image"].shape[0])
        except StopIteration:
            break
    return n, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="configs/rec/ppocrv3_rec_en.yml")
    parser.add_argument("--data")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[0, 1])
    parser.add_argument("-o", nargs="*", default=[], dest="opts")
    args = parser.parse_args()
    import paddle

    from ppocr.config import load_config
    from ppocr.engine.builder import Session

    paddle.set_device("cpu")
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or default_data(tmp)
        opts = ["Global.use_gpu=false", f"Train.dataset.data_dir={data}",
                f"Train.dataset.label_file_list=[{os.path.join(data, 'label.txt')}]",
                f"Train.loader.batch_size_per_card={args.batch}", "Train.loader.shuffle=false", *args.opts]
        for workers in args.workers:
            cfg = load_config(os.path.join(REPO, args.config) if not os.path.isabs(args.config) else args.config, opts)
            load = os.getloadavg()[0]
            n, wall, cpu = rate(Session(cfg).data("Train", num_workers=workers).loader, args.batches)
            print(json.dumps({"bench": "train_loader", "config": args.config, "workers": workers, "batch": args.batch,
                              "samples": n, "samples_per_s": round(n / wall, 1),
                              "main_cpu_ms_per_sample": round(1000 * cpu / max(n, 1), 2), "load": round(load, 2)}))


if __name__ == "__main__":
    from ppocr.cli import run_main  # quiet Paddle's console, one-line user errors

    run_main(main)
