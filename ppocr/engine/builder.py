"""Build every component of a config, and check a config without building the heavy parts.

Derived values are computed once here and handed to the components that name them: the charset
(recognition) as a *provided* argument, Global values (``label_list``, ``max_text_length``) as
*defaults* a component's own config may override.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ppocr.config import settings
from ppocr.errors import ConfigError
from ppocr.registry import ARCHITECTURES, BACKBONES, HEADS, LOSSES, METRICS, NECKS, POSTPROCESS, TRANSFORMS


def import_components() -> None:
    """Import every component package once, so the registries are full."""
    import ppocr.data.datasets  # noqa: F401
    import ppocr.data.transforms  # noqa: F401
    import ppocr.losses  # noqa: F401
    import ppocr.metrics  # noqa: F401
    import ppocr.modeling.architectures  # noqa: F401
    import ppocr.modeling.backbones  # noqa: F401
    import ppocr.modeling.heads  # noqa: F401
    import ppocr.modeling.necks  # noqa: F401
    import ppocr.optimizer  # noqa: F401
    import ppocr.postprocess  # noqa: F401


@dataclass
class Inputs:
    """What the builder hands to components besides their config keys."""

    provided: dict[str, Any] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)


def model_type(cfg: dict) -> str:
    arch = cfg.get("Architecture")
    if not isinstance(arch, dict) or "model_type" not in arch:
        raise ConfigError(f"{getattr(cfg, 'path', 'config')}: Architecture.model_type is missing "
                          f"(cls, det or rec)")
    return arch["model_type"]


def build_charset(cfg: dict):
    """The recognition charset, or None for models without one."""
    if model_type(cfg) != "rec" and not settings(cfg).character_dict_path:
        return None
    from ppocr.charset import Charset

    return Charset.from_config(cfg["Global"], getattr(cfg, "path", "config"))


def component_inputs(cfg: dict, charset=None) -> Inputs:
    provided = {"charset": charset} if charset is not None else {}
    g = settings(cfg)
    defaults = {"label_list": g.label_list, "max_text_length": g.max_text_length}
    return Inputs(provided, defaults)


def build_model(cfg: dict, charset=None):
    """The model of ``Architecture``; a distillation sub-model's ``pretrained`` weights are loaded
    right after building (strictly, except its ``allow_mismatch`` patterns)."""
    import_components()
    arch = dict(cfg["Architecture"])
    name = arch.pop("name", "BaseModel")
    model = ARCHITECTURES.build_named(name, arch, "Architecture", where="Architecture", charset=charset)
    for sub_name, sub in (arch.get("Models") or {}).items():
        if isinstance(sub, dict) and sub.get("pretrained"):
            from ppocr.engine.checkpoint import load_weights

            load_weights(getattr(model, sub_name), sub["pretrained"], sub.get("allow_mismatch") or (),
                         what=f"Architecture.Models.{sub_name}.pretrained")
    return model


def _section(cfg: dict, key: str) -> dict | None:
    value = cfg.get(key)
    if value is not None and not isinstance(value, dict):
        raise ConfigError(f"{getattr(cfg, 'path', 'config')}: {key} must be a mapping")
    return value


def build_loss(cfg: dict, inputs: Inputs):
    import_components()
    return LOSSES.build(_section(cfg, "Loss"), "Loss", inputs.defaults, **inputs.provided)


def build_postprocess(cfg: dict, inputs: Inputs):
    import_components()
    return POSTPROCESS.build(_section(cfg, "PostProcess"), "PostProcess", inputs.defaults, **inputs.provided)


def build_metric(cfg: dict, inputs: Inputs):
    import_components()
    return METRICS.build(_section(cfg, "Metric"), "Metric", inputs.defaults, **inputs.provided)


def resolve_weights(cfg: dict, explicit: str | None = None) -> tuple[str, str]:
    """The weights a config means, as (path, where it came from): ``explicit`` (a command-line
    ``--weights``), else ``Global.checkpoints``, else ``Global.pretrained_model`` -- PaddleOCR's
    order. One rule for evaluation, export and inference."""
    g = settings(cfg)
    for value, what in ((explicit, "--weights"), (g.checkpoints, "Global.checkpoints"),
                        (g.pretrained_model, "Global.pretrained_model")):
        if value:
            return str(value), what
    raise ConfigError(f"{getattr(cfg, 'path', 'config')}: no weights given: set Global.checkpoints or "
                      f"Global.pretrained_model (or pass them on the command line)")


class Session:
    """The built parts shared by training, evaluation, export and inference: the checked config,
    the charset, the model, and the data, post-processing and metric built on demand."""

    def __init__(self, cfg: dict, rank: int = 0, world_size: int = 1):
        check_config(cfg)
        self.cfg = cfg
        self.settings = settings(cfg)  # Global, typed: what the run's parts are given
        self.rank, self.world_size = rank, world_size
        self.charset = build_charset(cfg)
        self.inputs = component_inputs(cfg, self.charset)
        self.model = build_model(cfg, self.charset)
        if self.settings.fast_row_conv:
            from ppocr.modeling.row_conv import enable_row_shortcut

            enable_row_shortcut(self.model)

    @property
    def student(self):
        """The sub-model to save with plain keys and to export (None for a plain model)."""
        return getattr(self.model, "student", None)

    def data(self, mode: str, num_workers: int | None = None):
        from ppocr.data.loader import build_data

        return build_data(self.cfg, mode, self.rank, self.world_size, self.inputs.provided,
                          self.inputs.defaults, num_workers=num_workers, settings=self.settings)

    def postprocess(self):
        return build_postprocess(self.cfg, self.inputs)

    def metric(self):
        return build_metric(self.cfg, self.inputs)



# -- checking without building ----------------------------------------------------------------
def _check_component(registry, node: Any, where: str, optional: bool = False,
                     builder_args: tuple = ("charset",)) -> None:
    if node is None and optional:
        return
    if not isinstance(node, dict) or "name" not in node:
        raise ConfigError(f"{where}: expected a mapping with 'name' (one of {', '.join(registry.names())})")
    accepted = _accepted(registry, node["name"], where)
    registry.check(node["name"], {k: v for k, v in node.items() if k != "name"}, where,
                   provided=[a for a in builder_args if a in accepted])


def _accepted(registry, name: str, where: str) -> list[str]:
    from ppocr.registry import accepted_args

    return accepted_args(registry.get(name, where))[0]


def _check_base_model(sub: dict, where: str) -> None:
    args = {k: v for k, v in sub.items()
            if k not in ("name", "pretrained", "freeze_params", "allow_mismatch")}
    ARCHITECTURES.check("BaseModel", args, where, provided=("where", "charset"))
    backbone = dict(sub.get("Backbone") or {})
    _check_component(BACKBONES, backbone, f"{where}.Backbone", builder_args=("charset", "model_type"))
    _check_component(NECKS, sub.get("Neck"), f"{where}.Neck", optional=True,
                     builder_args=("in_channels", "charset"))
    _check_component(HEADS, sub.get("Head"), f"{where}.Head", builder_args=("in_channels", "charset"))


def _check_transforms(items: Any, where: str) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        raise ConfigError(f"{where}: expected a list of transforms")
    for i, item in enumerate(items):
        if isinstance(item, str):
            item = {item: None}
        if not isinstance(item, dict) or len(item) != 1:
            raise ConfigError(f"{where}[{i}]: each transform is a single-key mapping, got {item!r}")
        (name, args), = item.items()
        TRANSFORMS.check(name, dict(args or {}), f"{where}[{i}].{name}",
                         provided=("charset",) if "charset" in _accepted(TRANSFORMS, name, where) else ())


def check_config(cfg: dict) -> None:
    """Validate every section's component names and keys (no model is built, no file is read).
    Errors are prefixed with the file that set the offending key."""
    try:
        _check_config(cfg)
    except ConfigError as e:
        raise ConfigError(with_source(cfg, str(e))) from None


def with_source(cfg: dict, message: str) -> str:
    """Prefix 'A.b[2].C: ...' with the file (or -o override) that set that key."""
    if not hasattr(cfg, "where") or message.startswith(getattr(cfg, "path", "\0")):
        return message
    head = message.split(":", 1)[0]
    keys = [int(k) if k.isdigit() else k for k in head.replace("[", ".").replace("]", "").split(".")]
    if not keys or keys[0] not in cfg:
        return f"{cfg.path}: {message}"
    # an unknown key names its own source (a derived config adding it to its base's mapping)
    named = re.search(r"unknown key '([^']+)'", message)
    if named and tuple(keys) + (named.group(1),) in getattr(cfg, "origins", {}):
        keys.append(named.group(1))
    source = cfg.where(*keys).split(": ", 1)[0]
    return f"{source}: {message}"


def _check_config(cfg: dict) -> None:
    import_components()
    from ppocr.data.loader import loader_options
    from ppocr.optimizer import check_optimizer
    from ppocr.registry import DATASETS

    model_type(cfg)
    arch = cfg["Architecture"]
    if arch.get("name", "BaseModel") == "BaseModel":
        _check_base_model(arch, "Architecture")
    else:
        ARCHITECTURES.check(arch["name"], {k: v for k, v in arch.items() if k != "name"}, "Architecture",
                            provided=("where", "charset"))
        for sub_name, sub in (arch.get("Models") or {}).items():
            if isinstance(sub, dict):
                sub = {"model_type": arch.get("model_type"), **sub}
                _check_base_model(sub, f"Architecture.Models.{sub_name}")
    for key, registry in (("Loss", LOSSES), ("PostProcess", POSTPROCESS), ("Metric", METRICS)):
        if cfg.get(key) is not None:
            _check_component(registry, cfg[key], key)
    if cfg.get("Optimizer") is not None:
        check_optimizer(cfg["Optimizer"])
    for mode in ("Train", "Eval"):
        section = cfg.get(mode)
        if section is None:
            continue
        if not isinstance(section, dict):
            raise ConfigError(f"{mode}: must be a mapping with dataset and loader")
        unknown = set(section) - {"dataset", "loader"}
        if unknown:
            raise ConfigError(f"{mode}: unknown key(s) {sorted(unknown)}; accepts dataset, loader")
        loader_options(section, mode)
        ds = dict(section.get("dataset") or {})
        _check_transforms(ds.pop("transforms", None), f"{mode}.dataset.transforms")
        if "name" not in ds:
            raise ConfigError(f"{mode}.dataset: missing 'name' (one of {', '.join(DATASETS.names())})")
        DATASETS.check(ds.pop("name"), ds, f"{mode}.dataset",
                       provided=("transforms", "seed", "where", "max_bad_ratio"))
