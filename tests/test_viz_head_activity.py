"""Tests of ntm_edu.viz.head_activity."""

from __future__ import annotations

import numpy as np
import pytest
from figure_helpers import ngram_figure_data, pixels
from matplotlib.figure import Figure

from ntm_edu.viz import HeadActivityPlot, context_steps, head_activity_figure, location_window

SEQUENCES, LENGTH = 3, 200


@pytest.fixture(scope="module")
def data():
    return ngram_figure_data(SEQUENCES)


def copy_weightings(L: int, N: int, start: int) -> tuple[np.ndarray, np.ndarray]:
    """Perfect copy behaviour: write input k at start+k, read it back at step L+1+k."""
    T = 2 * L + 1
    write = one_hot_path(T, N, [start + k for k in range(L)] + [start + L] * (L + 1))
    read = one_hot_path(T, N, [start] * (L + 1) + [start + k for k in range(L)])
    return write, read


def image_arrays(figure: Figure) -> list[np.ndarray]:
    return [np.asarray(im.get_array()) for ax in figure.axes for im in ax.images]


def one_hot_path(T: int, N: int, locations: list[int]) -> np.ndarray:
    """[T, N] weightings focused on locations[t] (uniform where the list has no entry)."""
    w = np.full((T, N), 1.0 / N)
    for t, location in enumerate(locations):
        w[t] = 0.0
        w[t, location % N] = 1.0
    return w


