"""Export to a Paddle Inference model (inference.json/.pdiparams + inference.yml [+ ONNX]).

python tools/export_model.py -c CFG -o Global.pretrained_model=output/x/best_accuracy [--output DIR] [--onnx]
For a distillation config the student is exported unless --model_name names another sub-model.
--onnx also writes inference.onnx (paddle2onnx, opset 14; dynamic batch, det height/width, rec width).
"""

import argparse

from ppocr.cli import add_config_args, load, run_main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(parser)
    parser.add_argument("--weights", help="weights to export (default: Global.pretrained_model, then "
                                          "Global.checkpoints)")
    parser.add_argument("--output", help="export directory (default: Global.save_inference_dir)")
    parser.add_argument("--model_name", help="distillation sub-model to export (default: the student)")
    parser.add_argument("--onnx", action="store_true", help="also write inference.onnx (paddle2onnx)")
    args = parser.parse_args()
    from ppocr.config import settings
    from ppocr.engine.export import export_model
    from ppocr.errors import ConfigError

    cfg = load(args)
    out = args.output or settings(cfg).save_inference_dir
    if not out:
        raise ConfigError("give --output or set Global.save_inference_dir")
    export_model(cfg, out, args.weights, args.model_name, args.onnx)


if __name__ == "__main__":
    run_main(main)
