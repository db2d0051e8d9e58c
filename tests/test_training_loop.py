"""Tests of ntm_edu.training.loop (train) and step (train_step), and one real learning run."""

from __future__ import annotations

import io
import os
import time

import numpy as np
import pytest
import torch
from training_standins import EchoTask, NaNAt, TinyGRU, params, small_ntm

from ntm_edu.model import NTM, supports_trace
from ntm_edu.tasks import make_task
from ntm_edu.training import (
    Callback,
    TrainingDiverged,
    evaluate,
    make_optimizer,
    train,
    train_step,
)
from ntm_edu.training.step import NonFiniteStep


class TestTrainStep:
    def test_one_train_step_is_one_step_of_train(self):
        task = EchoTask()
        torch.manual_seed(0)
        looped, manual = TinyGRU(), TinyGRU()
        manual.load_state_dict(looped.state_dict())
        train(looped, task, 1, batch_size=4, seed=3, progress=False, device="cpu")
        batch = task.sample(4, generator=torch.Generator().manual_seed(3))
        optimizer = make_optimizer("adam", manual.parameters(), 1e-3)
        logits, loss = train_step(manual, task, batch, optimizer, clip=10.0)
        assert logits.shape == batch.targets.shape and not logits.requires_grad
        assert loss == pytest.approx(float(task.loss(logits, batch)))
        for name, value in params(looped).items():
            torch.testing.assert_close(params(manual)[name], value, rtol=0, atol=0)

    @pytest.mark.parametrize("in_grad", [False, True])
    def test_a_non_finite_step_leaves_the_weights(self, in_grad):
        task, model = EchoTask(), NaNAt(bad_step=1, in_grad=in_grad)
        before = params(model)
        batch = task.sample(2, generator=torch.Generator().manual_seed(0))
        optimizer = make_optimizer("adam", model.parameters(), 1e-3)
        with pytest.raises(NonFiniteStep) as error:
            train_step(model, task, batch, optimizer)
        assert (error.value.what == "loss") is not in_grad
        for name, value in params(model).items():
            assert torch.equal(before[name], value), name


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
