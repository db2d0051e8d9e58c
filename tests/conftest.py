"""Shared test setup: one intra-op thread.

The models here are small and recurrent, so each step is many tiny ops; extra threads only add
synchronisation (measured: a float64 gradcheck of `address` took 31 s with 2 threads on a
busy 2-core machine, 1 s with one).
"""

import torch

torch.set_num_threads(1)
