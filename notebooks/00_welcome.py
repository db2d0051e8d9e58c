# %% [markdown]
# # 00 · Welcome: Neural Turing Machines from scratch
#
# A recurrent network keeps everything it knows in its hidden state: a fixed vector that is
# overwritten at every step. **What if a network could also write to, and read from, an
# external memory, the way a program uses RAM?** That is the question of
# [Graves, Wayne & Danihelka (2014), *Neural Turing Machines*](https://arxiv.org/abs/1410.5401).
# Their answer keeps everything differentiable, so the network *learns* where to write and
# what to read from examples alone, and ends up discovering small algorithms: copying,
# looping, looking things up, counting and sorting.
#
# In this course we build that machine in PyTorch, piece by piece, train it on the paper's
# five tasks, and hold it against an LSTM and (where one exists) the provably best answer.
#
# Every notebook starts with the same cell: it seeds every random number generator, caps the
# CPU threads and sets the plot style, so what you see matches the stored outputs.

# %%
# %matplotlib inline
import ntm_edu

ntm_edu.setup_notebook(seed=0)

from ntm_edu import viz, widgets
from ntm_edu.exercises import check_read_weighting

# %% [markdown]
# ## The machine in one picture
#
# A **controller** (a small feed-forward or LSTM network) reads the external input $x_t$ and
# produces the output $y_t$, like any recurrent network. It also steers **heads** over a
# **memory matrix** $M_t$ of $N$ locations (rows) by $M$ numbers each. Instead of choosing one
# row, a head holds a *weighting* $w_t$: how much attention it pays to every row. The bars
# beside the memory below are those weightings.

# %%
viz.ntm_diagram_figure(read_focus=2, write_focus=5)

# %% [markdown]
# A weighting is a probability distribution over the locations (the paper's eq. 1), and a read
# is the weighted sum of the rows (eq. 2):
#
# $$\sum_{i} w_t(i) = 1,\quad 0 \le w_t(i) \le 1, \qquad\qquad
#   \mathbf{r}_t = \sum_{i} w_t(i)\, \mathbf{M}_t(i).$$
#
# Because the read is a *soft* mixture rather than a hard pick, its gradient tells the
# controller how to move the weighting, and that is what makes the whole machine trainable.
# Here is the package's code for eq. 2 (notebook 02 takes it apart):

# %%
ntm_edu.show_source(ntm_edu.model.memory.read)

# %% [markdown]
# A tiny example: a memory of 4 rows of 3 numbers, and a read head that looks mostly at row 2.

# %%
import torch

memory = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
w = torch.tensor([0.0, 0.1, 0.8, 0.1])  # sums to 1: a weighting
r = ntm_edu.model.memory.read(memory[None], w[None, None])  # batch and head axes of size 1
print("read vector r =", [round(v, 2) for v in r[0, 0].tolist()])

# %% [markdown]
# Mostly row 2, plus a little of rows 1 and 3. Writing works the same way in reverse: every
# row is partly erased and partly added to, in proportion to the write weighting (eqs. 3-4).
# How the heads *compute* their weightings, by content and by location, is the heart of the
# paper (eqs. 5-9, notebook 03).
#
# ## The whole thing already runs
#
# The package has the full model. Here an untrained NTM reads one episode of the copy task
# (notebook 01 explains the tasks): five random 8-bit vectors and a delimiter, after which it
# should write the five vectors back. Untrained, it guesses: about one bit of cost per bit to
# copy, 40 bits for 5 vectors of 8 bits.

# %%
task = ntm_edu.make_task("copy")
batch = task.sample(1, generator=torch.Generator().manual_seed(0), length=5)
model = ntm_edu.NTM(task.input_size, task.output_size)
logits, trace = model.forward_with_trace(batch.inputs)
print("inputs  ", tuple(batch.inputs.shape), "(batch, time, input channels)")
print("logits  ", tuple(logits.shape), "(batch, time, output channels)")
print("read weightings", tuple(trace.read_weights.shape), "(batch, time, heads, locations)")
print("parameters:", ntm_edu.count_parameters(model))
cost = ntm_edu.bits_per_sequence(logits, batch).item()
print(f"cost: {cost:.1f} bits per sequence")

