"""One rule for which weights a config means (evaluation, export, inference): an explicit path,
else Global.checkpoints, else Global.pretrained_model -- PaddleOCR's order."""

import pytest

from ppocr.engine.builder import resolve_weights
from ppocr.errors import ConfigError


def test_checkpoints_come_before_pretrained_model():
    both = {"Global": {"checkpoints": "out/latest", "pretrained_model": "pretrained/x"}}
    assert resolve_weights(both) == ("out/latest", "Global.checkpoints")
    assert resolve_weights(both, "w.pdparams") == ("w.pdparams", "--weights")
    assert resolve_weights({"Global": {"pretrained_model": "pretrained/x"}}) == ("pretrained/x",
                                                                                "Global.pretrained_model")
    with pytest.raises(ConfigError, match="no weights given"):
        resolve_weights({"Global": {}})


def test_export_and_inference_load_the_checkpoint_not_the_pretrained_model(tmp_path, logs):
    import numpy as np
    import paddle

    from ppocr.config import load_config
    from ppocr.engine.builder import Session
    from ppocr.engine.export import export_model
    from ppocr.inference.predictor import Predictor

    cfg_path = "configs/cls/ppocrv3_cls.yml"
    model = Session(load_config(cfg_path)).model
    for name, value in (("ckpt.pdparams", 0.5), ("pre.pdparams", -0.5)):
        paddle.save({k: paddle.full_like(v, value) if v.ndim == 1 and not k.endswith("_variance") else v
                     for k, v in model.state_dict().items()}, str(tmp_path / name))
    overrides = [f"Global.checkpoints={tmp_path / 'ckpt.pdparams'}",
                 f"Global.pretrained_model={tmp_path / 'pre.pdparams'}"]
    export_model(load_config(cfg_path, overrides), str(tmp_path / "export"))
    predictor = Predictor.from_checkpoint(load_config(cfg_path, overrides))
    loaded = [r.getMessage() for r in logs.records if "loaded" in r.getMessage()]
    assert len(loaded) == 2 and all("Global.checkpoints" in m and "pre.pdparams" not in m for m in loaded), loaded
    x = np.random.default_rng(0).random((1, 3, 48, 192), dtype=np.float32)
    exported = Predictor.from_export(str(tmp_path / "export"), use_mkldnn=False)
    np.testing.assert_allclose(exported.run(x), predictor.run(x), atol=1e-5)
