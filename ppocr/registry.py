"""One small registry class; one instance per component kind.

Components register with a decorator and are built from a config dict whose keys are the
constructor's arguments. Keys are checked against the signature before the call, so a typo is an
error that names the config path and the accepted keys instead of a ``TypeError`` deep inside.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable, Iterable
from typing import Any

from ppocr.errors import ConfigError
from ppocr.value_check import describe, matches, simple_type


def did_you_mean(name: str, choices: Iterable[str]) -> str:
    """Return " did you mean 'x'?" for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(name), list(choices), n=3, cutoff=0.5)
    if not close:
        return ""
    return " did you mean " + " or ".join(repr(c) for c in close) + "?"


def accepted_args(obj: Callable) -> tuple[list[str], list[str], bool]:
    """(all keyword names, required names, has **kwargs) of a class or function."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    params = list(inspect.signature(target).parameters.values())
    if inspect.isclass(obj) and params and params[0].name == "self":
        params = params[1:]
    names, required, var_kw = [], [], False
    for p in params:
        if p.kind is p.VAR_KEYWORD:
            var_kw = True
        elif p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            names.append(p.name)
            if p.default is p.empty:
                required.append(p.name)
    return names, required, var_kw


def arg_types(obj: Callable) -> dict[str, Any]:
    """Keyword name -> simple annotation (see :mod:`ppocr.value_check`); unannotated or complex
    annotations are left out (not checked)."""
    target = obj.__init__ if inspect.isclass(obj) else obj
    out = {}
    for p in inspect.signature(target).parameters.values():
        tp = simple_type(None if p.annotation is p.empty else p.annotation)
        if tp is not None and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            out[p.name] = tp
    return out


def check_value(value: Any, tp: Any, where: str) -> None:
    """Raise ``'<where> expects an integer, got 'ten''`` unless ``value`` matches ``tp``."""
    if not matches(value, tp):
        raise ConfigError(f"{where} expects {describe(tp)}, got {value!r}")


class Registry:
    """Name -> class (or factory) table for one kind of component."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, Callable] = {}
        self._ignored: dict[str, tuple[str, ...]] = {}

    def register(self, obj: Callable | None = None, *, name: str | None = None,
                 aliases: Iterable[str] = (), ignored_keys: Iterable[str] = ()):
        """Decorator. ``ignored_keys`` are PaddleOCR config keys accepted and dropped with a warning."""

        def deco(o: Callable) -> Callable:
            for n in (name or o.__name__, *aliases):
                if n in self._items:
                    raise KeyError(f"{self.kind}: '{n}' is registered twice")
                self._items[n] = o
                self._ignored[n] = tuple(ignored_keys)
            return o

        return deco(obj) if obj is not None else deco

    def __contains__(self, name: str) -> bool:
        return name in self._items

    def names(self) -> list[str]:
        return sorted(self._items)

    def get(self, name: str, key_path: str = "") -> Callable:
        if name not in self._items:
            at = f"{key_path}: " if key_path else ""
            raise ConfigError(
                f"{at}unknown {self.kind} '{name}';{did_you_mean(name, self._items)} "
                f"known: {', '.join(self.names())}")
        return self._items[name]

    def check(self, name: str, kwargs: dict[str, Any], key_path: str,
              provided: Iterable[str] = ()) -> dict[str, Any]:
        """Validate ``kwargs`` for component ``name``; return them minus ignored keys.

        ``provided`` are arguments the builder passes itself (channel counts, the charset); they
        must not come from the config and are not reported missing.
        """
        cls = self.get(name, key_path)
        names, required, var_kw = accepted_args(cls)
        types = arg_types(cls)
        provided = set(provided)
        kept = {}
        for key, value in kwargs.items():
            if key in self._ignored.get(name, ()):
                warn_ignored(f"{key_path}.{key}", f"{name} does not use it")
                continue
            if key in provided:
                raise ConfigError(f"{key_path}: {name} key '{key}' is derived from the model and "
                                  f"must not be set in the config")
            if key not in names and not var_kw:
                settable = [n for n in names if n not in provided]
                raise ConfigError(
                    f"{key_path}: {name} got unknown key '{key}';{did_you_mean(key, settable)} "
                    f"accepts: {', '.join(settable) or '(no keys)'}")
            if key in types:  # the full path first, so the error names the file or -o that set it
                check_value(value, types[key], f"{key_path}.{key}: {name} {key}")
            kept[key] = value
        missing = [r for r in required if r not in kept and r not in provided]
        if missing:
            raise ConfigError(f"{key_path}: {name} is missing required key(s): {', '.join(missing)}")
        return kept

    def build(self, cfg: dict[str, Any] | None, key_path: str, defaults: dict | None = None,
              **provided: Any) -> Any:
        """Build from ``{name: X, **args}``. ``provided`` are builder-supplied arguments the config
        must not set (channel counts, the charset); ``defaults`` are Global values a component
        receives unless its own config sets them (``max_text_length``, ``label_list``)."""
        if not isinstance(cfg, dict) or "name" not in cfg:
            raise ConfigError(f"{key_path}: expected a mapping with a 'name' key "
                              f"(one of: {', '.join(self.names())}), got {cfg!r}")
        args = {k: v for k, v in cfg.items() if k != "name"}
        return self.build_named(cfg["name"], args, key_path, defaults, **provided)

    def build_named(self, name: str, args: dict[str, Any] | None, key_path: str,
                    defaults: dict | None = None, **provided: Any):
        kept = self.check(name, dict(args or {}), key_path, provided=provided)
        cls = self.get(name, key_path)
        names, _, var_kw = accepted_args(cls)
        extra = {k: v for k, v in provided.items() if k in names or var_kw}
        for k, v in (defaults or {}).items():
            if k in names and k not in kept and v is not None:
                extra[k] = v
        return cls(**kept, **extra)


_WARNED: set[str] = set()


def warn_ignored(path: str, why: str) -> None:
    """Warn once per process that the config key at ``path`` is accepted but not used."""
    from ppocr.utils.logging import get_logger

    if path not in _WARNED:
        _WARNED.add(path)
        get_logger().warning(f"ignoring {path}: {why} (accepted for PaddleOCR compatibility)")


BACKBONES = Registry("backbone")
NECKS = Registry("neck")
HEADS = Registry("head")
ARCHITECTURES = Registry("architecture")
LOSSES = Registry("loss")
TRANSFORMS = Registry("transform")
DATASETS = Registry("dataset")
POSTPROCESS = Registry("postprocess")
METRICS = Registry("metric")
OPTIMIZERS = Registry("optimizer")
LR_SCHEDULERS = Registry("lr scheduler")
