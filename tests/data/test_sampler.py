import numpy as np

from ppocr.data.collate import collate
from ppocr.data.sampler import EpochBatchSampler


def keys(sampler):
    return [k for batch in sampler for k in batch]


def test_shuffle_is_deterministic_per_epoch():
    s = EpochBatchSampler(20, 4, shuffle=True, drop_last=False, seed=7)
    s.set_epoch(1)
    a = keys(s)
    s.set_epoch(2)
    b = keys(s)
    s.set_epoch(1)
    assert keys(s) == a and [i for _, i in a] != [i for _, i in b]
    assert sorted(i for _, i in a) == list(range(20)) and all(e == 1 for e, _ in a)


def test_ranks_get_disjoint_shards_covering_the_set():
    shards = []
    for rank in range(3):
        s = EpochBatchSampler(10, 2, shuffle=True, drop_last=False, seed=1, rank=rank, world_size=3, pad=False)
        s.set_epoch(4)
        shards.append({i for _, i in keys(s)})
    assert all(not (shards[a] & shards[b]) for a in range(3) for b in range(a + 1, 3))
    assert set().union(*shards) == set(range(10))


def test_training_pads_so_ranks_have_equal_batches():
    lens = [len(EpochBatchSampler(10, 2, True, True, rank=r, world_size=3)) for r in range(3)]
    assert lens == [2, 2, 2]


def test_resume_starts_at_a_batch():
    s = EpochBatchSampler(12, 3, shuffle=True, drop_last=True, seed=5)
    s.set_epoch(2)
    full = list(s)
    s.set_epoch(2, start_batch=2)
    assert list(s) == full[2:]


def test_collate_stacks_arrays_and_keeps_ragged_values():
    samples = [{"image": np.zeros((3, 2, 2)), "label": 1, "polys": np.zeros((k, 4, 2)), "path": f"p{k}"}
               for k in (1, 2)]
    b = collate(samples)
    assert b["image"].shape == (2, 3, 2, 2) and b["label"].tolist() == [1, 1]
    assert isinstance(b["polys"], list) and b["path"] == ["p1", "p2"]
