"""Command line: ``python -m ntm_edu {train, evaluate, pretrained, handouts}`` (or ``ntm-edu``).

    python -m ntm_edu train copy --model ntm --steps 3000 --out copy_ntm.pt
    python -m ntm_edu train copy --model ntm --steps 6000 --resume copy_ntm.pt
    python -m ntm_edu evaluate copy_ntm.pt --length 10 20 30 50 120
    python -m ntm_edu pretrained --only copy_ntm --out-dir my_pretrained
    python -m ntm_edu handouts --out handouts --edition student --format ipynb,html

Defaults come from `ntm_edu.training.default_config(task, model)`; the shipped checkpoints from
`ntm_edu.training.PRETRAINED_RECIPES`. Bad arguments exit with status 2 (argparse), runtime
failures (a missing or corrupt checkpoint, an output path that cannot be written, a file in the
way, a diverged run, a full disk) with status 1, each with one line on stderr. Output paths are
checked before any work; a finished checkpoint is replaced only with --overwrite (or by
--resume of that file). Ctrl-C or SIGTERM ends a run after its current step, saved, with status
128 + the signal's number (130, 143) and a line saying which file holds which step, if any.
Torch runs on one CPU thread unless --threads or NTM_EDU_THREADS says otherwise.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

import torch

from ntm_edu import training  # commands call `training.train` etc. through it (tests patch them)
from ntm_edu._cli_outputs import (  # CommandError is re-exported: commands raise it
    CommandError,
    FileState,
    handouts_interrupt_line,
    interrupt_line,
    listing,
    pretrained_interrupt_line,
    train_output,
)
from ntm_edu._cli_parser import EDITIONS, EVAL_OVERRIDES, THREADS_ENV, build_parser, positive_int
from ntm_edu._paths import check_output_folder
from ntm_edu.tasks import make_task
from ntm_edu.training.interrupts import (
    TERMINATING_SIGNALS,
    exit_status,
    raise_interrupt,
    signal_name,
)


# ---------------------------------------------------------------------------------- commands
def _model_kind(args: argparse.Namespace, parser: argparse.ArgumentParser) -> str:
    if args.model == "lstm":
        if args.controller is not None:
            parser.error("--controller applies only to --model ntm")
        return "lstm"
    return "ntm_ff" if args.controller == "feedforward" else "ntm"


def cmd_train(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    kind = _model_kind(args, parser)
    # Where the checkpoint goes, settled first: a run must not be lost at its first save, nor
    # replace a finished file unasked.
    out = train_output(
        args.out, args.resume, f"{args.task}_{kind}.pt", args.overwrite, training.PRETRAINED_DIR
    )
    config = training.default_config(args.task, kind)
    settings: dict[str, Any] = dict(config["train"])
    steps = args.steps if args.steps is not None else settings.pop("steps")
    settings.pop("steps", None)
    given = dict(
        batch_size=args.batch_size,
        lr=args.lr,
        optimizer=args.optimizer,
        seed=args.seed,
        probe_every=args.probe_every,
        # A schedule and the guard both set the rate: the schedule, when given, replaces it.
        guard=False if args.no_guard or args.lr_schedule else None,
        lr_schedule=args.lr_schedule,
    )
    if args.lr_schedule and not args.no_guard and settings.get("guard"):
        print("--lr-schedule: the recipe's collapse guard is off (both would set the rate)")
    if args.resume is not None:
        checkpoint = training.load_checkpoint(args.resume, device=args.device)
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
        remaining = steps - history.step
        if remaining <= 0:
            print(f"{args.resume} is already at step {history.step} >= --steps {steps}")
            return 0
        print(f"resuming {args.resume} at step {history.step}, {remaining} steps to go -> {out}")
        if checkpoint.optimizer_state is None:
            print(
                f"note: {args.resume} holds no optimizer state (shipped files leave it out), "
                "so the optimizer starts afresh: the run differs from an uninterrupted one"
            )
    else:
        task = make_task(args.task, **config["task"])
        settings.update({k: v for k, v in given.items() if v is not None})
        torch.manual_seed(settings.get("seed", 0))  # the model's initial weights
        model = training.build_model(kind, task, **config["model"])
        history = None
        remaining = steps
    start, before = (history.step if history else 0), FileState.of(out)
    try:
        history = training.train(
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
    except KeyboardInterrupt as interrupt:  # SIGINT, SIGTERM: at any moment of the run
        print(interrupt_line(interrupt, out, before, start), file=sys.stderr)
        return exit_status(getattr(interrupt, "signum", None))
    return 0


def cmd_evaluate(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    checkpoint = training.load_checkpoint(args.checkpoint, device=args.device)
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
            result = training.evaluate(
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
    if args.list:
        for name, recipe in training.PRETRAINED_RECIPES.items():
            print(f"{name:28s} {recipe['model']:7s} steps={recipe['steps']}")
        return 0
    if args.only:
        unknown = [n for n in args.only if n not in training.PRETRAINED_RECIPES]
        if unknown:
            parser.error(
                f"unknown recipe(s) {', '.join(unknown)}; choose from: "
                f"{', '.join(training.PRETRAINED_RECIPES)}"
            )
    # The installed package is written only when asked by name, and never with smoke tests.
    if args.into_package:
        if args.max_steps is not None:
            raise CommandError(
                "--max-steps makes smoke-test files, which never go into the package: use --out-dir"
            )
        folder = training.PRETRAINED_DIR
    elif args.out_dir is not None:
        folder = check_output_folder(args.out_dir, "--out-dir")
        if folder.resolve() == training.PRETRAINED_DIR.resolve():
            raise CommandError(
                f"--out-dir {args.out_dir} is the package's own pretrained/ folder: say "
                "--into-package to replace the shipped files"
            )
    else:
        raise CommandError(
            "say where the checkpoints go: --out-dir DIR, or --into-package to replace the "
            f"shipped ones in {training.PRETRAINED_DIR}"
        )
    names = args.only or list(training.PRETRAINED_RECIPES)
    files = [folder / f"{name}{suffix}" for name in names for suffix in (".pt", ".pt.part")]
    before = {path: FileState.of(path) for path in files}
    try:
        training.regenerate_pretrained(
            names=names,
            resume=args.resume,
            folder=folder,
            device=args.device,
            max_steps=args.max_steps,
            progress=not args.no_progress,
            log=lambda line: print(line, flush=True),
            overwrite=args.overwrite,
            compile=False if args.no_compile else None,
        )
    except KeyboardInterrupt as interrupt:
        print(pretrained_interrupt_line(interrupt, before), file=sys.stderr)
        return exit_status(getattr(interrupt, "signum", None))
    return 0


def cmd_handouts(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    out = check_output_folder(args.out, "--out")  # before the notebooks are converted
    try:  # here, not at the top: nbformat and nbconvert take about a second to import
        from ntm_edu.handouts import build_handouts
    except ModuleNotFoundError as error:
        if error.name not in ("ntm_edu.handouts",):
            raise
        raise CommandError(
            "handouts are not available: the module ntm_edu.handouts is missing from this "
            "installation"
        ) from error
    editions = tuple(dict.fromkeys(args.edition)) if args.edition else EDITIONS
    before = listing(out)
    try:
        paths = build_handouts(out, editions=editions, formats=tuple(args.format))
    except KeyboardInterrupt as interrupt:
        print(handouts_interrupt_line(interrupt, out, before), file=sys.stderr)
        return exit_status(getattr(interrupt, "signum", None))
    for path in paths:
        print(path)
    print(f"{len(paths)} handout file(s) in {out}")
    return 0


COMMANDS = {
    "train": cmd_train,
    "evaluate": cmd_evaluate,
    "pretrained": cmd_pretrained,
    "handouts": cmd_handouts,
}


def _set_threads(args: argparse.Namespace) -> None:
    """One torch CPU thread unless --threads or NTM_EDU_THREADS says otherwise."""
    if not hasattr(args, "threads"):  # a command that runs no torch (handouts)
        return
    threads = args.threads
    if threads is None:
        text = os.environ.get(THREADS_ENV, "").strip()
        try:
            threads = positive_int(text) if text else 1
        except argparse.ArgumentTypeError:
            raise CommandError(f"{THREADS_ENV} must be a positive integer, got {text!r}") from None

    torch.set_num_threads(threads)


def _take_signals() -> dict[int, Any]:
    """SIGINT and SIGTERM raise a KeyboardInterrupt naming the signal while `main` runs (the
    default SIGTERM would end the process without a word); returns the previous handlers."""
    previous: dict[int, Any] = {}
    try:
        for signum in TERMINATING_SIGNALS:
            handler = signal.getsignal(signum)
            if handler is not signal.SIG_IGN:
                previous[signum] = handler
                signal.signal(signum, raise_interrupt)
    except ValueError:  # not the main thread: leave signals alone
        pass
    return previous


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits with 2 on bad usage)."""
    previous = _take_signals()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        try:
            _set_threads(args)
            return COMMANDS[args.command](args, args.subparser)
        except (
            CommandError,
            training.CheckpointError,
            training.TrainingDiverged,
            FileNotFoundError,
        ) as error:
            print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
            return 1
        except ValueError as error:  # e.g. an unknown device, an output path we cannot write
            print(f"{parser.prog} {args.command}: error: {error}", file=sys.stderr)
            return 1
    except KeyboardInterrupt as interrupt:  # before or after a command's own reporting
        signum = getattr(interrupt, "signum", None) or signal.SIGINT
        print(f"python -m ntm_edu: interrupted ({signal_name(signum)}): nothing was saved",
              file=sys.stderr)  # fmt: skip
        return exit_status(signum)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


if __name__ == "__main__":
    sys.exit(main())
