"""Install PyTorch into the running Python, preferring the CPU-only build on Linux.

Usage: python tools/install_torch.py SPEC [--index URL] [--timeout SECONDS]

On Linux the general package index serves `torch` with the CUDA libraries (several GB).
PyTorch publishes CPU-only wheels on its own index (`make`'s TORCH_INDEX). This script asks
that index first, with a short timeout; if it answers, torch comes from there (`pip install
--index-url URL SPEC`), else from pip's configured index with a note saying what that means.
macOS and Windows wheels on the general index are already CPU builds, so there the index is
not asked. An empty --index skips it everywhere (e.g. for a CUDA build: `make setup
TORCH_INDEX= TORCH_SPEC="torch>=2.1"`). Standard library only: it runs before anything else
is installed. Afterwards it prints which build was installed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import urllib.error
import urllib.request

DEFAULT_TIMEOUT_S = 5.0


def index_reachable(index: str, timeout: float = DEFAULT_TIMEOUT_S) -> bool:
    """Whether `index` (a PEP 503 simple index) answers for torch within `timeout` seconds."""
    url = index.rstrip("/") + "/torch/"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (OSError, ValueError):  # URLError, timeouts, refused connections, bad URLs
        return False


def pip_command(spec: str, index: str | None, python: str = sys.executable) -> list[str]:
    """The pip command installing `spec`, from `index` when given."""
    command = [python, "-m", "pip", "install", "--quiet"]
    if index:
        command += ["--index-url", index]
    return command + [spec]


def choose_index(
    spec: str, index: str, platform: str = sys.platform, timeout: float = DEFAULT_TIMEOUT_S
) -> tuple[str | None, str]:
    """(the index to install from or None for pip's own, a message saying why)."""
    if not index:
        return None, "TORCH_INDEX is empty: torch comes from pip's configured index"
    if not platform.startswith("linux"):
        return None, f"{platform}: the general index's torch wheels are CPU builds already"
    if index_reachable(index, timeout):
        return index, f"CPU-only torch from {index}"
    return None, (
        f"note: {index} did not answer within {timeout:g} s, so torch comes from pip's "
        "configured index; on Linux the general index's torch is the CUDA build (several GB). "
        "For the CPU build elsewhere: `pip install --index-url "
        "https://download.pytorch.org/whl/cpu torch`, or set TORCH_INDEX to a mirror of it."
    )


def build_description(python: str = sys.executable) -> str:
    """Which torch is installed: version and CPU or CUDA build."""
    probe = "import torch; print(torch.__version__, torch.version.cuda or 'cpu')"
    result = subprocess.run([python, "-c", probe], capture_output=True, text=True)
    if result.returncode != 0:
        return "torch is not importable"
    version, build = result.stdout.split()
    return f"torch {version}: " + ("CPU build" if build == "cpu" else f"CUDA {build} build")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("spec", help='e.g. "torch==2.13.0"')
    parser.add_argument("--index", default="", help="the CPU wheel index ('' to skip it)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S)
    args = parser.parse_args(argv)
    index, why = choose_index(args.spec, args.index, platform=sys.platform, timeout=args.timeout)
    print(why)
    result = subprocess.run(pip_command(args.spec, index))
    if result.returncode != 0:
        return result.returncode
    print(f"installed {build_description()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
