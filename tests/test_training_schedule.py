"""The learning-rate schedule (`ntm_edu/training/schedule.py`) as a setting of `train`."""

import pytest
import torch
from training_standins import EchoTask, params, small_ntm

from ntm_edu.tasks import make_task
from ntm_edu.training import check_lr_schedule, load_checkpoint, train

SCHEDULE = [(2, 1e-4), (4, 1e-5)]
KWARGS = dict(batch_size=4, device="cpu", progress=False, lr=1e-3)


def rates_after_each_step(steps, **kwargs):
    """The rate set for the next step, read at the end of each step (after the schedule's)."""
    rates = []
    record = lambda ctx: rates.append(ctx.optimizer.param_groups[0]["lr"])  # noqa: E731
    task = EchoTask()
    history = train(small_ntm(task), task, steps, callbacks=[record], **KWARGS, **kwargs)
    return rates, history


def test_the_rate_drops_after_each_milestone_and_says_so(capsys):
    rates, history = rates_after_each_step(5, lr_schedule=SCHEDULE)
    assert rates == pytest.approx([1e-3, 1e-4, 1e-4, 1e-5, 1e-5])
    lines = capsys.readouterr().err.splitlines()
    assert [line for line in lines if line.startswith("lr schedule")] == [
        "lr schedule: lr now 0.0001 after step 2",
        "lr schedule: lr now 1e-05 after step 4",
    ]
    assert history.train_config["lr_schedule"] == SCHEDULE


def test_without_a_schedule_the_rate_stays():
    rates, history = rates_after_each_step(3)
    assert rates == pytest.approx([1e-3] * 3)
    assert history.train_config["lr_schedule"] is None


def test_a_run_resumed_from_its_checkpoint_mid_schedule_matches_one_run(tmp_path):
    task = make_task("copy", max_length=3)
    whole = small_ntm(task)
    train(whole, task, 5, lr_schedule=SCHEDULE, **KWARGS)

    path = tmp_path / "run.pt"
    first = small_ntm(task)
    train(first, task, 3, lr_schedule=SCHEDULE, checkpoint_path=path, **KWARGS)
    checkpoint = load_checkpoint(path, device="cpu")
    assert checkpoint.history.train_config["lr_schedule"] == SCHEDULE  # kept in the file
    # Resumed with the run's base lr given again: the schedule still sets step 4's rate.
    rates = []
    train(
        checkpoint.model,
        task,
        2,
        history=checkpoint.history,
        callbacks=[lambda ctx: rates.append(ctx.optimizer.param_groups[0]["lr"])],
        **KWARGS,
    )
    assert rates == pytest.approx([1e-5, 1e-5])
    for name, value in params(whole).items():
        torch.testing.assert_close(checkpoint.model.state_dict()[name], value, rtol=0, atol=0)


@pytest.mark.parametrize(
    "schedule, message",
    [
        ("fast", "pairs"),
        ([(2,)], "pairs"),
        ([(0, 1e-4)], "steps must be integers >= 1"),
        ([(2.5, 1e-4)], "steps must be integers >= 1"),
        ([(2, 0.0)], "positive finite"),
        ([(2, float("nan"))], "positive finite"),
        ([(2, float("inf"))], "positive finite"),
        ([(4, 1e-4), (2, 1e-5)], "must increase"),
        ([(2, 1e-4), (2, 1e-5)], "must increase"),
    ],
)
def test_bad_schedules_are_value_errors(schedule, message):
    with pytest.raises(ValueError, match=message):
        check_lr_schedule(schedule)
    task = EchoTask()
    with pytest.raises(ValueError, match=message):
        train(small_ntm(task), task, 1, lr_schedule=schedule, **KWARGS)


def test_a_schedule_and_the_collapse_guard_are_refused_together():
    task = EchoTask()
    with pytest.raises(ValueError, match="guard"):
        train(small_ntm(task), task, 1, lr_schedule=SCHEDULE, guard=True, **KWARGS)
