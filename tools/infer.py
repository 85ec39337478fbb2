"""Run a model on images.

  python tools/infer.py cls --image_dir PATH (--model_dir EXPORT_DIR | -c CFG [-o Global.pretrained_model=W])
  python tools/infer.py rec --image_dir PATH (--model_dir EXPORT_DIR | -c CFG ...)   prints path, text, score
  python tools/infer.py det --image_dir PATH (--model_dir EXPORT_DIR | -c CFG ...) [--output DIR]
      writes DIR/det_results.txt (PaddleOCR's det label format) and DIR/det_res_<image>.jpg
"""

import argparse

from ppocr.cli import run_main


def add_model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--image_dir", required=True, help="an image file or a folder of images")
    p.add_argument("--model_dir", help="export directory from tools/export_model.py (Paddle Inference)")
    p.add_argument("-c", "--config", help="training config, to run from a checkpoint instead")
    p.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                   help="config overrides, e.g. -o Global.pretrained_model=output/cls/best_accuracy")
    p.add_argument("--weights", help="checkpoint weights with -c (default: Global.pretrained_model)")
    p.add_argument("--batch_size", type=int, default=6)
    p.add_argument("--use_mkldnn", type=lambda s: s.lower() in ("1", "true", "yes"), default=True,
                   help="use oneDNN on CPU with --model_dir (true|false, default true)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="task", required=True)
    add_model_args(sub.add_parser("cls", help="text direction (0 or 180) of line crops"))
    add_model_args(sub.add_parser("rec", help="text of line crops"))
    det = sub.add_parser("det", help="text boxes in whole images")
    add_model_args(det)
    det.add_argument("--output", default="output/infer_det", help="folder for det_results.txt and drawn images")
    args = parser.parse_args()
    from ppocr.errors import ConfigError
    from ppocr.inference.images import list_images, read_bytes
    from ppocr.inference.model_runner import ModelRunner

    if not args.model_dir and not args.config:
        raise ConfigError("give --model_dir (an export) or -c CONFIG (a checkpoint)")
    runner = ModelRunner.create(args.model_dir, args.config, args.opt, args.weights, args.batch_size,
                                args.use_mkldnn)
    paths = list_images(args.image_dir)
    if args.task == "det":
        detect(runner, paths, args.output)
        return
    for path, result in zip(paths, runner.predict([read_bytes(p) or b"" for p in paths])):
        if result is None:
            print(f"{path}\tERROR: cannot read image")
        else:
            label, score = result  # cls: ('0' | '180', p); rec: (text, mean max probability)
            print(f"{path}\t{label}\t{score:.4f}")


def detect(runner, paths: list, out_dir: str) -> None:
    import os

    import cv2
    import numpy as np

    from ppocr.inference.images import read_bytes
    from ppocr.inference.visualize import det_label_line, draw_boxes, save_image
    from ppocr.utils.io import atomic_write_text

    lines = []
    for path in paths:
        data = read_bytes(path) or b""
        result, = runner.predict([data])
        if result is None:
            print(f"{path}\tERROR: cannot read image")
            continue
        lines.append(det_label_line(path, result["points"]))
        print(lines[-1])
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        save_image(out_dir, path, draw_boxes(image, result["points"]), "det_res_")
    atomic_write_text(os.path.join(out_dir, "det_results.txt"), "\n".join(lines) + "\n")


if __name__ == "__main__":
    run_main(main)
