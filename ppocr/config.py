"""Config files: safe YAML, one level of ``base:`` inheritance, ``-o`` overrides, Global schema.

A config is a plain nested dict in PaddleOCR's layout (``Global, Architecture, Loss, Optimizer,
PostProcess, Metric, Train, Eval``). :class:`Config` adds where each key came from, so errors can
name the file. Component sections are validated against their constructors by
:func:`ppocr.engine.builder.check_config`; this module checks the file, the sections and Global.
"""

from __future__ import annotations

import copy
import os
from typing import Any

import yaml

from ppocr.errors import ConfigError
from ppocr.registry import did_you_mean, warn_ignored

SECTIONS = ("Global", "Architecture", "Loss", "Optimizer", "PostProcess", "Metric", "Train", "Eval")
# Top-level keys PaddleOCR configs carry that we accept and ignore (with one warning).
IGNORED_SECTIONS = {"profiler_options": "profiling is done with bench/ and paddle.profiler"}

# Every Global key we use, with its default.
GLOBAL_DEFAULTS: dict[str, Any] = {
    "use_gpu": True,               # use a GPU when Paddle has one; CPU otherwise (with a warning)
    "epoch_num": 1,                # training length in epochs ...
    "max_iters": 0,                # ... or in iterations when > 0 (then it wins)
    "log_smooth_window": 20,       # moving-average window of the logged losses
    "print_batch_step": 10,        # one console line every N iterations
    "save_model_dir": "./output",  # checkpoints, logs and the resolved config go here
    "save_epoch_step": 1,          # write iter_epoch_N every N epochs
    "save_latest_step": 0,         # also refresh `latest` every N iterations (0: at epoch ends)
    "eval_batch_step": [0, 1000],  # [start, every] iterations, or a bare `every`
    "eval_epoch_end": False,       # also evaluate at the end of every epoch
    "cal_metric_during_train": False,
    "pretrained_model": None,      # weights only (file, prefix or checkpoint directory)
    "allow_mismatch": [],          # glob patterns of parameters pretrained_model may not fill
    "checkpoints": None,           # resume everything from this checkpoint
    "save_inference_dir": None,    # tools/export_model.py default output
    "use_visualdl": False,
    "infer_img": None,             # tools/infer.py default input
    "save_res_path": None,         # tools/infer.py results file
    "label_list": None,            # classifier labels, e.g. ['0', '180']
    "character_dict_path": None,   # recognition dictionary
    "max_text_length": 25,
    "use_space_char": False,
    "seed": 1024,
    "use_amp": False,              # GPU only
    "amp_level": "O1",
    "amp_dtype": "float16",
    "scale_loss": 1024.0,
    "use_dynamic_loss_scaling": True,
    "amp_custom_black_list": [],
    "amp_custom_white_list": [],
    "max_bad_sample_ratio": 0.1,   # fail once more than this share of samples read is unusable
    "fast_row_conv": False,        # rec heads: 3x3 convs on 1-pixel rows use the middle kernel row
                                   # (same result up to float order; not bitwise PaddleOCR's)
}
# Global keys PaddleOCR configs carry that we accept and ignore, with the reason (one warning each).
GLOBAL_IGNORED = {
    "debug": "no debug mode",
    "infer_mode": "inference mode is chosen by the tool",
    "distributed": "distributed training is detected from paddle.distributed.launch",
    "d2s_train_image_shape": "training runs in dygraph; export takes its shape from the model",
}


class Config(dict):
    """The resolved config (a plain nested dict) plus the source of each key path."""

    def __init__(self, data: dict, path: str, origins: dict[tuple, str]):
        super().__init__(data)
        self.path = path
        self.origins = origins

    def where(self, *keys: Any) -> str:
        """'file.yml: A.b.c' for the file (or override) that set the deepest known prefix."""
        for n in range(len(keys), 0, -1):
            src = self.origins.get(tuple(keys[:n]))
            if src:
                return f"{src}: {'.'.join(str(k) for k in keys)}"
        return f"{self.path}: {'.'.join(str(k) for k in keys)}"

    def to_dict(self) -> dict:
        return copy.deepcopy(dict(self))

    def dump(self, path: str) -> None:
        from ppocr.utils.io import atomic_write_text

        atomic_write_text(path, yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True))


