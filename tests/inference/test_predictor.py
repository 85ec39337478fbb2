"""Paddle Inference deployment switches of Predictor.from_export: oneDNN on/off (tools/infer.py
--use_mkldnn) gives the same outputs, and the GPU is chosen when there is one (code path checked
with a stand-in config: this suite runs on CPU-only machines)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import REPO

from ppocr.config import load_config
from ppocr.engine.export import export_model
from ppocr.inference import predictor as predictor_module
from ppocr.inference.predictor import Predictor, configure, wants_gpu

CONFIGS = {"cls": "configs/cls/ppocrv3_cls.yml", "det": "configs/det/ppocrv3_det_student.yml"}
INPUTS = {"cls": (2, 3, 48, 192), "det": (1, 3, 96, 128)}


@pytest.fixture(scope="module", params=sorted(CONFIGS))
def exported(request, tmp_path_factory):
    out = tmp_path_factory.mktemp(f"export_{request.param}")
    export_model(load_config(str(REPO / CONFIGS[request.param]), []), str(out))
    return request.param, str(out)


def test_onednn_on_and_off_agree(exported, logs):
    kind, out = exported
    off = Predictor.from_export(out, use_mkldnn=False, use_gpu=False)
    on = Predictor.from_export(out, use_mkldnn=True, use_gpu=False)
    assert off.backend == "cpu"
    if on.backend == "cpu":  # this CPU or build cannot run the model under oneDNN: said so, then plain kernels
        assert "oneDNN cannot run this model" in logs.text
    else:
        assert on.backend == "cpu+onednn"
    x = np.random.default_rng(0).uniform(-1, 1, INPUTS[kind]).astype(np.float32)
    a, b = off.run(x), on.run(x)
    assert a.shape == b.shape
    assert float(np.abs(a - b).max()) < 1e-4


class RecordingConfig:
    """Stands in for paddle.inference.Config: records which switches were used."""

    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return lambda *args: self.calls.append((name, *args))


def test_configure_selects_the_device_and_onednn():
    gpu = RecordingConfig()
    assert configure(gpu, gpu=True, use_mkldnn=True, cpu_threads=4) == "gpu"
    names = [c[0] for c in gpu.calls]
    assert "enable_use_gpu" in names and "enable_mkldnn" not in names and "disable_gpu" not in names

    cpu = RecordingConfig()
    assert configure(cpu, gpu=False, use_mkldnn=False, cpu_threads=3) == "cpu"
    assert ("disable_gpu",) in cpu.calls and ("disable_mkldnn",) in cpu.calls
    assert ("set_cpu_math_library_num_threads", 3) in cpu.calls

    onednn = RecordingConfig()
    assert configure(onednn, gpu=False, use_mkldnn=True, cpu_threads=0) == "cpu+onednn"
    assert ("enable_mkldnn",) in onednn.calls


def test_gpu_is_used_when_there_is_one(monkeypatch, logs):
    import paddle

    monkeypatch.setattr(paddle.device, "is_compiled_with_cuda", lambda: True)
    monkeypatch.setattr(paddle.device.cuda, "device_count", lambda: 1)
    assert wants_gpu(None) is True and wants_gpu(True) is True and wants_gpu(False) is False

    monkeypatch.setattr(paddle.device.cuda, "device_count", lambda: 0)
    assert wants_gpu(None) is False
    assert wants_gpu(True) is False and "no usable GPU" in logs.text


def test_from_export_passes_the_device_choice_on(exported, monkeypatch):
    _, out = exported
    seen = {}
    real = predictor_module._paddle_inference

    def spy(json_path, params, info, gpu, use_mkldnn, cpu_threads):
        seen.update(gpu=gpu, use_mkldnn=use_mkldnn, cpu_threads=cpu_threads)
        return real(json_path, params, info, False, use_mkldnn, cpu_threads)

    monkeypatch.setattr(predictor_module, "_paddle_inference", spy)
    monkeypatch.setattr(predictor_module, "wants_gpu", lambda use_gpu: use_gpu is not False)
    Predictor.from_export(out, use_mkldnn=False, cpu_threads=2)
    assert seen == {"gpu": True, "use_mkldnn": False, "cpu_threads": 2}
