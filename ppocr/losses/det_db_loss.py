"""DBLoss: the Differentiable Binarization loss (PaddleOCR's weighting).

``outputs['maps']`` is (N, 3, H, W): shrink (probability) map, threshold map, approximate binary
map. With the labels of MakeShrinkMap / MakeBorderMap from the batch:
- loss_shrink_maps    = alpha * BalanceLoss(main_loss_type, OHEM ratio) (shrink, shrink_map, shrink_mask)
- loss_threshold_maps = beta * MaskL1 (threshold, threshold_map, threshold_mask)
- loss_binary_maps    = Dice (binary, shrink_map, shrink_mask)
- loss = their sum.
As in PaddleOCR, ``main_loss_type`` (DiceLoss in PP-OCRv3's configs) is the loss inside the
balanced term: the DB paper's balanced BCE is ``main_loss_type: BCELoss``.
"""

from __future__ import annotations

import paddle
from paddle import nn

from ppocr.errors import ConfigError
from ppocr.losses.det_basic_loss import MAIN_LOSS_TYPES, BalanceLoss, DiceLoss, MaskL1Loss
from ppocr.losses.inputs import as_tensor, batch_value, output_value
from ppocr.registry import LOSSES

LABEL_KEYS = ("shrink_map", "shrink_mask", "threshold_map", "threshold_mask")


def db_labels(batch: dict, who: str) -> dict[str, paddle.Tensor]:
    return {k: as_tensor(batch_value(batch, (k,), who), "float32") for k in LABEL_KEYS}


@LOSSES.register
class DBLoss(nn.Layer):
    def __init__(self, balance_loss: bool = True, main_loss_type: str = "DiceLoss", alpha: float = 5,
                 beta: float = 10, ohem_ratio: float = 3, eps: float = 1e-6):
        super().__init__()
        if main_loss_type not in MAIN_LOSS_TYPES:
            raise ConfigError(f"DBLoss.main_loss_type: expected one of {MAIN_LOSS_TYPES}, got {main_loss_type!r}")
        self.alpha, self.beta = alpha, beta
        self.bce_loss = BalanceLoss(balance_loss, main_loss_type, ohem_ratio, eps)
        self.l1_loss = MaskL1Loss(eps)
        self.dice_loss = DiceLoss(eps)

    def forward(self, outputs: dict, batch: dict) -> dict:
        maps = as_tensor(output_value(outputs, "maps", "DBLoss"), "float32")  # float32 also under AMP
        if maps.ndim != 4 or maps.shape[1] != 3:
            raise ConfigError(f"DBLoss: expected 'maps' of shape (N, 3, H, W) (shrink, threshold, binary; "
                              f"the DBHead in training mode), got {list(maps.shape)}")
        y = db_labels(batch, "DBLoss")
        shrink, threshold, binary = maps[:, 0], maps[:, 1], maps[:, 2]
        # the three losses first, then their weights: PaddleOCR's order of graph ops, which decides
        # the order in which backward sums gradients (bitwise equal training, tools/replay_trajectory.py)
        loss_shrink = self.bce_loss(shrink, y["shrink_map"], y["shrink_mask"])
        loss_threshold = self.l1_loss(threshold, y["threshold_map"], y["threshold_mask"])
        loss_binary = self.dice_loss(binary, y["shrink_map"], y["shrink_mask"])
        loss_shrink = self.alpha * loss_shrink
        loss_threshold = self.beta * loss_threshold
        # PaddleOCR's DBLoss adds a constant-zero term (loss_cbn, for its unused CBN branch); kept, so
        # the loss graph and with it the float order of every gradient is PaddleOCR's
        cbn = paddle.to_tensor(0.0)
        return {"loss": loss_shrink + loss_threshold + loss_binary + cbn, "loss_shrink_maps": loss_shrink,
                "loss_threshold_maps": loss_threshold, "loss_binary_maps": loss_binary, "loss_cbn": cbn}
