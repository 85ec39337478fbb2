"""MultiHead: PP-OCRv3's GTC recognition head, a CTC branch (with its own sequence encoder) plus a
SAR branch that guides training only.

Config, in PaddleOCR's form::

    Head:
      name: MultiHead
      head_list:
        - CTCHead:
            Neck: {name: svtr, dims: 64, depth: 2, hidden_dims: 120, use_guide: true}
            Head: {fc_decay: 0.00001}
        - SARHead: {enc_dim: 512, max_text_length: 25}

The CTC branch's ``Neck.name`` is a :class:`SequenceEncoder` ``encoder_type`` (``svtr``, ``rnn``,
``fc``, ``reshape``; or ``SequenceEncoder`` with an ``encoder_type`` key). Sub-modules are
``ctc_encoder``, ``ctc_head`` and ``sar_head``, built in ``head_list`` order as PaddleOCR does.

Training output: ``ctc`` (logits [N, T, C]), ``ctc_neck`` (the CTC encoder's [N, T, dims]
features), ``sar`` (SAR logits [N, L, C_sar - 1]). Eval output: ``ctc`` and ``probs`` =
softmax(ctc); the SAR branch is not run in eval and not exported.
"""

from __future__ import annotations

from typing import Any

from paddle import nn

from ppocr.errors import ConfigError
from ppocr.modeling.necks.sequence_encoder import ENCODER_TYPES
from ppocr.registry import HEADS, NECKS

BRANCHES = ("CTCHead", "SARHead")


def _neck_args(cfg: Any, where: str) -> dict:
    """PaddleOCR's ``Neck: {name: svtr, ...}`` -> SequenceEncoder arguments."""
    if cfg is None:
        return {"encoder_type": "reshape"}
    if not isinstance(cfg, dict) or "name" not in cfg:
        raise ConfigError(f"{where}: expected a mapping with a 'name' key (one of "
                          f"{', '.join(ENCODER_TYPES)}), got {cfg!r}")
    args = {k: v for k, v in cfg.items() if k != "name"}
    if cfg["name"] == "SequenceEncoder":
        return args
    if cfg["name"] not in ENCODER_TYPES:
        raise ConfigError(f"{where}.name: '{cfg['name']}' is not a sequence encoder; use one of "
                          f"{', '.join(ENCODER_TYPES)}")
    if "encoder_type" in args:
        raise ConfigError(f"{where}: give the encoder type as 'name' or use name: SequenceEncoder "
                          f"with encoder_type, not both")
    return {"encoder_type": cfg["name"], **args}


@HEADS.register
class MultiHead(nn.Layer):
    wants_batch = True
    export_key = "probs"

    def __init__(self, in_channels: int, charset: Any, head_list: list):
        super().__init__()
        where = "Head.head_list"
        if not isinstance(head_list, list) or not head_list:
            raise ConfigError(f"{where}: expected a list of single-key mappings (CTCHead, SARHead)")
        self.sar_head = None
        seen = set()
        for i, item in enumerate(head_list):
            at = f"{where}[{i}]"
            if not isinstance(item, dict) or len(item) != 1:
                raise ConfigError(f"{at}: expected a mapping with one key (one of {', '.join(BRANCHES)})")
            (name, args), = item.items()
            if name not in BRANCHES:
                raise ConfigError(f"{at}: '{name}' is not supported in MultiHead; use {', '.join(BRANCHES)}")
            if name in seen:
                raise ConfigError(f"{at}: {name} is listed twice")
            seen.add(name)
            args = dict(args or {})
            at = f"{at}.{name}"
            if name == "CTCHead":
                unknown = set(args) - {"Neck", "Head"}
                if unknown:
                    raise ConfigError(f"{at}: unknown key(s) {', '.join(sorted(unknown))}; "
                                      f"accepts: Neck, Head")
                self.ctc_encoder = NECKS.build_named(
                    "SequenceEncoder", _neck_args(args.get("Neck"), f"{at}.Neck"), f"{at}.Neck",
                    in_channels=in_channels)
                self.ctc_head = HEADS.build_named("CTCHead", args.get("Head") or {}, f"{at}.Head",
                                                  in_channels=self.ctc_encoder.out_channels,
                                                  charset=charset)
            else:
                self.sar_head = HEADS.build_named("SARHead", args, at, in_channels=in_channels,
                                                  charset=charset)
        if "CTCHead" not in seen:
            raise ConfigError(f"{where}: MultiHead needs a CTCHead entry (the branch it exports)")

    def forward(self, x, batch: dict | None = None) -> dict:
        feats = self.ctc_encoder(x)
        ctc = self.ctc_head(feats)
        if not self.training:
            return {"ctc": ctc["ctc"], "probs": ctc["probs"]}
        out = {"ctc": ctc["ctc"], "ctc_neck": feats}
        if "ctc_feats" in ctc:
            out["ctc_feats"] = ctc["ctc_feats"]
        if self.sar_head is not None:
            out["sar"] = self.sar_head(x, batch)["sar"]
        return out
