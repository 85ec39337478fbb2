"""Read Paddle's ``.pdparams`` / ``.pdopt`` pickles without running code hidden in them.

``paddle.load`` unpickles with the stock unpickler, so a checkpoint whose pickle names
``os.system`` (or ``builtins.eval``) runs it. A checkpoint only ever holds containers, numbers,
strings and numpy arrays, so :class:`SafeUnpickler` resolves only the globals those need (the
allow-list below, each with the reason it is there) and refuses any other with one line naming
the file and the global. Everything else a pickle can build (dict, list, tuple, str, bytes, int,
float, bool, None, set in protocol 4) comes from opcodes that call no code.

:func:`load_pickle` returns what ``paddle.load(path, return_numpy=True)`` returns for a state dict:
numpy arrays (Paddle 2.1's ``(name, array)`` tensor tuples become the array, big arrays that
protocol 2/3 split into slices are joined, the ``StructuredToParameterName@@`` name table is
dropped). Turning arrays into paddle Tensors, where a consumer needs them, is the caller's job.
"""

from __future__ import annotations

import _compat_pickle
import collections
import pickle

import numpy as np

try:  # numpy >= 2; pickles written under numpy 1 name numpy.core.multiarray
    from numpy._core import multiarray as _multiarray
except ImportError:  # pragma: no cover - numpy 1
    from numpy.core import multiarray as _multiarray

REFUSED = "a checkpoint may only hold arrays, numbers, strings and containers"
NAME_TABLE = "StructuredToParameterName@@"   # paddle.save's parameter-name table (dropped, as paddle does)
BIG_PARAMS = "UnpackBigParamInfor@@"         # protocol 2/3: arrays over 1 GiB saved as slices  # typos: disable-line


class UnsafeCheckpoint(pickle.UnpicklingError):
    """A pickle names a global outside the allow-list, or feeds an allowed one bad arguments."""


def _dtype(*args):
    """numpy.dtype, refusing object dtypes: an object array's items would be arbitrary pickles."""
    dt = np.dtype(*args)
    if dt.hasobject:
        raise UnsafeCheckpoint(f"object dtype {dt}")
    return dt


def _reconstruct(cls, *args):
    """ndarray.__reduce__'s factory; only ever rebuilds a plain ndarray (its data follows in BUILD)."""
    if cls is not np.ndarray:
        raise UnsafeCheckpoint(f"_reconstruct of {cls!r}")
    return _multiarray._reconstruct(cls, *args)


def _scalar(dtype, *args):
    """A numpy scalar (np.float32(0.1) in an LR state) from its dtype and raw bytes."""
    if not isinstance(dtype, np.dtype) or dtype.hasobject:
        raise UnsafeCheckpoint(f"scalar of dtype {dtype!r}")
    return _multiarray.scalar(dtype, *args)


def _encode(text, encoding="utf-8", *rest):
    """Protocol 2 stores bytes as ``_codecs.encode(latin-1 text, 'latin1')``; no other codec."""
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1") or rest:
        raise UnsafeCheckpoint(f"_codecs.encode(..., {encoding!r})")
    return text.encode("latin-1")


# (module, name) -> what it resolves to, and why it may appear in a checkpoint.
ALLOWED = {
    # numpy arrays: ndarray.__reduce__ = (_reconstruct, (ndarray, (0,), b'b'), state); the state
    # holds a dtype, which pickles as numpy.dtype(str, align, copy). numpy 1 wrote numpy.core.*,
    # numpy 2 writes numpy._core.* (PaddleOCR checkpoints come from both).
    ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): _dtype,
    # numpy scalars (e.g. a learning rate kept as np.float64 in an LR scheduler state)
    ("numpy._core.multiarray", "scalar"): _scalar,
    ("numpy.core.multiarray", "scalar"): _scalar,
    # a state dict saved as an OrderedDict (Layer.state_dict() in older Paddle)
    ("collections", "OrderedDict"): collections.OrderedDict,
    # paddle.save of a nested dict (our AMP .pdopt: {"optimizer": ..., "scaler": ...}) reduces each
    # Tensor to tuple((name, array)); protocol 2 builds sets through set()/frozenset()
    ("builtins", "tuple"): tuple,
    ("builtins", "set"): set,
    ("builtins", "frozenset"): frozenset,
    # protocol 2 bytes (numpy's raw array data among them)
    ("_codecs", "encode"): _encode,
}


class SafeUnpickler(pickle.Unpickler):
    """An unpickler that resolves only :data:`ALLOWED` globals; ``what`` names the file in errors."""

    def __init__(self, file, what: str):
        super().__init__(file, encoding="latin1")  # as paddle.load: Python 2 str -> latin-1
        self.what = what
        head = file.peek(2)[:2] if hasattr(file, "peek") else b""
        self.protocol = head[1] if head[:1] == pickle.PROTO else 0  # what `proto` is to pickle.py

    def find_class(self, module: str, name: str):
        if self.protocol < 3:  # Python 2 names (protocol 2 writes __builtin__.set), as pickle maps them
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
        try:
            return ALLOWED[(module, name)]
        except KeyError:
            raise UnsafeCheckpoint(f"{self.what}: refused to load '{module}.{name}' ({REFUSED})") from None

    def persistent_load(self, pid):
        raise UnsafeCheckpoint(f"{self.what}: refused a persistent reference ({REFUSED})")


def load_pickle(path: str):
    """Unpickle ``path`` with :class:`SafeUnpickler` and normalise it as ``paddle.load(...,
    return_numpy=True)`` does. Raises :class:`UnsafeCheckpoint` for a refused global; other pickle
    errors (truncated, not a pickle) propagate unchanged."""
    with open(path, "rb") as f:
        try:
            obj = SafeUnpickler(f, path).load()
        except UnsafeCheckpoint as e:
            if str(e).startswith(f"{path}: "):
                raise
            raise UnsafeCheckpoint(f"{path}: refused {e} ({REFUSED})") from None
    return _normalise(_join_big_params(obj))


def _join_big_params(obj):
    if isinstance(obj, dict) and BIG_PARAMS in obj:
        for key, info in obj.pop(BIG_PARAMS).items():
            obj[key] = np.concatenate([obj.pop(part) for part in info["slices"]]).reshape(info["OriginShape"])
    return obj


def _normalise(obj, top: bool = True):
    """(name, array) tensor tuples -> array, recursively; the top-level name table dropped."""
    if isinstance(obj, tuple) and len(obj) == 2 and isinstance(obj[0], str) and isinstance(obj[1], np.ndarray):
        return obj[1]
    if isinstance(obj, dict):
        out = type(obj)((k, _normalise(v, False)) for k, v in obj.items() if not (top and k == NAME_TABLE))
        return out
    if isinstance(obj, list):
        return [_normalise(v, False) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_normalise(v, False) for v in obj)
    return obj
