"""The install files agree: pyproject's runtime dependencies appear in the conda and Binder
environments, the README's two commands exist in the Makefile, and CI calls the test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser lives in tomli
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parent.parent

# pyproject name -> the conda-forge package that provides it
CONDA_NAMES = {"torch": "pytorch-cpu"}


def runtime_dependencies() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [
        re.split(r"[<>=!~ \[;]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]
    ]


def conda_packages(path: Path) -> set[str]:
    """Package names listed in a conda environment file (top level and under `pip:`)."""
    names = set()
    for line in path.read_text().splitlines():
        match = re.match(r"^\s*-\s+([A-Za-z0-9_.\-]+)", line)
        if match and not line.strip().endswith(":"):
            names.add(match.group(1).lower())
    return names


def test_runtime_dependencies_are_the_expected_ones():
    assert set(runtime_dependencies()) >= {"torch", "numpy", "matplotlib", "ipywidgets", "tqdm"}


def test_torch_range_admits_the_cpu_pin():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    torch_spec = next(s for s in project["dependencies"] if s.startswith("torch"))
    bounds = re.findall(r"(>=|<=|<|>|==)\s*([0-9.]+)", torch_spec)
    assert bounds, f"torch should carry a version range, got {torch_spec!r}"
    pin = (2, 13, 0)
    for op, version in bounds:
        v = tuple(int(p) for p in version.split("."))
        v = v + (0,) * (3 - len(v))
        ok = {">=": pin >= v, ">": pin > v, "<=": pin <= v, "<": pin < v, "==": pin == v}[op]
        assert ok, f"{torch_spec!r} does not admit torch 2.13.0"


@pytest.mark.parametrize("env_file", ["environment.yml", "binder/environment.yml"])
def test_conda_environments_list_every_runtime_dependency(env_file):
    listed = conda_packages(ROOT / env_file)
    missing = [dep for dep in runtime_dependencies() if CONDA_NAMES.get(dep, dep) not in listed]
    assert not missing, f"{env_file} lacks {missing} (pyproject.toml lists them)"


@pytest.mark.parametrize("env_file", ["environment.yml", "binder/environment.yml"])
def test_conda_environments_take_the_cpu_build_and_course_tools(env_file):
    listed = conda_packages(ROOT / env_file)
    assert "pytorch-cpu" in listed, "Binder and laptops have no GPU: use conda-forge's CPU build"
    assert {"jupyterlab", "jupytext", "nbval"} <= listed


def test_binder_postbuild_installs_the_package():
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert post_build.startswith("#!"), "postBuild needs a shebang"
    assert "set -e" in post_build
    assert re.search(r"pip install .*-e \.", post_build) or "pip install ." in post_build


def test_readme_commands_exist_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    for target in ("lab", "test"):
        assert f"make {target}" in readme, f"README should give `make {target}`"
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile lacks a `{target}` target"
    ci = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert "make test" in ci, ".ci/run must call the README's test command"


def test_makefile_installs_the_torch_pin_before_the_package():
    makefile = (ROOT / "Makefile").read_text()
    torch_line = makefile.index('tools/install_torch.py "$(TORCH_SPEC)" --index "$(TORCH_INDEX)"')
    package_line = makefile.index('pip install --quiet -e ".[dev,lab]"')
    assert torch_line < package_line
    assert "TORCH_SPEC ?= torch==2.13.0" in makefile
    assert re.search(r"^TORCH_INDEX \?= https://\S+/cpu$", makefile, re.M), "CPU wheels first"
