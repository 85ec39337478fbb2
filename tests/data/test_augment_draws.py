"""The text-line augmentations (BaseDataAugmentation, RandAugment) draw from one generator pair per
sample (albu.one_stream_call): each op applies with its own probability, independently of the
others, as in PaddleOCR, and the result is a function of the numpy seed the dataset sets."""

from __future__ import annotations

import albumentations as A
import numpy as np

from ppocr.data.transforms import albu
from ppocr.data.transforms.augment import BaseDataAugmentation, RandAugment

IMAGE = np.random.default_rng(3).integers(0, 255, (24, 80, 3), dtype=np.uint8)


def _applied(pipeline, seeds):
    """Per seed, the indices of the pipeline's transforms that applied."""
    out = []
    for seed in seeds:
        np.random.seed(seed)
        albu.one_stream_call(pipeline, image=IMAGE)
        out.append(frozenset(i for i, t in enumerate(pipeline.transforms) if t.params))
    return out


def test_ops_apply_independently_with_their_probability():
    t = BaseDataAugmentation()  # six ops, p = 0.4 each
    sets = _applied(t.pipeline, range(300))
    rates = [sum(i in s for s in sets) / len(sets) for i in range(6)]
    assert all(0.3 < r < 0.5 for r in rates), rates
    both = sum({1, 5} <= s for s in sets) / len(sets)  # blur and invert: ~0.16, not ~0.4
    assert both < 0.25
    assert len(set(sets)) > 20  # not all-or-none


def test_equal_probability_nodes_differ_under_set_random_seed_semantics():
    """The reason for one stream: albumentations' set_random_seed seeds every node alike, so nodes
    of equal p apply together or not at all."""
    pipeline = A.Compose([A.InvertImg(p=0.5), A.ToGray(p=0.5)])
    applied = []
    for seed in range(40):
        pipeline.set_random_seed(seed)
        pipeline(image=IMAGE)
        applied.append(tuple(bool(t.params) for t in pipeline.transforms))
    assert all(a == b for a, b in applied)
    assert any(a != b for a, b in _applied_pairs(pipeline))


def _applied_pairs(pipeline):
    return [tuple(i in s for i in range(2)) for s in _applied(pipeline, range(40))]


def test_results_follow_the_numpy_seed():
    for op in (BaseDataAugmentation(), RandAugment()):
        def sample(seed, op=op):
            np.random.seed(seed)
            return op({"image": IMAGE.copy()})["image"]

        first = [sample(s) for s in range(12)]
        again = [sample(s) for s in reversed(range(12))][::-1]
        assert all(np.array_equal(a, b) for a, b in zip(first, again))
        assert any(not np.array_equal(first[0], f) for f in first[1:])


def test_noise_is_paddleocrs_faint_noise():
    """PaddleOCR adds 0.5 * N(0, 0.1) grey levels (std 0.16): no pixel moves by more than a level."""
    only_noise = BaseDataAugmentation(crop_prob=0, reverse_prob=0, noise_prob=1, jitter_prob=0, blur_prob=0,
                                      hsv_aug_prob=0)
    for seed in range(5):
        np.random.seed(seed)
        out = only_noise({"image": IMAGE.copy()})["image"]
        assert out.shape == IMAGE.shape and np.abs(out.astype(int) - IMAGE).max() <= 1
