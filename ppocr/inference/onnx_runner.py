"""ONNX models on onnxruntime.

``Predictor.from_onnx(path, kind)`` runs an exported ``inference.onnx`` (``tools/export_model.py
--onnx``) with the pre- and post-processing that the export's ``inference.yml`` (next to the .onnx)
describes. A bare .onnx file without an ``inference.yml`` beside it gets PaddleOCR's PP-OCRv3
processing for the stage it was given for (``kind``): det resized to a multiple of 32 and
ImageNet-normalised, rec at height 48 (width >= 320), cls at 3x48x192 with labels 0/180; such a rec
model has no dictionary of its own, so the caller passes one (``--rec_char_dict_path``).

``with_onnx(Predictor.from_export(d), "model.onnx")`` swaps only the model of a predictor (used by
bench/infer_latency.py to time the released ONNX models).
"""

from __future__ import annotations

import os

import numpy as np
import yaml

from ppocr.errors import CheckpointError, ConfigError

_DECODE = {"DecodeImage": {"img_mode": "BGR", "channel_first": False}}
_NORMALIZE = {"NormalizeImage": {"scale": "1./255.", "mean": [0.485, 0.456, 0.406],
                                 "std": [0.229, 0.224, 0.225], "order": "hwc"}}
# PaddleOCR's processing of the PP-OCRv3 det / rec and the mobile v2.0 cls (tools/infer/predict_*.py)
DEFAULT_INFO = {
    "det": {"model_type": "det", "input_shape": [-1, 3, -1, -1], "output": "maps",
            "PreProcess": [_DECODE, {"DetResizeForTest": None}, _NORMALIZE, {"ToCHWImage": None},
                           {"KeepKeys": {"keep_keys": ["image", "shape"]}}],
            "PostProcess": {"name": "DBPostProcess"}},
    "rec": {"model_type": "rec", "input_shape": [-1, 3, 48, -1], "output": "probs",
            "PreProcess": [_DECODE, {"RecResizeImg": {"image_shape": [3, 48, 320]}},
                           {"KeepKeys": {"keep_keys": ["image"]}}],
            "PostProcess": {"name": "CTCLabelDecode"}, "max_text_length": 25},
    "cls": {"model_type": "cls", "input_shape": [-1, 3, 48, 192], "output": "probs",
            "PreProcess": [_DECODE, {"ClsResizeImg": {"image_shape": [3, 48, 192]}},
                           {"KeepKeys": {"keep_keys": ["image"]}}],
            "PostProcess": {"name": "ClsPostProcess"}, "label_list": ["0", "180"]},
}


def ort_runner(onnx_path: str, cpu_threads: int = 0, spinning: bool = False):
    """``run(x: NCHW float32) -> first output`` on onnxruntime's CPU provider. ``spinning`` False
    (ours): the session's worker threads sleep when a run ends instead of spinning (onnxruntime's
    default), because the OCR system runs det, cls and rec as three sessions in turn and a pool
    still spinning takes the cores the next stage needs (the system on 2 cores: 377 ms per photo
    against 415-427 with spinning, idle machine; under load it matters more)."""
    try:
        import onnxruntime as ort
    except ImportError:
        raise ConfigError("use_onnx: onnxruntime is not installed (pip install onnxruntime, "
                          "pinned in requirements.txt)") from None

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if cpu_threads:
        options.intra_op_num_threads = int(cpu_threads)
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - onnxruntime raises its own types for unreadable models
        raise CheckpointError(f"{onnx_path}: onnxruntime cannot load it ({str(e).splitlines()[0][:160]})") from None
    name = session.get_inputs()[0].name

    def run(x: np.ndarray) -> np.ndarray:
        return session.run(None, {name: np.ascontiguousarray(x, dtype=np.float32)})[0]

    return run


def locate_onnx(path: str) -> tuple[str, str | None]:
    """(the .onnx file, the inference.yml beside it or None) for an export dir or a .onnx file."""
    if os.path.isdir(path):
        yml = os.path.join(path, "inference.yml")
        name = "inference.onnx"
        if os.path.isfile(yml):
            with open(yml, encoding="utf-8") as f:
                info = yaml.safe_load(f) or {}
            if isinstance(info, dict) and info.get("onnx"):
                name = info["onnx"]
        onnx = os.path.join(path, name)
        if not os.path.isfile(onnx):
            raise CheckpointError(f"{path}: no {name} (use_onnx needs an export made with "
                                  f"tools/export_model.py --onnx, or the path of a .onnx file)")
        return onnx, yml if os.path.isfile(yml) else None
    if not os.path.isfile(path):
        raise CheckpointError(f"{path}: no such ONNX model file or export directory")
    yml = os.path.join(os.path.dirname(path), "inference.yml")
    return path, yml if os.path.isfile(yml) else None


def onnx_predictor_parts(path: str, kind: str | None, cpu_threads: int = 0) -> tuple:
    """(info, runner, charset, backend) for :meth:`Predictor.from_onnx`."""
    from ppocr.inference.predictor import _read_export_info

    onnx, yml = locate_onnx(path)
    if yml:
        info = _read_export_info(yml)
    elif kind in DEFAULT_INFO:
        info = DEFAULT_INFO[kind]
    else:
        raise ConfigError(f"{onnx}: no inference.yml beside it; say which stage it is (det, rec or cls)")
    charset = None
    if info.get("character_dict"):
        from ppocr.charset import Charset

        charset = Charset.from_characters(info["character_dict"])
    return info, ort_runner(onnx, cpu_threads), charset, "onnxruntime"


def with_onnx(predictor, onnx_path: str, cpu_threads: int = 0, spinning: bool = False):
    """The same pre-/post-processing and labels as ``predictor``, the model from ``onnx_path``
    (``spinning`` True: onnxruntime's default session options, bench/infer_latency.py's reference)."""
    from ppocr.inference.predictor import Predictor

    return Predictor(predictor.info, ort_runner(onnx_path, cpu_threads, spinning), predictor.charset, "onnxruntime")
