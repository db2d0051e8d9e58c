"""Training throughput: milliseconds per sequence for one forward + backward + optimiser step.

The copy configuration of the paper (Graves et al. 2014, §4.1, Tables 1-3;
https://arxiv.org/abs/1410.5401): 8-bit vectors, lengths L uniform on 1..20 (T = 2L + 1
steps), NTM with 1 read + 1 write head, memory 128 x 20, controller of 100 units (LSTM or
feed-forward), and the LSTM baseline of 3 x 256. For each model and batch size the script
times `--iterations` training steps on freshly sampled batches (the same lengths for every
model), divides by the number of sequences, and repeats that `--repeats` times. It prints
the median and the spread (min..max) over the repeats, twice: wall-clock time, and the CPU
time of the benchmark's thread (`time.thread_time`). On a shared machine the wall clock
also counts the time other users' processes hold the core; the CPU time is close to what an
idle core would give (with `--threads 1` all the work runs on this one thread).

    python benchmarks/throughput.py                      # the table in benchmarks/README.md
    python benchmarks/throughput.py --threads 2 --batch-sizes 1 32
    python benchmarks/throughput.py --profile ntm-lstm --batch-sizes 1   # where time goes
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from ntm_edu.model import NTM, LSTMBaseline, count_parameters
from ntm_edu.tasks.copy import CopyTask

MODELS = {
    # name: builder(input_size, output_size)
    "ntm-lstm": lambda i, o: NTM(i, o, controller="lstm"),
    "ntm-ff": lambda i, o: NTM(i, o, controller="feedforward"),
    "lstm-3x256": lambda i, o: LSTMBaseline(i, o, hidden_size=256, layers=3),
}


def time_training(model, task, batch_size: int, iterations: int, seed: int) -> tuple[float, float]:
    """Wall-clock and thread-CPU milliseconds per sequence over `iterations` training steps."""
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-4, momentum=0.9, alpha=0.95)
    generator = torch.Generator().manual_seed(seed)
    batches = [task.sample(batch_size, generator) for _ in range(iterations + 1)]

    def train_step(batch):
        optimizer.zero_grad(set_to_none=True)
        loss = task.loss(model(batch.inputs), batch)
        loss.backward()
        optimizer.step()

    train_step(batches[0])  # warm-up: allocator, lazy optimizer state
    wall, cpu = time.perf_counter(), time.thread_time()
    for batch in batches[1:]:
        train_step(batch)
    wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
    sequences = iterations * batch_size
    return 1000 * wall / sequences, 1000 * cpu / sequences


def profile(model, task, batch_size: int, iterations: int) -> None:
    """Print the operators that take the most time in a few training steps."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    time_training(model, task, batch_size, 2, seed=0)
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        time_training(model, task, batch_size, iterations, seed=0)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8, 32, 128])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--repeats", type=int, default=5, help="timings per cell (median)")
    parser.add_argument(
        "--sequences", type=int, default=128, help="sequences per timing (at least 4 steps)"
    )
    parser.add_argument("--profile", choices=list(MODELS), help="profile one model instead")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    task = CopyTask()  # 8 bits + delimiter in, 8 bits out, L ~ U{1..20}
    print(f"torch {torch.__version__}, torch.get_num_threads() = {torch.get_num_threads()}")

    if args.profile:
        torch.manual_seed(0)
        model = MODELS[args.profile](task.input_size, task.output_size)
        profile(model, task, args.batch_sizes[0], iterations=max(4, 64 // args.batch_sizes[0]))
        return

    results = {}  # (model, batch size) -> ([wall ms], [cpu ms])
    params = {}
    for name in args.models:
        torch.manual_seed(0)
        model = MODELS[name](task.input_size, task.output_size)
        params[name] = count_parameters(model)
        for batch_size in args.batch_sizes:
            iterations = max(4, args.sequences // batch_size)
            runs = [
                time_training(model, task, batch_size, iterations, seed=repeat)
                for repeat in range(args.repeats)
            ]
            results[name, batch_size] = ([w for w, _ in runs], [c for _, c in runs])

    for title, column in (("wall-clock", 0), ("thread CPU time", 1)):
        print(f"\nms per sequence, {title}: forward + backward + RMSprop step,")
        print(f"median [min..max] over {args.repeats} repeats")
        print(
            f"{'model':12s} {'params':>10s}" + "".join(f"{f'B={b}':>24s}" for b in args.batch_sizes)
        )
        for name in args.models:
            cells = []
            for batch_size in args.batch_sizes:
                times = results[name, batch_size][column]
                median = statistics.median(times)
                cells.append(f"{median:.2f} [{min(times):.2f}..{max(times):.2f}]")
            print(f"{name:12s} {params[name]:>10,d}" + "".join(f"{c:>24s}" for c in cells))


if __name__ == "__main__":
    main()
