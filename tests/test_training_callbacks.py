"""Tests of ntm_edu.training.callbacks: the Curriculum (probe snapshots: test_training_loop)."""

from __future__ import annotations

import pytest
from training_standins import EchoTask, TinyGRU

from ntm_edu.training import (
    Curriculum,
    train,
)


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

    def test_every_promotes_by_step_count_and_fixed_trains_on_the_bound(self):
        task = EchoTask(length=6)
        curriculum = Curriculum("length", start=2, stop=5, every=3, fixed=True, threshold=1e-9)
        history = train(
            TinyGRU(), task, 11, batch_size=2, log_every=2, curriculum=curriculum, progress=False
        )
        # steps 1-3 at 2, 4-6 at 3, 7-9 at 4, then the stop: the task's own length, 6
        assert task.lengths_drawn == [2, 2, 2, 3, 3, 3, 4, 4, 4, 6, 6]
        assert history.schedule == {"length": 5}
        resumed = train(TinyGRU(), EchoTask(length=6), 0, history=history, progress=False)
        assert resumed.train_config["curriculum"]["every"] == 3  # kept for a resumed run

    def test_a_context_curriculum_on_ngrams_needs_a_stop_and_reaches_it(self):
        from ntm_edu.tasks import NGramsTask

        model = TinyGRU(input_size=1, output_size=1)
        with pytest.raises(ValueError, match="give `stop`.*'max_context'"):
            train(model, NGramsTask(), 1, curriculum=Curriculum("context", start=1, every=2))
        curriculum = Curriculum("context", start=1, stop=3, every=2, fixed=True)
        rows = []  # table rows of each training batch: 2^context
        history = train(
            model, NGramsTask(length=20), 5, batch_size=2, curriculum=curriculum,
            callbacks=[lambda ctx: rows.append(ctx.batch.info["table"].shape[1])],
            progress=False,
        )  # fmt: skip
        # 1 bit for steps 1-2, 2 bits for 3-4; then the stop, 3: the task's own 5 bits
        assert rows == [2, 2, 4, 4, 32]
        assert history.schedule == {"context": 3}

    def test_bad_curriculum(self):
        with pytest.raises(ValueError, match="increment"):
            Curriculum(increment=0)
        with pytest.raises(ValueError, match="every"):
            Curriculum(every=0)
        with pytest.raises(ValueError, match="stop"):
            Curriculum(start=5, stop=3)
        with pytest.raises(ValueError, match="max_items"):
            train(TinyGRU(), EchoTask(), 1, curriculum=Curriculum("items"), progress=False)
