"""Post-processing of distillation models: a base post-process applied to named sub-models.

``DistillationDBPostProcess`` and ``DistillationCTCLabelDecode`` are PaddleOCR's names; the result
is ``{model_name: predictions}``. Exported models hold one sub-model, so export and inference use
:func:`plain_postprocess_config` to get the base post-process with the same settings.
"""

from __future__ import annotations

from ppocr.errors import ConfigError
from ppocr.registry import POSTPROCESS, accepted_args

BASES = {"DistillationDBPostProcess": "DBPostProcess", "DistillationCTCLabelDecode": "CTCLabelDecode"}
_OWN_KEYS = ("name", "model_name", "key", "multi_head")


class _Distillation:
    base_name = ""

    def __init__(self, model_name, key: str | None, base_args: dict, provided: dict):
        names = model_name if isinstance(model_name, list) else [model_name]
        if not names or not all(isinstance(n, str) for n in names):
            raise ConfigError(f"PostProcess.model_name: expected a sub-model name or a list of them, "
                              f"got {model_name!r}")
        accepted = accepted_args(POSTPROCESS.get(self.base_name))[0]
        extra = {k: v for k, v in provided.items() if k in accepted and v is not None}
        self.base = POSTPROCESS.build_named(self.base_name, base_args, "PostProcess", **extra)
        self.model_names, self.key = names, key

    def __call__(self, outputs: dict, batch: dict | None = None) -> dict:
        missing = [n for n in self.model_names if n not in outputs]
        if missing:
            raise ConfigError(f"PostProcess.model_name: no sub-model {missing} (has {sorted(outputs)})")
        return {n: self.base(outputs[n], batch) for n in self.model_names}


@POSTPROCESS.register
class DistillationDBPostProcess(_Distillation):
    base_name = "DBPostProcess"

    def __init__(self, model_name="Student", key: str | None = None, **db_args):
        super().__init__(model_name, key, db_args, {})


@POSTPROCESS.register
class DistillationCTCLabelDecode(_Distillation):
    base_name = "CTCLabelDecode"

    def __init__(self, model_name="Student", key: str | None = None, multi_head: bool = False,
                 charset=None, **decode_args):
        super().__init__(model_name, key, decode_args, {"charset": charset})


def plain_postprocess_config(cfg: dict | None) -> dict | None:
    """The base post-process config behind a Distillation* one (others unchanged)."""
    if not cfg or cfg.get("name") not in BASES:
        return cfg
    return {"name": BASES[cfg["name"]], **{k: v for k, v in cfg.items() if k not in _OWN_KEYS}}
