"""Run a model on images.

  python tools/infer.py cls --image_dir PATH (--model_dir EXPORT_DIR | -c CFG [-o Global.pretrained_model=W])
  python tools/infer.py rec --image_dir PATH (--model_dir EXPORT_DIR | -c CFG ...)   prints path, text, score
  python tools/infer.py det --image_dir PATH (--model_dir EXPORT_DIR | -c CFG ...) [--output DIR]
      writes DIR/det_results.txt (PaddleOCR's det label format) and DIR/det_res_<image>.jpg
  python tools/infer.py system --image_dir PATH [--use_angle_cls true] [--output DIR]
      [--{det,rec,cls}_model_dir EXPORT | --{det,rec,cls}_config CFG [--{det,rec,cls}_weights W]]
      the whole PP-OCR pipeline (det -> cls -> rec) with PaddleOCR's defaults; each stage defaults to
      the released model under pretrained/. Prints [[[x1, y1], ..., [x4, y4]], ('text', score)] per
      line, writes DIR/system_results.txt and DIR/system_res_<image>.jpg (see docs/inference.md)
"""

import argparse

from ppocr.cli import run_main


def str2bool(s: str) -> bool:
    if s.lower() in ("1", "true", "yes", "y"):
        return True
    if s.lower() in ("0", "false", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {s!r}")


def add_model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--image_dir", required=True, help="an image file or a folder of images")
    p.add_argument("--model_dir", help="export directory from tools/export_model.py (Paddle Inference)")
    p.add_argument("-c", "--config", help="training config, to run from a checkpoint instead")
    p.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                   help="config overrides, e.g. -o Global.pretrained_model=output/cls/best_accuracy")
    p.add_argument("--weights", help="checkpoint weights with -c (default: Global.pretrained_model)")
    p.add_argument("--batch_size", type=int, default=6)
    p.add_argument("--use_mkldnn", type=str2bool, default=True,
                   help="use oneDNN on CPU with --model_dir (true|false, default true)")


def add_system_args(p: argparse.ArgumentParser) -> None:
    from dataclasses import fields

    from ppocr.inference.params import HELP, SystemParams

    p.add_argument("--image_dir", required=True, help="an image file or a folder of images")
    p.add_argument("--output", default="output/infer_system",
                   help="folder for system_results.txt and the drawn images (default %(default)s)")
    for kind in ("det", "rec", "cls"):
        p.add_argument(f"--{kind}_model_dir", help=f"{kind} export directory (tools/export_model.py)")
        p.add_argument(f"--{kind}_config", help=f"{kind} training config, to run a checkpoint instead")
        p.add_argument(f"--{kind}_weights", help=f"{kind} checkpoint weights with --{kind}_config "
                                                 f"(default: its Global.pretrained_model)")
    for f in fields(SystemParams):
        kind = {bool: str2bool, int: int, float: float, str: str}.get(type(f.default), str)
        p.add_argument(f"--{f.name}", type=kind, default=f.default,
                       help=f"{HELP[f.name]} (default %(default)s)")
    p.add_argument("--use_mkldnn", type=str2bool, default=True, help="oneDNN on CPU for exports (default true)")
    p.add_argument("--use_gpu", type=str2bool, default=None, help="run exports on the GPU (default: if there is one)")
    p.add_argument("--cpu_threads", type=int, default=0, help="CPU threads of Paddle Inference (0: its default)")
    p.add_argument("--draw_img", type=str2bool, default=True, help="write the images with results drawn")
    p.add_argument("--vis_font_path", help="font for the drawn text (default: a CJK font found on the system, "
                                           "else DejaVu Sans, else boxes only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="task", required=True)
    add_model_args(sub.add_parser("cls", help="text direction (0 or 180) of line crops"))
    add_model_args(sub.add_parser("rec", help="text of line crops"))
    det = sub.add_parser("det", help="text boxes in whole images")
    add_model_args(det)
    det.add_argument("--output", default="output/infer_det", help="folder for det_results.txt and drawn images")
    add_system_args(sub.add_parser("system", help="the PP-OCR pipeline: text boxes, direction, text"))
    args = parser.parse_args()
    if args.task == "system":
        system(args)
        return
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

    from ppocr.inference.images import decode_image, read_bytes
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
        image = decode_image(data)
        save_image(out_dir, path, draw_boxes(image, result["points"]), "det_res_")
    atomic_write_text(os.path.join(out_dir, "det_results.txt"), "\n".join(lines) + "\n")


def system(args) -> None:
    import os
    from dataclasses import fields

    from ppocr.inference.images import decode_image, list_images, read_bytes, unreadable
    from ppocr.inference.params import SystemParams
    from ppocr.inference.system import TextSystem
    from ppocr.inference.visualize import draw_ocr, find_font, save_image, system_result_line
    from ppocr.utils.io import atomic_write_text

    paths = list_images(args.image_dir)
    font = find_font(args.vis_font_path) if args.draw_img else None
    params = SystemParams(**{f.name: getattr(args, f.name) for f in fields(SystemParams)})
    ocr = TextSystem.create(params, **{f"{k}_{s}": getattr(args, f"{k}_{s}") for k in ("det", "rec", "cls")
                                       for s in ("model_dir", "config", "weights")},
                            use_mkldnn=args.use_mkldnn, use_gpu=args.use_gpu, cpu_threads=args.cpu_threads)
    results = []
    for path in paths:
        data = read_bytes(path)
        image = decode_image(data) if data else None
        if image is None:
            print(f"{path}\tERROR: {unreadable(data)}")
            continue
        lines = ocr(image)
        print(f"{'*' * 10}{path}{'*' * 10}")
        for line in lines:
            print(line.as_list())
        results.append(system_result_line(path, lines))
        if args.draw_img:
            save_image(args.output, path, draw_ocr(image, lines, font), "system_res_")
    atomic_write_text(os.path.join(args.output, "system_results.txt"), "\n".join(results) + "\n" if results else "")
    print(f"results in {os.path.join(args.output, 'system_results.txt')}")


if __name__ == "__main__":
    run_main(main)
