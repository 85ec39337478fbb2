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
    """DBPostProcess on each sub-model; its keys (None: DBPostProcess's default) are passed on."""

    base_name = "DBPostProcess"

    def __init__(self, model_name="Student", key: str | None = None, thresh: float | None = None,
                 box_thresh: float | None = None, max_candidates: int | None = None,
                 unclip_ratio: float | None = None, use_dilation: bool | None = None,
                 score_mode: str | None = None, box_type: str | None = None):
        db_args = {"thresh": thresh, "box_thresh": box_thresh, "max_candidates": max_candidates,
                   "unclip_ratio": unclip_ratio, "use_dilation": use_dilation, "score_mode": score_mode,
                   "box_type": box_type}
        super().__init__(model_name, key, {k: v for k, v in db_args.items() if v is not None}, {})


# PaddleOCR's keys: multi_head (CTCLabelDecode reads the 'ctc' branch itself) and the dictionary
# keys (the charset is built once from Global and handed over)
@POSTPROCESS.register(ignored_keys=("multi_head", "character_dict_path", "use_space_char"))
class DistillationCTCLabelDecode(_Distillation):
    base_name = "CTCLabelDecode"

    def __init__(self, model_name="Student", key: str | None = None, charset=None):
        super().__init__(model_name, key, {}, {"charset": charset})


def plain_postprocess_config(cfg: dict | None) -> dict | None:
    """The base post-process config behind a Distillation* one (others unchanged)."""
    if not cfg or cfg.get("name") not in BASES:
        return cfg
    return {"name": BASES[cfg["name"]], **{k: v for k, v in cfg.items() if k not in _OWN_KEYS}}
