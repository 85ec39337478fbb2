"""Replay a golden training trajectory of PaddleOCR 2.7 and compare it step by step.

The protocol is ``../shared/reference/golden/trajectories/README.md``: every state-dict tensor starts
from a formula of its key, dropout is switched off, fixed batches are fed for a few iterations with
10 iterations per epoch, and after each iteration the losses, the lr and (sum, abs_sum, sum_sq) of
every state-dict tensor are compared with PaddleOCR's own figures.

The run is assembled by the same code as ``tools/train.py`` (:class:`ppocr.engine.builder.Session`,
:func:`ppocr.engine.run.build_training`) and every iteration is :meth:`Trainer.run_step`; this module
adds only the starting point, the batches and the comparison (:mod:`ppocr.engine.replay_compare`).
"""

from __future__ import annotations

import json
import os
import zlib
from dataclasses import dataclass, field

import numpy as np
import paddle
from paddle import nn
from paddle.nn.layer.rnn import RNNBase

from ppocr.config import settings
from ppocr.engine.builder import Session
from ppocr.engine.distributed import unwrap
from ppocr.engine.replay_compare import (
    LR_TOL,
    StepReport,
    Tolerances,
    compare_eval,
    compare_losses,
    compare_stats,
    rel_diff,
)
from ppocr.engine.run import build_training, run_length, seed_everything
from ppocr.engine.trainer import Schedule, Trainer, TrainState
from ppocr.errors import ConfigError

STEPS_PER_EPOCH = 10  # the protocol's, when a trajectory file does not give its own
NORM_LAYERS = (nn.BatchNorm, nn.BatchNorm1D, nn.BatchNorm2D, nn.BatchNorm3D, nn.LayerNorm, nn.GroupNorm,
               nn.InstanceNorm1D, nn.InstanceNorm2D, nn.InstanceNorm3D, nn.SyncBatchNorm)
# Where a trajectory's `config` field (and the CTC configs' dictionary ppocr_keys_v1.txt) is looked
# up: the reference folder two levels above the trajectory file (shared/reference/golden/
# trajectories), then ../shared/reference beside this checkout.
REFERENCE_ROOT = os.path.join("..", "..")
CHECKOUT_REFERENCE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared",
                                                   "reference"))


