"""Several processes (`torchrun --nproc-per-node N igt-train ...`): who am I, and how to agree.

torchrun sets WORLD_SIZE, RANK and LOCAL_RANK. Without them this is a
single process and every helper here is a no-op. gloo on CPU, nccl on GPU.
Only rank 0 writes files; all ranks compute the same batch plan and each
takes its share.
"""

import os
from dataclasses import dataclass


@dataclass
class Dist:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self):
        return self.world_size > 1

    @property
    def is_main(self):
        return self.rank == 0

    def all_reduce_sum(self, tensor):
        """Sum a tensor over all processes, in place."""
        if self.enabled:
            import torch.distributed as dist

            dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        return tensor

    def main_value(self, value, device):
        """Rank 0's `value` (a number) on every process, e.g. its clock."""
        if not self.enabled:
            return value
        import torch

        mine = torch.tensor([value if self.is_main else 0.0], dtype=torch.float64, device=device)
        return float(self.all_reduce_sum(mine).item())

    def barrier(self):
        if self.enabled:
            import torch.distributed as dist

            dist.barrier()

    def close(self):
        if self.enabled:
            import torch.distributed as dist

            if dist.is_initialized():
                dist.destroy_process_group()


def from_environment(cuda=False):
    """The process group torchrun describes (joined here), or a single process.

    `cuda`: whether this run trains on GPUs (nccl), else gloo.
    """
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return Dist()
    import torch.distributed as dist

    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    if not dist.is_initialized():
        dist.init_process_group(backend="nccl" if cuda else "gloo")
    return Dist(rank=rank, world_size=world_size, local_rank=local_rank)
