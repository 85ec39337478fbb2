"""BaseModel: backbone -> neck -> head, built from ``Architecture`` and run on a named batch.

Parameter names follow PaddleOCR (``backbone.*``, ``neck.*``, ``head.*``) so its checkpoints load
without renaming. Channel counts flow from each module's ``out_channels`` into the next one.
"""

from __future__ import annotations

from typing import Any

from paddle import nn

from ppocr.errors import ConfigError
from ppocr.registry import ARCHITECTURES, BACKBONES, HEADS, NECKS

MODEL_TYPES = ("cls", "det", "rec")


@ARCHITECTURES.register
class BaseModel(nn.Layer):
    """One model. ``forward(batch)`` returns the head's output dict; with ``return_all_feats``
    it also carries ``backbone_out`` and ``neck_out`` (distillation losses read them)."""

    def __init__(self, model_type: str, Backbone: dict, Head: dict, Neck: dict | None = None,
                 Transform: dict | None = None, return_all_feats: bool = False,
                 in_channels: int = 3, algorithm: str | None = None, where: str = "Architecture",
                 charset: Any = None):
        super().__init__()
        if model_type not in MODEL_TYPES:
            raise ConfigError(f"{where}.model_type: '{model_type}' is not one of {MODEL_TYPES}")
        if Transform:
            raise ConfigError(f"{where}.Transform: rectification transforms are not supported; "
                              f"leave it empty")
        self.model_type = model_type
        self.algorithm = algorithm  # informative (logs, inference.yml), as in PaddleOCR configs
        self.return_all_feats = return_all_feats
        backbone_args = dict(Backbone)
        backbone_args.setdefault("in_channels", in_channels)
        # model_type reaches backbones that name it: PaddleOCR's "MobileNetV3" is a different
        # network for det than for cls/rec
        self.backbone = BACKBONES.build(backbone_args, f"{where}.Backbone", model_type=model_type)
        channels = self.backbone.out_channels
        self.neck = None
        if Neck:
            self.neck = NECKS.build(Neck, f"{where}.Neck", in_channels=channels)
            channels = self.neck.out_channels
        self.head = HEADS.build(Head, f"{where}.Head", in_channels=channels, charset=charset)

    @property
    def export_key(self) -> str:
        """The output that an exported inference model returns."""
        return self.head.export_key

    def forward(self, batch: dict) -> dict:
        feats = self.backbone(batch["image"])
        out: dict = {}
        if self.return_all_feats:
            out["backbone_out"] = feats
        if self.neck is not None:
            feats = self.neck(feats)
            if self.return_all_feats:
                out["neck_out"] = feats
        head_out = self.head(feats, batch) if getattr(self.head, "wants_batch", False) else self.head(feats)
        out.update(head_out)
        if self.return_all_feats and "ctc_neck" in head_out:
            out["neck_out"] = head_out["ctc_neck"]  # a multi-head's CTC branch owns the neck (PaddleOCR)
        return out
