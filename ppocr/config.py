"""Config files: safe YAML, one level of ``base:`` inheritance, ``-o`` overrides, ``version:``.

A config is a plain nested dict in PaddleOCR's layout (``Global, Architecture, Loss, Optimizer,
PostProcess, Metric, Train, Eval``). :class:`Config` adds where each key came from, so errors can
name the file. Component sections are validated against their constructors by
:func:`ppocr.engine.builder.check_config`; this module checks the file and the sections, and
Global against its typed schema (:mod:`ppocr.settings`, re-exported here: ``settings(cfg)``).
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

import yaml

from ppocr.errors import ConfigError
from ppocr.registry import did_you_mean, warn_ignored
from ppocr.settings import GLOBAL_DEFAULTS, GLOBAL_IGNORED, Settings, check_global, settings  # noqa: F401
from ppocr.utils.logging import get_logger
from ppocr.utils.paths import packaged_config

SECTIONS = ("Global", "Architecture", "Loss", "Optimizer", "PostProcess", "Metric", "Train", "Eval")
# Top-level keys PaddleOCR configs carry that we accept and ignore (with one warning).
IGNORED_SECTIONS = {"profiler_options": "profiling is done with bench/ and paddle.profiler"}

# A config's format version (top-level ``version:``); PaddleOCR's files have none and read as 1.
VERSIONS = (1,)


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
# YAML 1.2 floats: PyYAML (YAML 1.1) reads 1e-3 (no dot) as a string, so learning_rate: 1e-3 would
# not be a number
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"),
                              list("-+0123456789"))


def _yaml_problem(e: yaml.YAMLError, lines: bool = True) -> str:
    """One line: the problem and where (PyYAML's own message spans several lines)."""
    mark = getattr(e, "problem_mark", None)
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    if not mark:
        return problem
    return f"{problem} at {f'line {mark.line + 1}, ' if lines else ''}column {mark.column + 1}"


def read_yaml(path: str) -> dict:
    if not os.path.isfile(path):
        raise ConfigError(f"config file not found: {path}")
    with open(path, encoding="utf-8") as f:
        loader = _Loader(f)
        loader.name = path
        try:
            data = loader.get_single_data()
        except yaml.YAMLError as e:
            raise ConfigError(f"{path}: not valid YAML: {_yaml_problem(e)}") from None
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
    """Read ``path`` (and its ``base:``), apply ``-o`` overrides, check sections and Global. A
    relative ``path`` that is not a file here but one of the configs shipped with ppocr
    (``configs/det/...``) is read from the package, with one log line."""
    packaged = packaged_config(path)
    if packaged:
        get_logger().info(f"{path}: not under {os.getcwd()}; using the copy shipped with ppocr: {packaged}")
        path = packaged
    data = read_yaml(path)
    if "version" in data:
        check_version(data["version"], f"{path}: version")
    origins: dict[tuple, str] = {}
    base = data.pop("base", None)
    if base is not None:
        base_path = base if os.path.isabs(base) else os.path.join(os.path.dirname(path), base)
        base_data = read_yaml(base_path)
        if "version" in base_data:
            check_version(base_data["version"], f"{base_path}: version")
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
        parsed = yaml.load(value, Loader=_Loader) if value and value.strip() else None
    except yaml.YAMLError as e:
        raise ConfigError(f"-o {item}: the value is not valid YAML ({_yaml_problem(e, lines=False)}); "
                          f"quote a string that holds YAML syntax") from None
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
        elif key == "version":
            check_version(cfg["version"], cfg.where("version"))
        elif key not in SECTIONS:
            raise ConfigError(f"{cfg.where(key)}: unknown section;{did_you_mean(key, SECTIONS)} "
                              f"sections: version, {', '.join(SECTIONS)}")
    if "Global" not in cfg or cfg["Global"] is None:
        cfg["Global"] = {}
    if not isinstance(cfg["Global"], dict):
        raise ConfigError(f"{cfg.where('Global')}: must be a mapping")
    check_global(cfg)


def check_version(value: Any, where: str) -> None:
    if isinstance(value, bool) or value not in VERSIONS:
        raise ConfigError(f"{where}: unknown config version {value!r}; this ppocr reads version "
                          f"{', '.join(map(str, VERSIONS))} (or none, as PaddleOCR's files)")
