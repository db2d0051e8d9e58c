"""Tests of the training loop, History, devices, defaults, and one real learning run."""

from __future__ import annotations

import io
import os
import time

import numpy as np
import pytest
import torch
from torch import nn

from ntm_edu.model import NTM, supports_trace
from ntm_edu.tasks import Batch, Task, make_task
from ntm_edu.training import (
    MODEL_KINDS,
    Callback,
    Curriculum,
    History,
    TrainingDiverged,
    build_model,
    default_config,
    evaluate,
    pick_device,
    train,
)


# ---------------------------------------------------------------------------------- stand-ins
class EchoTask(Task):
    """Trivial task: output the input bits at the same step (every step scored)."""

    name = "echo"
    override_names = ("length",)

    def __init__(self, width: int = 3, length: int = 4):
        self.config = {"width": width, "length": length}
        self.input_channels = [f"bit{i}" for i in range(width)]
        self.output_channels = [f"bit{i}" for i in range(width)]
        self.lengths_drawn: list[int] = []

    def _sample(self, batch_size, generator, **overrides):
        length = overrides.get("length", self.config["length"])
        self.lengths_drawn.append(length)
        bits = torch.randint(0, 2, (batch_size, length, self.config["width"]), generator=generator)
        bits = bits.float()
        return Batch(bits, bits.clone(), torch.ones(batch_size, length, dtype=torch.bool))


class TinyGRU(nn.Module):
    """A small recurrent model with a `config`, and no trace."""

    def __init__(self, input_size: int = 3, output_size: int = 3, hidden_size: int = 8):
        super().__init__()
        self.config = dict(input_size=input_size, output_size=output_size, hidden_size=hidden_size)
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, output_size)

    def forward(self, inputs):
        hidden, _ = self.gru(inputs)
        return self.out(hidden)


class NaNAt(TinyGRU):
    """Returns NaN logits (or, with `in_grad`, finite logits but NaN gradients) at one step."""

    def __init__(self, bad_step: int, in_grad: bool = False):
        super().__init__()
        self.bad_step, self.in_grad, self.calls = bad_step, in_grad, 0

    def forward(self, inputs):
        logits = super().forward(inputs)
        if self.training:
            self.calls += 1
            if self.calls == self.bad_step:
                if self.in_grad:
                    # sqrt'(0) = inf and 0 * inf = nan: a finite loss with a NaN gradient.
                    zero = (self.out.bias * 0).sum()
                    return logits + 0 * torch.sqrt(zero)
                return logits * float("nan")
        return logits


def small_ntm(task: Task, seed: int = 0) -> NTM:
    torch.manual_seed(seed)
    return NTM(
        task.input_size,
        task.output_size,
        controller_size=16,
        memory_locations=8,
        memory_width=4,
    )


