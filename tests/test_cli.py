"""The command line: help, a tiny train / resume / evaluate cycle, pretrained, handouts, errors."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from ntm_edu.__main__ import main
from ntm_edu.training import load_checkpoint

TINY = ["--batch-size", "2", "--no-progress", "--checkpoint-every", "2"]


def test_help_lists_every_command():
    result = subprocess.run(
        [sys.executable, "-m", "ntm_edu", "--help"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    for command in ("train", "evaluate", "pretrained", "handouts"):
        assert command in result.stdout


@pytest.mark.parametrize("command", ["train", "evaluate", "pretrained", "handouts"])
def test_each_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "usage:" in capsys.readouterr().out


@pytest.fixture(scope="module")
def tiny_checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "tiny.pt"
    assert main(["train", "copy", "--steps", "3", "--out", str(path), *TINY]) == 0
    return path


def test_train_writes_a_checkpoint(tiny_checkpoint, capsys):
    checkpoint = load_checkpoint(tiny_checkpoint)
    assert checkpoint.step == 3 and checkpoint.model_class == "NTM"
    assert checkpoint.model.config["controller"] == "lstm"
    assert checkpoint.history.train_config["batch_size"] == 2


def test_resume_continues_to_the_total(tiny_checkpoint, tmp_path, capsys):
    out = tmp_path / "more.pt"
    code = main(
        [
            "train",
            "copy",
            "--steps",
            "5",
            "--resume",
            str(tiny_checkpoint),
            "--out",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    assert "resuming" in capsys.readouterr().out
    assert load_checkpoint(out).step == 5
    assert main(["train", "copy", "--steps", "4", "--resume", str(out), "--no-progress"]) == 0
    assert "already at step 5" in capsys.readouterr().out


def test_resume_refuses_another_task_or_model(tiny_checkpoint, capsys):
    code = main(["train", "repeat_copy", "--steps", "5", "--resume", str(tiny_checkpoint)])
    assert code == 1 and "trained on 'copy'" in capsys.readouterr().err
    code = main(
        ["train", "copy", "--model", "lstm", "--steps", "5", "--resume", str(tiny_checkpoint)]
    )
    assert code == 1 and "holds a NTM" in capsys.readouterr().err


def test_lr_schedule_lowers_the_rate_and_replaces_the_guard(tmp_path, capsys):
    out = tmp_path / "scheduled.pt"
    argv = ["train", "copy", "--steps", "3", "--out", str(out), "--lr-schedule", "2:1e-5", *TINY]
    assert main(argv) == 0
    printed = capsys.readouterr()
    assert "collapse guard is off" in printed.out
    assert "lr now 1e-05 after step 2" in printed.err
    checkpoint = load_checkpoint(out)
    assert checkpoint.history.train_config["lr_schedule"] == [(2, 1e-5)]
    assert checkpoint.history.train_config["guard"] is None
    assert checkpoint.optimizer_state["param_groups"][0]["lr"] == 1e-5


def test_feedforward_and_lstm_models(tmp_path):
    ff, lstm = tmp_path / "ff.pt", tmp_path / "lstm.pt"
    assert (
        main(
            [
                "train",
                "copy",
                "--controller",
                "feedforward",
                "--steps",
                "1",
                "--out",
                str(ff),
                *TINY,
            ]
        )
        == 0
    )
    assert load_checkpoint(ff).model.config["controller"] == "feedforward"
    assert (
        main(["train", "copy", "--model", "lstm", "--steps", "1", "--out", str(lstm), *TINY]) == 0
    )
    assert load_checkpoint(lstm).model_class == "LSTMBaseline"


def test_evaluate_prints_a_table(tiny_checkpoint, capsys):
    code = main(["evaluate", str(tiny_checkpoint), "--length", "2", "5", "--sequences", "8"])
    assert code == 0
    lines = capsys.readouterr().out.splitlines()
    assert "NTM on copy (step 3)" in lines[0]
    assert lines[1].split() == ["length", "bits/seq", "errors/seq"]
    assert [line.split()[0] for line in lines[2:]] == ["2", "5"]
    bits_at_5 = float(lines[3].split()[1])
    assert 20 < bits_at_5 < 80  # an almost untrained model: about 1 bit per bit (40)


def test_evaluate_default_row(tiny_checkpoint, capsys):
    assert main(["evaluate", str(tiny_checkpoint), "--sequences", "4"]) == 0
    assert capsys.readouterr().out.splitlines()[2].split()[0] == "training"


@pytest.mark.parametrize(
    "argv",
    [
        ["train"],
        ["train", "sudoku"],
        ["train", "copy", "--steps", "-1"],
        ["train", "copy", "--batch-size", "0"],
        ["train", "copy", "--lr", "zero"],
        ["train", "copy", "--model", "gpt"],
        ["train", "copy", "--model", "lstm", "--controller", "feedforward"],
        ["train", "copy", "--device", "toaster"],
        ["train", "copy", "--lr-schedule", "3e-4"],
        ["train", "copy", "--lr-schedule", "8000:1e-4,3400:3e-4"],
        ["train", "copy", "--lr-schedule", "100:-1"],
        ["evaluate"],
        ["evaluate", "x.pt", "--length", "5", "--items", "3"],
        ["evaluate", "x.pt", "--sequences", "0"],
        ["pretrained", "--only", "copy_gpt"],
        ["handouts"],
        ["handouts", "--out", "h", "--format", "docx"],
        ["handouts", "--out", "h", "--edition", "parent"],
        ["fly"],
    ],
)
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_evaluate_setting_of_another_task_exits_2(tiny_checkpoint, capsys):
    with pytest.raises(SystemExit) as info:
        main(["evaluate", str(tiny_checkpoint), "--items", "3"])
    assert info.value.code == 2
    assert "--items does not apply to copy" in capsys.readouterr().err


def test_runtime_errors_exit_1(tmp_path, capsys):
    assert main(["evaluate", str(tmp_path / "missing.pt")]) == 1
    err = capsys.readouterr().err
    assert "missing.pt" in err and "no such file" in err
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    assert main(["evaluate", str(tmp_path / "junk.pt")]) == 1
    assert "corrupt" in capsys.readouterr().err


def test_pretrained_list_and_one_recipe(tmp_path, capsys):
    assert main(["pretrained", "--list"]) == 0
    assert "copy_ntm" in capsys.readouterr().out
    code = main(
        [
            "pretrained",
            "--only",
            "copy_ntm",
            "--out-dir",
            str(tmp_path),
            "--max-steps",
            "1",
            "--no-progress",
            "--device",
            "cpu",
            "--no-compile",  # a compile would take longer than the one step
        ]
    )
    assert code == 0
    assert "copy_ntm: 1 steps in" in capsys.readouterr().out
    assert load_checkpoint(tmp_path / "copy_ntm.pt").step == 1
    assert main(["pretrained", "--only", "copy_ntm", "--out-dir", str(tmp_path), "--resume"]) == 0
    assert "already done" in capsys.readouterr().out


def test_handouts_calls_build_handouts(tmp_path, monkeypatch, capsys):
    calls = []

    def build_handouts(
        out_dir, editions=("student", "teacher"), formats=("ipynb", "html"), notebooks=None
    ):
        calls.append((Path(out_dir), editions, formats))
        return [Path(out_dir) / "student" / "01.html"]

    fake = types.ModuleType("ntm_edu.handouts")
    fake.build_handouts = build_handouts
    monkeypatch.setitem(sys.modules, "ntm_edu.handouts", fake)
    code = main(
        ["handouts", "--out", str(tmp_path), "--edition", "student", "--format", "html,pdf"]
    )
    assert code == 0
    assert calls == [(tmp_path, ("student",), ("html", "pdf"))]
    assert "1 handout file(s)" in capsys.readouterr().out


def test_handouts_missing_module_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ntm_edu.handouts", None)  # import raises ImportError
    assert main(["handouts", "--out", str(tmp_path)]) == 1
    assert "ntm_edu.handouts is missing" in capsys.readouterr().err
