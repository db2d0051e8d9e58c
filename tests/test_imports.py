"""The import graph of training/, model/, tasks/ and handouts/: no circles, arrows one way."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ntm_edu"
CHECKED = ("training", "model", "tasks", "handouts")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """Every ntm_edu module `path` imports, at the top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ntm_edu"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("ntm_edu"))
    return names


def graph() -> dict[str, set[str]]:
    files = [p for sub in CHECKED for p in (PACKAGE / sub).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    # `from ntm_edu.training import verify` names a module too; keep only module names.
    return {name: imported(path) & set(modules) - {name} for name, path in modules.items()}


def test_no_import_circles():
    edges = graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = path[path.index(name) :] + [name]
            pytest.fail("import circle: " + " -> ".join(cycle))
        if name in done:
            return
        for target in edges.get(name, ()):
            if not target.endswith("__init__") and edges.get(target) is not None:
                # A package's __init__ re-exports its modules; only module -> module counts.
                if target.count(".") == 1 and target.split(".")[1] in CHECKED:
                    continue
                visit(target, [*path, name])
        done.add(name)

    for name in edges:
        visit(name, [])


def test_arrows_point_one_way():
    for name, targets in graph().items():
        if name.startswith(("ntm_edu.model", "ntm_edu.tasks")):
            assert not {t for t in targets if t.startswith("ntm_edu.training")}, name
        if name.startswith("ntm_edu.tasks"):
            assert not {t for t in targets if t.startswith("ntm_edu.model")}, name


def test_handouts_need_neither_widgets_nor_ipywidgets():
    code = (
        "import sys, ntm_edu.handouts, ntm_edu.editions, ntm_edu.student; "
        "print(sorted(m for m in sys.modules if m.startswith(('ipywidgets', 'ntm_edu.widgets'))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
