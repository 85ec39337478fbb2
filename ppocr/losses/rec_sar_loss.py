"""SARLoss: cross entropy of the SAR branch, teacher-forced.

``outputs['sar']`` (N, L, C') predicts token ``i + 1`` at step ``i``: its last step is dropped and
the label's first token (start) is skipped; padding is ignored and the mean is over the kept tokens.
The padding index is the charset's (``<PAD>``); PaddleOCR's tools wrote it into the config as
``ignore_index``, which is accepted when it agrees.
"""

from __future__ import annotations

from paddle import nn
from paddle.nn import functional as F

from ppocr.errors import ConfigError
from ppocr.losses.inputs import as_tensor, batch_value, output_value
from ppocr.registry import LOSSES


def sar_loss(logits, labels, ignore_index: int):
    logits = as_tensor(logits)[:, :-1, :]
    labels = as_tensor(labels, "int64")[:, 1:]
    return F.cross_entropy(logits.reshape([-1, logits.shape[-1]]), labels.reshape([-1]),
                           ignore_index=ignore_index, reduction="mean")


@LOSSES.register
class SARLoss(nn.Layer):
    def __init__(self, charset, ignore_index: int | None = None):
        super().__init__()
        padding = getattr(charset, "sar_padding_idx", None)
        if padding is None:
            raise ConfigError(f"SARLoss needs the recognition charset (Global.character_dict_path), "
                              f"got {charset!r}")
        if ignore_index is not None and ignore_index != padding:
            raise ConfigError(f"SARLoss.ignore_index: {ignore_index} is not the padding class of the "
                              f"dictionary ({padding} = {len(charset)} characters + 2); leave it out")
        self.ignore_index = padding

    def forward(self, outputs, batch: dict) -> dict:
        logits = output_value(outputs, "sar", "SARLoss")
        labels = batch_value(batch, ("label_sar", "label"), "SARLoss")
        return {"loss": sar_loss(logits, labels, self.ignore_index)}
