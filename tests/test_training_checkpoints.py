"""Checkpoints: round trip, atomic save, refusal of bad files, exact resume, pretrained files."""

from __future__ import annotations

import os

import pytest
import torch

from ntm_edu.model import NTM, LSTMBaseline
from ntm_edu.tasks import make_task
from ntm_edu.training import (
    FORMAT_VERSION,
    PRETRAINED_RECIPES,
    Callback,
    CheckpointError,
    load_checkpoint,
    load_pretrained,
    regenerate_pretrained,
    save_checkpoint,
    train,
)

TASK = dict(width=3, min_length=1, max_length=4)
NTM_SIZE = dict(controller_size=12, memory_locations=8, memory_width=4)
# Settings that exercise every piece of resume state: curriculum, probes, a log window that
# straddles the interruption, element-wise clipping and Adam moments.
SETTINGS = dict(
    batch_size=3,
    lr=3e-3,
    seed=7,
    log_every=4,
    probe_every=5,
    probe_size=1,
    curriculum=dict(field="length", start=2, threshold=1e9),
)


def fresh(seed: int = 0) -> tuple[NTM, object]:
    task = make_task("copy", **TASK)
    torch.manual_seed(seed)
    return NTM(task.input_size, task.output_size, **NTM_SIZE), task


def trained(path=None, steps: int = 6):
    model, task = fresh()
    history = train(model, task, steps, progress=False, **SETTINGS)
    if path is not None:
        save_checkpoint(path, model, task, history)
    return model, task, history


def same_weights(a: torch.nn.Module, b: torch.nn.Module) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


@pytest.fixture(scope="module")
def good_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ckpt") / "good.pt"
    trained(path)
    return path


def rewrite(source, target, change):
    """Load a real checkpoint's payload, change it, and save it (plainly) elsewhere."""
    payload = torch.load(source, weights_only=True)
    change(payload)
    torch.save(payload, target)
    return target


class TestRoundTrip:
    def test_everything_comes_back(self, tmp_path):
        model, task, history = trained()
        path = save_checkpoint(
            tmp_path / "sub" / "run.pt", model, task, history, extra={"note": "hello", "n": 3}
        )
        checkpoint = load_checkpoint(path)
        assert same_weights(checkpoint.model, model)
        assert not checkpoint.model.training
        assert checkpoint.model_class == "NTM" and checkpoint.model.config == model.config
        assert checkpoint.task.config == task.config and checkpoint.task_name == "copy"
        assert checkpoint.format_version == FORMAT_VERSION
        assert checkpoint.extra == {"note": "hello", "n": 3}
        assert checkpoint.step == 6 and checkpoint.history.sequences == 18
        assert checkpoint.history.records == history.records
        assert checkpoint.optimizer_state is not None
        assert checkpoint.history.optimizer_state is checkpoint.optimizer_state
        assert oct(os.stat(path).st_mode & 0o777) == oct(0o644)

    def test_lstm_baseline_and_no_optimizer(self, tmp_path):
        task = make_task("copy", **TASK)
        model = LSTMBaseline(task.input_size, task.output_size, hidden_size=6, layers=2)
        save_checkpoint(tmp_path / "lstm.pt", model, task, include_optimizer=False)
        checkpoint = load_checkpoint(tmp_path / "lstm.pt")
        assert same_weights(checkpoint.model, model) and checkpoint.optimizer_state is None

    def test_model_without_config_is_refused_at_save(self, tmp_path):
        with pytest.raises(ValueError, match="config"):
            save_checkpoint(tmp_path / "x.pt", torch.nn.Linear(2, 2), make_task("copy"))


