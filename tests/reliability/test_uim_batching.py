"""UIM's pseudo-label of a crop does not depend on how crops are batched (issue 15, item 9): rec
batches hold only crops of the same own width, so a run resumed off a batch boundary labels every
crop as an uninterrupted run does."""

from __future__ import annotations

import pytest
from helpers import REPO, missing_oracle
from inference.stubs import StubLineModel, crop

from ppocr.inference.crop_batcher import CropBatcher, width_batches

RELEASED = REPO / "pretrained" / "ppocrv3_rec"
SHAPE = (3, 48, 320)


def test_width_batches_never_pad_a_crop_for_another():
    # own widths: 0 -> 480 (ratio 10), 1, 3, 4 -> 320 (ratios 1, 2, 4), 2 -> 960 (ratio 20), 5 -> 480
    crops = [crop(0, 10, 100), crop(1, 30, 30), crop(2, 24, 480), crop(3, 30, 60), crop(4, 12, 48),
             crop(5, 5, 50)]
    assert width_batches(crops, 2, SHAPE) == [[1, 3], [4], [0, 5], [2]]
    assert width_batches(crops, 8, SHAPE) == [[1, 3, 4], [0, 5], [2]]
    assert width_batches([], 8, SHAPE) == []


@pytest.mark.parametrize("batch_size", [1, 2, 3, 8])
def test_same_width_inputs_do_not_depend_on_the_batch(batch_size):
    model = StubLineModel("rec")
    crops = [crop(0, 10, 100), crop(1, 30, 30), crop(2, 24, 480), crop(3, 30, 60), crop(4, 12, 48)]
    results = CropBatcher(model, batch_size, SHAPE, same_width=True)(crops)
    assert results == [("crop0", 480.0), ("crop1", 320.0), ("crop2", 960.0), ("crop3", 320.0),
                       ("crop4", 320.0)]


@pytest.fixture(scope="module")
def released_rec():
    if not (RELEASED / "model.pdparams").is_file():
        missing_oracle(f"{RELEASED} is absent (run `make pretrained`)")
    from ppocr.inference.system import load_stage

    return load_stage("rec")


@pytest.fixture(scope="module")
def lines(tmp_path_factory):
    import cv2

    from ppocr_synth import make_rec_set

    root = tmp_path_factory.mktemp("uim_lines")
    make_rec_set(str(root), 12, seed=7, min_len=2, max_len=24, style="mixed")
    return [cv2.imread(str(p)) for p in sorted((root / "images").iterdir())]


@pytest.mark.slow
def test_released_model_labels_alike_whatever_the_batch(released_rec, lines):
    read = {bs: CropBatcher(released_rec, bs, same_width=True)(lines) for bs in (1, 3, 8)}
    assert read[3] == read[1] and read[8] == read[1]
    # and the order of the crops does not matter either (a resumed run starts elsewhere)
    assert CropBatcher(released_rec, 3, same_width=True)(lines[5:]) == read[1][5:]
