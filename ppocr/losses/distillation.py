"""Distillation losses: one adapter picks outputs by model name and key, then delegates.

- :class:`PerModel` applies a base loss (labels from the batch) to each named sub-model.
- :class:`Pairwise` applies a two-input function (DML, distance) to each pair of sub-models.
PaddleOCR's class names (``DistillationCTCLoss``, ``DistillationDMLLoss``, ...) are registered as
small factories over these two, with PaddleOCR's keys. Keys of outputs follow PaddleOCR:
``head_out`` is the sub-model's head output dict, ``backbone_out``/``neck_out`` its features
(``return_all_feats``), ``maps`` the DB maps; ``dis_head`` picks a branch of a multi-head (ctc, sar).
"""

from __future__ import annotations

from collections.abc import Callable

import paddle
from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError
from ppocr.losses.basic_loss import distance_loss, dml_loss
from ppocr.losses.inputs import as_tensor, batch_value, output_value
from ppocr.registry import LOSSES

_MAPS = {"thrink_maps": 0, "shrink_maps": 0, "threshold_maps": 1, "binary_maps": 2}


def select(outputs: dict, model: str, key: str | None, head: str | None, who: str):
    if model not in outputs:
        raise ConfigError(f"{who}: the model has no sub-model '{model}' (has {sorted(outputs)})")
    out = outputs[model]
    if key not in (None, "head_out"):
        out = output_value(out, key, who)
    if head:
        out = output_value(out, head, who)
    return out


def as_pairs(pairs, who: str) -> list[list[str]]:
    """PaddleOCR accepts one pair or a list of pairs."""
    if isinstance(pairs, list) and pairs and all(isinstance(p, str) for p in pairs):
        pairs = [pairs]
    if not isinstance(pairs, list) or not pairs or any(
            not isinstance(p, list) or len(p) != 2 for p in pairs):
        raise ConfigError(f"{who}.model_name_pairs: expected [A, B] or [[A, B], ...], got {pairs!r}")
    return pairs


class PerModel(nn.Layer):
    def __init__(self, base: nn.Layer, models: list[str], key: str | None, name: str, who: str):
        super().__init__()
        if not isinstance(models, list) or not models:
            raise ConfigError(f"{who}.model_name_list: expected a list of sub-model names, got {models!r}")
        self.base, self.models, self.key, self.name, self.who = base, models, key, name, who

    def forward(self, outputs: dict, batch: dict) -> dict:
        result, total = {}, 0.0
        for idx, model in enumerate(self.models):
            terms = self.base(select(outputs, model, self.key, None, self.who), batch)
            parts = {k: v for k, v in terms.items() if k != "loss"}
            # PaddleOCR's names: db_Student_loss_shrink_maps, loss_ctc_Student_0
            if parts:
                # the total adds the named parts one by one, as PaddleOCR: the same graph, hence
                # the same order of gradient accumulation (bitwise equal training)
                result.update({f"{self.name}_{model}_{k}": v for k, v in parts.items()})
                for v in parts.values():
                    total = total + v
            else:
                result[f"{self.name}_{model}_{idx}"] = terms["loss"]
                total = total + terms["loss"]
        result["loss"] = total
        return result


class Pairwise(nn.Layer):
    """``fn`` on each pair's outputs; entries are named ``{name}_{A}_{B}_{i}``, or ``{name}_{i}``
    with ``pair_in_name`` false (PaddleOCR's DML names: dml_ctc_0, dml_thrink_maps_0)."""

    def __init__(self, fn: Callable, pairs: list, key: str | None, head: str | None, channel: int | None,
                 name: str, who: str, pair_in_name: bool = True):
        super().__init__()
        self.fn, self.pairs, self.key, self.head, self.channel = fn, as_pairs(pairs, who), key, head, channel
        self.name, self.who, self.pair_in_name = name, who, pair_in_name

    def forward(self, outputs: dict, batch: dict) -> dict:
        result, total = {}, 0.0
        for idx, (a, b) in enumerate(self.pairs):
            x = select(outputs, a, self.key, self.head, self.who)
            y = select(outputs, b, self.key, self.head, self.who)
            if self.channel is not None:
                x, y = x[:, self.channel], y[:, self.channel]
            loss = self.fn(x, y)
            result[f"{self.name}_{a}_{b}_{idx}" if self.pair_in_name else f"{self.name}_{idx}"] = loss
            total = total + loss
        result["loss"] = total
        return result


