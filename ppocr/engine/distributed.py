"""Data-parallel helpers. Under ``python -m paddle.distributed.launch`` each process is one rank
(one GPU on a cluster, or a CPU process with the gloo backend); otherwise everything is a no-op."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class DistEnv:
    rank: int = 0
    world_size: int = 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1


def launched_world_size() -> int:
    return int(os.environ.get("PADDLE_TRAINERS_NUM", "1"))


def init_distributed() -> DistEnv:
    if launched_world_size() <= 1:
        return DistEnv()
    import paddle.distributed as dist

    dist.init_parallel_env()
    return DistEnv(rank=dist.get_rank(), world_size=dist.get_world_size())


def wrap_model(model, env: DistEnv):
    if not env.enabled:
        return model
    import paddle

    # frozen sub-models (distillation teachers) have stop_gradient parameters: not synchronised
    return paddle.DataParallel(model)


def unwrap(model):
    return getattr(model, "_layers", model)


def gather_objects(obj, env: DistEnv) -> list:
    """Every rank's ``obj`` (a picklable value), in rank order."""
    if not env.enabled:
        return [obj]
    import paddle.distributed as dist

    out: list = []
    dist.all_gather_object(out, obj)
    return out


def barrier(env: DistEnv) -> None:
    if env.enabled:
        import paddle.distributed as dist

        dist.barrier()
