"""The collapse guard (`ntm_edu/training/guard.py`): restore the best weights, lower the rate."""

import pytest
import torch

from ntm_edu.model import NTM
from ntm_edu.tasks import make_task
from ntm_edu.training import train
from ntm_edu.training.guard import CollapseGuard


class ScriptedGuard(CollapseGuard):
    """A guard whose held-out costs are given, so that a collapse happens on cue."""

    def __init__(self, costs, **kwargs):
        super().__init__(every=1, **kwargs)
        self.costs = list(costs)
        self.weights_seen = []

    def held_out_cost(self, ctx):
        self.weights_seen.append(ctx.model.output.bias.detach().clone())
        return self.costs.pop(0)


def tiny_run(guard, steps):
    task = make_task("copy", max_length=2)
    torch.manual_seed(0)
    model = NTM(
        task.input_size, task.output_size, controller_size=8, memory_locations=8, memory_width=4
    )
    history = train(
        model, task, steps, batch_size=4, device="cpu", progress=False, callbacks=[guard]
    )
    return model, history


def test_a_jump_back_restores_the_best_weights_and_halves_the_rate():
    lines = []
    # Steps 1-5: 40, 30 (best, step 2), 35 (noise: under 2 x 30), 75 (collapse), 70 (again).
    guard = ScriptedGuard([40.0, 30.0, 35.0, 75.0, 70.0], log=lines.append)
    model, history = tiny_run(guard, 5)
    assert guard.restores == [4, 5]
    assert len(lines) == 2 and "restored step 2's weights" in lines[0]
    assert history.schedule["collapse_guard"]["restores"] == [4, 5]
    assert history.schedule["collapse_guard"]["lr"] == pytest.approx(1e-3 / 4)


def test_restored_weights_are_the_best_ones():
    guard = ScriptedGuard([40.0, 30.0, 90.0])
    model, _ = tiny_run(guard, 3)
    # The check at step 2 saw the best weights; after the restore at step 3 they are back.
    torch.testing.assert_close(model.output.bias.detach(), guard.weights_seen[1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="factor"):
        CollapseGuard(factor=1.5)


def test_settle_lowers_the_rate_once_when_learnt():
    lines = []
    guard = ScriptedGuard(
        [40.0, 0.5, 0.4, 0.3], settle_below=1.0, settle_factor=0.25, log=lines.append
    )
    _, history = tiny_run(guard, 4)
    assert guard.settled_at == 2 and guard.restores == [] and len(lines) == 1
    assert history.schedule["collapse_guard"]["lr"] == pytest.approx(1e-3 * 0.25)


def test_the_guard_setting_is_stored_and_a_resumed_run_keeps_its_lowered_rate(monkeypatch):
    costs = iter([40.0, 0.5, 0.4, 0.3, 0.3, 0.3])
    monkeypatch.setattr(CollapseGuard, "held_out_cost", lambda self, ctx: next(costs))
    task = make_task("copy", max_length=2)
    torch.manual_seed(0)
    model = NTM(
        task.input_size, task.output_size, controller_size=8, memory_locations=8, memory_width=4
    )
    guard = dict(every=1, settle_below=1.0, settle_factor=0.5, log=None)
    kwargs = dict(batch_size=4, device="cpu", progress=False, lr=1e-3)
    history = train(model, task, 3, guard=guard, **kwargs)
    assert history.train_config["guard"] == guard
    assert history.schedule["collapse_guard"]["settled_at"] == 2
    # Resumed: the same guard again (from the History), still settled, at the lowered rate.
    lrs = []
    history = train(
        model,
        task,
        3,
        history=history,
        callbacks=[lambda ctx: lrs.append(ctx.optimizer.param_groups[0]["lr"])],
        **kwargs,
    )
    assert lrs == [pytest.approx(5e-4)] * 3
    assert history.schedule["collapse_guard"]["settled_at"] == 2


def test_guard_false_switches_it_off_and_a_bad_value_is_refused():
    task = make_task("copy", max_length=2)
    model = NTM(task.input_size, task.output_size, controller_size=8, memory_locations=8)
    history = train(model, task, 1, batch_size=2, device="cpu", progress=False, guard=False)
    assert history.train_config["guard"] is None and "collapse_guard" not in history.schedule
    with pytest.raises(ValueError, match="guard"):
        train(model, task, 1, device="cpu", progress=False, guard="yes")
