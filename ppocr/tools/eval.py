"""Evaluate weights on the config's Eval set: python tools/eval.py -c CFG -o Global.checkpoints=output/x/best_accuracy"""

import argparse
import json

from ppocr.cli import add_config_args, load, run_main
from ppocr.utils.hugepages import restart_with_hugepages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_config_args(parser)
    parser.add_argument("--weights", help="checkpoint directory, .pdparams file or PaddleOCR prefix "
                                          "(default: Global.checkpoints, then Global.pretrained_model)")
    parser.add_argument("--json", help="also write the metrics to this JSON file")
    args = parser.parse_args()
    from ppocr.engine.run import evaluate_config

    metrics = evaluate_config(load(args), args.weights)
    print(json.dumps(metrics))
    if args.json:
        from ppocr.utils.io import atomic_write_json

        atomic_write_json(args.json, metrics)


if __name__ == "__main__":
    restart_with_hugepages()  # before anything else: glibc reads its tunables at start-up
    run_main(main)
