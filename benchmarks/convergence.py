"""How fast does the NTM learn copy from scratch? Sequences and seconds to a validation target.

For each seed, train the NTM on copy with `default_config("copy", "ntm")` and evaluate every
`--eval-every` steps on a fixed validation set: `--per-length` sequences of every length 1..20
(the whole training range). A run *converges* when the validation error falls below
`--target` wrong bits per sequence (default 0.1). Print, per seed, the sequences seen and the
wall seconds of training until then, and the median; then one LSTM baseline run with its own
default config to a time budget, for comparison (the paper's Fig. 3 gap).

Usage (one job at a time on a shared machine; it sets torch to one thread):

    nohup .venv/bin/python benchmarks/convergence.py > /tmp/convergence.log 2>&1 &
    .venv/bin/python benchmarks/convergence.py --seeds 0 --variant paper_rmsprop --budget 600

Variants (`--variant`) change one thing of the default config, to show why it is the default.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ntm_edu.tasks import Batch, make_task  # noqa: E402
from ntm_edu.training import Callback, build_model, default_config, train  # noqa: E402

# name -> changes to default_config("copy", kind)["train"].
VARIANTS: dict[str, dict] = {
    "default": {},
    "paper_rmsprop": dict(optimizer="rmsprop", lr=1e-4),
    "adam_3e-3": dict(lr=3e-3),
    "batch_16": dict(batch_size=16),
    "batch_64": dict(batch_size=64),
    "no_clip": dict(clip=None),
    # Length curricula: start on lengths 1..start, raise the bound by one whenever a logged
    # training point has < 0.5 wrong bits per sequence.
    "curriculum_from_2": dict(curriculum=dict(field="length", start=2, threshold=0.5)),
    "curriculum_from_5": dict(curriculum=dict(field="length", start=5, threshold=0.5)),
}


def validation_batch(task, per_length: int, seed: int = 12345) -> Batch:
    """`per_length` sequences of every length min..max, padded to one batch.

    Padding goes at the end with mask False: the models are causal, so steps after an
    episode's end cannot change its scored outputs, and one padded batch runs much faster than
    twenty small ones.
    """
    generator = torch.Generator().manual_seed(seed)
    lengths = range(task.config["min_length"], task.config["max_length"] + 1)
    parts = [task.sample(per_length, generator=generator, length=n) for n in lengths]
    steps = max(p.length for p in parts)

    def pad(x: torch.Tensor) -> torch.Tensor:
        extra = steps - x.shape[1]
        return torch.cat([x, x.new_zeros((x.shape[0], extra, *x.shape[2:]))], dim=1)

    return Batch(
        inputs=torch.cat([pad(p.inputs) for p in parts]),
        targets=torch.cat([pad(p.targets) for p in parts]),
        mask=torch.cat([pad(p.mask) for p in parts]),
    )


class StopAtTarget(Callback):
    """Evaluate on the validation batch every `every` steps; stop at the target or budget."""

    def __init__(self, batch: Batch, every: int, target: float, budget_s: float, label: str):
        self.batch, self.every, self.target = batch, every, target
        self.budget_s, self.label = budget_s, label
        self.reached: tuple[int, float, float] | None = None
        self.last_errors = float("nan")
        self.cpu_start = self.eval_cpu = 0.0

    def on_train_begin(self, ctx) -> None:
        self.cpu_start = time.process_time()

    def train_cpu_seconds(self) -> float:
        """CPU seconds of training: robust to other jobs on a shared machine, unlike wall time."""
        return time.process_time() - self.cpu_start - self.eval_cpu

    @torch.no_grad()
    def on_step_end(self, ctx) -> None:
        if ctx.step % self.every:
            return
        cpu = time.process_time()
        ctx.model.eval()
        logits = ctx.model(self.batch.inputs)
        ctx.model.train()
        errors = float(ctx.task.bit_errors_per_sequence(logits, self.batch))
        bits = float(ctx.task.bits_per_sequence(logits, self.batch))
        self.eval_cpu += time.process_time() - cpu
        self.last_errors = errors
        h = ctx.history
        bound = h.schedule.get("length", "-")
        print(
            f"  [{self.label}] step {h.step:5d}  seqs {h.sequences:7d}  wall {h.seconds:5.0f}s  "
            f"cpu {self.train_cpu_seconds():5.0f}s  max_len {bound!s:>2}  "
            f"val bits/seq {bits:7.3f}  val errors/seq {errors:6.3f}",
            flush=True,
        )
        if errors < self.target:
            self.reached = (h.sequences, h.seconds, self.train_cpu_seconds())
            ctx.stop = True
        elif self.train_cpu_seconds() > self.budget_s:
            ctx.stop = True


def run(kind: str, seed: int, overrides: dict, args, label: str) -> dict:
    config = default_config("copy", kind)
    task = make_task("copy", **config["task"])
    torch.manual_seed(seed)  # model initialisation
    model = build_model(kind, task, **config["model"])
    settings = {**config["train"], **overrides}
    settings.pop("steps")
    checker = StopAtTarget(
        validation_batch(task, args.per_length), args.eval_every, args.target, args.budget, label
    )
    start = time.perf_counter()
    history = train(
        model,
        task,
        steps=10**7,
        seed=seed,
        device="cpu",
        progress=False,
        callbacks=[checker],
        **settings,
    )
    return dict(
        label=label,
        seed=seed,
        reached=checker.reached,
        sequences=history.sequences,
        seconds=history.seconds,
        wall=time.perf_counter() - start,
        cpu=checker.train_cpu_seconds(),
        final_errors=checker.last_errors,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--variant", choices=sorted(VARIANTS), default="default")
    parser.add_argument("--eval-every", type=int, default=50, help="steps between evaluations")
    parser.add_argument("--per-length", type=int, default=10, help="validation seqs per length")
    parser.add_argument("--target", type=float, default=0.1, help="bit errors per sequence")
    parser.add_argument("--budget", type=float, default=900.0, help="training CPU seconds per run")
    parser.add_argument("--lstm-budget", type=float, default=300.0, help="0: skip the LSTM")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)

    overrides = VARIANTS[args.variant]
    print(f"NTM on copy, variant {args.variant!r}: default_config + {overrides}", flush=True)
    results = [run("ntm", seed, overrides, args, f"ntm seed {seed}") for seed in args.seeds]
    lstm = None
    if args.lstm_budget > 0:
        lstm_args = argparse.Namespace(**{**vars(args), "budget": args.lstm_budget})
        lstm = run("lstm", args.seeds[0], overrides, lstm_args, "lstm")

    print(
        f"\n| model | seed | sequences to < {args.target} errors/seq | steps | "
        f"CPU seconds | wall seconds |"
    )
    print("|---|---|---|---|---|---|")
    batch = {**default_config("copy", "ntm")["train"], **overrides}["batch_size"]
    reached = []
    for r in results:
        name = f"NTM ({args.variant})"
        if r["reached"]:
            seqs, wall, cpu = r["reached"]
            reached.append(r["reached"])
            print(f"| {name} | {r['seed']} | {seqs:,} | {seqs // batch} | {cpu:.0f} | {wall:.0f} |")
        else:
            print(
                f"| {name} | {r['seed']} | not reached in {r['sequences']:,} "
                f"({r['final_errors']:.2f} errors/seq) | | > {r['cpu']:.0f} "
                f"| > {r['seconds']:.0f} |"
            )
    if reached and len(reached) == len(results):
        seqs = statistics.median(s for s, _, _ in reached)
        wall = statistics.median(w for _, w, _ in reached)
        cpu = statistics.median(c for _, _, c in reached)
        print(f"| NTM median | | {seqs:,.0f} | {seqs / batch:.0f} | {cpu:.0f} | {wall:.0f} |")
    if lstm is not None:
        if lstm["reached"]:
            seqs, wall, cpu = lstm["reached"]
            print(f"| LSTM 3x256 | {lstm['seed']} | {seqs:,} | | {cpu:.0f} | {wall:.0f} |")
        else:
            print(
                f"| LSTM 3x256 | {lstm['seed']} | not reached in {lstm['sequences']:,} "
                f"({lstm['final_errors']:.2f} errors/seq) | | > {lstm['cpu']:.0f} "
                f"| > {lstm['seconds']:.0f} |"
            )


if __name__ == "__main__":
    main()