class _Loader(yaml.SafeLoader):
    """SafeLoader that warns about duplicate keys (YAML silently keeps the last one)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        line = key_node.start_mark.line + 1
        if key in seen:
            from ppocr.utils.logging import get_logger

            get_logger().warning(f"{loader.name}:{line}: duplicate key '{key}' (first at line "
                                 f"{seen[key]}); the later value wins")
        seen[key] = line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: str) -> dict:
    if not os.path.isfile(path):
        raise ConfigError(f"config file not found: {path}")
    with open(path, encoding="utf-8") as f:
        loader = _Loader(f)
        loader.name = path
        try:
            data = loader.get_single_data()
        except yaml.YAMLError as e:
            raise ConfigError(f"{path}: not valid YAML: {e}") from None
        finally:
            loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of sections, got {type(data).__name__}")
    return data


def _record(origins: dict, node: Any, prefix: tuple, src: str) -> None:
    origins[prefix] = src
    if isinstance(node, dict):
        for k, v in node.items():
            _record(origins, v, prefix + (k,), src)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _record(origins, v, prefix + (i,), src)


def _merge(base: Any, child: Any, origins: dict, prefix: tuple, src: str) -> Any:
    """Child wins; mappings merge key by key, everything else (lists included) is replaced."""
    if isinstance(base, dict) and isinstance(child, dict):
        out = dict(base)
        for k, v in child.items():
            out[k] = _merge(base.get(k), v, origins, prefix + (k,), src) if k in base else v
            if k not in base:
                _record(origins, v, prefix + (k,), src)
        return out
    _record(origins, child, prefix, src)
    return child


def load_config(path: str, overrides: list[str] | None = None) -> Config:
    """Read ``path`` (and its ``base:``), apply ``-o`` overrides, check sections and Global."""
    data = read_yaml(path)
    origins: dict[tuple, str] = {}
    base = data.pop("base", None)
    if base is not None:
        base_path = base if os.path.isabs(base) else os.path.join(os.path.dirname(path), base)
        base_data = read_yaml(base_path)
        if "base" in base_data:
            raise ConfigError(f"{base_path}: a base config cannot have its own 'base:' "
                              f"(one level of inheritance only; used by {path})")
        _record(origins, base_data, (), base_path)
        data = _merge(base_data, data, origins, (), path)
    else:
        _record(origins, data, (), path)
    cfg = Config(data, path, origins)
    for item in overrides or []:
        apply_override(cfg, item)
    check_sections(cfg)
    return cfg


def parse_override(item: str) -> tuple[list[str], Any]:
    if item.startswith("~"):  # -o ~A.b.c removes a key
        if "=" in item:
            raise ConfigError(f"-o {item}: '~Section.key' removes a key and takes no value")
        key, value = item[1:], None
    elif "=" not in item:
        raise ConfigError(f"-o {item}: expected Section.key=value (or ~Section.key to remove one)")
    else:
        key, value = item.split("=", 1)
    keys = [k for k in key.strip().split(".")]
    if not keys or any(not k for k in keys):
        raise ConfigError(f"-o {item}: empty key in '{key}'")
    try:
        parsed = yaml.safe_load(value) if value and value.strip() else None
    except yaml.YAMLError:
        parsed = value
    return keys, parsed


def apply_override(cfg: Config, item: str) -> None:
    """Set ``A.b.c=value``. The key must exist, except Global keys of the schema and arguments of a
    component (a mapping with ``name:`` or a transform's arguments), which validation checks later.
    In a list of single-key mappings (transforms, losses) a segment may name the item.
    ``~A.b.c`` removes an existing key or list item (e.g. ``label_file_list`` when switching a
    dataset to LMDBDataSet, or a transform)."""
    keys, value = parse_override(item)
    remove = item.startswith("~")
    node: Any = cfg
    path: list[Any] = []
    for i, k in enumerate(keys):
        last = i == len(keys) - 1
        if isinstance(node, list):
            idx = _list_index(node, k)
            if idx is None:
                raise ConfigError(f"-o {item}: {'.'.join(map(str, path))} has no item '{k}'"
                                  f"{_list_names_hint(node)}")
            if last:
                if remove:
                    del node[idx]
                    return
                node[idx] = value
                break
            path.append(idx)
            if isinstance(node[idx], dict) and len(node[idx]) == 1 and k in node[idx]:
                path.append(k)
                if node[idx][k] is None:
                    node[idx][k] = {}
                node = node[idx][k]
            else:
                node = node[idx]
            continue
        if not isinstance(node, dict):
            raise ConfigError(f"-o {item}: {'.'.join(map(str, path))} is a value, not a mapping")
        if k not in node:
            allowed = (len(path) == 1 and path[0] == "Global" and k in GLOBAL_DEFAULTS) or (
                last and _is_component_args(path))
            if not allowed or not last or remove:
                where = ".".join(map(str, path)) or "top level"
                raise ConfigError(f"-o {item}: {where} has no key '{k}';"
                                  f"{did_you_mean(k, [str(x) for x in node])} "
                                  f"keys: {', '.join(map(str, node)) or '(none)'}")
        if last:
            if remove:
                del node[k]
                return
            node[k] = value
        else:
            if node[k] is None:
                node[k] = {}
            node = node[k]
        path.append(k)
    _record(cfg.origins, value, tuple(path) if path else tuple(keys), f"-o {item}")


def _is_component_args(path: list[Any]) -> bool:
    return len(path) >= 2 and path[0] != "Global"


def _list_index(node: list, k: str) -> int | None:
    if k.lstrip("-").isdigit():
        i = int(k)
        return i if -len(node) <= i < len(node) else None
    hits = [i for i, it in enumerate(node) if isinstance(it, dict) and len(it) == 1 and k in it]
    return hits[0] if len(hits) == 1 else None


def _list_names_hint(node: list) -> str:
    names = [next(iter(it)) for it in node if isinstance(it, dict) and len(it) == 1]
    return f"; items: {', '.join(names)}" if names else f"; {len(node)} items"


def check_sections(cfg: Config) -> None:
    for key in list(cfg):
        if key in IGNORED_SECTIONS:
            warn_ignored(key, IGNORED_SECTIONS[key])
            cfg.pop(key)
        elif key not in SECTIONS:
            raise ConfigError(f"{cfg.where(key)}: unknown section;{did_you_mean(key, SECTIONS)} "
                              f"sections: {', '.join(SECTIONS)}")
    if "Global" not in cfg or cfg["Global"] is None:
        cfg["Global"] = {}
    if not isinstance(cfg["Global"], dict):
        raise ConfigError(f"{cfg.where('Global')}: must be a mapping")
    for key in list(cfg["Global"]):
        if key in GLOBAL_IGNORED:
            warn_ignored(f"Global.{key}", GLOBAL_IGNORED[key])
        elif key not in GLOBAL_DEFAULTS:
            raise ConfigError(
                f"{cfg.where('Global', key)}: unknown key;"
                f"{did_you_mean(key, GLOBAL_DEFAULTS)} known Global keys: {', '.join(GLOBAL_DEFAULTS)}")
    for key, default in GLOBAL_DEFAULTS.items():
        cfg["Global"].setdefault(key, copy.deepcopy(default))


def global_value(cfg: dict, key: str) -> Any:
    """Global.key with its schema default."""
    if key not in GLOBAL_DEFAULTS:
        raise KeyError(f"Global.{key} is not in the schema")
    return (cfg.get("Global") or {}).get(key, GLOBAL_DEFAULTS[key])