def params(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# ---------------------------------------------------------------------------------- devices
class TestPickDevice:
    def test_cpu_and_auto(self, monkeypatch):
        monkeypatch.delenv("NTM_EDU_DEVICE", raising=False)
        assert pick_device("cpu") == torch.device("cpu")
        expected = "cuda" if torch.cuda.is_available() else "cpu"
        assert pick_device("auto").type == expected
        assert pick_device(None).type == expected

    def test_env_var_decides_auto_only(self, monkeypatch):
        monkeypatch.setenv("NTM_EDU_DEVICE", "cpu")
        assert pick_device("auto") == torch.device("cpu")
        monkeypatch.setenv("NTM_EDU_DEVICE", "warp-drive")
        with pytest.raises(ValueError, match="NTM_EDU_DEVICE"):
            pick_device("auto")
        assert pick_device("cpu") == torch.device("cpu")  # an explicit device wins

    def test_unknown_device(self):
        with pytest.raises(ValueError, match="unknown device 'toaster'"):
            pick_device("toaster")

    @pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
    def test_unavailable_cuda(self):
        with pytest.raises(ValueError, match="CUDA is not available"):
            pick_device("cuda")


# ---------------------------------------------------------------------------------- loop
class TestTrain:
    def test_loss_goes_down_on_a_trivial_task(self):
        torch.manual_seed(0)
        model, task = TinyGRU(), EchoTask()
        history = train(model, task, 120, batch_size=16, lr=1e-2, log_every=20, progress=False)
        curve = history.curve()
        assert list(curve.step) == [20, 40, 60, 80, 100, 120]
        assert list(curve.sequences) == [320, 640, 960, 1280, 1600, 1920]
        assert curve.bits_per_sequence[-1] < 0.5 * curve.bits_per_sequence[0]
        assert curve.bit_errors_per_sequence[-1] < curve.bit_errors_per_sequence[0]
        assert np.all(np.diff(curve.seconds) >= 0)
        assert history.model_name == "TinyGRU" and history.task_name == "echo"

    def test_steps_continue_with_the_same_history(self):
        torch.manual_seed(0)
        model, task = TinyGRU(), EchoTask()
        history = train(model, task, 5, batch_size=4, log_every=5, progress=False)
        same = train(model, task, 5, batch_size=4, history=history, progress=False)
        assert same is history and history.step == 10 and history.sequences == 40
        assert history.optimizer_state is not None

    @pytest.mark.parametrize("in_grad", [False, True], ids=["nan-loss", "nan-grad"])
    def test_non_finite_stops_before_the_update(self, in_grad):
        torch.manual_seed(0)
        model, task = NaNAt(bad_step=4, in_grad=in_grad), EchoTask()
        before: dict[str, torch.Tensor] = {}

        def remember(ctx):
            before.clear()
            before.update(params(ctx.model))

        with pytest.raises(TrainingDiverged, match="step 4") as info:
            train(model, task, 10, batch_size=4, callbacks=[remember], progress=False)
        assert info.value.step == 4
        assert isinstance(info.value, RuntimeError)
        if in_grad:
            assert info.value.what == "out.bias" and "out.bias" in str(info.value)
        else:
            assert info.value.what == "loss"
        after = params(model)
        assert all(torch.equal(before[k], after[k]) for k in before)  # step 4 never applied
        assert all(torch.isfinite(v).all() for v in after.values())

    def test_probe_snapshots_at_the_right_steps_and_small(self):
        task = make_task("copy", width=3, max_length=3)
        model = small_ntm(task)
        history = train(model, task, 10, batch_size=4, probe_every=4, probe_size=2, progress=False)
        steps = [s["step"] for s in history.snapshots]
        assert steps == [0, 4, 8]  # the untrained model, then every 4 steps
        assert [s["sequences"] for s in history.snapshots] == [0, 16, 32]
        probe = history.probe
        assert probe["inputs"].shape[0] == 2 and probe["mask"].dtype == torch.bool
        T = probe["inputs"].shape[1]
        first = history.snapshots[0]
        assert first["outputs"].dtype == torch.float16 and first["outputs"].shape == (2, T, 3)
        assert set(first["trace"]) == {"read_weights", "write_weights", "add"}
        assert all(v.dtype == torch.float16 for v in first["trace"].values())
        assert first["trace"]["read_weights"].shape == (2, T, 1, 8)
        snap = history.snapshot(-1)
        assert snap.step == 8 and snap.outputs.dtype == np.float32
        assert 0 <= snap.outputs.min() and snap.outputs.max() <= 1
        np.testing.assert_allclose(snap.trace["write_weights"].sum(-1), 1.0, atol=1e-2)
        assert model.training  # the probe put it back in training mode

    def test_probe_of_a_model_without_trace(self):
        torch.manual_seed(0)
        model = TinyGRU()
        assert not supports_trace(model) and supports_trace(small_ntm(EchoTask()))
        history = train(model, EchoTask(), 4, batch_size=2, probe_every=2, progress=False)
        assert [s["step"] for s in history.snapshots] == [0, 2, 4]
        assert history.snapshot(1).trace == {}

    def test_progress_false_prints_nothing(self, capsys, monkeypatch):
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
        train(TinyGRU(), EchoTask(), 3, batch_size=2, progress=False)
        out, err = capsys.readouterr()
        assert out == "" and err == ""
        monkeypatch.setenv("TQDM_DISABLE", "1")
        train(TinyGRU(), EchoTask(), 3, batch_size=2, progress=True)
        assert capsys.readouterr() == ("", "")

    def test_progress_bar_shows_sequences_bits_and_errors(self, monkeypatch):
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
        stream = io.StringIO()
        import ntm_edu.training.loop as loop

        original = loop.tqdm

        def to_stream(*args, **kwargs):
            return original(*args, file=stream, mininterval=0, **kwargs)

        monkeypatch.setattr(loop, "tqdm", to_stream)
        train(TinyGRU(), EchoTask(), 3, batch_size=2, progress=True)
        text = stream.getvalue()
        assert "3/3" in text and "seqs=6" in text and "bits=" in text and "errors=" in text

    def test_device_cpu(self):
        model = TinyGRU()
        train(model, EchoTask(), 2, batch_size=2, device="cpu", progress=False)
        assert next(model.parameters()).device.type == "cpu"

    @pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
    def test_cuda_sees_the_same_data_as_cpu(self):
        results = {}
        for device in ("cpu", "cuda"):
            torch.manual_seed(0)
            model = TinyGRU()
            history = train(
                model, EchoTask(), 6, batch_size=4, device=device, log_every=2, progress=False
            )
            assert next(model.parameters()).device.type == device
            results[device] = history.curve().bits_per_sequence
        np.testing.assert_allclose(results["cpu"], results["cuda"], rtol=1e-3)

    def test_function_callback_can_stop_training(self):
        def stop_at_3(ctx):
            ctx.stop = ctx.step == 3

        history = train(
            TinyGRU(), EchoTask(), 10, batch_size=2, callbacks=[stop_at_3], progress=False
        )
        assert history.step == 3

    def test_bad_settings_are_value_errors(self):
        model, task = TinyGRU(), EchoTask()
        with pytest.raises(ValueError, match="steps"):
            train(model, task, -1, progress=False)
        with pytest.raises(ValueError, match="batch_size"):
            train(model, task, 1, batch_size=0, progress=False)
        with pytest.raises(ValueError, match="optimizer"):
            train(model, task, 1, optimizer="sgd", progress=False)
        with pytest.raises(ValueError, match="lr"):
            train(model, task, 1, lr=-1.0, progress=False)
        with pytest.raises(ValueError, match="clip"):
            train(model, task, 1, clip=0, progress=False)

    def test_elementwise_clip_bounds_every_gradient(self):
        seen = []

        class Spy(torch.optim.Adam):
            pass

        class Record(Callback):
            def on_step_end(self, ctx):
                seen.append(max(p.grad.abs().max().item() for p in ctx.model.parameters()))

        torch.manual_seed(0)
        model = TinyGRU()
        with torch.no_grad():
            model.out.weight.mul_(1000)  # huge logits, huge gradients
        train(model, EchoTask(), 3, batch_size=4, clip=1e-3, callbacks=[Record()], progress=False)
        assert seen and max(seen) <= 1e-3 + 1e-9

    def test_rmsprop_is_the_papers_centred_form(self):
        from ntm_edu.training import make_optimizer

        opt = make_optimizer("rmsprop", TinyGRU().parameters(), 1e-4)
        group = opt.param_groups[0]
        assert isinstance(opt, torch.optim.RMSprop)
        assert group["momentum"] == 0.9 and group["centered"] and group["alpha"] == 0.95


class TestCurriculum:
    def test_bound_grows_when_errors_are_low_and_draws_stay_below_it(self):
        task = EchoTask(length=6)
        task.config["min_length"], task.config["max_length"] = 1, 6
        curriculum = Curriculum("length", start=2, threshold=1e9)  # always promote
        history = train(
            TinyGRU(), task, 13, batch_size=2, log_every=3, curriculum=curriculum, progress=False
        )
        assert history.schedule == {"length": 6}  # 2 -> 3 -> 4 -> 5 -> 6 after steps 3..12
        drawn = task.lengths_drawn
        assert max(drawn[:3]) <= 2 and max(drawn[3:6]) <= 3 and max(drawn[6:9]) <= 4
        assert drawn[-1] == 6  # at the stop the task samples its own config
        assert history.train_config["curriculum"]["start"] == 2

    def test_no_promotion_above_threshold(self):
        task = EchoTask(length=6)
        task.config["max_length"] = 6
        history = train(
            TinyGRU(),
            task,
            6,
            batch_size=2,
            log_every=3,
            curriculum=dict(field="length", start=2, threshold=1e-9),
            progress=False,
        )
        assert history.schedule == {"length": 2}

    def test_bad_curriculum(self):
        with pytest.raises(ValueError, match="increment"):
            Curriculum(increment=0)
        with pytest.raises(ValueError, match="stop"):
            Curriculum(start=5, stop=3)
        with pytest.raises(ValueError, match="max_items"):
            train(TinyGRU(), EchoTask(), 1, curriculum=Curriculum("items"), progress=False)


class TestHistory:
    def test_state_round_trip_through_weights_only_load(self, tmp_path):
        task = make_task("copy", width=3, max_length=3)
        history = train(
            small_ntm(task), task, 7, batch_size=2, log_every=2, probe_every=3, progress=False
        )
        path = tmp_path / "history.pt"
        torch.save(history.to_state(), path)
        loaded = History.from_state(torch.load(path, weights_only=True))
        for a, b in zip(history.curve(), loaded.curve(), strict=True):
            np.testing.assert_array_equal(a, b)
        assert loaded.step == 7 and loaded.pending["count"] == 1  # step 7 awaits its window
        assert len(loaded.snapshots) == len(history.snapshots) == 3
        np.testing.assert_array_equal(loaded.snapshot(2).outputs, history.snapshot(2).outputs)
        assert torch.equal(loaded.generator_state, history.generator_state)
        assert "NTM on copy" in repr(loaded)

    def test_from_state_rejects_garbage(self):
        with pytest.raises(ValueError, match="version"):
            History.from_state({"version": 99})
        with pytest.raises(ValueError, match="dict"):
            History.from_state([1, 2])

    def test_thin_snapshots_keeps_first_last_and_spreads_the_rest(self):
        history = History()
        for step in range(11):
            history.step = step
            history.add_snapshot(torch.zeros(1, 2, 1))
        history.thin_snapshots(4)
        assert [s["step"] for s in history.snapshots] == [0, 3, 7, 10]
        history.thin_snapshots(10)  # already fewer: unchanged
        assert len(history.snapshots) == 4
        with pytest.raises(ValueError, match="at least 2"):
            history.thin_snapshots(1)

    def test_snapshot_index_errors(self):
        with pytest.raises(IndexError, match="no probe snapshots"):
            History().snapshot(0)


class TestEvaluate:
    def test_seeded_means_and_mode_restored(self):
        task = make_task("copy", width=3, max_length=3)
        model = small_ntm(task)
        model.train()
        a = evaluate(model, task, sequences=25, batch_size=10, seed=3, length=5)
        b = evaluate(model, task, sequences=25, batch_size=10, seed=3, length=5)
        assert a == b and a["sequences"] == 25
        assert model.training
        # An untrained model is near chance: about 1 bit per scored bit, 15 bits at length 5.
        assert 10 < a["bits_per_sequence"] < 25
        assert 0 <= a["bit_errors_per_sequence"] <= 15
        with pytest.raises(ValueError, match="sequences"):
            evaluate(model, task, sequences=0)


class TestDefaults:
    def test_every_task_and_kind_has_a_config_and_builds(self):
        from ntm_edu.tasks import TASKS

        for name in TASKS:
            for kind in MODEL_KINDS:
                config = default_config(name, kind)
                assert set(config) == {"model", "task", "train"}
                assert config["train"]["steps"] > 0
                task = make_task(name, **config["task"])
                model = build_model(kind, task, **config["model"])
                assert model.config["input_size"] == task.input_size

    def test_copy_ntm_follows_the_paper_sizes(self):
        config = default_config("copy", "ntm")
        model = build_model("ntm", make_task("copy"), **config["model"])
        assert model.config["controller_size"] == 100
        assert model.config["memory_locations"] == 128 and model.config["memory_width"] == 20
        assert config["train"]["optimizer"] == "adam" and config["train"]["clip"] == 10.0

    def test_fresh_copies_and_errors(self):
        default_config("copy", "ntm")["train"]["lr"] = 99
        assert default_config("copy", "ntm")["train"]["lr"] != 99
        with pytest.raises(ValueError, match="model_kind"):
            default_config("copy", "gpt")
        with pytest.raises(ValueError, match="unknown task"):
            default_config("sudoku", "ntm")
        assert build_model("ntm_ff", make_task("copy")).config["controller"] == "feedforward"


# ---------------------------------------------------------------------------------- learning
@pytest.mark.slow
def test_ntm_learns_copy_on_short_sequences():
    """A real run: a small NTM learns to copy 1-3 vectors of 4 bits almost perfectly."""
    torch.set_num_threads(1)
    task = make_task("copy", width=4, min_length=1, max_length=3)
    torch.manual_seed(0)
    model = NTM(
        task.input_size, task.output_size, controller_size=32, memory_locations=16, memory_width=8
    )
    start = time.perf_counter()
    history = None
    result = {"bit_errors_per_sequence": float("inf")}
    while history is None or history.step < 3000:
        history = train(
            model, task, 100, batch_size=32, lr=1e-2, history=history, progress=False, device="cpu"
        )
        result = evaluate(model, task, sequences=500, batch_size=250, seed=1)
        if result["bit_errors_per_sequence"] < 0.1:
            break
    seconds = time.perf_counter() - start
    assert result["bit_errors_per_sequence"] < 0.1, (result, history.step, seconds)
    assert result["bits_per_sequence"] < 1.0
    if os.environ.get("NTM_EDU_TIMING"):
        print(f"learned copy in {history.step} steps, {seconds:.0f} s")
