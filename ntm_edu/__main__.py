"""Command line: ``python -m ntm_edu {train, evaluate, pretrained, handouts}`` (or ``ntm-edu``).

    python -m ntm_edu train copy --model ntm --steps 3000 --out copy_ntm.pt
    python -m ntm_edu train copy --model ntm --steps 6000 --resume copy_ntm.pt
    python -m ntm_edu evaluate copy_ntm.pt --length 10 20 30 50 120
    python -m ntm_edu pretrained --only copy_ntm --resume
    python -m ntm_edu handouts --out handouts --edition student --format ipynb,html

Defaults come from `ntm_edu.training.default_config(task, model)`; the shipped checkpoints from
`ntm_edu.training.PRETRAINED_RECIPES`. Bad arguments exit with status 2 (argparse), runtime
failures (a missing or corrupt checkpoint, a diverged run) with status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

# Task names, kept literal so that `--help` does not need to import torch.
TASK_NAMES = ("copy", "repeat_copy", "associative_recall", "ngrams", "priority_sort")
# evaluate's generalisation flags -> the task override they set.
EVAL_OVERRIDES = {
    "length": "sequence length (copy, repeat_copy, ngrams)",
    "repeats": "number of repeats (repeat_copy)",
    "items": "number of items (associative_recall)",
    "num_inputs": "number of input vectors (priority_sort)",
}
EDITIONS = ("student", "teacher")
FORMATS = ("ipynb", "html", "pdf")


class CommandError(Exception):
    """A failure to report as ``error: ...`` with exit status 1."""


def _int_at_least(low: int, described: str):
    """An argparse `type` accepting integers >= `low`; errors say `described`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {described}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected {described}, got {value}")
        return value

    parse.__name__ = described  # argparse names the type in some messages
    return parse


_positive_int = _int_at_least(1, "a positive integer")
_non_negative_int = _int_at_least(0, "an integer >= 0")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _device(text: str) -> str:
    from ntm_edu.training.loop import pick_device

    try:
        pick_device(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _format_list(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if not formats or bad:
        raise argparse.ArgumentTypeError(
            f"formats must be a comma-separated subset of {','.join(FORMATS)}, got {text!r}"
        )
    return formats


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ntm_edu",
        description="Neural Turing Machines course tools: train, evaluate, regenerate the "
        "shipped checkpoints, build handouts.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # ------------------------------------------------------------------ train
    p = commands.add_parser(
        "train",
        help="train a model on a task and save a checkpoint",
        description="Train a model on one of the paper's tasks. Unset options come from "
        "default_config(task, model). The checkpoint is saved every --checkpoint-every steps, "
        "at the end and on Ctrl-C; --resume continues a checkpoint up to --steps in total.",
    )
    p.add_argument("task", choices=TASK_NAMES, help="the task to train on")
    p.add_argument("--model", choices=("ntm", "lstm"), default="ntm", help="default: ntm")
    p.add_argument(
        "--controller",
        choices=("lstm", "feedforward"),
        default=None,
        help="NTM controller (default: lstm); only with --model ntm",
    )
    p.add_argument("--steps", type=_non_negative_int, help="total optimizer steps")
    p.add_argument("--batch-size", type=_positive_int, help="sequences per step")
    p.add_argument("--lr", type=_positive_float, help="learning rate")
    p.add_argument("--optimizer", choices=("adam", "rmsprop"), help="default: adam")
    p.add_argument("--seed", type=_non_negative_int, default=None, help="default: 0")
    p.add_argument("--device", type=_device, default="auto", help="auto, cpu, cuda, cuda:N")
    p.add_argument("--out", type=Path, help="checkpoint to write (default: <task>_<model>.pt)")
    p.add_argument("--resume", type=Path, help="continue this checkpoint (same task and model)")
    p.add_argument("--checkpoint-every", type=_positive_int, default=200, help="default: 200 steps")
    p.add_argument("--probe-every", type=_non_negative_int, help="steps between probe snapshots")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--compile",
        action="store_true",
        help="compile the NTM step with torch.compile: faster after a one-off compile of "
        "20-40 s (needs a C++ compiler on the CPU; falls back to eager otherwise)",
    )

    # ------------------------------------------------------------------ evaluate
    p = commands.add_parser(
        "evaluate",
        help="evaluate a checkpoint on fresh sequences",
        description="Evaluate a checkpoint on fresh, seeded sequences and print bits and bit "
        "errors per sequence; give several values of one setting for a generalisation table.",
    )
    p.add_argument("checkpoint", type=Path)
    group = p.add_mutually_exclusive_group()
    for name, meaning in EVAL_OVERRIDES.items():
        group.add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            type=_positive_int,
            nargs="+",
            metavar="N",
            help=meaning,
        )
    p.add_argument("--sequences", type=_positive_int, default=1000, help="per row (1000)")
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        default=20,
        help="episodes per forward pass; they share one length, so keep it small (20)",
    )
    p.add_argument("--seed", type=_non_negative_int, default=1234, help="default: 1234")
    p.add_argument("--device", type=_device, default="auto", help="auto, cpu, cuda, cuda:N")

    # ------------------------------------------------------------------ pretrained
    p = commands.add_parser(
        "pretrained",
        help="regenerate the shipped checkpoints from PRETRAINED_RECIPES",
        description="Train every shipped checkpoint (or --only some) from "
        "ntm_edu.training.PRETRAINED_RECIPES and print the wall time of each.",
    )
    p.add_argument("--only", nargs="+", metavar="NAME", help="recipe names, e.g. copy_ntm")
    p.add_argument(
        "--resume", action="store_true", help="skip finished files, continue interrupted ones"
    )
    p.add_argument("--list", action="store_true", help="list the recipes and exit")
    p.add_argument("--out-dir", type=Path, help="default: the package's pretrained/ folder")
    p.add_argument("--device", type=_device, default="auto", help="auto, cpu, cuda, cuda:N")
    p.add_argument(
        "--max-steps",
        type=_positive_int,
        help="cap each recipe's steps (smoke tests only: the files are not the shipped ones)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument(
        "--no-compile",
        action="store_true",
        help="train eagerly (default: compile the NTM step where a compiler is present)",
    )

    # ------------------------------------------------------------------ handouts
    p = commands.add_parser(
        "handouts",
        help="build student/teacher handouts from the notebooks",
        description="Build handouts from the notebooks (ntm_edu.handouts.build_handouts).",
    )
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument(
        "--edition",
        choices=EDITIONS,
        action="append",
        help="student or teacher; repeat for both (default: both)",
    )
    p.add_argument(
        "--format",
        type=_format_list,
        default=["ipynb", "html"],
        help="comma-separated subset of ipynb,html,pdf (default: ipynb,html)",
    )
    for subparser in commands.choices.values():
        subparser.set_defaults(subparser=subparser)  # so commands can report usage errors
    return parser