@LOSSES.register(ignored_keys=("multi_head",))
def DistillationCTCLoss(model_name_list: list, key: str | None = None, name: str = "loss_ctc",
                        use_focal_loss: bool = False):
    """CTC loss on each sub-model (its ``ctc`` output; PaddleOCR's ``multi_head`` is not needed, as
    CTCLoss picks the ``ctc`` branch of a multi-head's output itself)."""
    base = LOSSES.build_named("CTCLoss", {"use_focal_loss": use_focal_loss}, "Loss.DistillationCTCLoss")
    return PerModel(base, model_name_list, key, name, "DistillationCTCLoss")


@LOSSES.register(ignored_keys=("multi_head",))
def DistillationSARLoss(model_name_list: list, charset, key: str | None = None, name: str = "loss_sar",
                        ignore_index: int | None = None):
    """SAR guide loss on each sub-model (its ``sar`` output; ``multi_head`` is not needed, as for
    DistillationCTCLoss)."""
    base = LOSSES.build_named("SARLoss", {"ignore_index": ignore_index}, "Loss.DistillationSARLoss",
                              charset=charset)
    return PerModel(base, model_name_list, key, name, "DistillationSARLoss")


@LOSSES.register
def DistillationDBLoss(model_name_list: list, balance_loss: bool = True, main_loss_type: str = "DiceLoss",
                       alpha: float = 5, beta: float = 10, ohem_ratio: float = 3, eps: float = 1e-6,
                       name: str = "db", key: str | None = None):
    """DBLoss of each sub-model against the labels."""
    base = LOSSES.build_named("DBLoss", {"balance_loss": balance_loss, "main_loss_type": main_loss_type,
                                         "alpha": alpha, "beta": beta, "ohem_ratio": ohem_ratio, "eps": eps},
                              "Loss.DistillationDBLoss")
    return PerModel(base, model_name_list, key, name, "DistillationDBLoss")


@LOSSES.register
def DistillationDMLLoss(model_name_pairs: list, act: str | None = None, use_log: bool = False,
                        key: str | None = None, multi_head: bool = False, dis_head: str = "ctc",
                        maps_name: str | None = None, name: str = "dml", batch_mean: bool = False):
    """Deep mutual learning between pairs of sub-models. Detection: ``key: maps`` and
    ``maps_name: thrink_maps`` (PaddleOCR's spelling) compare the probability maps. Recognition:
    ``multi_head`` with ``dis_head`` ctc or sar compares that branch's logits (``act: softmax``).

    Without ``use_log`` the loss is PaddleOCR's per-image vector (the mean over each map): the total
    loss becomes a vector too, and its backward sums it, so every other (scalar) term's gradient is
    multiplied by the batch size. The PP-OCRv3 detectors were trained that way, so it is the default;
    ``batch_mean: true`` averages over the batch instead (a scalar loss)."""
    who = "DistillationDMLLoss"
    if act not in (None, "softmax", "sigmoid"):
        raise ConfigError(f"Loss.{who}.act: expected softmax, sigmoid or null, got {act!r}")
    channel = None
    if maps_name is not None:
        if maps_name not in _MAPS:
            raise ConfigError(f"Loss.{who}.maps_name: '{maps_name}' is not one of {sorted(_MAPS)}")
        channel = _MAPS[maps_name]
        name = f"{name}_{maps_name}"
    if not isinstance(batch_mean, bool):
        raise ConfigError(f"Loss.{who}.batch_mean: expected true or false, got {batch_mean!r}")

    def fn(x, y):
        loss = dml_loss(x, y, act, use_log)
        return loss.mean() if batch_mean else loss

    return Pairwise(fn, model_name_pairs, key, dis_head if multi_head else None, channel, name, who,
                    pair_in_name=False)


