"""Check config values against simple type annotations (``int``, ``float``, ``str | None``, ``list[int]``).

Used for the Global schema and for component arguments (their constructor annotations). Only simple
forms are checked: ``bool int float str``, ``None``, ``list tuple dict`` (bare or parametrised),
unions and ``Literal``; anything else (``Charset``, ``Callable``, an unknown name) is not checked.
Values come from YAML, so a list stands for a tuple too; an int is accepted for a float, a bool is
not accepted for a number.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

_NAMES = {"bool": bool, "int": int, "float": float, "str": str, "list": list, "tuple": tuple,
          "dict": dict, "None": None, "Any": Any, "Literal": Literal, "Optional": typing.Optional,
          "Union": typing.Union}
_SIMPLE = (bool, int, float, str, list, tuple, dict, type(None))
_UNCHECKED = object()  # marker: the annotation is not a simple form


def simple_type(annotation: Any) -> Any:
    """The annotation as a type form, or None when it is absent or not simple (not checked)."""
    if annotation is None or annotation is Any:
        return None
    if isinstance(annotation, str):
        try:  # only the names above resolve; 'Charset' or 'nn.Layer' raise and are not checked
            annotation = eval(annotation, {"__builtins__": {}}, dict(_NAMES))
        except Exception:
            return None
    if annotation is None:
        annotation = type(None)
    if annotation is Any:
        return None
    return annotation if _is_simple(annotation) else None


def _is_simple(tp: Any) -> bool:
    if tp is Any or tp in _SIMPLE:
        return True
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return True
    if origin in (typing.Union, types.UnionType, list, tuple, dict):
        return all(a is Ellipsis or _is_simple(a) for a in args)
    return False


def matches(value: Any, tp: Any) -> bool:
    if tp is Any:
        return True
    if tp is type(None):
        return value is None
    if tp is bool:
        return isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp in (str, dict):
        return isinstance(value, tp)
    if tp in (list, tuple):
        return isinstance(value, (list, tuple))
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return any(matches(value, a) for a in args)
    if origin is Literal:
        return value in args and type(value) in {type(a) for a in args}
    if origin is dict:
        return isinstance(value, dict) and all(matches(k, args[0]) and matches(v, args[1])
                                               for k, v in value.items())
    if origin in (list, tuple):
        if not isinstance(value, (list, tuple)):
            return False
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return len(value) == len(args) and all(matches(v, a) for v, a in zip(value, args))
        return all(matches(v, args[0]) for v in value)
    return True


_ONE = {bool: "true or false", int: "an integer", float: "a number", str: "a string",
        type(None): "null", list: "a list", tuple: "a list", dict: "a mapping", Any: "anything"}
_MANY = {bool: "true/false values", int: "integers", float: "numbers", str: "strings",
         type(None): "nulls", list: "lists", tuple: "lists", dict: "mappings"}


def describe(tp: Any) -> str:
    """'an integer', 'a list of integers', 'a string or null', "one of 'O1', 'O2'"."""
    if tp in _ONE:
        return _ONE[tp]
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        parts = [describe(a) for a in sorted(args, key=lambda a: a is type(None))]
        return " or ".join(dict.fromkeys(parts))
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin is dict:
        return "a mapping"
    if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        return "[" + ", ".join(describe(a).removeprefix("an ").removeprefix("a ") for a in args) + "]"
    if origin in (list, tuple):
        return f"a list of {_MANY.get(args[0], '(' + describe(args[0]) + ')')}"
    return str(tp)
