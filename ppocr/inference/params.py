"""Settings of the OCR system (PaddleOCR's argument names and defaults); imports nothing heavy,
so the command line and the API can check them before paddle is loaded."""

from __future__ import annotations

from dataclasses import dataclass, fields

from ppocr.errors import ConfigError

HELP = {
    "det_limit_side_len": "det input side limit (with det_limit_type)",
    "det_limit_type": "max: longer side down to the limit; min: shorter side up to it; resize_long: longer side to it",
    "det_db_thresh": "DB: probability threshold of the text map",
    "det_db_box_thresh": "DB: boxes whose mean probability is below this are dropped",
    "det_db_unclip_ratio": "DB: how far boxes are grown (area * ratio / perimeter)",
    "det_db_score_mode": "DB: box score over the rectangle (fast) or the contour (slow)",
    "use_dilation": "DB: dilate the text map by 2x2 before finding contours",
    "max_candidates": "DB: at most this many contours per image",
    "use_angle_cls": "turn upside-down lines with the direction classifier",
    "cls_thresh": "a line read as '180' with a higher score is turned",
    "cls_batch_num": "classifier batch size",
    "rec_batch_num": "recogniser batch size (lines batched by aspect ratio)",
    "rec_image_shape": "C,H,W of the rec input: its height and minimum width (default: the rec model's "
                       "RecResizeImg shape, PP-OCRv3 3,48,320)",
    "drop_score": "lines read with a lower score are dropped",
}


@dataclass
class SystemParams:
    """Pipeline settings (PaddleOCR's argument names and defaults)."""

    det_limit_side_len: int = 960
    det_limit_type: str = "max"
    det_db_thresh: float = 0.3
    det_db_box_thresh: float = 0.6
    det_db_unclip_ratio: float = 1.5
    det_db_score_mode: str = "fast"
    use_dilation: bool = False
    max_candidates: int = 1000
    use_angle_cls: bool = False
    cls_thresh: float = 0.9
    cls_batch_num: int = 6
    rec_batch_num: int = 6
    rec_image_shape: tuple | None = None  # [C, H, W]; None: the rec model's own (PP-OCRv3: 3, 48, 320)
    drop_score: float = 0.5

    def __post_init__(self):
        from ppocr.data.transforms.det_resize import LIMIT_TYPES

        def bad(name, expected):
            raise ConfigError(f"{name}: expected {expected}, got {getattr(self, name)!r}")

        if self.det_limit_type not in LIMIT_TYPES:
            bad("det_limit_type", f"one of {LIMIT_TYPES}")
        if self.det_db_score_mode not in ("fast", "slow"):
            bad("det_db_score_mode", "fast or slow")
        for name in ("det_limit_side_len", "cls_batch_num", "rec_batch_num", "max_candidates"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                bad(name, "an integer >= 1")
        for name in ("det_db_thresh", "det_db_box_thresh", "cls_thresh", "drop_score"):
            if not isinstance(getattr(self, name), (int, float)) or not 0 <= getattr(self, name) <= 1:
                bad(name, "a number in [0, 1]")
        if not isinstance(self.det_db_unclip_ratio, (int, float)) or self.det_db_unclip_ratio <= 0:
            bad("det_db_unclip_ratio", "a number > 0")
        if self.rec_image_shape is not None:
            shape = self.rec_image_shape
            if isinstance(shape, str):
                shape = [v for v in shape.replace(" ", "").split(",") if v]
            try:
                self.rec_image_shape = tuple(int(v) for v in shape)
            except (TypeError, ValueError):
                bad("rec_image_shape", "C,H,W")
            if len(self.rec_image_shape) != 3 or min(self.rec_image_shape) < 1:
                bad("rec_image_shape", "three positive integers C,H,W")

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]