@LOSSES.register
def DistillationDistanceLoss(model_name_pairs: list, mode: str = "l2", key: str | None = None,
                             name: str = "loss_distance"):
    """L1 / L2 / smooth-L1 distance between the same output of two sub-models (UDML: backbone_out)."""
    if mode not in ("l1", "l2", "smooth_l1"):
        raise ConfigError(f"Loss.DistillationDistanceLoss.mode: expected l1, l2 or smooth_l1, got {mode!r}")
    return Pairwise(lambda x, y: distance_loss(x, y, mode), model_name_pairs, key, None, None,
                    f"{name}_{mode}", "DistillationDistanceLoss")


def dilate_2x2(binary: paddle.Tensor) -> paddle.Tensor:
    """cv2.dilate with a 2x2 kernel of ones (anchor at its centre): each pixel becomes the max of
    itself and its upper, left and upper-left neighbours. (N, H, W) float in {0, 1}."""
    padded = F.pad(binary.unsqueeze(1), [1, 0, 1, 0])  # left, right, top, bottom
    return F.max_pool2d(padded, kernel_size=2, stride=1).squeeze(1)


class DilatedTeacherLoss(nn.Layer):
    """Each student's maps against its teacher's shrink map, thresholded at 0.3 and dilated (2x2):
    ``alpha`` x balanced loss on the student's shrink map + Dice on its binary map, both within the
    label's shrink mask (PP-OCRv3's CML)."""

    def __init__(self, pairs: list, key: str | None, balance_loss: bool, main_loss_type: str, alpha: float,
                 ohem_ratio: float, eps: float, name: str, who: str):
        super().__init__()
        from ppocr.losses.det_basic_loss import BalanceLoss, DiceLoss

        self.pairs, self.key, self.alpha, self.name, self.who = as_pairs(pairs, who), key, alpha, name, who
        self.bce_loss = BalanceLoss(balance_loss, main_loss_type, ohem_ratio, eps)
        self.dice_loss = DiceLoss(eps)

    def forward(self, outputs: dict, batch: dict) -> dict:
        mask = as_tensor(batch_value(batch, ("shrink_mask",), self.who), "float32")
        result, total = {}, 0.0
        for student, teacher in self.pairs:
            s = select(outputs, student, self.key, None, self.who)
            # both slices before the loss ops, as PaddleOCR: the order in which the graph is built
            # decides the order in which backward sums gradients into the student's maps
            shrink, binary = s[:, 0], s[:, 2]
            with paddle.no_grad():
                t = select(outputs, teacher, self.key, None, self.who)
                label = dilate_2x2((t[:, 0] > 0.3).astype("float32"))
            loss = self.alpha * self.bce_loss(shrink, label, mask) + self.dice_loss(binary, label, mask)
            result[f"{self.name}_{student}_{teacher}"] = loss
            total = total + loss
        result["loss"] = total
        return result


@LOSSES.register(ignored_keys=("beta",))
def DistillationDilaDBLoss(model_name_pairs: list, key: str | None = "maps", balance_loss: bool = True,
                           main_loss_type: str = "DiceLoss", alpha: float = 5, ohem_ratio: float = 3,
                           eps: float = 1e-6, name: str = "dila_dbloss"):
    """PP-OCRv3 CML: students learn from the frozen teacher's dilated shrink map (PaddleOCR's
    ``beta`` is accepted and ignored: the threshold map is not distilled)."""
    return DilatedTeacherLoss(model_name_pairs, key, balance_loss, main_loss_type, alpha, ohem_ratio, eps, name,
                              "DistillationDilaDBLoss")
