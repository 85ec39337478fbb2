"""Export a trained model (dygraph) to a static inference model plus everything needed around it.

The export directory holds ``inference.json`` + ``inference.pdiparams`` (Paddle Inference),
``inference.yml`` (model type, input shape, pre-processing, post-processing config, labels or
dictionary) and, with ``onnx=True``, ``inference.onnx``.

inference.yml holds two pre-processings: ``PreProcess``, the deployment one (PaddleOCR 2.7's
predict_det / predict_rec / predict_cls: :func:`deploy_preprocess`), which the inference tools
run by default, and ``EvalPreProcess``, the training config's eval transforms (what eval measured,
``tools/infer.py ... --use_config_transforms true``). An export from before this split has the eval
transforms as ``PreProcess`` and no ``EvalPreProcess``; the tools then derive the deployment one.
"""

from __future__ import annotations

import os

import paddle
import yaml
from paddle import nn
from paddle.static import InputSpec

from ppocr.config import Config
from ppocr.data.transforms.base import inference_transforms, input_shape, with_inference_params
from ppocr.engine.checkpoint import load_weights
from ppocr.engine.onnx_export import export_onnx, require_paddle2onnx
from ppocr.errors import ConfigError
from ppocr.postprocess.distillation_postprocess import plain_postprocess_config
from ppocr.utils.io import atomic_write_text
from ppocr.utils.logging import get_logger


class InferenceNet(nn.Layer):
    """image tensor -> the model's ``export_key`` output."""

    def __init__(self, model, key: str):
        super().__init__()
        self.model = model
        self.key = key

    def forward(self, x):
        return self.model({"image": x})[self.key]


def inference_preprocess(cfg: dict) -> list:
    """The Eval transforms as inference runs them: without the steps that declare themselves
    ``training_only`` (labels, augmentation), ending with the keys inference needs."""
    return inference_transforms(((cfg.get("Eval") or {}).get("dataset") or {}).get("transforms"))


# PaddleOCR 2.7's predictor settings (tools/infer/utility.py defaults) by model type: the det
# resize limit; rec lines keep their aspect ratio past the training width (predict_rec's width rule)
DEPLOY_PARAMS = {"det": {"limit_side_len": 960, "limit_type": "max"}, "rec": {"infer_mode": True}}


def deploy_preprocess(model_type: str, transforms: list) -> list:
    """The deployment pre-processing from the eval transforms (inference form): det resized with
    limit 960 / ``max``; rec lines resized to the model's height keeping their whole width; cls
    as evaluated (3x48x192). Where no transform takes those settings, the transforms as given."""
    params = DEPLOY_PARAMS.get(model_type)
    if not params:
        return list(transforms)
    try:
        return with_inference_params(transforms, "PreProcess", **params)
    except ConfigError:
        return list(transforms)


# the model input by model type where no transform declares one
DEFAULT_INPUT = {"cls": [3, 48, 192], "rec": [3, 48, -1], "det": [3, -1, -1]}


def input_spec(model_type: str, transforms: list) -> list[int]:
    """[N, C, H, W] with -1 for dynamic sizes, as the transforms declare it (``input_shape``)."""
    return [-1, *(input_shape(transforms, exported=True) or DEFAULT_INPUT.get(model_type, [3, -1, -1]))]


def export_model(cfg: Config, out_dir: str, weights: str | None = None, model_name: str | None = None,
                 onnx: bool = False) -> dict:
    """Returns the inference.yml content. ``model_name`` picks a distillation sub-model (default:
    the student)."""
    from ppocr.engine.builder import Session, resolve_weights

    if onnx:
        require_paddle2onnx()  # before anything is written
    paddle.set_device("cpu")
    session = Session(cfg)
    g = session.settings
    if weights or g.checkpoints or g.pretrained_model:
        path, what = resolve_weights(cfg, weights)
        load_weights(session.model, path, what=what)
    else:
        get_logger().warning("exporting a model with freshly initialised weights (no "
                             "Global.pretrained_model / checkpoints given)")
    model = session.model
    if model_name:
        if not hasattr(model, "names") or model_name not in model.names:
            raise ConfigError(f"--model_name {model_name}: the model has no such sub-model "
                              f"(has {getattr(model, 'names', [])})")
        model = getattr(model, model_name)
    elif session.student is not None:
        model_name = model.student_name
        model = session.student
    model.eval()
    transforms = inference_preprocess(cfg)
    shape = input_spec(session.cfg["Architecture"]["model_type"], transforms)
    net = InferenceNet(model, model.export_key)
    net.eval()
    static = paddle.jit.to_static(net, input_spec=[InputSpec(shape, "float32", "x")], full_graph=True)
    os.makedirs(out_dir, exist_ok=True)
    prefix = os.path.join(out_dir, "inference")
    paddle.jit.save(static, prefix)
    info = {
        "model_type": cfg["Architecture"]["model_type"],
        "algorithm": cfg["Architecture"].get("algorithm"),
        "sub_model": model_name,
        "input_shape": shape,
        "output": model.export_key,
        "PreProcess": deploy_preprocess(cfg["Architecture"]["model_type"], transforms),
        "EvalPreProcess": transforms,
        "PostProcess": plain_postprocess_config(cfg.get("PostProcess")),
        "label_list": g.label_list,
        "max_text_length": g.max_text_length,
    }
    if session.charset is not None:
        info["character_dict"] = list(session.charset.characters)
    if onnx:
        info["onnx"] = os.path.basename(export_onnx(out_dir))
    elif os.path.isfile(os.path.join(out_dir, "inference.onnx")):
        os.remove(os.path.join(out_dir, "inference.onnx"))  # it was converted from the model just replaced
        get_logger().warning(f"{out_dir}: removed the previous inference.onnx (it no longer matches; "
                             f"export with --onnx to convert this model)")
    atomic_write_text(os.path.join(out_dir, "inference.yml"),
                      yaml.safe_dump(info, sort_keys=False, allow_unicode=True))
    get_logger().info(f"exported {info['model_type']} model{f' ({model_name})' if model_name else ''} "
                      f"to {out_dir}")
    return info
