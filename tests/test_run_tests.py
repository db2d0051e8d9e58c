"""tools/run_tests.py, the test command's driver: it counts right and fails when a run fails."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run_tests():
    spec = importlib.util.spec_from_file_location("run_tests", ROOT / "tools" / "run_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_counts_read_pytests_closing_line(run_tests) -> None:
    log = "....\n=== 3 failed, 650 passed, 3 skipped, 1 error in 97.69s ===\n"
    assert run_tests.counts(log) == {"passed": 650, "failed": 3, "skipped": 3, "error": 1}
    assert run_tests.counts("no summary at all") == {
        "passed": 0,
        "failed": 0,
        "skipped": 0,
        "error": 0,
    }


def test_environment_sets_kernels_hash_seed_and_threads(run_tests, monkeypatch) -> None:
    monkeypatch.setenv("ATEN_CPU_CAPABILITY", "")  # empty: torch would warn in every kernel
    monkeypatch.setenv("NTM_EDU_THREADS", "4")
    native = run_tests.run_environment(None)
    assert "ATEN_CPU_CAPABILITY" not in native and native["NTM_EDU_THREADS"] == "1"
    other = run_tests.run_environment("default", "1")
    assert other["ATEN_CPU_CAPABILITY"] == "default" and other["PYTHONHASHSEED"] == "1"
    assert run_tests.kernels(other) == "DEFAULT"


def test_a_failing_run_fails_the_whole_command(run_tests, tmp_path, monkeypatch, capsys) -> None:
    (tmp_path / "test_one.py").write_text(
        "def test_ok():\n    pass\n\ndef test_bad():\n    1 / 0\n"
    )
    monkeypatch.setattr(run_tests, "ROOT", tmp_path)
    monkeypatch.setattr(
        run_tests,
        "RUNS",
        {"native": (None, "0", ["-q", "-p", "no:cacheprovider", str(tmp_path)])},
    )
    assert run_tests.main(["--only", "native"]) == 1
    out = capsys.readouterr().out
    assert out.rstrip().splitlines()[-1] == "total: 1 passed, 1 failed, 0 skipped"
    monkeypatch.setattr(
        run_tests,
        "RUNS",
        {
            "native": (None, "0", ["-q", "-p", "no:cacheprovider", "-k", "ok", str(tmp_path)])
        },  # fmt: skip
    )
    assert run_tests.main(["--only", "native"]) == 0
