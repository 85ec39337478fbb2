"""A self-contained HTML report of a training run: summary, curves (log.jsonl) and an eval gallery.

  python tools/report.py OUTPUT_DIR [--weights NAME] [--max_items 40] [--out OUTPUT_DIR/report.html]

OUTPUT_DIR is a run's Global.save_model_dir. The gallery runs the run's config.yml with its
best_accuracy (else latest) weights on the Eval set: rec/cls mistakes, det images with boxes.
"""

import argparse

from ppocr.cli import run_main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output_dir", help="the training run's directory (Global.save_model_dir)")
    parser.add_argument("--weights", help="checkpoint in OUTPUT_DIR (e.g. latest, iter_epoch_3) or any weights "
                                          "path (default: best_accuracy, else latest)")
    parser.add_argument("--max_items", type=int, default=40, help="most gallery items (default 40)")
    parser.add_argument("--out", help="HTML file to write (default OUTPUT_DIR/report.html)")
    args = parser.parse_args()
    from ppocr.inference.report import build_report

    report = build_report(args.output_dir, args.weights, args.max_items, args.out)
    print(report.path)


if __name__ == "__main__":
    run_main(main)
