"""Training throughput: ms per sequence, eager and compiled, beside pytorch-ntm, in one run.

The copy configuration of the paper (Graves et al. 2014, §4.1, Tables 1-3;
https://arxiv.org/abs/1410.5401): 8-bit vectors, lengths L uniform on 1..20 (T = 2L + 1
steps), an NTM with an LSTM controller of 100 units, 1 read + 1 write head, memory 128 x 20.
Rows, timed in turn within every repeat (the machine may be shared, so they see the same load):

* ``eager``:    ``ntm_edu.train(model, task, steps, batch_size=B)``, the project's own loop
  (sampling, loss, clipping, checks, Adam) with the plain `NTM.step`;
* ``compiled``: the same call with ``compile=True`` (`ntm_edu/model/compiled.py`);
* ``pytorch-ntm``: loudinthecloud/pytorch-ntm, the most used PyTorch NTM, same sizes, its
  own step loop and RMSprop, on the same batches (pre-sampled: its data costs are not
  counted). It is *not* part of this repository: fetch it separately and pass its folder
  with ``--pytorch-ntm DIR`` (or env PYTORCH_NTM); without it the row is skipped.

A cell is the CPU time of this thread per sequence (``time.thread_time``; with one torch
thread all the work runs here, and other users' processes on a shared machine count less
than on the wall clock), over ``max(4, --sequences / B)`` steps, median [min..max] of
``--repeats``. Compile time is measured in fresh processes: the first compiled training step
with an empty Inductor cache (TORCHINDUCTOR_CACHE_DIR, cold) and again with that cache (warm).

    python benchmarks/throughput.py --pytorch-ntm /path/to/pytorch-ntm     # benchmarks/README.md
    python benchmarks/throughput.py --batch-sizes 32 --repeats 3 --no-compile-time
    python benchmarks/throughput.py --profile compiled --batch-sizes 32   # where the time goes
    python benchmarks/throughput.py --flops                               # arithmetic per step
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ntm_edu.model import NTM, compile_problem  # noqa: E402
from ntm_edu.tasks.copy import CopyTask  # noqa: E402
from ntm_edu.training import train  # noqa: E402


def project_step(compiled: bool):
    """A function (batch size, seed, steps) -> None that trains one NTM with `train`."""
    task = CopyTask()
    torch.manual_seed(0)
    model = NTM(task.input_size, task.output_size, controller="lstm", controller_size=100)

    def run(batch_size: int, seed: int, steps: int) -> None:
        train(
            model,
            task,
            steps,
            batch_size=batch_size,
            seed=seed,
            device="cpu",
            progress=False,
            log_every=steps,
            compile=compiled,
        )

    return run


def peer_step(folder: Path):
    """The same function for pytorch-ntm (its EncapsulatedNTM and training step)."""
    sys.path.insert(0, str(folder))
    from ntm.aio import EncapsulatedNTM  # pytorch-ntm's model, from the separate clone

    task = CopyTask()
    torch.manual_seed(0)
    net = EncapsulatedNTM(task.input_size, task.output_size, 100, 1, 1, 128, 20)
    # pytorch-ntm's copy-task settings (tasks/copytask.py): RMSprop with momentum, BCE on
    # sigmoid outputs, gradients clipped to +-10.
    optimizer = torch.optim.RMSprop(net.parameters(), lr=1e-4, momentum=0.9, alpha=0.95)
    criterion = torch.nn.BCELoss()

    def one_batch(inputs: torch.Tensor, targets: torch.Tensor) -> None:
        B, T, _ = inputs.shape
        length = (T - 1) // 2  # copy: L inputs, the delimiter, then L outputs
        optimizer.zero_grad()
        net.init_sequence(B)
        for t in range(length + 1):  # the sequence and the delimiter, time-major
            net(inputs[:, t])
        outputs = torch.stack([net()[0] for _ in range(length)], dim=1)  # no input meanwhile
        criterion(outputs, targets[:, length + 1 :]).backward()
        for p in net.parameters():
            p.grad.data.clamp_(-10, 10)
        optimizer.step()

    def run(batch_size: int, seed: int, steps: int) -> None:
        generator = torch.Generator().manual_seed(seed)  # the batches `train` would draw
        batches = [task.sample(batch_size, generator) for _ in range(steps)]
        start = time.thread_time()
        for batch in batches:
            one_batch(batch.inputs, batch.targets)
        run.sampling_excluded = time.thread_time() - start

    return run


def time_rows(rows: dict, batch_sizes: list[int], repeats: int, sequences: int) -> dict:
    """(row, B) -> [ms per sequence] over the repeats, rows interleaved within each repeat."""
    times = {(name, b): [] for name in rows for b in batch_sizes}
    for run in rows.values():  # warm-up: compile, allocator, lazy optimizer state
        for b in batch_sizes:
            run(b, 0, 2)
    for repeat in range(repeats):
        for b in batch_sizes:
            steps = max(4, sequences // b)
            for name, run in rows.items():
                start = time.thread_time()
                run(b, 1 + repeat, steps)
                seconds = getattr(run, "sampling_excluded", time.thread_time() - start)
                times[name, b].append(1000 * seconds / (steps * b))
        print(f"  repeat {repeat + 1} of {repeats} done", flush=True)
    return times


def first_step_seconds(batch_size: int) -> None:
    """(Child process.) Print the seconds of one compiled and one eager training step."""
    torch.set_num_threads(1)
    for compiled in (True, False):
        run = project_step(compiled)
        start = time.perf_counter()
        run(batch_size, 0, 1)
        print(f"{'compiled' if compiled else 'eager'} {time.perf_counter() - start:.2f}")


def compile_seconds(batch_size: int) -> tuple[float, float]:
    """Compile time of the first compiled step, cold (empty Inductor cache) then warm."""
    with tempfile.TemporaryDirectory(prefix="ntm_edu_inductor_") as cache:
        env = {**os.environ, "TORCHINDUCTOR_CACHE_DIR": cache}
        results = []
        for _ in ("cold", "warm"):
            out = subprocess.run(
                [sys.executable, __file__, "--_first-step", str(batch_size)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            seconds = dict(line.split() for line in out.strip().splitlines())
            results.append(float(seconds["compiled"]) - float(seconds["eager"]))
        return results[0], results[1]


def profile(compiled: bool, batch_size: int) -> None:
    """Print the operators that take the most time in a few training steps."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    run = project_step(compiled)
    run(batch_size, 0, 3)
    with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
        run(batch_size, 1, max(4, 64 // batch_size))
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25))