class TestAtomicSave:
    def test_crash_mid_write_leaves_the_old_file(self, tmp_path, monkeypatch, good_file):
        path = tmp_path / "run.pt"
        path.write_bytes(good_file.read_bytes())
        model, task = fresh(seed=1)

        def crash(obj, handle, *args, **kwargs):
            handle.write(b"half a checkpoint")
            raise OSError("disk full")

        monkeypatch.setattr(torch, "save", crash)
        with pytest.raises(CheckpointError, match="run.pt.*not saved.*disk full.*unchanged"):
            save_checkpoint(path, model, task)
        monkeypatch.undo()
        assert path.read_bytes() == good_file.read_bytes()
        assert load_checkpoint(path).step == 6
        assert sorted(p.name for p in tmp_path.iterdir()) == ["run.pt"]  # no temp file left

    def test_stale_temp_files_of_dead_processes_are_removed(self, tmp_path):
        """SIGKILL mid-save leaves `.run.pt.<pid>.<random>.tmp`; the next save removes it, but
        not the temp file of a save still running in another process, nor other files'."""
        import subprocess
        import sys

        dead = subprocess.Popen([sys.executable, "-c", "pass"])
        dead.wait()  # its pid names no process now
        stale = tmp_path / f".run.pt.{dead.pid}.k1ll3d.tmp"
        legacy = tmp_path / ".run.pt.x7f3k2.tmp"  # the naming before pids were added
        running = tmp_path / f".run.pt.{os.getppid()}.busy.tmp"  # a live process
        other = tmp_path / f".other.pt.{dead.pid}.k1ll3d.tmp"
        for path in (stale, legacy, running, other):
            path.write_bytes(b"half a checkpoint")
        model, task = fresh()
        save_checkpoint(tmp_path / "run.pt", model, task)
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
            ["run.pt", running.name, other.name]
        )


class TestBadFiles:
    def test_missing(self, tmp_path):
        with pytest.raises(CheckpointError, match="nowhere.pt.*no such file"):
            load_checkpoint(tmp_path / "nowhere.pt")

    def test_random_bytes(self, tmp_path):
        path = tmp_path / "noise.pt"
        path.write_bytes(bytes(torch.randint(0, 256, (4096,), dtype=torch.uint8).tolist()))
        with pytest.raises(CheckpointError, match="noise.pt.*corrupt") as info:
            load_checkpoint(path)
        assert isinstance(info.value, ValueError) and info.value.path == path

    def test_truncated(self, tmp_path, good_file):
        path = tmp_path / "half.pt"
        data = good_file.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(CheckpointError, match="half.pt.*(corrupt|truncated)"):
            load_checkpoint(path)

    def test_foreign_torch_file(self, tmp_path):
        torch.save({"weights": torch.zeros(2)}, tmp_path / "other.pt")
        with pytest.raises(CheckpointError, match="other.pt.*not an ntm_edu checkpoint"):
            load_checkpoint(tmp_path / "other.pt")

    def test_wrong_version(self, tmp_path, good_file):
        path = rewrite(
            good_file, tmp_path / "future.pt", lambda p: p.update(format_version=FORMAT_VERSION + 1)
        )
        with pytest.raises(CheckpointError, match=r"future.pt.*format version 2.*reads version 1"):
            load_checkpoint(path)

    def test_missing_key(self, tmp_path, good_file):
        path = rewrite(good_file, tmp_path / "nohist.pt", lambda p: p.pop("history"))
        with pytest.raises(CheckpointError, match="nohist.pt.*missing keys: history"):
            load_checkpoint(path)

    def test_unknown_model_class(self, tmp_path, good_file):
        path = rewrite(good_file, tmp_path / "gpt.pt", lambda p: p.update(model_class="GPT"))
        with pytest.raises(CheckpointError, match="gpt.pt.*unknown model class 'GPT'.*NTM"):
            load_checkpoint(path)

    def test_wrong_architecture(self, tmp_path, good_file):
        def wider(payload):
            payload["model_config"] = {**payload["model_config"], "controller_size": 13}

        path = rewrite(good_file, tmp_path / "wide.pt", wider)
        with pytest.raises(CheckpointError, match=r"wide.pt.*shape mismatch.*controller"):
            load_checkpoint(path)

    def test_missing_weights(self, tmp_path, good_file):
        path = rewrite(
            good_file, tmp_path / "holes.pt", lambda p: p["state_dict"].pop("output.bias")
        )
        with pytest.raises(CheckpointError, match=r"holes.pt.*missing keys \['output.bias'\]"):
            load_checkpoint(path)

    def test_bad_model_config(self, tmp_path, good_file):
        def bad(payload):
            payload["model_config"] = {**payload["model_config"], "wings": 2}

        path = rewrite(good_file, tmp_path / "wings.pt", bad)
        with pytest.raises(CheckpointError, match="wings.pt.*cannot build NTM"):
            load_checkpoint(path)

    def test_pickled_code_is_refused(self, tmp_path, good_file):
        marker = tmp_path / "pwned"

        class Evil:
            def __reduce__(self):
                return (open, (str(marker), "w"))

        path = tmp_path / "evil.pt"
        payload = torch.load(good_file, weights_only=True)
        payload["extra"] = {"surprise": Evil()}
        with open(path, "wb") as handle:
            torch.save(payload, handle)
        with pytest.raises(CheckpointError, match="evil.pt.*refused.*weights_only"):
            load_checkpoint(path)
        assert not marker.exists()


