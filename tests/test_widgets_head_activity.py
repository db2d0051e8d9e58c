"""Tests of ntm_edu.widgets.head_activity."""

from __future__ import annotations

import dataclasses
import io

import numpy as np
import pytest
import torch
from figure_helpers import ngram_figure_data
from PIL import Image

from ntm_edu.inspection import episode_arrays, model_label
from ntm_edu.model import NTM
from ntm_edu.viz import (
    context_label,
)
from ntm_edu.widgets import (
    memory_use_explorer,
    ngram_memory_explorer,
    trace_explorer,
    weighting_explorer,
)

SEQUENCES, LENGTH = 3, 200


@pytest.fixture(scope="module")
def data():
    return ngram_figure_data(SEQUENCES)


RENDER_BUDGET_MS = 1500  # generous for a loaded CI box; redraws are ~30-80 ms on an idle laptop


def test_weighting_explorer_moves_with_sliders(recall):
    task, model = recall
    episodes = {n: episode_arrays(model, task, seed=0, items=n) for n in (2, 4)}
    explorer = weighting_explorer(episodes, "items", input_labels=task.input_channels)
    pictures = {explorer.image.value}
    explorer.controls["step"].value = 5
    pictures.add(explorer.image.value)
    explorer.controls["items"].value = 4
    pictures.add(explorer.image.value)
    assert len(pictures) == 3
    # A step beyond a short episode is clamped to its last step, not an error.
    explorer.controls["items"].value = 2
    explorer.controls["step"].value = explorer.controls["step"].max
    assert explorer.image.value
    with pytest.raises(ValueError, match="no weightings"):
        weighting_explorer({1: {"inputs": np.zeros((2, 2))}})


def test_weighting_explorer_moves_only_its_cursor(recall):
    """A step move updates the episode's figure (laid out once): the frame equals a freshly
    drawn figure with the cursor there, and differs from the previous step's."""

    from ntm_edu.viz.base import figure_to_png

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)

    def differing(a, b):
        return int((np.abs(pixels(a) - pixels(b)).max(axis=2) > 60).sum())

    task, model = recall
    episodes = {n: episode_arrays(model, task, seed=0, items=n) for n in (2, 4)}
    explorer = weighting_explorer(episodes, "items", input_labels=task.input_channels)
    plot = explorer.plot
    for step in (3, 7):
        before = figure_to_png(explorer.render_function(**explorer.values))
        explorer.controls["step"].value = step
        assert explorer.plot is plot
        fresh = figure_to_png(explorer.render_function(**explorer.values))
        live = explorer.image.value
        assert differing(live, fresh) < 0.002 * pixels(live)[..., 0].size
        assert differing(live, fresh) * 3 < differing(live, before)


@pytest.fixture(scope="module")
def traced():
    torch.manual_seed(0)
    model = NTM(3, 2, controller="feedforward", controller_size=8, memory_locations=10,
                memory_width=4)  # fmt: skip
    inputs = torch.bernoulli(torch.full((3, 6, 3), 0.5))
    with torch.no_grad():
        logits, trace = model.forward_with_trace(inputs)
    return inputs, logits, trace


class TestTraceExplorer:
    def test_shows_the_trace_of_the_picked_example(self, traced):
        inputs, logits, trace = traced
        explorer = trace_explorer(inputs, logits, trace)
        before = explorer.image.value
        explorer.controls["example"].value = 2
        explorer.controls["time"].value = 4
        assert explorer.image.value != before
        assert explorer.state["key"] == 2 and explorer.state["time"] == 4
        rows = explorer.locations
        write = trace.write_weights[2, :, 0].numpy()
        shown = explorer.plot.images["write_weights"].get_array()
        np.testing.assert_allclose(shown, write[:, rows].T, atol=1e-6)
        outputs = explorer.plot.images["outputs"].get_array()
        np.testing.assert_allclose(outputs, torch.sigmoid(logits[2]).numpy().T, atol=1e-6)
        w = write[4]
        assert f"write head at location {int(w.argmax())} (weight {w.max():.2f})" in (
            explorer.plot.caption.get_text()
        )
        assert explorer.last_render_ms < RENDER_BUDGET_MS

    def test_crops_to_the_visited_locations(self, traced):
        inputs, logits, trace = traced
        w = torch.zeros(3, 6, 1, 100)
        w[:, :, :, 20] = 1.0
        wide = dataclasses.replace(trace, write_weights=w, read_weights=w)
        explorer = trace_explorer(inputs, logits, wide)
        assert 20 in explorer.locations and len(explorer.locations) == 16  # location_window

    def test_bad_shapes(self, traced):
        inputs, logits, trace = traced
        with pytest.raises(ValueError, match="outputs must have shape"):
            trace_explorer(inputs, logits[:, :3], trace)
        with pytest.raises(ValueError, match="head must be an integer"):
            trace_explorer(inputs, logits, trace, head=1)


