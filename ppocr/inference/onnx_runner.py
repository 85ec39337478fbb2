"""Swap a Predictor's model for an ONNX model run by onnxruntime, keeping its pre- and
post-processing: ``with_onnx(Predictor.from_export(d), "model.onnx")`` runs the same pipeline on
onnxruntime (used by bench/infer_latency.py to time the released ONNX models)."""

from __future__ import annotations

import numpy as np

from ppocr.inference.predictor import Predictor


def ort_runner(onnx_path: str, cpu_threads: int = 0):
    """``run(x: NCHW float32) -> first output`` on onnxruntime's CPU provider."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    if cpu_threads:
        options.intra_op_num_threads = int(cpu_threads)
    session = ort.InferenceSession(onnx_path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name

    def run(x: np.ndarray) -> np.ndarray:
        return session.run(None, {name: np.ascontiguousarray(x, dtype=np.float32)})[0]

    return run


def with_onnx(predictor: Predictor, onnx_path: str, cpu_threads: int = 0) -> Predictor:
    """The same pre-/post-processing and labels as ``predictor``, the model from ``onnx_path``."""
    return Predictor(predictor.info, ort_runner(onnx_path, cpu_threads), predictor.charset)
