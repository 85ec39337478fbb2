"""Checkpoints: atomic directories, JSON trainer state, honest weight loading.

A checkpoint directory holds ``model.pdparams``, ``model.pdopt``, ``state.json``, ``config.yml``,
for distillation models ``student.pdparams`` (the student with plain keys), and last ``COMPLETE``
(the names and sizes of the other files). A save writes ``<dir>.tmp`` and renames it into place,
the previous copy passing through ``<dir>.old``; resume and weight loading take, in this order,
``<dir>``, a complete ``<dir>.old``, a complete ``<dir>.tmp``, and never an incomplete copy. Weights can also
be given as a ``.pdparams`` file or a PaddleOCR prefix (``output/best_accuracy`` ->
``output/best_accuracy.pdparams``).
"""

from __future__ import annotations

import fnmatch
import json
import os
import pickle
import shutil
import warnings

import numpy as np
import paddle

from ppocr.errors import CheckpointError
from ppocr.utils.io import (
    MANIFEST,
    atomic_write_json,
    fsync_dir,
    is_marked_complete,
    mark_complete,
    replace_dir,
)
from ppocr.utils.logging import get_logger
from ppocr.utils.paths import is_url, url_error, where_looked
from ppocr.utils.safe_load import UnsafeCheckpoint, load_pickle

WEIGHTS = "model.pdparams"
OPTIMIZER = "model.pdopt"
STATE = "state.json"
CONFIG = "config.yml"
STUDENT = "student.pdparams"


NAME_TABLE = "StructuredToParameterName@@"  # paddle.save's entry: state-dict key -> parameter name


class _AsArray:
    """Pickles as the numpy copy of a tensor, made only while that entry is written."""

    def __init__(self, tensor):
        self.tensor = tensor

    def __reduce_ex__(self, protocol):
        return np.array(self.tensor.cpu()).__reduce_ex__(protocol)


def _holds_tensor(value) -> bool:
    if isinstance(value, paddle.Tensor):
        return True
    if isinstance(value, dict):
        return any(_holds_tensor(v) for v in value.values())
    return isinstance(value, (list, tuple)) and any(_holds_tensor(v) for v in value)


def save_state_dict(state: dict, path: str) -> None:
    """The file ``paddle.save(state, path)`` writes for a state dict (pickle protocol 4 of
    ``{key: ndarray, ..., NAME_TABLE: {key: name}}``, read by ``paddle.load`` and PaddleOCR), written
    one tensor at a time: paddle.save first copies the whole dict to numpy and pickles every array
    into a kept bytes copy, a transient of several times the file's size (a UDML checkpoint: +0.9 GB
    peak RSS over training's). A dict with tensors deeper down (AMP's master weights, a scaler's
    state) is left to paddle.save, whose file for it is another layout."""
    if any(_holds_tensor(v) for v in state.values() if not isinstance(v, paddle.Tensor)):
        paddle.save(state, path)
        return
    saved, names = {}, {}
    for key, value in state.items():
        if isinstance(value, paddle.Tensor):
            saved[key], names[key] = _AsArray(value), value.name
        else:
            saved[key] = value
    saved[NAME_TABLE] = names
    with open(path, "wb") as f:
        pickler = pickle.Pickler(f, protocol=4)
        pickler.fast = True  # no memo: each array's copies are freed once it is written
        pickler.dump(saved)


def save_checkpoint(directory: str, model, optimizer=None, state: dict | None = None, config=None,
                    student=None, scaler=None) -> str:
    """Write a complete checkpoint into ``<directory>.tmp`` and rename it into place."""
    directory = directory.rstrip("/")
    tmp = f"{directory}.tmp"
    _settle(directory)  # after this, removing the temp dir never removes the last complete copy
    if os.path.isdir(tmp):
        shutil.rmtree(tmp)
    os.makedirs(tmp)
    save_state_dict(model.state_dict(), os.path.join(tmp, WEIGHTS))
    if optimizer is not None:
        opt_state = optimizer.state_dict()
        if scaler is not None:
            opt_state = {"optimizer": opt_state, "scaler": scaler.state_dict()}
        save_state_dict(opt_state, os.path.join(tmp, OPTIMIZER))
    if student is not None:
        save_state_dict(student.state_dict(), os.path.join(tmp, STUDENT))
    if config is not None:
        config.dump(os.path.join(tmp, CONFIG))
    atomic_write_json(os.path.join(tmp, STATE), state or {})
    mark_complete(tmp)  # fsyncs every file, then writes COMPLETE last
    replace_dir(tmp, directory)
    return directory


def _copies(path: str) -> list[str]:
    """The places a checkpoint may be, in the order they are taken."""
    base = path.rstrip("/")
    return [base, base + ".old", base + ".tmp"]


