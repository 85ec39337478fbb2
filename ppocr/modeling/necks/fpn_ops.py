"""The feature-pyramid arithmetic shared by DBFPN, RSEFPN and LKPAN (no parameters).

Inputs are the backbone's four maps at strides 4, 8, 16 and 32; nearest-neighbour up-sampling by
powers of two, as PaddleOCR (so input sides must be multiples of 32).

Up-sampling has two forms with the same values. Eager (training, evaluation, checkpoint inference)
runs PaddleOCR's ``nearest_interp``, whose backward the golden trajectories replay bit for bit. A
traced graph (``tools/export_model.py``) repeats each pixel with expand + flatten instead: Paddle
3.3's oneDNN executor rejects every ``nearest_interp`` (its ``scale`` attribute is typed double[],
which the executor cannot convert, whether the op is given a scale or a target size), so an export
holding one falls back to the plain CPU kernels. The forward passes are the same copies, bitwise;
only the backward's summation order differs, and exports have none.
"""

from __future__ import annotations

import paddle
from paddle.nn import functional as F

from ppocr.errors import ConfigError


def upsample(x: paddle.Tensor, factor: int) -> paddle.Tensor:
    if paddle.in_dynamic_mode():
        return F.interpolate(x, scale_factor=factor, mode="nearest")
    return repeat_pixels(x, factor)


def repeat_pixels(x: paddle.Tensor, factor: int) -> paddle.Tensor:
    """Nearest up-sampling of an NCHW tensor by an integer ``factor`` without ``nearest_interp``:
    each pixel repeated ``factor`` times along W, then each row ``factor`` times along H."""
    x = x.unsqueeze(-1).expand([-1, -1, -1, -1, factor]).flatten(3, 4)
    return x.unsqueeze(3).expand([-1, -1, -1, factor, -1]).flatten(2, 3)


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