class TestResume:
    def test_split_run_equals_one_run(self, tmp_path):
        """train(N) == train(k) + save + load + train(N - k), weights and history alike."""
        N, k = 13, 6  # k mid-way through a log window (log_every=4) and a probe interval
        whole_model, task = fresh()
        whole = train(whole_model, task, N, progress=False, **SETTINGS)

        first_model, task = fresh()
        first = train(first_model, task, k, progress=False, **SETTINGS)
        save_checkpoint(tmp_path / "half.pt", first_model, task, first)
        checkpoint = load_checkpoint(tmp_path / "half.pt")
        resumed = train(
            checkpoint.model, checkpoint.task, N - k, history=checkpoint.history, progress=False
        )

        assert not same_weights(first_model, whole_model)  # the test can fail
        assert same_weights(checkpoint.model, whole_model)
        assert resumed.step == N
        for column in ("step", "sequences", "bits_per_sequence", "bit_errors_per_sequence"):
            assert resumed.records[column] == whole.records[column], column  # not seconds
        assert resumed.schedule == whole.schedule
        assert [s["step"] for s in resumed.snapshots] == [s["step"] for s in whole.snapshots]
        for a, b in zip(resumed.snapshots, whole.snapshots, strict=True):
            assert torch.equal(a["outputs"], b["outputs"])

    def test_periodic_checkpoints_and_interrupt(self, tmp_path):
        path = tmp_path / "auto.pt"

        class Interrupt(Callback):
            def on_step_end(self, ctx):
                if ctx.step == 7:
                    raise KeyboardInterrupt

        model, task = fresh()
        with pytest.raises(KeyboardInterrupt):
            train(
                model,
                task,
                20,
                progress=False,
                checkpoint_path=path,
                checkpoint_every=3,
                callbacks=[Interrupt()],
                **SETTINGS,
            )
        checkpoint = load_checkpoint(path)
        assert checkpoint.step == 7  # saved on the interrupt, not only at step 6
        train(
            checkpoint.model,
            checkpoint.task,
            13 - 7,
            history=checkpoint.history,
            progress=False,
            checkpoint_path=path,
            checkpoint_every=3,
        )
        assert load_checkpoint(path).step == 13

        reference, task = fresh()
        train(reference, task, 13, progress=False, **SETTINGS)
        assert same_weights(checkpoint.model, reference)