# ---------------------------------------------------------------------------------- commands
def _model_kind(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    if args.model == "lstm":
        if args.controller is not None:
            parser.error("--controller applies only to --model ntm")
        return "lstm"
    return "ntm_ff" if args.controller == "feedforward" else "ntm"


def cmd_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    import torch

    from ntm_edu.tasks import make_task
    from ntm_edu.training import (
        build_model,
        default_config,
        load_checkpoint,
        train,
    )

    kind = _model_kind(args, parser)
    config = default_config(args.task, kind)
    settings: dict[str, Any] = dict(config["train"])
    steps = args.steps if args.steps is not None else settings.pop("steps")
    settings.pop("steps", None)
    given = dict(
        batch_size=args.batch_size,
        lr=args.lr,
        optimizer=args.optimizer,
        seed=args.seed,
        probe_every=args.probe_every,
    )
    if args.resume is not None:
        checkpoint = load_checkpoint(args.resume, device=args.device)
        if checkpoint.task_name != args.task:
            raise CommandError(
                f"{args.resume} was trained on {checkpoint.task_name!r}, not {args.task!r}"
            )
        expected = "LSTMBaseline" if kind == "lstm" else "NTM"
        controller = checkpoint.model_config.get("controller")
        wanted = {"ntm": "lstm", "ntm_ff": "feedforward"}.get(kind)
        if checkpoint.model_class != expected or (wanted and controller != wanted):
            raise CommandError(
                f"{args.resume} holds a {checkpoint.model_class} "
                f"{checkpoint.model_config}, not a --model {args.model} "
                f"{'--controller ' + args.controller if args.controller else ''}".rstrip()
            )
        model, task, history = checkpoint.model, checkpoint.task, checkpoint.history
        # Resume with the run's own settings unless one is given explicitly.
        settings = {k: v for k, v in given.items() if v is not None}
        out = args.out or args.resume
        remaining = steps - history.step
        if remaining <= 0:
            print(f"{args.resume} is already at step {history.step} >= --steps {steps}")
            return 0
        print(f"resuming {args.resume} at step {history.step}, {remaining} steps to go")
    else:
        task = make_task(args.task, **config["task"])
        settings.update({k: v for k, v in given.items() if v is not None})
        torch.manual_seed(settings.get("seed", 0))  # the model's initial weights
        model = build_model(kind, task, **config["model"])
        history = None
        out = args.out or Path(f"{args.task}_{kind}.pt")
        remaining = steps
    try:
        history = train(
            model,
            task,
            remaining,
            device=args.device,
            history=history,
            progress=not args.no_progress,
            checkpoint_path=out,
            checkpoint_every=args.checkpoint_every,
            compile=args.compile,
            **settings,
        )
    except KeyboardInterrupt:
        print(f"\ninterrupted; checkpoint saved to {out}; continue with --resume {out}")
        return 130
    curve = history.curve()
    summary = f"trained {type(model).__name__} on {args.task}: {history.step} steps, "
    summary += f"{history.sequences:,} sequences, {history.seconds:.0f} s"
    if len(curve.step):
        summary += (
            f"; last bits/seq {curve.bits_per_sequence[-1]:.3f}, "
            f"errors/seq {curve.bit_errors_per_sequence[-1]:.3f}"
        )
    print(summary)
    print(f"saved {out}")
    return 0


def cmd_evaluate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ntm_edu.training import evaluate, load_checkpoint

    checkpoint = load_checkpoint(args.checkpoint, device=args.device)
    task = checkpoint.task
    field = next((name for name in EVAL_OVERRIDES if getattr(args, name)), None)
    allowed = tuple(getattr(task, "override_names", ()))
    if field is not None and field not in allowed:
        flags = ", ".join("--" + n.replace("_", "-") for n in allowed) or "none"
        parser.error(
            f"--{field.replace('_', '-')} does not apply to {checkpoint.task_name} "
            f"(its settings: {flags})"
        )
    values = getattr(args, field) if field else [None]
    print(
        f"{args.checkpoint}: {checkpoint.model_class} on {checkpoint.task_name} "
        f"(step {checkpoint.history.step}), {args.sequences} sequences per row, seed {args.seed}"
    )
    header = field or "setting"
    width = max(len(header), 8)
    print(f"{header:>{width}}  {'bits/seq':>10}  {'errors/seq':>10}")
    for value in values:
        overrides = {} if value is None else {field: value}
        try:
            result = evaluate(
                checkpoint.model,
                task,
                sequences=args.sequences,
                batch_size=args.batch_size,
                seed=args.seed,
                **overrides,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        label = "training" if value is None else str(value)
        print(
            f"{label:>{width}}  {result['bits_per_sequence']:10.3f}  "
            f"{result['bit_errors_per_sequence']:10.3f}"
        )
    return 0


def cmd_pretrained(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ntm_edu.training import PRETRAINED_RECIPES, regenerate_pretrained

    if args.list:
        for name, recipe in PRETRAINED_RECIPES.items():
            print(f"{name:28s} {recipe['model']:7s} steps={recipe['steps']}")
        return 0
    if args.only:
        unknown = [n for n in args.only if n not in PRETRAINED_RECIPES]
        if unknown:
            parser.error(
                f"unknown recipe(s) {', '.join(unknown)}; choose from: "
                f"{', '.join(PRETRAINED_RECIPES)}"
            )
    regenerate_pretrained(
        names=args.only,
        resume=args.resume,
        folder=args.out_dir,
        device=args.device,
        max_steps=args.max_steps,
        progress=not args.no_progress,
        compile=False if args.no_compile else None,
        log=lambda line: print(line, flush=True),
    )
    return 0


def cmd_handouts(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    try:
        from ntm_edu.handouts import build_handouts
    except ModuleNotFoundError as error:
        if error.name not in ("ntm_edu.handouts",):
            raise
        raise CommandError(
            "handouts are not available: the module ntm_edu.handouts is missing from this "
            "installation"
        ) from error
    editions = tuple(dict.fromkeys(args.edition)) if args.edition else EDITIONS
    paths = build_handouts(args.out, editions=editions, formats=tuple(args.format))
    for path in paths:
        print(path)
    print(f"{len(paths)} handout file(s) in {args.out}")
    return 0


COMMANDS = {
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "pretrained": cmd_pretrained,
    "handouts": cmd_handouts,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits with 2 on bad usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from ntm_edu.training import CheckpointError, TrainingDiverged

    try:
        return COMMANDS[args.command](args, args.subparser)
    except (CommandError, CheckpointError, TrainingDiverged, FileNotFoundError) as error:
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 1
    except ValueError as error:  # e.g. an unknown device
        print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