def test_memory_explorer_lists_present_contexts(data):
    bits, _, _, _, contexts = data
    rng = np.random.default_rng(2)
    read = rng.dirichlet(np.full(8, 0.1), LENGTH)
    write = rng.dirichlet(np.full(8, 0.1), LENGTH)
    add = rng.normal(size=(LENGTH, 3))
    explorer = ngram_memory_explorer(bits[0], read, write, add, contexts[0])
    options = explorer.controls["context"].options
    present, counts = np.unique(contexts[0][contexts[0] >= 0], return_counts=True)
    assert len(options) == len(present)
    assert options[0][0] == f"{context_label(options[0][1])} (x {counts.max()})"
    first = explorer.image.value
    explorer.controls["context"].value = options[-1][1]
    assert explorer.image.value != first
    # The redraw moved the marks of the live plot to the picked context's steps.
    expected = np.flatnonzero(contexts[0] == options[-1][1]).tolist()
    assert explorer.plot.highlighted["read"] == expected
    assert explorer.plot.highlighted["write"] == [t + 1 for t in expected if t + 1 < LENGTH]
    assert explorer.plot.caption.get_text().startswith(f"context {context_label(options[-1][1])}")
    figure = explorer.render_function(context=options[-1][1])
    read_marks = figure.axes[-1].collections[-1].get_segments()
    assert [segment[0][0] for segment in read_marks] == expected
    assert explorer.render(context=options[0][1])[:4] == b"\x89PNG"  # a fallback frame
    assert explorer.plot.highlighted["read"] == expected  # ... drawn on another plot


class TestMemoryUseExplorer:
    def test_time_and_length_sliders(self, small_models):
        task, ntm, _ = small_models
        explorer = memory_use_explorer(ntm, task, lengths=(3, 9))
        assert explorer.controls["time"].max == 6 and explorer.state["time"] == 3
        first = explorer.image.value
        explorer.controls["time"].value = 5
        assert explorer.image.value != first and explorer.last_render_ms < RENDER_BUDGET_MS
        explorer.controls["length"].value = 9
        assert explorer.controls["time"].max == 18
        explorer.controls["time"].value = 17
        explorer.controls["length"].value = 3  # the cursor is clamped to the shorter episode
        assert explorer.state["time"] == 6 and explorer.controls["time"].value == 6
        assert set(explorer.summaries) == {3, 9}
        assert len(explorer.summaries[9]["write_locations"]) == 9

    def test_arrays_are_the_models_trace(self, small_models):
        task, ntm, _ = small_models
        explorer = memory_use_explorer(ntm, task, lengths=(4,), seed=1)
        batch = task.sample(1, torch.Generator().manual_seed(10_007 + 4), length=4)
        with torch.no_grad():
            logits, trace = ntm.forward_with_trace(batch.inputs)
        episode = explorer.episodes[4]
        assert np.allclose(episode["write_weights"], trace.write_weights[0, :, 0].numpy())
        assert np.allclose(episode["reads"], trace.reads[0, :, 0].numpy())
        assert np.allclose(episode["outputs"], torch.sigmoid(logits[0]).numpy())
        assert "length" not in explorer.controls  # one length: no length slider

    def test_errors(self, small_models):
        task, ntm, lstm = small_models
        with pytest.raises(ValueError, match="trace"):
            memory_use_explorer(lstm, task)
        with pytest.raises(ValueError, match="head"):
            memory_use_explorer(ntm, task, lengths=(3,), head=1)
        explorer = memory_use_explorer(ntm, task, lengths=(3,))
        with pytest.raises(ValueError, match="time"):
            explorer.compute(time=-1)

    def test_model_labels(self, small_models):
        task, ntm, lstm = small_models
        ff = NTM(task.input_size, task.output_size, controller="feedforward", controller_size=8)
        assert [model_label(m) for m in (ntm, lstm, ff)] == ["NTM", "LSTM", "NTM (FF)"]
