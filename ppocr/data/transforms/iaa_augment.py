"""IaaAugment: PaddleOCR's imgaug-style geometric augmentation of a detection sample, run with
albumentations; the polygons' points go through the same transforms as keypoints.

``augmenter_args`` is PaddleOCR's list of ``{type: ..., args: {...}}``, applied in order
(default: Fliplr p=0.5, Affine rotate [-10, 10], Resize size [0.5, 3]):
- ``Fliplr``: ``p`` (default 1, as imgaug) -> horizontal flip;
- ``Affine``: imgaug's ``scale``, ``translate_percent``, ``translate_px``, ``rotate``, ``shear``
  (a number is a fixed value, [a, b] a uniform range), ``order`` (0 nearest, 1 linear, 3 cubic;
  default 1), ``cval`` (default 0), ``mode`` (constant, edge, reflect, symmetric, wrap) and
  ``fit_output``; always applied, rotation about the image centre, size kept;
- ``Resize``: ``size`` a factor (0.5), a factor range ([0.5, 3]: one factor for both sides per
  sample), an int (a square of that many pixels) or ``{height, width}`` in pixels;
  ``interpolation`` nearest|linear|area|cubic (default cubic, as imgaug).
Points follow albumentations' pixel-centre convention (a flip maps x to width - 1 - x), so a
polygon drawn with ``cv2.fillPoly`` still covers the same pixels after a flip.
"""

from __future__ import annotations

import albumentations as A
import cv2
import numpy as np

from ppocr.data.transforms.albu import one_stream_call
from ppocr.data.transforms.det_polys import as_polys
from ppocr.errors import ConfigError
from ppocr.registry import TRANSFORMS

DEFAULT_ARGS = [{"type": "Fliplr", "args": {"p": 0.5}},
                {"type": "Affine", "args": {"rotate": [-10, 10]}},
                {"type": "Resize", "args": {"size": [0.5, 3]}}]
ORDERS = {0: cv2.INTER_NEAREST, 1: cv2.INTER_LINEAR, 3: cv2.INTER_CUBIC}
MODES = {"constant": cv2.BORDER_CONSTANT, "edge": cv2.BORDER_REPLICATE, "reflect": cv2.BORDER_REFLECT_101,
         "symmetric": cv2.BORDER_REFLECT, "wrap": cv2.BORDER_WRAP}
INTERPOLATIONS = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR, "area": cv2.INTER_AREA,
                  "cubic": cv2.INTER_CUBIC}
AFFINE_RANGES = ("scale", "translate_percent", "translate_px", "rotate", "shear")


def _value(v, where: str):
    """imgaug's number / [a, b] / {x: .., y: ..} parameter -> albumentations' form."""
    if isinstance(v, list):
        if len(v) != 2 or not all(isinstance(x, (int, float)) for x in v):
            raise ConfigError(f"{where}: expected a number or [low, high], got {v!r}")
        return tuple(v)
    if isinstance(v, dict):
        return {k: _value(x, f"{where}.{k}") for k, x in v.items()}
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        raise ConfigError(f"{where}: expected a number or [low, high], got {v!r}")
    return v


def _check_keys(args: dict, allowed: tuple[str, ...], where: str) -> None:
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown}; accepts: {', '.join(allowed)}")


def _fliplr(args: dict, where: str) -> A.BasicTransform:
    _check_keys(args, ("p",), where)
    return A.HorizontalFlip(p=float(args.get("p", 1.0)))


def _affine(args: dict, where: str) -> A.BasicTransform:
    _check_keys(args, AFFINE_RANGES + ("order", "cval", "mode", "fit_output"), where)
    kw = {k: _value(args[k], f"{where}.{k}") for k in AFFINE_RANGES if k in args}
    order, mode = args.get("order", 1), args.get("mode", "constant")
    if order not in ORDERS:
        raise ConfigError(f"{where}.order: expected one of {sorted(ORDERS)}, got {order!r}")
    if mode not in MODES:
        raise ConfigError(f"{where}.mode: expected one of {sorted(MODES)}, got {mode!r}")
    return A.Affine(**kw, interpolation=ORDERS[order], fill=args.get("cval", 0), border_mode=MODES[mode],
                    fit_output=bool(args.get("fit_output", False)), p=1.0)


def _resize(args: dict, where: str) -> A.BasicTransform:
    _check_keys(args, ("size", "interpolation"), where)
    interp = args.get("interpolation", "cubic")
    if interp not in INTERPOLATIONS:
        raise ConfigError(f"{where}.interpolation: expected one of {sorted(INTERPOLATIONS)}, got {interp!r}")
    size, flag = args.get("size"), INTERPOLATIONS[interp]
    if isinstance(size, dict) and set(size) == {"height", "width"}:
        return A.Resize(int(size["height"]), int(size["width"]), interpolation=flag, p=1.0)
    if isinstance(size, int) and not isinstance(size, bool) and size > 0:
        return A.Resize(size, size, interpolation=flag, p=1.0)
    if isinstance(size, float) and size > 0:
        low = high = size
    elif (isinstance(size, list) and len(size) == 2 and any(isinstance(v, float) for v in size)
          and all(isinstance(v, (int, float)) and v > 0 for v in size)):
        low, high = sorted(size)
    else:
        raise ConfigError(f"{where}.size: expected a factor (0.5), a factor range ([0.5, 3]), pixels "
                          f"(640) or {{height: .., width: ..}}, got {size!r}")
    return A.RandomScale(scale_limit=(low - 1.0, high - 1.0), interpolation=flag, p=1.0)


BUILDERS = {"Fliplr": _fliplr, "Affine": _affine, "Resize": _resize}


def build_pipeline(augmenter_args: list) -> A.Compose | None:
    if not isinstance(augmenter_args, list):
        raise ConfigError(f"IaaAugment.augmenter_args: expected a list of {{type, args}}, got {augmenter_args!r}")
    ops = []
    for i, item in enumerate(augmenter_args):
        where = f"IaaAugment.augmenter_args[{i}]"
        if not isinstance(item, dict) or "type" not in item or set(item) - {"type", "args"}:
            raise ConfigError(f"{where}: expected {{type: Fliplr|Affine|Resize, args: {{...}}}}, got {item!r}")
        if item["type"] not in BUILDERS:
            raise ConfigError(f"{where}.type: '{item['type']}' is not supported; use one of {sorted(BUILDERS)}")
        args = item.get("args") or {}
        if not isinstance(args, dict):
            raise ConfigError(f"{where}.args: expected a mapping, got {args!r}")
        ops.append(BUILDERS[item["type"]](args, f"{where}.args"))
    if not ops:
        return None
    return A.Compose(ops, keypoint_params=A.KeypointParams(format="xy", remove_invisible=False))


@TRANSFORMS.register
class IaaAugment:
    training_only = True  # training targets or augmentation: not run at inference

    def __init__(self, augmenter_args: list | None = None):
        self.pipeline = build_pipeline(DEFAULT_ARGS if augmenter_args is None else augmenter_args)

    def __call__(self, data: dict) -> dict:
        if self.pipeline is None:
            return data
        polys = as_polys(data["polys"])
        points = polys.reshape(-1, 2)
        out = one_stream_call(self.pipeline, image=data["image"], keypoints=points)  # ops draw independently
        data["image"] = np.ascontiguousarray(out["image"])
        data["polys"] = np.asarray(out["keypoints"], dtype=np.float32).reshape(polys.shape)
        return data
