import paddle

from ppocr.engine.amp import build_amp
from ppocr.settings import settings


def test_amp_is_refused_on_cpu_with_one_clear_warning(logs):
    if paddle.device.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0:
        import pytest

        pytest.skip("a GPU is present: AMP is used, not refused")
    model = paddle.nn.Linear(2, 2)
    opt = paddle.optimizer.Adam(parameters=model.parameters())
    amp, m, o = build_amp(settings({"Global": {"use_amp": True, "amp_level": "O2"}}), model, opt)
    assert amp is None and m is model and o is opt
    msgs = [r.getMessage() for r in logs.records if "use_amp" in r.getMessage()]
    assert msgs == ["Global.use_amp is set but no GPU is available: AMP needs a GPU, training in float32 "
                    "on the CPU instead"]