class TestPretrained:
    def test_missing_file_lists_what_exists(self, tmp_path, good_file):
        (tmp_path / "copy_lstm.pt").write_bytes(good_file.read_bytes())
        with pytest.raises(FileNotFoundError, match=r"copy_ntm.*available: copy_lstm.*--only"):
            load_pretrained("copy", "ntm", folder=tmp_path)
        with pytest.raises(ValueError, match="model must be"):
            load_pretrained("copy", "transformer", folder=tmp_path)
        with pytest.raises(ValueError, match=r"unknown task 'sorting': choose one of copy"):
            load_pretrained("sorting", folder=tmp_path)
        # A file's name where the task goes: the message says which call was meant.
        with pytest.raises(ValueError, match=r"load_pretrained\('priority_sort', 'lstm'\)"):
            load_pretrained("priority_sort_lstm", folder=tmp_path)

    def test_recipes_are_complete(self):
        for name, recipe in PRETRAINED_RECIPES.items():
            assert name == f"{recipe['task']}_{recipe['model']}"
            for key in ("model_kwargs", "steps", "batch_size", "lr", "seed"):
                assert key in recipe, (name, key)

    def test_regenerate_writes_a_loadable_file_and_resumes(self, tmp_path):
        lines: list[str] = []
        paths = regenerate_pretrained(
            ["copy_ntm"],
            folder=tmp_path,
            max_steps=2,
            progress=False,
            log=lines.append,
            device="cpu",
        )
        assert paths == [tmp_path / "copy_ntm.pt"]
        assert not (tmp_path / "copy_ntm.pt.part").exists()
        assert "copy_ntm: 2 steps in" in lines[-1]
        pretrained = load_pretrained("copy", "ntm", folder=tmp_path)
        assert pretrained.history.step == 2 and not pretrained.model.training
        assert pretrained.recipe["steps"] == PRETRAINED_RECIPES["copy_ntm"]["steps"]
        assert pretrained.model.config["controller_size"] == 100
        assert pretrained.history.snapshots  # the widgets have something to show
        regenerate_pretrained(["copy_ntm"], resume=True, folder=tmp_path, log=lines.append)
        assert "already done" in lines[-1]
        with pytest.raises(ValueError, match="unknown pretrained"):
            regenerate_pretrained(["copy_gpt"], folder=tmp_path)

    def test_load_or_retrain_loads_shipped_files_or_retrains_elsewhere(self, monkeypatch):
        import shutil

        from ntm_edu.training import pretrained as module
        from ntm_edu.training.pretrained import PRETRAINED_DIR

        ntm, ntm_ff, lstm = module.load_or_retrain("copy")
        assert (ntm.name, ntm_ff.name, lstm.name) == ("copy_ntm", "copy_ntm_ff", "copy_lstm")
        # Only the kinds with a recipe for the task (here one taken out).
        assert len(module.load_or_retrain("ngrams")) == 3
        with monkeypatch.context() as patch:
            patch.delitem(module.PRETRAINED_RECIPES, "ngrams_ntm_ff")
            names = [r.name for r in module.load_or_retrain("ngrams")]
        assert names == ["ngrams_ntm", "ngrams_lstm"]
        assert ntm.path.parent == PRETRAINED_DIR
        calls, lines = [], []

        def fake_regenerate(names, folder, **settings):  # copies instead of training
            calls.append((names, folder))
            for name in names:
                shutil.copy(PRETRAINED_DIR / f"{name}.pt", folder)

        monkeypatch.setattr(module, "regenerate_pretrained", fake_regenerate)
        (lstm,) = module.load_or_retrain("copy", ("lstm",), retrain=True, log=lines.append)
        assert calls and calls[0][0] == ["copy_lstm"]
        assert lstm.path.parent != PRETRAINED_DIR and str(lstm.path).startswith(calls[0][1])
        assert lines[0].startswith("expected wall time: about") and "(lstm)" in lines[0]

    def test_regenerate_thins_snapshots_to_the_recipes_maximum(self, tmp_path, monkeypatch):
        recipe = {**PRETRAINED_RECIPES["copy_ntm"], "probe_every": 1, "max_snapshots": 3}
        monkeypatch.setitem(PRETRAINED_RECIPES, "copy_ntm", recipe)
        regenerate_pretrained(
            ["copy_ntm"], folder=tmp_path, max_steps=6, progress=False, log=print, device="cpu"
        )
        steps = [
            s["step"] for s in load_pretrained("copy", "ntm", folder=tmp_path).history.snapshots
        ]
        assert len(steps) == 3 and steps[-1] == 6 and steps == sorted(steps)