def _complete(directory: str, primary: bool) -> bool:
    if is_marked_complete(directory):
        return True
    # A checkpoint written before COMPLETE existed has none. The primary directory only ever comes
    # from renaming a finished temp dir into place, so there model.pdparams + state.json (and no
    # COMPLETE, which would mean a half-deleted copy) count as complete. A leftover .old or .tmp
    # without a matching COMPLETE may be half written or half removed: never taken.
    return (primary and not os.path.exists(os.path.join(directory, MANIFEST))
            and all(os.path.isfile(os.path.join(directory, n)) for n in (WEIGHTS, STATE)))


def complete_copy(path: str) -> str | None:
    """``path`` if complete, else its complete ``.old``, else its complete ``.tmp``, else None."""
    for i, d in enumerate(_copies(path)):
        if os.path.isdir(d) and _complete(d, primary=i == 0):
            return d
    return None


def _took(path: str, copy: str, what: str) -> None:
    if copy != path.rstrip("/"):
        get_logger().warning(f"{path} is missing or incomplete; {what} {copy}, the complete copy an "
                             f"interrupted save left")


def _settle(directory: str) -> None:
    """When the only complete copy is the ``.old`` or ``.tmp`` an interrupted save left, move it to
    ``directory`` (replacing an incomplete one), so the save that follows can reuse the temp dir."""
    found = complete_copy(directory)
    if found is None or found == directory:
        return
    if os.path.isdir(directory):
        shutil.rmtree(directory)  # incomplete; `found` stays whole meanwhile
    os.replace(found, directory)
    fsync_dir(os.path.dirname(os.path.abspath(directory)))


def weights_file(path: str, prefer_student: bool = False) -> str:
    """The ``.pdparams`` file behind a checkpoint directory, a file, or a PaddleOCR prefix."""
    if not path:
        raise CheckpointError("no weights path given")
    candidates = []
    if any(os.path.isdir(d) for d in _copies(path)):
        d = complete_copy(path)
        if d is None and os.path.isdir(path):
            d = path  # a folder of bare weights (no state.json): taken as it is
        if d is not None:
            _took(path, d, "loading weights from")
            names = [STUDENT, WEIGHTS] if prefer_student else [WEIGHTS]
            candidates += [os.path.join(d, n) for n in names]
    candidates += [path, path + ".pdparams"]
    for c in candidates:
        if os.path.isfile(c):
            return c
    raise CheckpointError(f"weights not found: {path} (looked for {', '.join(dict.fromkeys(candidates))})"
                          f"{where_looked(path)}")


def read_weights(path: str) -> dict[str, np.ndarray]:
    """Load a state dict as numpy arrays without running code from the file (see
    ``ppocr.utils.safe_load``); a corrupt or unsafe file is a CheckpointError naming it."""
    raw = _read_pickle(path, "weights")
    if not isinstance(raw, dict):
        raise CheckpointError(f"{path}: expected a state dict, got {type(raw).__name__}")
    return {k: np.asarray(v) for k, v in raw.items()}


def _read_pickle(path: str, what: str):
    try:
        return load_pickle(path)
    except UnsafeCheckpoint as e:
        raise CheckpointError(str(e)) from None
    except Exception as e:  # pickle, EOF, zip errors all mean the same to the user
        raise CheckpointError(f"{path}: cannot read {what} ({type(e).__name__}: {e})") from None


def _shape(a) -> str:
    return "x".join(str(d) for d in a.shape) or "scalar"


def _strip_prefix(model_keys: set[str], file_sd: dict) -> tuple[dict, str | None]:
    """A distillation checkpoint loaded into a plain model: take the ``Student.`` (or best-matching)
    sub-model's weights, so nobody strips prefixes by hand."""
    if model_keys & set(file_sd):
        return file_sd, None
    prefixes = {k.split(".", 1)[0] for k in file_sd if "." in k}
    best, best_hits = None, 0
    for p in sorted(prefixes, key=lambda p: (p != "Student", p)):
        hits = sum(1 for k in file_sd if k.startswith(p + ".") and k[len(p) + 1:] in model_keys)
        if hits > best_hits:
            best, best_hits = p, hits
    if best is None:
        return file_sd, None
    n = len(best) + 1
    return {k[n:]: v for k, v in file_sd.items() if k.startswith(best + ".")}, best


