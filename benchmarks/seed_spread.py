"""What does a retrain give? The shipped recipes trained on other seeds, evaluated like the files.

A shipped checkpoint is one draw: its recipe (`PRETRAINED_RECIPES`) trained on one seed. This
script trains the same recipe, the whole budget, on other seeds (`--seeds`; the recipe's own
seed is the shipped file itself, evaluated, not retrained) and evaluates every model the way
`tests/test_training_pretrained_*.py` and `ntm_edu/pretrained/README.md` do (seeded held-out
sequences, never seen in training):

* copy: wrong bits per sequence on lengths 1-20 (300 sequences), 50 (40) and 120 (20);
* associative recall: wrong bits per sequence on 2-6 items (200 sequences), 12 and 20 (100);
* repeat copy: wrong bits per sequence on the training distribution (all 100 (length,
  repeats) pairs of 1..10 alike, 4 sequences each), on 20 x 10 and on 10 x 20 (100 each).

Runs go to separate processes, `--jobs` at a time, one torch thread each, compiled where a C++
compiler exists (as `python -m ntm_edu pretrained`). Each finished run is saved as JSON under
`--out` (default benchmarks/results/seeds/<name>/seed_<s>.json) and skipped when the script
runs again; the trained checkpoints go to a temporary folder and are deleted. The script
prints one table per task: per file the median and worst over seeds, and every seed's value.

    python benchmarks/seed_spread.py --names copy_ntm copy_ntm_ff copy_lstm --seeds 0 1 2
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

# task -> [(column, sequences, settings, seed)]: what each file is measured on, as its tests
# do (copy: test_training_pretrained_copy; the others: _algorithmic). `settings` are task
# settings for `evaluate` (batches of 10), or TRAINING: `evaluate_settings` over every
# setting of the training distribution (`Task.training_settings`, `sequences` of each).
TRAINING = "every training setting"
MEASURES: dict[str, list[tuple[str, int, Any, int]]] = {
    "copy": [("lengths 1-20", 300, {}, 2024), ("length 50", 40, dict(length=50), 2024),
             ("length 120", 20, dict(length=120), 2024)],
    "associative_recall": [("2-6 items", 200, {}, 99), ("12 items", 100, dict(items=12), 99),
                           ("20 items", 100, dict(items=20), 99)],
    "repeat_copy": [("1-10 x 1-10", 4, TRAINING, 99),
                    ("20 x 10", 100, dict(length=20, repeats=10), 3),
                    ("10 x 20", 100, dict(length=10, repeats=20), 3)],
}  # fmt: skip


def measure(run) -> dict[str, float]:
    """Wrong bits per sequence of a `Pretrained` on each of its task's MEASURES."""
    from ntm_edu.training import evaluate, evaluate_settings

    errors = {}
    for column, sequences, settings, seed in MEASURES[run.task.name]:
        if settings == TRAINING:
            every = run.task.training_settings()
            result = evaluate_settings(run.model, run.task, every, sequences, seed=seed)
        else:
            result = evaluate(run.model, run.task, sequences, batch_size=10, seed=seed, **settings)
        errors[column] = float(result["bit_errors_per_sequence"])
    return errors


def run_one(name: str, seed: int) -> dict[str, Any]:
    """Train recipe `name` on `seed` (or load the shipped file for the recipe's own seed)."""
    import torch

    from ntm_edu.training import pretrained as shipped

    torch.set_num_threads(1)
    recipe = shipped.PRETRAINED_RECIPES[name]
    start = time.perf_counter()
    if seed == recipe["seed"]:
        run = shipped.load_pretrained(recipe["task"], recipe["model"])
        return dict(name=name, seed=seed, source="shipped", wall=run.history.seconds,
                    errors=measure(run))  # fmt: skip
    # This process's copy of the recipes only: the shipped files and other processes keep theirs.
    shipped.PRETRAINED_RECIPES[name] = {**recipe, "seed": seed}
    with tempfile.TemporaryDirectory(prefix=f"seed_spread_{name}_") as folder:
        shipped.regenerate_pretrained(
            [name], folder=folder, device="cpu", progress=False, compile=None, log=lambda _: None
        )
        run = shipped.load_pretrained(recipe["task"], recipe["model"], folder=folder)
        errors = measure(run)
    return dict(
        name=name,
        seed=seed,
        source="retrained",
        wall=time.perf_counter() - start,
        capability=os.environ.get("ATEN_CPU_CAPABILITY", "native"),
        errors=errors,
    )


def _job(item: tuple[str, int, str]) -> str:
    name, seed, path = item
    result = run_one(name, seed)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(result))
    temporary.replace(path)  # atomic: a half-written result never looks finished
    return f"{name} seed {seed}: {result['errors']} ({result['wall']:.0f} s)"


def table(task: str, results: dict[str, list[dict[str, Any]]]) -> str:
    """Markdown: one row per file, 'median [worst]' per measure, then every seed."""
    columns = [column for column, *_ in MEASURES[task]]
    lines = [
        "| file | seeds | " + " | ".join(f"{c}: median [worst]" for c in columns)
        + " | per seed (" + ", ".join(columns) + ") |",
        "|---|---|" + "---|" * (len(columns) + 1),
    ]  # fmt: skip
    for name, runs in results.items():
        cells = []
        for c in columns:
            values = [r["errors"][c] for r in runs]
            cells.append(f"{statistics.median(values):.2f} [{max(values):.2f}]")
        seeds = "; ".join(
            f"{r['seed']}{'*' if r['source'] == 'shipped' else ''}: "
            + " / ".join(f"{r['errors'][c]:.2f}" for c in columns)
            for r in runs
        )
        lines.append(f"| `{name}` | {len(runs)} | " + " | ".join(cells) + f" | {seeds} |")
    return "\n".join(lines) + "\n\n(*: the shipped file; wrong bits per sequence)"


def main(argv: list[str] | None = None) -> None:
    from ntm_edu.training import PRETRAINED_RECIPES

    cheap = [n for n, r in PRETRAINED_RECIPES.items() if r["task"] in MEASURES]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", nargs="+", default=cheap, choices=cheap)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--jobs", type=int, default=2, help="processes at once (1 thread each)")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "seeds")
    args = parser.parse_args(argv)

    def path(name: str, seed: int) -> Path:
        return args.out / name / f"seed_{seed}.json"

    todo = [
        (n, s, str(path(n, s))) for n in args.names for s in args.seeds if not path(n, s).is_file()
    ]
    print(
        f"{len(todo)} runs to do, {len(args.names) * len(args.seeds) - len(todo)} saved", flush=True
    )
    if todo:
        context = multiprocessing.get_context("spawn")  # fresh interpreters: one thread each
        with context.Pool(args.jobs, maxtasksperchild=1) as pool:
            for line in pool.imap_unordered(_job, todo):
                print(line, flush=True)
    for task in MEASURES:
        names = [n for n in args.names if PRETRAINED_RECIPES[n]["task"] == task]
        if names:
            results = {n: [json.loads(path(n, s).read_text()) for s in args.seeds] for n in names}
            print(f"\n{task}:\n{table(task, results)}")


if __name__ == "__main__":
    main()
