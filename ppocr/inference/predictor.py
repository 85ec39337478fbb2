"""Run one model on images, from an export directory (Paddle Inference) or a checkpoint + config.

Both give the same interface: ``preprocess(image_bytes_or_array) -> dict``, ``run(batch_array) ->
numpy output``, ``info`` (what inference.yml holds) and ``backend`` (where it runs: ``gpu``,
``cpu+onednn``, ``cpu`` for Paddle Inference; ``dygraph`` for a checkpoint; ``onnxruntime`` for an
ONNX model).
"""

from __future__ import annotations

import os

import numpy as np
import yaml

from ppocr.data.transforms.base import build_transforms
from ppocr.errors import CheckpointError


class Predictor:
    def __init__(self, info: dict, runner, charset=None, backend: str = "dygraph"):
        from ppocr.engine.builder import import_components

        import_components()
        self.info = info
        self.run = runner
        self.charset = charset
        self.backend = backend
        defaults = {"label_list": info.get("label_list"), "max_text_length": info.get("max_text_length")}
        provided = {"charset": charset} if charset is not None else {}
        self.transforms = build_transforms(info["PreProcess"], "PreProcess", defaults, **provided)

    @property
    def model_type(self) -> str:
        return self.info["model_type"]

    def preprocess(self, image) -> dict | None:
        """``image``: encoded bytes or a decoded BGR array."""
        return self.transforms({"image": image})

    def with_info(self, **changes) -> Predictor:
        """The same model with ``info`` entries replaced (e.g. another ``PreProcess``)."""
        return Predictor({**self.info, **changes}, self.run, self.charset, self.backend)

    def postprocess_component(self):
        """The PostProcess component described in ``info`` (the training config's)."""
        from ppocr.registry import POSTPROCESS

        cfg = self.info.get("PostProcess")
        if not cfg:
            return None
        defaults = {"label_list": self.info.get("label_list")}
        provided = {"charset": self.charset} if self.charset is not None else {}
        return POSTPROCESS.build(cfg, "PostProcess", defaults, **provided)

    # -- constructors -----------------------------------------------------------------------------
    @classmethod
    def from_export(cls, model_dir: str, use_mkldnn: bool = True, use_gpu: bool | None = None,
                    cpu_threads: int = 0) -> Predictor:

        yml = os.path.join(model_dir, "inference.yml")
        json_path = os.path.join(model_dir, "inference.json")
        params = os.path.join(model_dir, "inference.pdiparams")
        for p in (yml, json_path, params):
            if not os.path.isfile(p):
                raise CheckpointError(f"{model_dir}: not an export directory (missing {os.path.basename(p)}); "
                                      f"create one with tools/export_model.py")
        info = _read_export_info(yml)
        runner, backend = _paddle_inference(json_path, params, info, wants_gpu(use_gpu), use_mkldnn, cpu_threads)
        charset = None
        if info.get("character_dict"):
            from ppocr.charset import Charset

            charset = Charset.from_characters(info["character_dict"])
        return cls(info, runner, charset, backend)

    @classmethod
    def from_onnx(cls, path: str, kind: str | None = None, cpu_threads: int = 0) -> Predictor:
        """An ONNX model on onnxruntime (see :mod:`ppocr.inference.onnx_runner`)."""
        from ppocr.inference.onnx_runner import onnx_predictor_parts

        return cls(*onnx_predictor_parts(path, kind, cpu_threads))

    def with_charset(self, charset) -> Predictor:
        """The same model and processing, decoding with ``charset`` (``--rec_char_dict_path``)."""
        return Predictor(self.info, self.run, charset, self.backend)

    @classmethod
    def from_checkpoint(cls, cfg, weights: str | None = None, model_name: str | None = None) -> Predictor:
        import paddle

        from ppocr.engine.builder import Session, resolve_weights
        from ppocr.engine.checkpoint import load_weights
        from ppocr.engine.export import inference_preprocess, input_spec
        from ppocr.postprocess.distillation_postprocess import plain_postprocess_config

        session = Session(cfg)
        path, what = resolve_weights(cfg, weights)
        load_weights(session.model, path, what=what)
        model = getattr(session.model, model_name) if model_name else (session.student or session.model)
        model.eval()
        transforms = inference_preprocess(cfg)
        info = {"model_type": cfg["Architecture"]["model_type"], "PreProcess": transforms,
                "PostProcess": plain_postprocess_config(cfg.get("PostProcess")), "label_list": session.settings.label_list,
                "max_text_length": session.settings.max_text_length,
                "input_shape": input_spec(cfg["Architecture"]["model_type"], transforms),
                "output": model.export_key}

        def runner(x: np.ndarray) -> np.ndarray:
            with paddle.no_grad():
                return model({"image": paddle.to_tensor(np.ascontiguousarray(x, dtype=np.float32))})[
                    model.export_key].numpy()

        return cls(info, runner, session.charset)


