"""albu.reseed (state copies) gives the draws of albumentations' own set_random_seed, sample after
sample, on nested pipelines."""

import albumentations as A
import numpy as np

from ppocr.data.transforms import albu


def pipeline():
    return A.Compose([
        A.HorizontalFlip(p=0.5),
        A.OneOf([A.Rotate(limit=10, p=1.0), A.Affine(scale=(0.8, 1.2), p=1.0)], p=0.7),
        A.GaussNoise(p=0.5),
        A.RandomBrightnessContrast(p=0.5),
    ])


def run(reseed, seeds, image):
    p = pipeline()
    return [reseed(p, s) or p(image=image)["image"] for s in seeds]


def test_reseed_equals_set_random_seed():
    image = np.random.default_rng(0).integers(0, 255, (48, 96, 3), dtype=np.uint8)
    seeds = [1, 2, 3, 1, 12345, 2**31 - 2]
    ours = run(albu.reseed, seeds, image)
    theirs = run(lambda p, s: p.set_random_seed(s), seeds, image)
    assert all(np.array_equal(a, b) for a, b in zip(ours, theirs))
    assert not np.array_equal(ours[1], ours[4])  # the draws follow the seed