def load_weights(model, path: str, allow_mismatch: list[str] | tuple = (), what: str = "weights",
                 prefer_student: bool = False) -> dict:
    """Load weights strictly. Keys matching an ``allow_mismatch`` glob may be missing from the file,
    differ in shape (then they keep their fresh initialisation) or be unused; anything else that
    does not fit is a CheckpointError. Logs one summary line; returns the summary."""
    if is_url(path):
        raise CheckpointError(url_error(path, what))
    file = weights_file(path, prefer_student)
    file_sd = read_weights(file)
    model_sd = model.state_dict()
    file_sd, prefix = _strip_prefix(set(model_sd), file_sd)
    not_in_release = _missing_ok(file)

    def allowed(key: str, patterns=tuple(allow_mismatch)) -> bool:
        return any(fnmatch.fnmatchcase(key, pat) for pat in patterns)

    loaded, reinit, problems = {}, [], []
    released_out: dict[str, int] = {}
    for key, param in model_sd.items():
        if key not in file_sd:
            pattern = next((p for p in not_in_release if fnmatch.fnmatchcase(key, p)), None)
            if pattern:
                released_out[pattern] = released_out.get(pattern, 0) + 1
            else:
                (reinit if allowed(key) else problems).append(f"{key} (missing in file)")
            continue
        value = file_sd[key]
        if tuple(value.shape) != tuple(param.shape):
            msg = f"{key} (file {_shape(value)}, model {_shape(param)})"
            (reinit if allowed(key) else problems).append(msg)
            continue
        loaded[key] = value.astype(str(param.dtype).replace("paddle.", ""), copy=False)
    unused = [k for k in file_sd if k not in model_sd]
    problems += [f"{k} (in file, not in model)" for k in unused if not allowed(k)]
    if problems:
        raise CheckpointError(
            f"{what} {file} does not fit the model: {len(problems)} problem(s): "
            f"{'; '.join(problems[:8])}{' ...' if len(problems) > 8 else ''}. Allow named "
            f"mismatches with Global.allow_mismatch (glob patterns, e.g. ['head.*'])")
    with warnings.catch_warnings():  # paddle warns per key left out; our summary says it once
        warnings.simplefilter("ignore")
        model.set_state_dict(loaded)
    reinit = [f"{p} ({n} tensors, not in the release: training only)" for p, n in released_out.items()] + reinit
    summary = {"file": file, "loaded": len(loaded), "total": len(model_sd), "reinitialised": reinit,
               "unused": unused, "prefix": prefix}
    line = f"{what} {file}: loaded {len(loaded)}/{len(model_sd)}"
    if prefix:
        line += f" (from the '{prefix}.' sub-model)"
    if reinit:
        line += f"; re-initialised (allowed): {', '.join(reinit[:10])}{' ...' if len(reinit) > 10 else ''}"
    if unused:
        line += f"; unused from file: {', '.join(unused[:10])}{' ...' if len(unused) > 10 else ''}"
    get_logger().info(line)
    return summary


def _missing_ok(weights_file: str) -> tuple[str, ...]:
    """Patterns a checkpoint declares absent on purpose (state.json ``missing_ok``): the training-only
    parameters of a released inference model, imported by `make pretrained`."""
    state_path = os.path.join(os.path.dirname(weights_file), STATE)
    if os.path.basename(weights_file) != WEIGHTS or not os.path.isfile(state_path):
        return ()
    return tuple(read_state(os.path.dirname(weights_file)).get("missing_ok", ()))


def read_state(directory: str) -> dict:
    path = os.path.join(directory, STATE)
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise CheckpointError(f"{directory}: not a checkpoint directory (no {STATE})") from None
    except json.JSONDecodeError as e:
        raise CheckpointError(f"{path}: corrupt trainer state ({e})") from None


def resolve_checkpoint_dir(path: str) -> str:
    """``Global.checkpoints`` must be a complete checkpoint directory: ``path``, else the complete
    ``.old`` or ``.tmp`` copy an interrupted save left (one warning line names it)."""
    d = complete_copy(path)
    if d is not None:
        _took(path, d, "resuming from")
        return d
    partial = [c for c in _copies(path) if os.path.isdir(c)]
    if partial:
        raise CheckpointError(f"{path}: no complete checkpoint to resume from (incomplete: "
                              f"{', '.join(partial)}: no {MANIFEST} matching its files, or no {WEIGHTS} "
                              f"+ {STATE})")
    if os.path.isfile(path) or os.path.isfile(path + ".pdparams"):
        raise CheckpointError(f"{path}: to resume, Global.checkpoints needs a checkpoint directory "
                              f"written by this framework; load bare weights with Global.pretrained_model")
    raise CheckpointError(f"checkpoint not found: {path}{where_looked(path)}")


def load_optimizer(optimizer, directory: str, scaler=None) -> None:
    path = os.path.join(directory, OPTIMIZER)
    if not os.path.isfile(path):
        raise CheckpointError(f"{directory}: no {OPTIMIZER} to resume the optimizer from")
    state = _to_tensors(_read_pickle(path, "optimizer state"))
    if isinstance(state, dict) and "optimizer" in state and "scaler" in state:
        if scaler is not None:
            scaler.load_state_dict(state["scaler"])
        state = state["optimizer"]
    optimizer.set_state_dict(state)


def _to_tensors(obj):
    """Arrays -> paddle Tensors, recursively: what ``paddle.load`` hands ``set_state_dict``."""
    if isinstance(obj, np.ndarray):
        return paddle.to_tensor(obj)
    if isinstance(obj, dict):
        return {k: _to_tensors(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_tensors(v) for v in obj)
    return obj