def probe_input(info: dict) -> np.ndarray:
    """A small input of the model's shape (dynamic sizes filled in with 64: a det model's sides must
    be multiples of 32)."""
    n, c, h, w = info.get("input_shape") or [-1, 3, -1, -1]
    return np.zeros((1, c, 64 if h == -1 else h, 64 if w == -1 else w), dtype=np.float32)


def wants_gpu(use_gpu: bool | None) -> bool:
    """``None``: the GPU when this Paddle build has CUDA and sees a device. ``True`` without one runs
    on the CPU with a warning (as PaddleOCR does) rather than failing."""
    import paddle

    from ppocr.utils.logging import get_logger

    available = paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0
    if use_gpu and not available:
        get_logger().warning("use_gpu: this PaddlePaddle build has no usable GPU (CPU wheel, or no "
                             "device visible); running on the CPU")
    return available if use_gpu is None else bool(use_gpu) and available


def configure(config, gpu: bool, use_mkldnn: bool, cpu_threads: int) -> str:
    """Set up a ``paddle.inference.Config`` for the device; returns the backend name."""
    if gpu:
        config.enable_use_gpu(500, 0)  # initial memory pool (MB), device 0
        backend = "gpu"
    else:
        config.disable_gpu()
        if use_mkldnn:
            config.enable_mkldnn()
        else:
            config.disable_mkldnn()
        if cpu_threads:
            config.set_cpu_math_library_num_threads(int(cpu_threads))
        backend = "cpu+onednn" if use_mkldnn else "cpu"
    config.disable_glog_info()
    config.switch_ir_optim(True)
    return backend


def _paddle_inference(json_path: str, params: str, info: dict, gpu: bool, use_mkldnn: bool, cpu_threads: int):
    """A Paddle Inference runner and its backend name. oneDNN (MKLDNN) is used on CPU when asked for
    and when the model runs under it: some ops of Paddle 3.x's PIR executor have no oneDNN form, then
    it falls back to the plain CPU kernels with a warning."""
    from paddle import inference

    from ppocr.utils.logging import get_logger

    def create(mkldnn: bool):
        config = inference.Config(json_path, params)
        backend = configure(config, gpu, mkldnn, cpu_threads)
        predictor = inference.create_predictor(config)
        inp = predictor.get_input_handle(predictor.get_input_names()[0])
        out = predictor.get_output_handle(predictor.get_output_names()[0])

        def run(x: np.ndarray) -> np.ndarray:
            inp.reshape(list(x.shape))
            inp.copy_from_cpu(np.ascontiguousarray(x, dtype=np.float32))
            predictor.run()
            return out.copy_to_cpu()

        return run, backend

    mkldnn = use_mkldnn and not gpu
    run, backend = create(mkldnn)
    if mkldnn:
        try:
            run(probe_input(info))
        except (NotImplementedError, RuntimeError) as e:
            get_logger().warning(f"{os.path.dirname(json_path)}: oneDNN cannot run this model "
                                 f"({str(e).splitlines()[0][:120]}); using the plain CPU kernels")
            run, backend = create(False)
    return run, backend


def _read_export_info(path: str) -> dict:
    """An export's ``inference.yml``; a YAML error (a ``!!python`` tag included) or anything but a
    mapping is one line naming the file."""
    try:
        with open(path, encoding="utf-8") as f:
            info = yaml.safe_load(f)
    except yaml.YAMLError as e:
        problem = " ".join(str(e).split())
        raise CheckpointError(f"{path}: not a valid export description ({problem}); re-create the "
                              f"export with tools/export_model.py") from None
    if not isinstance(info, dict):
        raise CheckpointError(f"{path}: not a valid export description (expected a mapping, got "
                              f"{type(info).__name__}); re-create the export with tools/export_model.py")
    return info
