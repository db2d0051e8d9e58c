"""The command line's arguments: `build_parser` and the argparse types it uses.

`ntm_edu.__main__` runs the commands; this module only says what each one accepts (bad usage
exits with status 2 before any work starts).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ntm_edu.tasks import TASKS
from ntm_edu.training.device import pick_device
from ntm_edu.training.schedule import check_lr_schedule

__all__ = [
    "EDITIONS",
    "EVAL_OVERRIDES",
    "FORMATS",
    "TASK_NAMES",
    "THREADS_ENV",
    "build_parser",
    "positive_int",
]

TASK_NAMES = tuple(TASKS)  # in the order of the registry (ntm_edu.tasks)
# evaluate's generalisation flags -> the task override they set.
EVAL_OVERRIDES = {
    "length": "sequence length (copy, repeat_copy, ngrams)",
    "repeats": "number of repeats (repeat_copy)",
    "items": "number of items (associative_recall)",
    "num_inputs": "number of input vectors (priority_sort)",
}
EDITIONS = ("student", "teacher")
FORMATS = ("ipynb", "html", "pdf")
THREADS_ENV = "NTM_EDU_THREADS"  # torch CPU threads of the command line when --threads is unset


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


positive_int = _positive_int = _int_at_least(1, "a positive integer")
_non_negative_int = _int_at_least(0, "an integer >= 0")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _lr_schedule(text: str) -> list[tuple[int, float]]:
    """STEP:LR[,STEP:LR...], e.g. 3400:3e-4,8000:1e-4 (see ntm_edu/training/schedule.py)."""
    try:
        pairs = [item.split(":") for item in text.split(",")]
        return check_lr_schedule([(int(step), float(lr)) for step, lr in pairs])
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            f"expected STEP:LR[,STEP:LR...] with increasing steps, e.g. 3400:3e-4,8000:1e-4; "
            f"got {text!r} ({error})"
        ) from None


def _device(text: str) -> str:
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
    # Measured: `train copy --steps 20` took 5 s on one thread and 170 s on two when another
    # job held one of the machine's two cores; these small recurrent models gain nothing from
    # more threads, which only wait for each other.
    torch_options = argparse.ArgumentParser(add_help=False)
    torch_options.add_argument(
        "--threads",
        type=_positive_int,
        help=f"torch CPU threads (default: ${THREADS_ENV}, else 1: the small recurrent models "
        "run fastest on one, and far slower when a thread competes for a busy core)",
    )

    # ------------------------------------------------------------------ train
    p = commands.add_parser(
        "train",
        parents=[torch_options],
        help="train a model on a task and save a checkpoint",
        description="Train a model on one of the paper's tasks. Unset options come from "
        "default_config(task, model). The checkpoint is saved every --checkpoint-every steps, "
        "at the end, and on Ctrl-C or SIGTERM (after the step in progress); --resume continues "
        "a checkpoint up to --steps in total. An existing --out file is replaced only with "
        "--overwrite, or when it is the --resume file.",
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
    p.add_argument(
        "--out",
        help="checkpoint to write (default: <task>_<model>.pt; with --resume, that file, "
        "except a shipped one, which needs --out)",
    )
    p.add_argument("--resume", type=Path, help="continue this checkpoint (same task and model)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    p.add_argument("--checkpoint-every", type=_positive_int, default=200, help="default: 200 steps")
    p.add_argument("--probe-every", type=_non_negative_int, help="steps between probe snapshots")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--no-guard",
        action="store_true",
        help="train without the default recipe's collapse guard (ntm_edu/training/guard.py)",
    )
    p.add_argument(
        "--lr-schedule",
        type=_lr_schedule,
        metavar="STEP:LR,...",
        help="lower the rate to LR after STEP steps, e.g. 3400:3e-4,8000:1e-4; "
        "switches off the collapse guard (both set the rate)",
    )
    p.add_argument(
        "--compile",
        action="store_true",
        help="compile the NTM step with torch.compile: faster after a one-off compile of "
        "20-40 s (needs a C++ compiler on the CPU; falls back to eager otherwise)",
    )

    # ------------------------------------------------------------------ evaluate
    p = commands.add_parser(
        "evaluate",
        parents=[torch_options],
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
        parents=[torch_options],
        help="regenerate the shipped checkpoints from PRETRAINED_RECIPES",
        description="Train every shipped checkpoint (or --only some) from "
        "ntm_edu.training.PRETRAINED_RECIPES into --out-dir and print the wall time of each. "
        "The package's own files are replaced only with --into-package (never with "
        "--max-steps); files already in the folder only with --overwrite (--resume skips "
        "finished ones and continues interrupted ones).",
    )
    p.add_argument("--only", nargs="+", metavar="NAME", help="recipe names, e.g. copy_ntm")
    p.add_argument(
        "--resume", action="store_true", help="skip finished files, continue interrupted ones"
    )
    p.add_argument("--list", action="store_true", help="list the recipes and exit")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out-dir", help="the folder to write the checkpoints to")
    where.add_argument(
        "--into-package",
        action="store_true",
        help="write into the installed package's pretrained/ folder, replacing shipped files",
    )
    p.add_argument("--overwrite", action="store_true", help="retrain files already there")
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
    p.add_argument("--out", required=True, help="output folder")
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
