"""Run a model on images.

  python tools/infer.py det|rec|cls --image_dir PATH [--output DIR]
      [--model_dir EXPORT [--use_onnx true] | -c CFG [--weights W] [-o KEY=VALUE ...]]
      one model with PaddleOCR 2.7's predictor pre- and post-processing (predict_det / predict_rec /
      predict_cls), whatever the weights' source; without model flags the released PP-OCRv3 model
      under pretrained/ (its ONNX file on onnxruntime when that is installed: --use_onnx). det: --det_limit_side_len 960 --det_limit_type max, --det_db_* (PaddleOCR's
      defaults); rec: lines batched by aspect ratio at height 48 with PaddleOCR's width rule
      (--rec_batch_num, --rec_image_shape, --rec_char_dict_path); cls: 3x48x192 (--cls_batch_num).
      --use_config_transforms true runs the training config's eval transforms and PostProcess
      instead (what eval measured). det prints and writes DIR/det_results.txt (path, JSON boxes) and
      DIR/det_res_<image>.jpg; rec and cls print path, label, score and with --output write
      DIR/rec_results.txt / DIR/cls_results.txt (path<TAB>text<TAB>score, as PaddleOCR's infer_rec.py)
  python tools/infer.py system --image_dir PATH [--use_angle_cls true] [--output DIR]
      [--{det,rec,cls}_model_dir EXPORT | --{det,rec,cls}_config CFG [--{det,rec,cls}_weights W]]
      the whole PP-OCR pipeline (det -> cls -> rec) with PaddleOCR's defaults; each stage defaults to
      the released model under pretrained/ (on onnxruntime when it is installed: --use_onnx). Prints [[[x1, y1], ..., [x4, y4]], ('text', score)] per
      line, writes DIR/system_results.txt and DIR/system_res_<image>.jpg (see docs/inference.md)
"""

import argparse

from ppocr.cli import run_main

# the SystemParams each single stage takes as flags (PaddleOCR's names and defaults)
STAGE_PARAMS = {
    "det": ("det_db_thresh", "det_db_box_thresh", "det_db_unclip_ratio", "det_db_score_mode", "use_dilation",
            "max_candidates"),
    "rec": ("rec_batch_num", "rec_image_shape"),
    "cls": ("cls_batch_num",),
}


