"""The feature-pyramid arithmetic shared by DBFPN, RSEFPN and LKPAN (no parameters).

Inputs are the backbone's four maps at strides 4, 8, 16 and 32; nearest-neighbour up-sampling by
powers of two, as PaddleOCR (so input sides must be multiples of 32).
"""

from __future__ import annotations

import paddle
from paddle.nn import functional as F

from ppocr.errors import ConfigError


def upsample(x: paddle.Tensor, factor: int) -> paddle.Tensor:
    return F.interpolate(x, scale_factor=factor, mode="nearest")


def top_down(laterals: list[paddle.Tensor]) -> list[paddle.Tensor]:
    """[in2, in3, in4, in5] -> [out2, out3, out4, in5]: each level plus the up-sampled coarser one."""
    outs = [laterals[3]]
    for lateral in reversed(laterals[:3]):
        outs.insert(0, lateral + upsample(outs[0], 2))
    return outs


def fuse(levels: list[paddle.Tensor]) -> paddle.Tensor:
    """[p2, p3, p4, p5] -> concat(p5 x8, p4 x4, p3 x2, p2) at stride 4 (PaddleOCR's channel order)."""
    p2, p3, p4, p5 = levels
    return paddle.concat([upsample(p5, 8), upsample(p4, 4), upsample(p3, 2), p2], axis=1)


def check_levels(in_channels, who: str) -> list[int]:
    if not (isinstance(in_channels, (list, tuple)) and len(in_channels) == 4):
        raise ConfigError(f"{who} needs a backbone with four feature maps (strides 4..32); "
                          f"the backbone gives out_channels={in_channels!r}")
    return list(in_channels)