# %%
viz.episode_figure(
    batch.inputs[0].numpy(),
    batch.targets[0].numpy(),
    batch.mask[0].numpy(),
    task.input_channels,
    task.output_channels,
    outputs=torch.sigmoid(logits[0]).detach().numpy(),
    title="copy, length 5: an untrained NTM's outputs are gray guesses",
)

# %% [markdown]
# By notebook 05 the outputs row will match the targets row, and we will watch the heads
# write the sequence into consecutive memory rows and read it back.
#
# ## The series
#
# | # | notebook | what you build and see |
# |---|---|---|
# | 00 | `00_welcome` | this page: the picture, the map, how to run |
# | 01 | `01_sequence_tasks` | the paper's five tasks as pictures; costs in bits; the Bayes-optimal N-gram predictor |
# | 02 | `02_memory` | the memory matrix; reading (eq. 2); erase and add (eqs. 3-4) |
# | 03 | `03_addressing` | content, interpolation, shift and sharpening (eqs. 5-9) |
# | 04 | `04_ntm` | controllers, heads and the assembled NTM |
# | 05 | `05_training_copy` | the training loop; copy learnt; generalisation to longer sequences |
# | 06 | `06_lstm_baseline` | the LSTM baseline and where it fails |
# | 07 | `07_repeat_copy` | repeat copy: a learnt loop and an end marker |
# | 08 | `08_associative_recall` | content lookup, then a shift to the next item |
# | 09 | `09_dynamic_ngrams` | NTM and LSTM against the optimal Bayesian estimator |
# | 10 | `10_priority_sort` | writes placed by priority, reads in order |
# | 11 | `11_results` | every task against the paper |
#
# ## How to run the course
#
# - **In the browser, nothing to install:** click the Binder badge in the README. Binder gives
#   about one CPU core; every notebook still runs, loading our pre-trained checkpoints where
#   training would take long.
# - **On your machine:** with Python 3.10+ and `make`, run `make lab` in the repository. It
#   creates `.venv/`, installs PyTorch and `ntm_edu`, and opens JupyterLab. `make test` runs
#   every test, these notebooks included.
# - **GPU:** optional. Training functions take `device="auto"`, which uses CUDA when PyTorch
#   sees a GPU and the CPU otherwise. The models here are small; a laptop CPU is enough.
#
# What this kernel sees (this cell's output depends on your machine, so tests ignore it):

# %% tags=["nbval-ignore-output"]
import platform

print("python", platform.python_version(), "| torch", torch.__version__)
print("device='auto' would use:", "cuda" if torch.cuda.is_available() else "cpu")

# %% [markdown]
# ## Widgets check
#
# Most pictures in the course come with sliders. Move the two sliders below: the bars (the
# heads' weightings) should follow. If you see the picture but no sliders, widgets are not
# enabled in your Jupyter (in JupyterLab 4 they work out of the box with `ipywidgets` 8
# installed; `make lab` sets this up). A handout without a kernel shows a few fixed frames
# instead.

# %%
widgets.diagram_explorer()

# %% [markdown]
# ## Summary
#
# - An NTM is a controller network plus a memory matrix it reads and writes through heads.
# - A head's attention is a *weighting*, a distribution over memory rows; reads and writes
#   are weighted, hence differentiable and learnable by gradient descent.
# - `ntm_edu` holds all the code; notebooks show it with `ntm_edu.show_source(...)`.
#
# ## Exercises
#
# 1. Find a weighting `w` for the tiny memory above whose read is exactly `[0.5, 0.5, 0.0]`.
#    Remember eq. 1: no negative weights, and they sum to 1.
# 2. Predict what a *uniform* weighting `[0.25, 0.25, 0.25, 0.25]` reads, then try it. Why can
#    a uniform weighting never single out one row, whatever the memory holds?

# %% tags=["exercise"]
# Exercise 1: replace the weighting so that the read is [0.5, 0.5, 0.0].
w_exercise = torch.tensor([0.25, 0.25, 0.25, 0.25])  # TODO

# %% tags=["solution"]
# Rows 0 and 1 each hold a single 1; half of each gives [0.5, 0.5, 0]. Rows 2 and 3 would add
# to the last entry, so they get no weight.
w_exercise = torch.tensor([0.5, 0.5, 0.0, 0.0])

# %%
check_read_weighting(w_exercise, memory, target=[0.5, 0.5, 0.0])