def str2bool(s: str) -> bool:
    if s.lower() in ("1", "true", "yes", "y"):
        return True
    if s.lower() in ("0", "false", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {s!r}")


USE_ONNX_HELP = ("true: run ONNX models on onnxruntime (a .onnx file, an export made with --onnx, or without a "
                 "model flag the released model's); false: Paddle; default: onnxruntime on the CPU where it is "
                 "installed and the model has an ONNX file (the released models do), else Paddle")


def add_param_args(p: argparse.ArgumentParser, names) -> None:
    """``--NAME`` flags for SystemParams fields, with their defaults and help."""
    from dataclasses import fields

    from ppocr.inference.params import HELP, SystemParams

    for f in fields(SystemParams):
        if f.name in names:
            kind = {bool: str2bool, int: int, float: float, str: str}.get(type(f.default), str)
            p.add_argument(f"--{f.name}", type=kind, default=f.default, help=f"{HELP[f.name]} (default %(default)s)")


def add_model_args(p: argparse.ArgumentParser, kind: str) -> None:
    p.add_argument("--image_dir", required=True, help="an image file or a folder of images")
    p.add_argument("--model_dir", help="export directory from tools/export_model.py (Paddle Inference); "
                                       "with --use_onnx true also an .onnx file")
    p.add_argument("--use_onnx", type=str2bool, default=None, help=USE_ONNX_HELP)
    p.add_argument("-c", "--config", help="training config, to run from a checkpoint instead")
    p.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                   help="config overrides, e.g. -o Global.pretrained_model=output/cls/best_accuracy")
    p.add_argument("--weights", help="checkpoint weights with -c (default: Global.pretrained_model)")
    p.add_argument("--use_config_transforms", type=str2bool, default=False,
                   help="run the training config's eval transforms and PostProcess (what eval measured) "
                        "instead of PaddleOCR's predictor pre-processing (default false)")
    p.add_argument("--use_mkldnn", type=str2bool, default=True,
                   help="use oneDNN on CPU with --model_dir (true|false, default true)")
    p.add_argument("--use_gpu", type=str2bool, default=None, help="run exports on the GPU (default: if there is one)")
    p.add_argument("--cpu_threads", type=int, default=0, help="CPU threads of Paddle Inference / onnxruntime")
    if kind == "det":
        p.add_argument("--output", default="output/infer_det",
                       help="folder for det_results.txt and the drawn images (default %(default)s)")
        p.add_argument("--det_limit_side_len", type=int, default=None,
                       help="det input side limit (default: the model's deployment limit, 960)")
        p.add_argument("--det_limit_type", default=None,
                       help="max: longer side down to the limit; min: shorter side up to it; resize_long "
                            "(default: the model's deployment type, max)")
    else:
        p.add_argument("--output", help=f"folder for {kind}_results.txt (default: print only)")
    if kind == "rec":
        p.add_argument("--rec_char_dict_path", help="the recogniser's dictionary (default: the model's own; a bare "
                                                    ".onnx: the released ppocr_keys_v1.txt)")
    add_param_args(p, STAGE_PARAMS[kind])


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
    p.add_argument("--use_onnx", type=str2bool, default=None, help=USE_ONNX_HELP)
    p.add_argument("--use_mkldnn", type=str2bool, default=True, help="oneDNN on CPU for exports (default true)")
    p.add_argument("--use_gpu", type=str2bool, default=None, help="run exports on the GPU (default: if there is one)")
    p.add_argument("--cpu_threads", type=int, default=0,
                   help="CPU threads of Paddle Inference / onnxruntime (0: its default)")
    p.add_argument("--draw_img", type=str2bool, default=True, help="write the images with results drawn")
    p.add_argument("--vis_font_path", help="font for the drawn text (default: a CJK font found on the system, "
                                           "else DejaVu Sans, else boxes only)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="task", required=True)
    add_model_args(sub.add_parser("cls", help="text direction (0 or 180) of line crops"), "cls")
    add_model_args(sub.add_parser("rec", help="text of line crops"), "rec")
    add_model_args(sub.add_parser("det", help="text boxes in whole images"), "det")
    add_system_args(sub.add_parser("system", help="the PP-OCR pipeline: text boxes, direction, text"))
    args = parser.parse_args()
    if args.task == "system":
        system(args)
    else:
        stage(args)


def stage(args) -> None:
    from ppocr.errors import ConfigError
    from ppocr.inference.images import list_images, read_bytes
    from ppocr.inference.model_runner import ModelRunner
    from ppocr.inference.params import SystemParams

    if args.model_dir and args.config:
        raise ConfigError("give --model_dir (an export) or -c CONFIG (a checkpoint), not both")
    names = STAGE_PARAMS[args.task]
    params = SystemParams(**{n: getattr(args, n) for n in names})
    limits = {}
    if args.task == "det":
        limits = {"det_limit_side_len": args.det_limit_side_len, "det_limit_type": args.det_limit_type}
        SystemParams(**{k: v for k, v in limits.items() if v is not None})  # checks the values
    runner = ModelRunner.create(args.task, args.model_dir, args.config, args.weights, args.opt, args.use_onnx,
                                args.use_mkldnn, args.use_gpu, args.cpu_threads,
                                getattr(args, "rec_char_dict_path", None), params=params,
                                use_config_transforms=args.use_config_transforms, **limits)
    paths = list_images(args.image_dir)
    if args.task == "det":
        detect(runner, paths, args.output)
        return
    lines = []
    for path, result in zip(paths, runner.predict([read_bytes(p) or b"" for p in paths])):
        if result is None:
            print(f"{path}\tERROR: cannot read image")
            continue
        label, score = result  # cls: ('0' | '180', p); rec: (text, mean max probability)
        print(f"{path}\t{label}\t{score:.4f}")
        lines.append(f"{path}\t{label}\t{score}")
    if args.output:
        write_results(args.output, f"{args.task}_results.txt", lines)


def write_results(out_dir: str, name: str, lines: list) -> None:
    import os

    from ppocr.utils.io import atomic_write_text

    atomic_write_text(os.path.join(out_dir, name), "".join(f"{line}\n" for line in lines))
    print(f"results in {os.path.join(out_dir, name)}")


def detect(runner, paths: list, out_dir: str) -> None:
    import json

    import numpy as np

    from ppocr.inference.images import decode_image, read_bytes, unreadable
    from ppocr.inference.visualize import draw_boxes, save_image

    lines = []
    for path in paths:
        data = read_bytes(path)
        image = decode_image(data) if data else None
        result, = runner.predict([image]) if image is not None else [None]
        if result is None:
            print(f"{path}\tERROR: {unreadable(data) if image is None else 'cannot use image'}")
            continue
        boxes = np.asarray(result["points"], dtype=np.float32)
        lines.append(f"{path}\t{json.dumps(boxes.tolist())}")  # predict_det's det_results.txt line
        print(lines[-1])
        save_image(out_dir, path, draw_boxes(image, boxes), "det_res_")
    write_results(out_dir, "det_results.txt", lines)


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
                            use_mkldnn=args.use_mkldnn, use_gpu=args.use_gpu, cpu_threads=args.cpu_threads,
                            use_onnx=args.use_onnx)
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