def flops(batch_size: int = 32) -> None:
    """Matrix-product FLOPs of one training step, and the time of those products alone.

    The floor is measured, not assumed: the same matrix products as one NTM step (the LSTM
    cell, the heads' and the output's linear layers, at the same shapes), forward and backward,
    for T = 22 steps and nothing else: no addressing, no memory, no optimiser. A step cannot
    be faster than its matrix products at this batch size on this core.
    """
    from torch.utils.flop_counter import FlopCounterMode

    task = CopyTask()
    model = NTM(task.input_size, task.output_size)
    batch = task.sample(batch_size, torch.Generator().manual_seed(0), length=10)
    with FlopCounterMode(display=False) as counter:
        task.loss(model(batch.inputs), batch).backward()
    T = batch.inputs.shape[1]
    per_step = counter.get_total_flops() / (batch_size * T)
    print(f"matrix-product FLOPs per sequence and time step (forward + backward): {per_step:,.0f}")
    print(f"per copy sequence of mean length 10.5 (T = 22 steps): {per_step * 22 / 1e6:.1f} MFLOP")

    cell = model.controller.cell
    heads, output = model.heads.linear, model.output
    x = torch.randn(batch_size, cell.input_size)
    h_out = torch.randn(batch_size, output.in_features - cell.hidden_size)
    times = []
    for _ in range(6):
        start = time.thread_time()
        h = c = torch.zeros(batch_size, cell.hidden_size)
        total = 0
        for _ in range(22):
            h, c = cell(x, (h, c))
            total = total + heads(h).sum() + output(torch.cat([h, h_out], -1)).sum()
        total.backward()
        times.append((time.thread_time() - start) * 1000 / batch_size)
    floor = statistics.median(times[1:])
    print(
        f"the step's matrix products alone, forward + backward, B={batch_size}, T=22: "
        f"{floor:.3f} ms per sequence ({per_step * 22 / floor / 1e6:.1f} GFLOP/s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 32, 128])
    parser.add_argument("--repeats", type=int, default=5, help="timings per cell (median)")
    parser.add_argument("--sequences", type=int, default=128, help="sequences per timing")
    parser.add_argument(
        "--pytorch-ntm",
        type=Path,
        default=os.environ.get("PYTORCH_NTM"),
        help="folder of a pytorch-ntm clone (env PYTORCH_NTM)",
    )
    parser.add_argument("--no-compile-time", action="store_true", help="skip the compile timing")
    parser.add_argument("--profile", choices=["eager", "compiled"], help="profile one row")
    parser.add_argument("--flops", action="store_true", help="count FLOPs of one step")
    parser.add_argument("--_first-step", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args._first_step:
        return first_step_seconds(args._first_step)
    if args.flops:
        return flops(args.batch_sizes[0] if len(args.batch_sizes) == 1 else 32)
    if args.profile:
        return profile(args.profile == "compiled", args.batch_sizes[0])

    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread, CPU capability "
        f"{torch.backends.cpu.get_cpu_capability()}",
        flush=True,
    )
    rows = {"eager": project_step(False)}
    problem = compile_problem("cpu")
    if problem is None:
        rows["compiled"] = project_step(True)
    else:
        print(f"compiled: skipped, torch.compile is unavailable ({problem})")
    peer = args.pytorch_ntm
    if peer is not None and (Path(peer) / "ntm" / "aio.py").is_file():
        rows["pytorch-ntm"] = peer_step(Path(peer))
    else:
        print(
            "pytorch-ntm: skipped (give --pytorch-ntm DIR, a clone of "
            "github.com/loudinthecloud/pytorch-ntm)"
        )
    times = time_rows(rows, args.batch_sizes, args.repeats, args.sequences)

    print(
        f"\nms per sequence (thread CPU time), forward + backward + optimiser step, "
        f"median [min..max] of {args.repeats}"
    )
    print("| row |" + "".join(f" B={b} |" for b in args.batch_sizes))
    print("|---|" + "---:|" * len(args.batch_sizes))
    for name in rows:
        cells = []
        for b in args.batch_sizes:
            t = times[name, b]
            cells.append(f" {statistics.median(t):.2f} [{min(t):.2f}..{max(t):.2f}] |")
        print(f"| {name} |" + "".join(cells))
    if "pytorch-ntm" in rows:
        ours = [n for n in rows if n != "pytorch-ntm"]
        for name in ours:
            ratios = [
                statistics.median(times["pytorch-ntm", b]) / statistics.median(times[name, b])
                for b in args.batch_sizes
            ]
            print(
                f"| speed-up of {name} over pytorch-ntm |" + "".join(f" {r:.1f}x |" for r in ratios)
            )
    if problem is None and not args.no_compile_time:
        b = 32 if 32 in args.batch_sizes else args.batch_sizes[0]
        cold, warm = compile_seconds(b)
        print(
            f"\ncompile time of the first compiled step at B={b} (beyond an eager step): "
            f"cold cache {cold:.1f} s, warm cache {warm:.1f} s"
        )


if __name__ == "__main__":
    main()
