"""UIM: pseudo-label unlabelled text images with strong models (PP-OCRv3's unlabelled images mining).

  crops:        python tools/uim.py --image_dir CROPS --output train_data/uim/pseudo.txt --min_score 0.95
  whole images: python tools/uim.py --whole_image --image_dir PAGES --output OUT.txt [--crop_dir DIR]
                [--use_angle_cls] [--det_model_dir EXPORT | --det_config CFG [--det_weights W]]
  inputs:       --image_dir (a folder or one image) or --list_file FILE [--data_dir DIR]
  filters:      --min_score S  --min_len N  --max_len N  --charset DICT (texts made of its characters)
  recogniser:   --model_dir EXPORT | -c CONFIG [-o KEY=VALUE ...] [--weights W]
                (default: the released PP-OCRv3 recogniser imported by `make pretrained`)

Writes OUT.txt (PaddleOCR rec labels, `path<TAB>text`; absolute paths unless --relative_to),
OUT.summary.json (kept, dropped by reason, score histograms) and OUT.txt.journal.jsonl (every
prediction). Whole-image mode saves each detected line as a crop under --crop_dir (default
OUT_crops/) and labels the crop. After an interruption, run the same command again: it continues
where the journal stops, without doubling lines; a rerun with other filters re-derives OUT.txt
from the journal without running the models. Mix the result with labelled data through
SimpleDataSet's label_file_list + ratio_list (docs/ssl.md).
"""

import argparse
import os

from ppocr.cli import run_main


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--image_dir", help="a folder of images (every image below it) or one image")
    src.add_argument("--list_file", help="image paths, one a line (text after a tab is ignored)")
    p.add_argument("--data_dir", default="", help="folder the --list_file paths are relative to")
    p.add_argument("--output", required=True, help="label file to write (OUT.txt)")
    p.add_argument("--min_score", type=float, default=0.9, help="keep lines scoring at least this (the mean "
                   "of the per-character maxima, as PaddleOCR's) (default %(default)s)")
    p.add_argument("--min_len", type=int, default=1, help="shortest text kept (default %(default)s)")
    p.add_argument("--max_len", type=int, default=0, help="longest text kept (0: no limit)")
    p.add_argument("--charset", help="dictionary file: keep only texts made of its characters (and space)")
    p.add_argument("--relative_to", help="write paths relative to this folder (a config's data_dir)")
    p.add_argument("--batch_size", type=int, default=32, help="images read and journalled together; "
                   "also the recogniser's batch (default %(default)s)")
    p.add_argument("--use_mkldnn", default="true", choices=["true", "false"], help="oneDNN for exports")
    rec = p.add_argument_group("recogniser (default: the released PP-OCRv3 model under pretrained/)")
    rec.add_argument("--model_dir", help="export directory (tools/export_model.py)")
    rec.add_argument("-c", "--config", help="training config, to run a checkpoint")
    rec.add_argument("-o", "--opt", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
                     help="config overrides")
    rec.add_argument("--weights", help="checkpoint with -c (default: its Global.pretrained_model)")
    whole = p.add_argument_group("whole-image mode: det (+ cls) + rec, crops saved as files")
    whole.add_argument("--whole_image", action="store_true", help="detect the lines of whole images")
    whole.add_argument("--crop_dir", help="where the line crops go (default: OUT_crops/ beside OUT.txt)")
    whole.add_argument("--use_angle_cls", action="store_true", help="turn upside-down lines first")
    for kind in ("det", "cls"):
        whole.add_argument(f"--{kind}_model_dir", help=f"{kind} export (default: the released model)")
        whole.add_argument(f"--{kind}_config", help=f"{kind} training config, to run a checkpoint")
        whole.add_argument(f"--{kind}_weights", help=f"{kind} checkpoint with --{kind}_config")
    return p.parse_args()


def stage(args, kind: str, model_dir, config, weights, overrides=()):
    """(Predictor, a string naming it: a journal refuses predictions of another model)."""
    from ppocr.inference.system import PRETRAINED, load_stage, pretrained_dir

    predictor = load_stage(kind, model_dir, config, weights, overrides, use_mkldnn=args.use_mkldnn == "true")
    if model_dir:
        name = f"{kind} export {os.path.abspath(model_dir)}"
    elif config:
        name = f"{kind} {os.path.abspath(config)} + {weights or 'its weights'}{''.join(f' -o {o}' for o in overrides)}"
    else:
        name = f"{kind} released {pretrained_dir() / PRETRAINED[kind]}"
    return predictor, name


def build_labeler_fn(args, root: str):
    from ppocr.inference.crop_batcher import CropBatcher
    from ppocr.inference.params import SystemParams
    from ppocr.inference.pseudo_label import crop_items, whole_image_items
    from ppocr.inference.system import TextSystem

    rec, name = stage(args, "rec", args.model_dir, args.config, args.weights, args.opt)
    if not args.whole_image:
        # same_width: a crop's label does not depend on its batch, so a resumed run labels alike
        return crop_items(CropBatcher(rec, args.batch_size, same_width=True)), name
    det, det_name = stage(args, "det", args.det_model_dir, args.det_config, args.det_weights)
    cls, cls_name = (stage(args, "cls", args.cls_model_dir, args.cls_config, args.cls_weights)
                     if args.use_angle_cls else (None, "no cls"))
    params = SystemParams(use_angle_cls=args.use_angle_cls, rec_batch_num=args.batch_size)
    crop_dir = args.crop_dir or os.path.splitext(args.output)[0] + "_crops"
    ocr = TextSystem(det, rec, cls, params)
    return whole_image_items(ocr, crop_dir, root), f"{det_name}; {cls_name}; {name}; {params}"


def input_paths(args) -> tuple[list[str], str]:
    """Absolute image paths and the folder they are below (crop names are relative to it)."""
    from ppocr.data.datasets.unlabeled import IMAGE_EXTS, find_images, read_image_list

    if args.list_file:
        paths = [os.path.abspath(os.path.join(args.data_dir, p)) for p, _ in read_image_list(args.list_file, "--list_file")]
        return paths, os.path.commonpath(paths) if len(paths) > 1 else os.path.dirname(paths[0])
    root = os.path.abspath(args.image_dir)
    if os.path.isfile(root) and root.lower().endswith(IMAGE_EXTS):
        return [root], os.path.dirname(root)
    return [os.path.join(root, p) for p in find_images(root, "--image_dir")], root


def read_image(path: str):
    """The decoded BGR image, or None when it cannot be read (journalled as unreadable)."""
    from ppocr.inference.images import decode_image, read_bytes

    data = read_bytes(path)
    return decode_image(data) if data else None


def main() -> None:
    args = parse_args()
    from ppocr.inference.pseudo_label import Filters, PseudoLabeler, charset_filter

    filters = Filters(args.min_score, args.min_len, args.max_len,
                      charset_filter(args.charset) if args.charset else None, args.charset)
    paths, root = input_paths(args)
    label, model = build_labeler_fn(args, root)
    labeler = PseudoLabeler(args.output, model, filters, args.relative_to, args.batch_size)
    summary = labeler.run(paths, label, read_image)
    print(f"kept {summary['kept']} of {summary['lines']} lines from {summary['images']} images: "
          f"{args.output}; summary {labeler.summary_path}")


if __name__ == "__main__":
    run_main(main)
