"""Resuming an epoch run with another world size keeps the epoch position (issue found with the
multi-node tests: the checkpoint's global step counted the old world's steps, so 1 -> 2 processes
said 'nothing to train' and 2 -> 1 ran past epoch_num)."""

import pytest

from ppocr.engine.run import rescale_position
from ppocr.engine.trainer import TrainState


@pytest.mark.parametrize(
    "old_ws, new_ws, old_spe, new_spe, epoch, in_epoch, want_epoch, want_in_epoch",
    [
        (1, 2, 6, 3, 3, 0, 3, 0),   # 2 epochs done alone, then 2 processes: epoch 3 starts
        (2, 1, 3, 6, 2, 2, 2, 4),   # 2 of 3 batches of epoch 2 on 2 ranks = 4 of 6 alone
        (1, 2, 6, 3, 2, 5, 2, 2),   # 5 batches alone = 2.5 batches at 2: the half batch is read again
        (1, 4, 8, 2, 1, 8, 2, 0),   # a finished epoch moves on to the next
    ])
def test_rescale_position(old_ws, new_ws, old_spe, new_spe, epoch, in_epoch, want_epoch, want_in_epoch):
    state = TrainState(epoch=epoch, step_in_epoch=in_epoch, global_step=(epoch - 1) * old_spe + in_epoch,
                       world_size=old_ws)
    rescale_position(state, new_ws, new_spe)
    assert (state.epoch, state.step_in_epoch) == (want_epoch, want_in_epoch)
    assert state.global_step == (want_epoch - 1) * new_spe + want_in_epoch
    # samples read in the epoch never exceed what the checkpoint had read
    assert state.step_in_epoch * new_ws <= max(in_epoch * old_ws, 0) or want_epoch == epoch + 1