def episode(T: int = 9, N: int = 32, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {
        "inputs": rng.integers(0, 2, (T, 5)).astype(float),
        "outputs": rng.uniform(0, 1, (T, 4)),
        "add": rng.normal(0, 0.5, (T, 3)),
        "reads": rng.normal(0, 0.2, (T, 3)),
        "mask": np.arange(T) >= T // 2,
    }


def test_weighting_panels_show_the_location_window_in_ring_order():
    """A head that moves down from 0 wraps to 31, 30, ...: the rows follow the ring."""
    write, read = copy_weightings(4, 32, start=-2)  # locations 30, 31, 0, 1
    figure = head_activity_figure(write, read)
    rows = location_window(write, read)
    shown = {ax.get_title(loc="left"): ax.images[0].get_array() for ax in figure.axes}
    assert np.allclose(shown[r"write weightings $w^w_t$"], write[:, rows].T)
    assert np.allclose(shown[r"read weightings $w^r_t$"], read[:, rows].T)
    assert list(rows[rows >= 28][:4]) == [28, 29, 30, 31] and 0 in rows and 1 in rows
    assert len(figure.axes) == 2  # only the weightings were given


def test_the_papers_layout_write_side_left_read_side_right():
    write, read = copy_weightings(4, 32, start=0)
    e = episode(9)
    figure = head_activity_figure(write, read, **e, focus=True)
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles[:6] == [
        "inputs", r"outputs $\sigma$(logits)", r"add vectors $a_t$", r"read vectors $r_t$",
        r"write weightings $w^w_t$", r"read weightings $w^r_t$",
    ]  # fmt: skip
    assert titles[6].startswith("focus path")
    left = [ax.get_position().x0 for ax in figure.axes[:6]]
    assert left[0] == left[2] == left[4] < left[1] == left[3] == left[5]
    images = image_arrays(figure)
    assert np.allclose(images[0], e["inputs"].T) and np.allclose(images[3], e["reads"].T)
    # One diverging scale for both vectors, stretched to their largest |value|.
    top = max(np.abs(e["add"]).max(), np.abs(e["reads"]).max())
    assert figure.axes[2].images[0].get_clim() == pytest.approx((-top, top))
    assert figure.axes[3].images[0].get_clim() == pytest.approx((-top, top))
    notes = [t.get_text() for t in figure.axes[2].texts]
    assert f"colour scale \u00b1{top:.2g}" in notes


def test_panels_that_are_not_given_are_left_out():
    write, read = copy_weightings(3, 16, start=0)
    figure = head_activity_figure(write, read, inputs=np.ones((7, 1)), add=np.zeros((7, 2)))
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == ["inputs", r"add vectors $a_t$", r"write weightings $w^w_t$",
                      r"read weightings $w^r_t$"]  # fmt: skip


def test_focus_path_dots_sit_on_each_heads_argmax():
    write, read = copy_weightings(4, 32, start=5)
    figure = head_activity_figure(write, read, focus=True, mask=np.arange(9) >= 5)
    ax = figure.axes[-1]
    rows = location_window(write, read)
    row_of = {int(x): r for r, x in enumerate(rows)}
    write_dots, read_dots = ax.collections[-2:]
    assert write_dots.get_offsets()[:, 1].tolist() == [row_of[int(x)] for x in write.argmax(1)]
    assert read_dots.get_offsets()[:, 1].tolist() == [row_of[int(x)] for x in read.argmax(1)]


def test_cursor_and_caption_follow_the_time_step():
    write, read = copy_weightings(4, 32, start=3)
    plot = HeadActivityPlot(write, read, **episode(9))
    plot.update(6)
    assert all(c.get_visible() and list(c.get_xdata()) == [6, 6] for c in plot.cursors)
    assert plot.caption.get_text() == (
        "t = 6 (answer phase): write head at location 7 (weight 1.00), "
        "read head at location 4 (weight 1.00)"
    )
    plot.update(None, caption="hello")
    assert not any(c.get_visible() for c in plot.cursors)
    assert plot.caption.get_text() == "hello"


def test_marks_and_highlights():
    write, read = copy_weightings(4, 32, start=0)
    plot = HeadActivityPlot(write, read, inputs=np.ones((9, 1)), marks={"delimiter": [4]})
    ax = plot.axes["write_weights"]
    triangles = [line for line in ax.lines if line.get_marker() == "v"]
    assert triangles[0].get_xdata().tolist() == [4]
    plot.update(highlight={"read": [1, 5], "write": [2, 6, 99]})
    assert plot.highlighted == {"read": [1, 5], "write": [2, 6]}  # 99 is past the end
    read_side, write_side = plot.highlights["read"], plot.highlights["write"]
    assert len(read_side) == 1 and len(write_side) == 2  # read weightings | inputs, writes
    assert [seg[0][0] for seg in read_side[0].get_segments()] == [1, 5]
    assert [seg[0][0] for seg in write_side[0].get_segments()] == [2, 6]
    with pytest.raises(ValueError, match="highlight takes"):
        plot.update(highlight={"add": [1]})


def test_an_ngram_context_highlights_reads_at_t_and_writes_at_t_plus_1(data):
    bits, _, _, _, contexts = data
    rng = np.random.default_rng(1)
    read = rng.dirichlet(np.full(16, 0.1), LENGTH)  # (T, N)
    write = rng.dirichlet(np.full(16, 0.1), LENGTH)
    context = int(np.bincount(contexts[0][contexts[0] >= 0]).argmax())
    steps = context_steps(contexts[0], context)
    figure = head_activity_figure(write, read, inputs=bits[0][:, None], highlight=steps)
    assert steps["read"] == np.flatnonzero(contexts[0] == context).tolist()
    assert steps["write"] == [t + 1 for t in steps["read"] if t + 1 < LENGTH]
    read_lines = figure.axes[-1].collections[-1].get_segments()
    assert [seg[0][0] for seg in read_lines] == steps["read"]


def test_bad_input():
    write, read = copy_weightings(3, 16, start=0)
    with pytest.raises(ValueError, match="time must be an integer in \\[0, 6\\]"):
        head_activity_figure(write, read, time=7)
    with pytest.raises(ValueError, match="read_weights must have shape"):
        head_activity_figure(write, read[:, :8])
    with pytest.raises(ValueError, match="outputs must be probabilities"):
        head_activity_figure(write, read, outputs=np.full((7, 2), 3.0))
    with pytest.raises(ValueError, match="inputs must have shape"):
        head_activity_figure(write, read, inputs=np.ones((6, 2)))


def test_live_plot_blits_what_the_static_figure_shows():
    write, read = copy_weightings(5, 32, start=0)
    e = episode(11)
    live = HeadActivityPlot(write, read, **e, focus=True, live=True, dpi=60)
    static = HeadActivityPlot(write, read, **e, focus=True, live=False, dpi=60)
    for t in (0, 4, 10):
        live.update(t)
        static.update(t)
        difference = np.abs(pixels(live.png()) - pixels(static.png())).mean()
        assert difference < 1.0, f"time {t}: blitted picture differs ({difference:.2f})"
    before = pixels(live.png())
    live.update(3)
    assert np.abs(pixels(live.png()) - before).sum() > 0  # the cursor moved
