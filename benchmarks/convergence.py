"""Does the NTM learn copy on every seed? Converged count, median and worst seed, and curves.

For each variant (a training recipe) and each seed, train the NTM (`--model ntm`, LSTM
controller; `ntm_ff`, feed-forward) on copy (or `--task`) from scratch and
evaluate every `--eval-every` steps on a fixed validation set: `--per-length` sequences of
every length 1..20 (the whole training range, the same set for every run). A run has
**converged** when

* the validation error falls below `--target` wrong bits per sequence (default 0.1) within
  `--max-sequences` training sequences (default 50,000), and
* it **stays there**: training continues for `--hold` more sequences, and no later
  evaluation is above 1 wrong bit per sequence and the last one is below the target again.

Seeds fix the model's initial weights and the training data. Runs go to separate processes,
`--jobs` at a time, each with one torch thread; every finished run is saved as JSON under
`--out` (default benchmarks/results/convergence/<variant>/seed_<s>.json) and skipped when the
script is run again, so an interrupted table resumes. The script prints a table per variant
(converged n of N, median and worst seed in sequences and training CPU seconds) and draws the
validation curves into `--figure` (default: the task's own file, `FIGURES`).

    python benchmarks/convergence.py --variants default --seeds 0 1 2 3 4 5 6 7 --jobs 2
    python benchmarks/convergence.py --variants default paper_rmsprop --seeds 0 1 2 3
    ATEN_CPU_CAPABILITY=avx2 python benchmarks/convergence.py --tag avx2 --seeds 0 1 2 3

`--compile` trains with the compiled step (faster on a CPU with a C++ compiler; the numbers
differ from eager runs in the last digits, like another CPU's). The variants change one or two
settings of `default_config("copy", "ntm")`; see VARIANTS.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

# A guard that watches every length (400 held-out sequences in batches of 10 cover 1..20) and
# settles once the task is learnt (5 bits per sequence: about 0.1 wrong bits on copy).
_WIDE_GUARD = dict(sequences=400, batch_size=10, settle_below=5.0)
_ADAM = dict(optimizer="adam", lr=1e-3)  # the default until issue 11 (Collier & Beel 2018)
_PAPER = dict(optimizer="rmsprop", lr=1e-4)  # the paper's centred RMSProp, momentum 0.9

# name -> changes to default_config(task, "ntm"): "train" settings, "model" kwargs, "guard"
# (CollapseGuard arguments, ntm_edu/training/guard.py; None: no guard), "shipped" (start from
# the recipe of the shipped `<task>_ntm.pt`, PRETRAINED_RECIPES, instead).
VARIANTS: dict[str, dict[str, Any]] = {
    # The default NTM recipe (training/config.py): RMSProp 3e-4, the wide guard settling to a
    # tenth of the rate below 8 held-out bits per sequence on copy (5 on associative recall).
    "recipe": {},
    "shipped": dict(shipped=True),
    # The copy NTM's recipe on a task whose default is still Adam (repeat copy: not measured).
    "guarded_rmsprop": dict(
        train=dict(optimizer="rmsprop", lr=3e-4),
        guard=dict(_WIDE_GUARD, settle_below=8.0, settle_factor=0.1),
    ),
    # Repeat copy: guarded_rmsprop's restores and settling left seeds at 3.75e-6. This one
    # lowers the rate less at a restore (x0.7: three restores reach the paper's 1e-4) and
    # never settles.
    "guarded_rmsprop_gentle": dict(
        train=dict(optimizer="rmsprop", lr=3e-4),
        guard=dict(_WIDE_GUARD, settle_below=None, factor=0.7),
    ),
    # Repeat copy: the gentle guard's seeds learnt but relapsed above 1 wrong bit at its rate;
    # this one also settles once learnt (8 held-out bits, as guarded_rmsprop), to 0.3x.
    "guarded_rmsprop_gentle_settle": dict(
        train=dict(optimizer="rmsprop", lr=3e-4),
        guard=dict(_WIDE_GUARD, settle_below=8.0, settle_factor=0.3, factor=0.7),
    ),
    # Seed 0 of repeat copy stayed on the plateau under every recipe above, its cost falling
    # slowly as the restores lowered the rate: twice the updates per sequence (batch 16), and
    # the shipped recipe's Adam 1e-3 at batch 16 with the same guard.
    "guarded_rmsprop_gentle_settle_batch_16": dict(
        train=dict(optimizer="rmsprop", lr=3e-4, batch_size=16),
        guard=dict(_WIDE_GUARD, settle_below=8.0, settle_factor=0.3, factor=0.7),
    ),
    "guarded_adam_gentle_settle_batch_16": dict(
        train=dict(_ADAM, batch_size=16),
        guard=dict(_WIDE_GUARD, settle_below=8.0, settle_factor=0.3, factor=0.7),
    ),
    # At batch 16 every seed learnt, but two flickered just above 1 wrong bit after settling
    # to 0.3x: settle to a tenth (3e-5, the paper's rate for its slowest tasks) instead.
    "guarded_rmsprop_gentle_settle_tenth_batch_16": dict(
        train=dict(optimizer="rmsprop", lr=3e-4, batch_size=16),
        guard=dict(_WIDE_GUARD, settle_below=8.0, settle_factor=0.1, factor=0.7),
    ),
    "recipe_no_guard": dict(guard=None),
    "recipe_batch_16": dict(train=dict(batch_size=16)),
    "recipe_random_memory": dict(model=dict(memory_init="random")),
    # The measured alternatives, in the order they were tried.
    "adam_1e-3": dict(train=_ADAM, guard=None),
    "adam_1e-3_guard": dict(train=_ADAM, guard=dict()),
    "adam_1e-3_guard_clip_norm_1": dict(train=dict(_ADAM, clip_norm=1.0), guard=dict()),
    "paper_rmsprop_guard": dict(train=_PAPER, guard=dict()),
    "paper_rmsprop_guard_settle": dict(train=_PAPER, guard=dict(settle_below=1.0)),
    "adam_1e-3_wide_guard_settle5_quarter": dict(
        train=_ADAM, guard=dict(_WIDE_GUARD, settle_factor=0.25)
    ),
    "rmsprop_3e-4_wide_guard_settle5_quarter": dict(
        train=dict(optimizer="rmsprop", lr=3e-4), guard=dict(_WIDE_GUARD, settle_factor=0.25)
    ),
    "rmsprop_3e-4_wide_guard_settle5_tenth": dict(
        train=dict(optimizer="rmsprop", lr=3e-4), guard=dict(_WIDE_GUARD, settle_factor=0.1)
    ),
}


# Per task: the target (wrong bits per sequence; for repeat copy and associative recall the
# bound the shipped file is tested against), the budget in training sequences (copy: the
# issue's 50,000; the others: their shipped recipe's steps x batch), and how many sequences
# to keep watching after the target is reached (copy: 16,000; the others: to the budget).
TASK_TARGETS = {
    "copy": dict(target=0.1, max_sequences=50_000, hold=16_000, per_length=10),
    "associative_recall": dict(target=0.1, max_sequences=None, hold=0, per_length=20),
    "repeat_copy": dict(target=0.5, max_sequences=None, hold=0, per_length=2),
}
# One figure per task, so that a run of one task never replaces another's curves.
FIGURES = {
    "copy": "convergence_curves.png",
    "associative_recall": "convergence_curves_recall.png",
    "repeat_copy": "convergence_curves_repeat_copy.png",
}


def validation_batch(task, per_length: int, seed: int = 12345):
    """`per_length` sequences of every setting in the task's training range, one padded batch.

    Padding goes at the end with mask False: the models are causal, so steps after an
    episode's end cannot change its scored outputs, and one padded batch runs much faster than
    twenty small ones.
    """
    import torch

    from ntm_edu.tasks import Batch

    generator = torch.Generator().manual_seed(seed)
    grid = task.training_settings()  # every value of the training range
    parts = [task.sample(per_length, generator=generator, **setting) for setting in grid]
    steps = max(p.length for p in parts)

    def pad(x: torch.Tensor) -> torch.Tensor:
        extra = steps - x.shape[1]
        return torch.cat([x, x.new_zeros((x.shape[0], extra, *x.shape[2:]))], dim=1)

    return Batch(
        inputs=torch.cat([pad(p.inputs) for p in parts]),
        targets=torch.cat([pad(p.targets) for p in parts]),
        mask=torch.cat([pad(p.mask) for p in parts]),
    )


def base_settings(task_name: str, shipped: bool, model: str = "ntm") -> dict[str, Any]:
    """default_config(task, model), or with `shipped` the recipe of `<task>_<model>.pt` over it."""
    from ntm_edu.training import PRETRAINED_RECIPES, default_config

    config = default_config(task_name, model)
    if shipped:
        recipe = PRETRAINED_RECIPES[f"{task_name}_{model}"]
        config["model"].update(recipe.get("model_kwargs", {}))
        config["task"].update(recipe.get("task_kwargs", {}))
        for key in ("steps", "batch_size", "lr", "optimizer", "curriculum", "guard", "clip_norm"):
            if key in recipe:
                config["train"][key] = recipe[key]
    return config


def run_one(variant: str, seed: int, args: dict[str, Any]) -> dict[str, Any]:
    """Train one (variant, seed) in this process; returns its curve and verdict."""
    import torch

    from ntm_edu.tasks import make_task
    from ntm_edu.training import Callback, build_model, train
    from ntm_edu.training.guard import CollapseGuard

    torch.set_num_threads(1)
    changes = VARIANTS[variant]
    config = base_settings(args["task"], changes.get("shipped", False), args["model"])
    task = make_task(args["task"], **config["task"])
    torch.manual_seed(seed)  # the model's initial weights
    model = build_model(args["model"], task, **{**config["model"], **changes.get("model", {})})
    settings = {**config["train"], **changes.get("train", {})}
    steps = settings.pop("steps")
    budget = args["max_sequences"] or steps * settings["batch_size"]
    # The guard runs after the validation (not inside `train`, which would run it first), so
    # a relapse is measured before the guard undoes it: a guard cannot hide one here.
    guard = changes["guard"] if "guard" in changes else settings.get("guard")
    settings["guard"] = False
    batch = validation_batch(task, args["per_length"])
    curve: list[dict[str, float]] = []
    clock = {"cpu": 0.0, "eval": 0.0}

    class Evaluate(Callback):
        def on_train_begin(self, ctx) -> None:
            clock["cpu"] = time.process_time()

        @torch.no_grad()
        def on_step_end(self, ctx) -> None:
            if ctx.step == 1:  # the CPU time counts from here: without a first-step compile
                clock["cpu"] = time.process_time()
            if ctx.step % args["eval_every"]:
                return
            start = time.process_time()
            ctx.model.eval()
            logits = ctx.model(batch.inputs)
            ctx.model.train()
            errors = float(ctx.task.bit_errors_per_sequence(logits, batch))
            bits = float(ctx.task.bits_per_sequence(logits, batch))
            clock["eval"] += time.process_time() - start
            cpu = time.process_time() - clock["cpu"] - clock["eval"]
            h = ctx.history
            curve.append(
                dict(step=h.step, sequences=h.sequences, cpu=cpu, bits=bits, errors=errors)
            )
            reached = next((p for p in curve if p["errors"] < args["target"]), None)
            limit = budget + (args["hold"] if reached else 0)
            if reached and reached["sequences"] > budget:
                limit = reached["sequences"]  # too late: no need to watch it stay
            ctx.stop = h.sequences >= limit

    callbacks = [Evaluate(), *settings.pop("callbacks", ())]
    if guard:
        callbacks.append(CollapseGuard(**({} if guard is True else guard)))
    start = time.perf_counter()
    train(
        model,
        task,
        steps=10**7,
        seed=seed,
        device="cpu",
        progress=False,
        callbacks=callbacks,
        compile=args["compile"],
        **settings,
    )
    restores = [c.restores for c in callbacks if isinstance(c, CollapseGuard)]
    return dict(
        variant=variant,
        task=args["task"],
        model=args["model"],
        seed=seed,
        settings=_plain({**settings, "guard": guard}),
        budget=budget,
        compile=args["compile"],
        capability=os.environ.get("ATEN_CPU_CAPABILITY", "native"),
        wall=time.perf_counter() - start,
        curve=curve,
        guard_restores=restores[0] if restores else None,
    )


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def verdict(result: dict[str, Any], target: float, max_sequences: int) -> dict[str, Any]:
    """When the run reached the target, and whether it stayed (see the module docstring)."""
    curve = result["curve"]
    max_sequences = result.get("budget", max_sequences)
    first = next((i for i, p in enumerate(curve) if p["errors"] < target), None)
    if first is None or curve[first]["sequences"] > max_sequences:
        last = curve[-1]
        return dict(
            reached=None,
            stayed=False,
            final=last["errors"],
            seen=last["sequences"],
            cpu=last["cpu"],
        )
    after = curve[first:]
    stayed = max(p["errors"] for p in after) <= 1.0 and after[-1]["errors"] < target
    return dict(
        reached=curve[first]["sequences"],
        cpu=curve[first]["cpu"],
        stayed=stayed,
        final=after[-1]["errors"],
        worst_after=max(p["errors"] for p in after),
        seen=after[-1]["sequences"],
    )


def _save(path: Path, result: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(result))
    temporary.replace(path)  # atomic: a half-written result never looks finished


def _job(item: tuple[str, int, dict[str, Any], str]) -> str:
    variant, seed, args, path = item
    result = run_one(variant, seed, args)
    _save(Path(path), result)
    v = verdict(result, args["target"], args["max_sequences"])
    return f"{variant} seed {seed}: {v}"


def table(results: dict[str, list[dict[str, Any]]], target: float, max_sequences: int) -> str:
    """A markdown table: one row per variant."""
    lines = [
        f"| variant | converged (< {target} and stays) | reached, median [worst] sequences "
        "| median [worst] CPU s | per seed: sequences to target (x: did not stay) |",
        "|---|---|---|---|---|",
    ]
    for variant, runs in results.items():
        verdicts = [(r["seed"], verdict(r, target, max_sequences)) for r in runs]
        ok = [v for _, v in verdicts if v["reached"] and v["stayed"]]
        reached = [v for _, v in verdicts if v["reached"]]
        per_seed = ", ".join(
            f"{s}: {v['reached']:,}" + ("" if v["stayed"] else f" x({v['worst_after']:.1f})")
            if v["reached"]
            else f"{s}: - ({v['final']:.1f} at {v['seen']:,})"
            for s, v in verdicts
        )
        if len(reached) == len(verdicts):
            seqs = sorted(v["reached"] for v in reached)
            cpus = sorted(v["cpu"] for v in reached)
            middle = f"{statistics.median(seqs):,.0f} [{seqs[-1]:,}]"
            cpu = f"{statistics.median(cpus):.0f} [{cpus[-1]:.0f}]"
        else:
            budget = runs[0].get("budget", max_sequences)
            middle = cpu = f"worst: not in {budget:,}"
        lines.append(
            f"| {variant} | {len(ok)} of {len(verdicts)} | {middle} | {cpu} | {per_seed} |"
        )
    return "\n".join(lines)


def figure(results: dict[str, list[dict[str, Any]]], path: Path, target: float) -> None:
    """Validation error against sequences, one panel per variant, one line per seed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = min(3, len(results))
    rows = -(-len(results) // columns)
    fig, axes = plt.subplots(
        rows, columns, figsize=(4.2 * columns, 3.2 * rows), squeeze=False, sharex=True, sharey=True
    )
    for ax, (variant, runs) in zip(axes.flat, results.items(), strict=False):
        for r in runs:
            xs = [p["sequences"] / 1000 for p in r["curve"]]
            ys = [max(p["errors"], 1e-3) for p in r["curve"]]
            ax.plot(xs, ys, lw=1, label=f"seed {r['seed']}")
        ax.axhline(target, color="k", ls="--", lw=0.8)
        ax.set_yscale("log")
        ax.set_title(variant, fontsize=10)
        ax.set_xlabel("training sequences (thousands)")
        ax.set_ylabel("validation wrong bits / sequence")
    for ax in list(axes.flat)[len(results) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7, ncol=2)
    fig.tight_layout()
    temporary = path.with_name(path.stem + ".tmp.png")
    fig.savefig(temporary, dpi=110)
    temporary.replace(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="copy", choices=sorted(TASK_TARGETS))
    parser.add_argument(
        "--model", default="ntm", choices=("ntm", "ntm_ff"), help="NTM controller: LSTM or FF"
    )
    parser.add_argument("--variants", nargs="+", default=["default"], choices=sorted(VARIANTS))
    parser.add_argument("--seeds", type=int, nargs="+", default=list(range(8)))
    parser.add_argument("--jobs", type=int, default=2, help="processes at once (1 thread each)")
    parser.add_argument("--eval-every", type=int, default=50, help="steps between evaluations")
    parser.add_argument(
        "--per-length", type=int, help="validation sequences per setting (task's default)"
    )
    parser.add_argument("--target", type=float, help="wrong bits per sequence (task's default)")
    parser.add_argument(
        "--max-sequences", type=int, help="to reach the target (copy: 50,000; else the recipe's)"
    )
    parser.add_argument("--hold", type=int, help="sequences to watch it stay (copy: 16,000)")
    parser.add_argument("--compile", action="store_true", help="train with the compiled step")
    parser.add_argument("--tag", default="", help="suffix of the result folder, e.g. avx2")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "convergence")
    parser.add_argument("--figure", type=Path, help="default: the task's file in FIGURES")
    parser.add_argument("--no-figure", action="store_true")
    args = parser.parse_args(argv)
    capability = os.environ.get("ATEN_CPU_CAPABILITY")
    if args.compile and capability and "TORCHINDUCTOR_CACHE_DIR" not in os.environ:
        # Measured here (torch 2.13): kernels that Inductor compiled and cached with the native
        # kernels (AVX-512) segfault when reused under ATEN_CPU_CAPABILITY=avx2, so another
        # capability gets a cache of its own (inherited by the worker processes).
        cache = Path(tempfile.gettempdir()) / f"torchinductor_{capability}"
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = str(cache)
    for key, value in TASK_TARGETS[args.task].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    settings = dict(
        task=args.task,
        model=args.model,
        eval_every=args.eval_every,
        per_length=args.per_length,
        target=args.target,
        max_sequences=args.max_sequences,
        hold=args.hold,
        compile=args.compile,
    )

    def path(variant: str, seed: int) -> Path:
        # The LSTM-controller NTM's results keep their folders; the FF one's are prefixed.
        folder = ("" if args.model == "ntm" else f"{args.model}_") + variant
        folder += f"-{args.tag}" if args.tag else ""
        return args.out / args.task / folder / f"seed_{seed}.json"

    todo = [
        (v, s, settings, str(path(v, s)))
        for v in args.variants
        for s in args.seeds
        if not path(v, s).is_file()
    ]
    done = len(args.variants) * len(args.seeds) - len(todo)
    print(f"{len(todo)} runs to do, {done} already saved under {args.out}", flush=True)
    if todo:
        context = multiprocessing.get_context("spawn")  # fresh interpreters: one thread each
        with context.Pool(args.jobs, maxtasksperchild=1) as pool:
            for line in pool.imap_unordered(_job, todo):
                print(line, flush=True)

    results = {
        ("" if args.model == "ntm" else f"{args.model} ")
        + v
        + (f" ({args.tag})" if args.tag else ""): [
            json.loads(path(v, s).read_text()) for s in args.seeds
        ]
        for v in args.variants
    }
    print(table(results, args.target, args.max_sequences or 0))
    if not args.no_figure:
        args.figure = args.figure or HERE / FIGURES[args.task]
        figure(results, args.figure, args.target)
        print(f"figure saved to {args.figure}")


if __name__ == "__main__":
    main()