@dataclass
class Golden:
    """One ``<name>.json`` trajectory and its batches."""

    path: str
    name: str
    config: str                      # PaddleOCR's config it was made with, relative to its reference folder
    keys: list                       # [[key, shape, dtype], ...] in PaddleOCR's state_dict order
    init_stats: list
    steps: list
    eval_batch1: dict
    steps_per_epoch: int = STEPS_PER_EPOCH
    batches: list = field(default_factory=list)  # [{key: array}, ...] in KeepKeys order

    @property
    def folder(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    def reference_file(self, relative: str) -> str:
        """``relative`` (a path inside PaddleOCR's reference folder) where it exists."""
        roots = [os.path.normpath(os.path.join(self.folder, REFERENCE_ROOT)), CHECKOUT_REFERENCE]
        for root in roots:
            candidate = os.path.join(root, relative)
            if os.path.exists(candidate):
                return candidate
        raise ConfigError(f"{self.path}: {relative} not found in {' or '.join(roots)} (give the "
                          f"config with -c)")

    @classmethod
    def load(cls, path: str) -> Golden:
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except FileNotFoundError:
            raise ConfigError(f"{path}: trajectory file not found") from None
        except json.JSONDecodeError as e:
            raise ConfigError(f"{path}: not valid JSON ({e})") from None
        missing = [k for k in ("name", "config", "batches", "keys", "init_stats", "steps") if k not in data]
        if missing:
            raise ConfigError(f"{path}: not a trajectory file (missing {', '.join(missing)})")
        folder = os.path.dirname(os.path.abspath(path))
        golden = cls(path, data["name"], data["config"], data["keys"], data["init_stats"], data["steps"],
                     data.get("eval_batch1") or {}, int(data.get("steps_per_epoch") or STEPS_PER_EPOCH))
        golden.batches = read_batches(os.path.join(folder, data["batches"]))
        if len(golden.batches) < len(golden.steps):
            raise ConfigError(f"{path}: {len(golden.steps)} steps but {len(golden.batches)} batches in "
                              f"{data['batches']}")
        return golden

    def meta(self) -> dict:
        """This trajectory's entry of ``model_meta.json`` ({} when the file is absent)."""
        return self._beside("model_meta.json")

    def spread(self) -> dict:
        """This trajectory's entry of ``thread_spread.json`` ({} when the file is absent)."""
        return self._beside("thread_spread.json")

    def _beside(self, filename: str) -> dict:
        p = os.path.join(self.folder, filename)
        if not os.path.isfile(p):
            return {}
        with open(p, encoding="utf-8") as f:
            return json.load(f).get(self.name, {})


def read_batches(path: str) -> list[dict]:
    """``b{i}_{key}`` arrays -> a list of ``{key: array}``, keys in file order (KeepKeys order)."""
    if not os.path.isfile(path):
        raise ConfigError(f"{path}: batch file not found (it sits beside the trajectory JSON)")
    with np.load(path) as z:
        batches: dict[int, dict] = {}
        for name in z.files:
            head, _, key = name.partition("_")
            if not head.startswith("b") or not head[1:].isdigit() or not key:
                raise ConfigError(f"{path}: unexpected array '{name}' (expected b<i>_<key>)")
            batches.setdefault(int(head[1:]), {})[key] = z[name]
    return [batches[i] for i in sorted(batches)]


# -- the starting point ---------------------------------------------------------------------------
def formula_value(key: str, shape, norm_scale: bool) -> np.ndarray:
    """The protocol's deterministic value of one state-dict entry (README section 2)."""
    shape = tuple(int(s) for s in shape)
    if len(shape) == 0:
        return np.zeros((), np.float32)
    if len(shape) == 1:
        one = key.endswith("_variance") or (norm_scale and not key.endswith("_mean"))
        return (np.ones if one else np.zeros)(shape, np.float32)
    rng = np.random.RandomState(zlib.crc32(key.encode("utf-8")) & 0xFFFFFFFF)
    scale = np.sqrt(2.0 / (shape[1] * shape[2] * shape[3])) if len(shape) == 4 else 0.02
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def norm_scale_keys(model: nn.Layer) -> set[str]:
    """State-dict keys of normalisation layers' scale (``weight``), decided by layer type."""
    keys = set()
    for name, layer in model.named_sublayers():
        if isinstance(layer, NORM_LAYERS) and getattr(layer, "weight", None) is not None:
            keys.add(f"{name}.weight")
    return keys


def init_from_formula(model: nn.Layer) -> dict[str, str]:
    """Set every state-dict tensor to its formula value. A tensor reachable under two keys (paddle's
    LSTM exposes each weight twice) takes the value of its first key. Returns {alias: first key}."""
    norms = norm_scale_keys(model)
    first: dict[str, str] = {}
    aliases = {}
    for key, tensor in model.state_dict().items():
        ident = tensor.name
        if ident in first:
            aliases[key] = first[ident]
            continue
        first[ident] = key
        value = formula_value(key, tensor.shape, key in norms)
        if str(tensor.dtype) not in ("paddle.float32", "float32"):
            raise ConfigError(f"{key}: the protocol's formula is for float32 tensors, got {tensor.dtype}")
        tensor.set_value(value)
    return aliases


def disable_dropout(model: nn.Layer) -> list[str]:
    """Set every dropout probability to 0 (README section 3); the layers stay in train mode."""
    changed = []
    for name, layer in model.named_sublayers():
        if isinstance(layer, (nn.Dropout, nn.Dropout2D, nn.Dropout3D, nn.AlphaDropout)) and layer.p:
            layer.p = 0.0
            changed.append(name)
        elif isinstance(layer, RNNBase) and getattr(layer, "dropout", 0):
            layer.dropout = 0.0
            changed.append(name)
    return changed


def tensor_stats(state: dict) -> dict[str, tuple[float, float, float]]:
    """(sum, abs_sum, sum_sq) of each tensor, in float64 of its float32 values."""
    out = {}
    for key, tensor in state.items():
        v = tensor.numpy().astype(np.float64)
        out[key] = (float(v.sum()), float(np.abs(v).sum()), float((v * v).sum()))
    return out


def to_batch(arrays: dict) -> dict:
    """A golden batch as the model and loss receive it (tensors, dtypes kept: valid_ratio float64)."""
    return {k: paddle.to_tensor(v) for k, v in arrays.items()}


def eval_outputs(model: nn.Layer, batch: dict) -> dict[str, np.ndarray]:
    """The eval-mode inference output of the model (each sub-model of a distillation model) on
    ``batch``: ``{"": array}`` or ``{sub-model name: array}``."""
    inner = unwrap(model)
    model.eval()
    try:
        with paddle.no_grad():
            out = model(batch)
    finally:
        model.train()
    names = getattr(inner, "names", None)
    if names:
        return {n: out[n][getattr(inner, n).export_key].numpy() for n in names}
    return {"": out[inner.export_key].numpy()}


# -- the run --------------------------------------------------------------------------------------
@dataclass
class Replay:
    reports: list                 # StepReport per stage: init, step 1..n, eval
    notes: list[str]              # what the replay set up (dictionary, dropout, ...)

    @property
    def passed(self) -> bool:
        return all(not r.failures() for r in self.reports)


def prepare_config(cfg, golden: Golden) -> list[str]:
    """Protocol settings on a loaded config: the reference's dictionary for CTC configs, sub-model
    ``pretrained`` weights not loaded (the formula replaces every weight). Returns notes."""
    notes = []
    g = cfg.setdefault("Global", {})
    if g.get("character_dict_path"):
        ref_dict = golden.reference_file("ppocr_keys_v1.txt")
        if os.path.abspath(str(g["character_dict_path"])) != os.path.abspath(ref_dict):
            notes.append(f"Global.character_dict_path: {g['character_dict_path']} -> {ref_dict} (the protocol's)")
        g["character_dict_path"] = ref_dict
    g["pretrained_model"] = None
    g["checkpoints"] = None
    g["use_amp"] = False
    for name, sub in ((cfg.get("Architecture") or {}).get("Models") or {}).items():
        if isinstance(sub, dict) and sub.get("pretrained"):
            notes.append(f"Architecture.Models.{name}.pretrained: not loaded (formula weights)")
            sub["pretrained"] = None
    return notes


def replay(cfg, golden: Golden, log=print) -> Replay:
    """Build the run of ``cfg`` as tools/train.py does, start it from the formula weights, feed the
    golden batches through the trainer's step and compare every figure."""
    notes = prepare_config(cfg, golden)
    paddle.set_device("cpu")
    seed = settings(cfg).seed
    seed_everything(seed)
    session = Session(cfg)
    model = session.model
    aliases = init_from_formula(model)
    if aliases:
        notes.append(f"{len(aliases)} state-dict keys alias another key's tensor (LSTM weights)")
    dropped = disable_dropout(model)
    if dropped:
        notes.append(f"dropout off in {len(dropped)} layers: {', '.join(dropped)}")
    per_epoch = golden.steps_per_epoch
    epoch_num, total_steps = run_length(cfg, per_epoch)
    training = build_training(cfg, session, per_epoch, total_steps)
    trainer = Trainer(training, None, Schedule(total_steps, per_epoch, epoch_num), TrainState(seed=seed))
    tol = Tolerances(golden.spread(), golden.steps)

    setup = StepReport("setup")
    compare_setup(setup, model, training.optimizer, golden.meta(), golden.keys)
    init = StepReport("init")
    compare_stats(init, tensor_stats(model.state_dict()), golden.keys, golden.init_stats, 0, None)
    reports = [setup, init]
    log(_line(setup))
    log(_line(init))
    trainer.model.train()
    for arrays, ref in zip(golden.batches, golden.steps):
        step = int(ref["step"])
        rep = StepReport(f"step {step}")
        lr = trainer.lr
        rep.add("lr", rel_diff(lr, float(ref["lr"])), LR_TOL)
        trainer.run_step(to_batch(arrays))
        losses = {k: v.numpy() for k, v in trainer.last_loss_terms.items()}
        compare_losses(rep, losses, ref["loss"], tol.loss(step))
        compare_stats(rep, tensor_stats(model.state_dict()), golden.keys, ref["stats"], step, tol)
        reports.append(rep)
        log(_line(rep))
    if golden.eval_batch1:
        rep = StepReport("eval")
        compare_eval(rep, eval_outputs(trainer.model, to_batch(golden.batches[0])), golden.eval_batch1,
                     tol.eval())
        reports.append(rep)
        log(_line(rep))
    return Replay(reports, notes)


FROZEN_KEYS = "frozen_keys(trainable=False, excluding BN _mean/_variance)"


def compare_setup(report, model: nn.Layer, optimizer, meta: dict, ref_keys: list) -> None:
    """What the optimizer is given, against ``model_meta.json``: the number of parameters it
    updates, which parameters are frozen, and each parameter's own regulariser (a parameter-level
    one replaces the optimizer's). Nothing is compared when the file is absent."""
    report.add_count("state-dict keys", len(model.state_dict()), len(ref_keys))
    if not meta:
        return
    params = dict(model.named_parameters())
    in_optimizer = {id(p) for p in optimizer._parameter_list}
    report.add_count("optimizer parameters", len(in_optimizer), meta.get("num_optimizer_params"))
    frozen = sorted(k for k, p in params.items() if (p.stop_gradient or id(p) not in in_optimizer)
                    and not k.endswith(("._mean", "._variance")))  # BN statistics: paddle parameters
    want = sorted(meta.get(FROZEN_KEYS) or [])
    report.add_count(f"frozen parameters (first different: "
                     f"{next((a for a, b in zip(frozen + [''], want + ['']) if a != b), '-')})",
                     frozen, want)
    overrides = {k: (type(p.regularizer).__name__, float(p.regularizer._coeff))
                 for k, p in params.items() if getattr(p, "regularizer", None) is not None}
    want_over = {k: (name, float(coeff)) for k, name, coeff in meta.get("param_regularizer_overrides") or []}
    diff = sorted(set(overrides.items()) ^ set(want_over.items()))
    report.add_count(f"parameter regularizers (first different: {diff[0] if diff else '-'})",
                     len(diff), 0)


def _line(rep) -> str:
    parts = [f"{rep.label:>7}:"]
    counts = [c for c in rep.checks if c.what.startswith("count ")]
    if counts:
        parts.append(", ".join(f"{c.what[6:].split(' (')[0]} {'ok' if c.ok else 'DIFFERENT'}" for c in counts))
    for prefix, name in (("lr", "lr"), ("loss ", "loss"), ("key ", "keys"), ("eval ", "eval")):
        cs = [c for c in rep.checks if c.what.startswith(prefix)]
        if not cs:
            continue
        worst = max(cs, key=lambda c: c.ratio)
        parts.append(f"{name} max rel {max(c.rel for c in cs):.2e} (worst/tol {worst.ratio:.2f})")
    outside = rep.keys_outside()
    if any(c.what.startswith("key ") for c in rep.checks):
        parts.append(f"keys outside {outside}" + (f", {rep.exempt} unstable exempt" if rep.exempt else ""))
    fails = rep.failures()
    if fails:
        parts.append("FAIL: " + "; ".join(f"{c.what} {c.rel:.3g} > {c.tol:.3g}" for c in fails[:4])
                     + (f" (+{len(fails) - 4} more)" if len(fails) > 4 else ""))
    return "  ".join(parts)
