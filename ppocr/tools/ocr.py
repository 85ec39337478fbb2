"""The ``ppocr`` command: PaddleOCR 2.7's ``paddleocr`` command and flags on ppocr's models.

  ppocr --image_dir img.jpg                        det + rec: [[[x1, y1], ..., [x4, y4]], ('text', score)]
  ppocr --image_dir img.jpg --rec false            det only: [[x1, y1], ..., [x4, y4]] per box
  ppocr --image_dir crops/ --det false             rec only: ('text', score) per image (a folder is
                                                   batched as predict_rec batches it; --rec_batch_num 1:
                                                   each image alone, as paddleocr reads it)
  ppocr --image_dir crops/ --det false --rec false --use_angle_cls true     cls only: ('180', score)
  ppocr --image_dir doc.pdf                        each page in turn (pypdfium2)

Each input prints ``**********<path>**********`` and then its results, one per line, as the
``paddleocr`` command prints them. Models: the released PP-OCRv3 ones under pretrained/, else
--{det,rec,cls}_model_dir (exports, .onnx files or exports with inference.onnx). ONNX models run
on onnxruntime where it is installed (the released ones too); --use_onnx false runs Paddle. See docs/inference.md, "The ppocr command and the PaddleOCR API".
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import sys

from ppocr.cli import run_main
from ppocr.errors import ConfigError, DataError
from ppocr.tools.infer import str2bool

# paddleocr flags that ppocr does not take (other engines, algorithms, serving): named as such
UNSUPPORTED = ("use_xpu", "use_npu", "use_tensorrt", "min_subgraph_size", "precision", "gpu_mem", "gpu_id",
               "det_algorithm", "det_box_type", "rec_algorithm", "max_batch_size", "rec_image_inverse",
               "max_text_length", "cls_image_shape", "label_list", "use_mp", "total_process_num", "process_id",
               "benchmark", "save_log_path", "type", "structure_version", "use_pdserving", "warmup", "ir_optim",
               "e2e_algorithm", "e2e_model_dir", "sr_model_dir", "draw_img_save_dir")


class Parser(argparse.ArgumentParser):
    """Unknown flags are one error line with the closest flag (a ConfigError: exit 2)."""

    def error(self, message: str):
        if message.startswith("unrecognized arguments:"):
            flags = [a for a in message.split(":", 1)[1].split() if a.startswith("-")]
            flag = flags[0] if flags else message.split(":", 1)[1].split()[0]
            name = flag.split("=", 1)[0]
            if name.lstrip("-") in UNSUPPORTED:
                raise ConfigError(f"{name}: a paddleocr flag that ppocr does not support (see docs/inference.md)")
            known = [o for a in self._actions for o in a.option_strings if o.startswith("--")]
            close = difflib.get_close_matches(name, known, n=1)
            raise ConfigError(f"unknown flag {name}" + (f"; did you mean {close[0]}?" if close else
                                                        f" (see {self.prog} --help)"))
        super().error(message)


def build_parser() -> Parser:
    from dataclasses import fields

    from ppocr.inference.params import HELP, SystemParams

    p = Parser(prog="ppocr", description=__doc__, allow_abbrev=False,
               formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--image_dir", required=True, help="an image, a PDF, or a folder of them")
    p.add_argument("--det", type=str2bool, default=True, help="find text boxes (false: each image is one line)")
    p.add_argument("--rec", type=str2bool, default=True, help="read the text (false: boxes only)")
    p.add_argument("--cls", type=str2bool, default=None,
                   help="the direction classifier; the same as --use_angle_cls (paddleocr passes that as ocr's cls)")
    p.add_argument("--lang", default="ch", help="ch (ours); other paddleocr languages need their --det_model_dir "
                                                "and --rec_model_dir + --rec_char_dict_path")
    p.add_argument("--ocr_version", default="PP-OCRv3", help="PP-OCRv3 only (the models we ship)")
    p.add_argument("--page_num", type=int, default=0, help="PDF pages read (0: all)")
    for kind in ("det", "rec", "cls"):
        p.add_argument(f"--{kind}_model_dir", help=f"{kind} export dir (tools/export_model.py), or .onnx with --use_onnx")
        p.add_argument(f"--{kind}_config", help=f"{kind} training config, to run a checkpoint instead")
        p.add_argument(f"--{kind}_weights", help=f"{kind} checkpoint weights with --{kind}_config")
    p.add_argument("--rec_char_dict_path", help="the rec model's dictionary (default: the one the model carries)")
    p.add_argument("--use_space_char", type=str2bool, default=True, help="with --rec_char_dict_path: add the space")
    for f in fields(SystemParams):
        kind = {bool: str2bool, int: int, float: float, str: str}.get(type(f.default), str)
        p.add_argument(f"--{f.name}", type=kind, default=f.default, help=f"{HELP[f.name]} (default %(default)s)")
    p.add_argument("--use_onnx", type=str2bool, default=None,
                   help="true: ONNX models on onnxruntime; false: Paddle; default: onnxruntime on the CPU where it "
                        "is installed and the model has an ONNX file (the released models do)")
    p.add_argument("--use_gpu", type=str2bool, default=None,
                   help="Paddle Inference on the GPU (default: if there is one; true without one: CPU, a warning)")
    p.add_argument("--use_mkldnn", "--enable_mkldnn", dest="use_mkldnn", type=str2bool, default=True,
                   help="oneDNN on the CPU (default true)")
    p.add_argument("--cpu_threads", type=int, default=0, help="CPU threads (0: the runtime's default)")
    p.add_argument("--save_crop_res", type=str2bool, default=False, help="write each line crop as read (det+rec)")
    p.add_argument("--crop_res_save_dir", default="./output", help="where: mg_crop_<n>.jpg (default %(default)s)")
    p.add_argument("--show_log", type=str2bool, default=True, help="ppocr's log lines (false: warnings only)")
    p.add_argument("--output", help="also write the results (ocr_results.txt) here")
    p.add_argument("--draw_img", type=str2bool, default=False, help="with --output: images with the results drawn")
    p.add_argument("--vis_font_path", help="font of the drawn text (default: a CJK font found here)")
    return p


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    if args.cls is not None and "--use_angle_cls" in (argv if argv is not None else sys.argv) \
            and args.cls != args.use_angle_cls:
        raise ConfigError("--cls and --use_angle_cls disagree; give one of them")
    use_cls = args.use_angle_cls if args.cls is None else args.cls
    if not (args.det or args.rec or use_cls):
        raise ConfigError("--det false --rec false: nothing left to do (add --use_angle_cls true for the "
                          "direction classifier alone)")
    from dataclasses import fields

    from ppocr.inference.api import PPOCR
    from ppocr.inference.params import SystemParams
    from ppocr.inference.pdf import is_pdf, list_inputs

    paths = list_inputs(args.image_dir)
    kw = {f.name: getattr(args, f.name) for f in fields(SystemParams) if f.name != "use_angle_cls"}
    sources = {f"{k}_{s}": getattr(args, f"{k}_{s}") for k in ("det", "rec", "cls")
               for s in ("model_dir", "config", "weights")}
    stages = tuple(k for k in ("det", "rec") if getattr(args, k))
    engine = PPOCR(use_angle_cls=use_cls, stages=stages, lang=args.lang, ocr_version=args.ocr_version,
                   show_log=args.show_log, page_num=args.page_num, save_crop_res=args.save_crop_res,
                   crop_res_save_dir=args.crop_res_save_dir, use_onnx=args.use_onnx, use_gpu=args.use_gpu,
                   use_mkldnn=args.use_mkldnn, cpu_threads=args.cpu_threads, use_space_char=args.use_space_char,
                   rec_char_dict_path=args.rec_char_dict_path, **{k: v for k, v in sources.items() if v}, **kw)
    together = {} if args.det or any(is_pdf(p) for p in paths) else lines_together(engine, paths, args.rec, use_cls)
    saved = []
    for path in paths:
        print(f"{'*' * 10}{path}{'*' * 10}")
        try:
            pages = together[path] if path in together else engine.ocr(path, det=args.det, rec=args.rec, cls=use_cls)
            if isinstance(pages, DataError):
                raise pages
        except DataError as e:  # an unreadable input is one line; the others are still read
            print(f"{path}\tERROR: {str(e).removeprefix(f'{path}: ')}")  # as tools/infer.py system prints it
            continue
        for page in pages:
            for line in page:
                print(line)
        if args.output:
            names = [f"{path}#page{i}" for i in range(len(pages))] if is_pdf(path) else [path]
            saved += [f"{name}\t{json.dumps(page, ensure_ascii=False)}" for name, page in zip(names, pages)]
            if args.draw_img and args.det:
                draw(engine, path, pages, args)
    if args.output:
        from ppocr.utils.io import atomic_write_text

        atomic_write_text(os.path.join(args.output, "ocr_results.txt"), "".join(f"{s}\n" for s in saved))


def lines_together(engine, paths: list, rec: bool, cls: bool) -> dict:
    """``--det false`` on line images: all of them read as one list, batched by aspect ratio
    (``--rec_batch_num``, ``--cls_batch_num``) as PaddleOCR's predict_rec / predict_cls read a
    folder, so the texts are predict_rec's; ``--rec_batch_num 1`` reads each image alone, as the
    ``paddleocr`` command does. {path: [page results] or the DataError of an unreadable image}."""
    images, results = {}, {}
    for path in paths:
        try:
            images[path] = engine.pages(path, det=False)[0]
        except DataError as e:
            results[path] = e
    crops = list(images.values())
    labels = []
    if cls and crops:
        crops, labels = engine.system.classify(crops)
    texts = engine.system.recognize(crops) if rec else labels
    for path, result in zip(images, texts):
        results[path] = [[result]]
    return results


def draw(engine, path: str, pages: list, args) -> None:
    """``output/ocr_res_<name>[_<page>].jpg``: boxes (det) or boxes and texts (det+rec)."""
    from ppocr.inference.api import draw_ocr
    from ppocr.inference.pdf import is_pdf
    from ppocr.inference.visualize import save_image

    images = engine.pages(path)
    for i, (image, page) in enumerate(zip(images, pages)):
        boxes = [line[0] for line in page] if args.rec else page
        txts = [line[1][0] for line in page] if args.rec else None
        scores = [line[1][1] for line in page] if args.rec else None
        drawn = draw_ocr(image, boxes, txts, scores, args.drop_score, args.vis_font_path)
        name = f"{os.path.splitext(path)[0]}_{i}.jpg" if is_pdf(path) else path
        save_image(args.output, name, drawn, "ocr_res_")


def cli() -> None:
    """The ``ppocr`` console script."""
    run_main(main)


if __name__ == "__main__":
    cli()
