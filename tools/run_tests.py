"""Every test of the project, as `make test` (and so CI) runs it.

Usage: python tools/run_tests.py [--jobs N] [--only native|default|avx2 ...] [--notebooks]

Three pytest runs, side by side (one process per core, two by default):

* **native**: the package's tests and strict nbval over every notebook, with the CPU kernels
  PyTorch picks for this machine;
* **default** and **avx2**: strict nbval over every notebook again, with PyTorch forced to its
  portable kernels (``ATEN_CPU_CAPABILITY=default``) and to its AVX2 kernels, and another
  ``PYTHONHASHSEED`` each. Floating-point results differ in the last digits between these
  kernels, as they do between Intel, AMD and ARM machines, so a stored notebook output that
  passes all three holds on other people's computers too.

Each run's output goes to a log that is printed whole when the run ends; then a table of
the runs with their wall times and a closing line ``total: N passed, N failed, N skipped``.
The exit status is non-zero if any run failed. A capability the CPU cannot run (AVX2 on an
ARM laptop) falls back to another in PyTorch; the table says which kernels each run got.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBVAL = ["--nbval", "--nbval-current-env", "-p", "no:cacheprovider"]

# name -> (ATEN_CPU_CAPABILITY or None for the native kernels, PYTHONHASHSEED, pytest args).
# The other runs also change the hash seed, so no output may depend on the order of a set.
RUNS: dict[str, tuple[str | None, str, list[str]]] = {
    "native": (None, "0", ["tests", "notebooks", *NBVAL]),
    "default": ("default", "1", ["notebooks", *NBVAL]),
    "avx2": ("avx2", "2", ["notebooks", *NBVAL]),
}


def run_environment(capability: str | None, hash_seed: str = "0") -> dict[str, str]:
    env = dict(os.environ)
    env.pop("ATEN_CPU_CAPABILITY", None)  # an empty value makes torch warn in every kernel
    if capability is not None:
        env["ATEN_CPU_CAPABILITY"] = capability
    env["PYTHONHASHSEED"] = hash_seed
    env["NTM_EDU_THREADS"] = "1"  # the notebooks' default, whatever the caller's shell says
    return env


def kernels(env: dict[str, str]) -> str:
    """The CPU kernels torch really uses under `env` (it may fall back from the asked ones)."""
    probe = "import torch; print(torch.backends.cpu.get_cpu_capability())"
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "?"


def counts(log: str) -> dict[str, int]:
    """passed / failed / skipped / errors from pytest's closing line."""
    found = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}
    lines = [line for line in log.splitlines() if re.search(r"\d+ (passed|failed|error)", line)]
    if lines:
        for number, word in re.findall(r"(\d+) (passed|failed|skipped|errors?)", lines[-1]):
            found[word.rstrip("s") if word.startswith("error") else word] += int(number)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--only", nargs="+", choices=list(RUNS), default=list(RUNS))
    parser.add_argument("--notebooks", action="store_true", help="leave out tests/")
    args = parser.parse_args(argv)

    waiting = list(args.only)
    running: dict[str, tuple[subprocess.Popen, Path, float, str]] = {}
    finished: list[tuple[str, int, float, str, dict[str, int]]] = []
    native = kernels(run_environment(None))
    with tempfile.TemporaryDirectory(prefix="ntm-edu-tests-") as logs:
        while waiting or running:
            while waiting and len(running) < max(1, args.jobs):
                name = waiting.pop(0)
                capability, hash_seed, pytest_args = RUNS[name]
                if args.notebooks:
                    pytest_args = [a for a in pytest_args if a != "tests"]
                env = run_environment(capability, hash_seed)
                got = kernels(env)
                if capability is not None and got == native:
                    print(f"[{name}] skipped: torch runs its {got} kernels natively here already")
                    continue
                log = Path(logs) / f"{name}.log"
                print(f"[{name}] started: pytest {' '.join(pytest_args)} ({got} kernels)")
                sys.stdout.flush()
                with open(log, "w") as out:
                    process = subprocess.Popen(
                        [sys.executable, "-m", "pytest", *pytest_args],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                    )
                running[name] = (process, log, time.perf_counter(), got)
            time.sleep(0.5)
            for name, (process, log, start, got) in list(running.items()):
                if process.poll() is None:
                    continue
                del running[name]
                seconds = time.perf_counter() - start
                text = log.read_text(errors="replace")
                print(f"\n========== [{name}] {got} kernels, {seconds:.0f} s ==========")
                print(text.rstrip())
                sys.stdout.flush()
                finished.append((name, process.returncode, seconds, got, counts(text)))

    print("\n run      kernels   wall   passed  failed  skipped  exit")
    total = {"passed": 0, "failed": 0, "skipped": 0, "error": 0}
    for name, code, seconds, got, found in finished:
        for key in total:
            total[key] += found[key]
        print(
            f" {name:8s} {got:8s} {seconds:5.0f} s {found['passed']:7d} "
            f"{found['failed'] + found['error']:7d} {found['skipped']:8d}  {code}"
        )
    failed = total["failed"] + total["error"]
    print(f"total: {total['passed']} passed, {failed} failed, {total['skipped']} skipped")
    return 0 if finished and all(code == 0 for _, code, *_ in finished) else 1


if __name__ == "__main__":
    sys.exit(main())
