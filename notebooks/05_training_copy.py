# %% [markdown]
# # 05 · Training the NTM on copy
#
# **Can gradient descent alone find a copy algorithm?** Nobody tells the NTM where to write,
# when to stop writing, or where to start reading. It only sees input sequences and, after a
# delimiter, is scored on how well it reproduces them
# ([Graves et al. 2014](https://arxiv.org/abs/1410.5401), §4.1). In the paper it learned
# this much faster than an LSTM, copied sequences six times longer than any it had seen
# (Figs. 3-4), and its weightings revealed a program: write sequentially, jump back, read
# sequentially (Fig. 6).
#
# In this notebook: the cost the paper reports, the training loop of the package, a short
# training run you can watch, and then the shipped, fully trained models (the paper's three
# networks): their learning curves, a slider through the NTM's training, a slider over
# sequence lengths, and how the NTM uses its memory.

# %%
# %matplotlib inline
import ntm_edu

ntm_edu.setup_notebook(seed=0)


import numpy as np
import torch

from ntm_edu import inspection, viz, widgets
from ntm_edu.exercises import check_bits_per_sequence

# %% [markdown]
# ## 1. The cost: bits per sequence
#
# Every output is a probability $p = \sigma(x)$ that a target bit $y$ is 1 (a logistic
# sigmoid on the logit $x$). The paper reports the **cross-entropy in bits**, summed over the
# scored bits of a sequence and averaged over the $B$ sequences of a batch:
#
# $$\text{cost} = -\frac{1}{B}\sum_{b=1}^{B}\;\sum_{t\,\in\,\text{scored}}\;\sum_{j=1}^{8}
# \Big[\,y_{btj}\log_2 p_{btj} + (1-y_{btj})\log_2(1-p_{btj})\Big].$$
#
# Guessing $p = 0.5$ costs exactly one bit per target bit, 8 per copied vector; a confident
# right answer costs almost nothing, a confident wrong one a lot. Beside it we count the
# **wrong bits** per sequence: outputs on the wrong side of 0.5. Training itself minimises the
# same cross-entropy averaged per scored bit (`task.loss`), which only rescales it.

# %%
ntm_edu.show_source(ntm_edu.tasks.base.bits_per_sequence)

# %% [markdown]
# Three predictions for one sequence of three 8-bit vectors: a coin flip everywhere, the
# right answer with 99% confidence, and the same but with one bit confidently wrong.

# %%
copy = ntm_edu.make_task("copy")
batch = copy.sample(1, torch.Generator().manual_seed(0), length=3)  # 7 steps, 3 scored
right = torch.where(batch.targets > 0.5, 4.6, -4.6)  # logits: sigmoid(4.6) = 0.99
one_wrong = right.clone()
one_wrong[0, 4, 0] *= -1  # first scored step, first bit: confidently wrong
for name, logits in [("coin flip", torch.zeros_like(right)), ("99% right", right),
                     ("one bit wrong", one_wrong)]:  # fmt: skip
    bits = float(copy.bits_per_sequence(logits, batch))
    errors = float(copy.bit_errors_per_sequence(logits, batch))
    print(f"{name:14s} {bits:6.2f} bits per sequence, {errors:.0f} wrong bits")

# %% [markdown]
# ## 2. The training loop
#
# `ntm_edu.train(model, task, steps, ...)` knows nothing about NTMs: any model that maps
# inputs (B, T, I) to logits (B, T, O) trains with it. Each of its steps samples a batch and
# calls `train_step`, the heart of training (the rest of `train` resolves settings, resumes
# runs, records the learning curve and calls the callbacks):

# %%
ntm_edu.show_source(ntm_edu.train_step)

# %% [markdown]
# What it does, step by step:
#
# - **sample** (in `train`) a batch of sequences from one seeded generator (so a run is
#   repeatable, and a resumed run sees exactly the data an uninterrupted one would);
# - **forward** through the whole episode, and the loss on the scored steps only;
# - **stop** with a clear `TrainingDiverged` error if the loss or a gradient is not finite,
#   *before* the update, so the weights never absorb a NaN;
# - **clip** every gradient component to $[-10, 10]$, as the paper does (§4);
# - **step** the optimiser. The NTM uses the paper's RMSProp (centred, momentum 0.9) with
#   batches of 32, at a rate of $3 \cdot 10^{-4}$ (at the paper's $10^{-4}$ the seeds needed
#   more than twice the sequences, and 3 of 8 missed the target within 50,000 or relapsed).
#
# Extras plug in as callbacks. The NTM's recipe adds a **collapse guard**
# (`ntm_edu.CollapseGuard`): an NTM learns copy in a sudden drop after a long plateau, and it
# can also *unlearn* suddenly, with no NaN anywhere. Every 50 steps the guard measures the cost
# on 400 fixed held-out sequences; if it jumps back to more than twice its best, the guard puts
# the best weights back and halves the learning rate; and once the cost is below 8 bits per
# sequence (the copy is about learnt: 0.1-0.2 wrong bits) it lowers the rate to a tenth, to
# polish rather than shake. With it the copy recipe reached fewer than 0.1 wrong bits per
# sequence, and stayed there, on 8 seeds of 8 (`benchmarks/README.md`). Every restore stays
# visible: the learning curve keeps it. A fixed **learning-rate schedule**
# (`lr_schedule=[(step, lr), ...]`: the rate drops after each step listed) is the plainer
# alternative; the N-gram recipe uses one. The **probe recorder** stores, every few steps,
# the model's outputs and weightings on one fixed probe batch: the *snapshots* we scrub
# through below.
# A **length curriculum** (`ntm_edu.Curriculum`: start with sequences of length 1-2, allow
# one more each time the error drops) is available too, but the shipped models do without:
# on copy it hurt, because on sequences of one or two vectors the LSTM controller memorises
# the bits itself and never learns to use the memory (`ntm_edu/training/config.py`).
#
# ## 3. A short training run
#
# A small NTM (controller 64, memory 16 × 20) on copy sequences of length 1-4, batches of
# 16, Adam at a learning rate of $10^{-2}$ (ten times the default, fine for a model this
# small and a run this short) and a snapshot every 25 steps: 600 steps, a quarter of a
# minute on a laptop CPU. The progress bar shows the smoothed cost as it falls.

# %% tags=["nbval-ignore-output"]
small_task = ntm_edu.make_task("copy", max_length=4)
torch.manual_seed(0)
small_model = ntm_edu.NTM(small_task.input_size, small_task.output_size, controller_size=64,
                          memory_locations=16)  # fmt: skip
before = ntm_edu.evaluate(small_model, small_task, sequences=200, length=4)
small_history = ntm_edu.train(
    small_model,
    small_task,
    steps=600,
    batch_size=16,
    lr=1e-2,
    seed=0,
    probe_every=25,
    probe_overrides={"length": 4},
)
after = ntm_edu.evaluate(small_model, small_task, sequences=200, length=4)

# %% [markdown]
# The run saw 600 × 16 sequences and kept a snapshot every 25 steps. `ntm_edu.evaluate`
# measures the model on 200 fresh sequences of length 4 (its own seed, never used for
# training), before and after:

# %%
curve = small_history.curve()
print(
    f"sequences seen: {small_history.sequences:,}, probe snapshots: {small_history.num_snapshots}"
)
print(f"untrained, length 4: {before['bits_per_sequence']:.0f} bits per sequence (a coin flip: 32)")
ntm_edu.expect(after["bits_per_sequence"] < before["bits_per_sequence"] / 2,
               "trained, length 4: less than half the untrained cost")  # fmt: skip
viz.learning_curves_figure(
    {"NTM (small)": (curve.sequences, curve.bits_per_sequence)},
    title=f"the short run; afterwards {after['bits_per_sequence']:.1f} bits and "
    f"{after['bit_errors_per_sequence']:.1f} wrong bits per sequence of length 4",
)

# %% [markdown]
# Its last snapshot on the probe sequence (length 4): the targets, its outputs with wrong bits
# crossed out, and where its heads wrote and read. This small model copies sequences of up
# to 4 vectors with a 16-location memory; the shipped model below has the paper's size and
# trained on lengths 1-20.

# %%
last = small_history.snapshot(-1)
probe = small_history.probe_arrays()
viz.snapshot_figure(
    curve.sequences,
    curve.bits_per_sequence,
    probe["targets"][0],
    probe["mask"][0],
    last.outputs[0],
    last.trace["write_weights"][0, :, 0],
    last.trace["read_weights"][0, :, 0],
    snapshot_sequences=last.sequences,
    probe_cost=last.bits_per_sequence,
    label="the short run's last snapshot",
)

# %% [markdown]
# ## 4. The shipped models
#
# The paper compares three networks, and the package ships all three trained on its copy task
# (lengths 1-20): the **NTM** with an LSTM controller of 100 units, one read and one write head
# and a memory of 128 × 20 (the paper's Table 2); the **NTM-FF**, the same NTM with a
# *feed-forward* controller of 100 units (Table 1): it keeps nothing from one step to the
# next except what it writes to memory and reads back; and an **LSTM** baseline of 3 layers
# (of 128 units: the paper's 3 × 256 would make a 5 MB file; notebook 06 compares the sizes).
# They were made with `python -m ntm_edu pretrained` from the recipes in
# `ntm_edu.PRETRAINED_RECIPES`. Each file holds the model, the task and the training run's
# `History`: the learning curve and the probe snapshots.
#
# Set `RETRAIN = True` to train all three from scratch with the same recipes (their settings
# come from `ntm_edu.default_config("copy", ...)`) into a temporary folder; the shipped files
# are not touched. `COMPILE = True` trains the NTM with its step compiled by `torch.compile`
# (about twice as fast at batch 32, after a compile of a minute or so; it needs a C++
# compiler and falls back to the plain step with a one-line note where there is none).

# %%
RETRAIN = False  # True: retrain the three models from scratch (the wall time is printed first)
COMPILE = False  # True: the compiled NTM step (with RETRAIN)

ntm, ntm_ff, lstm = ntm_edu.load_or_retrain("copy", retrain=RETRAIN, compile=COMPILE)
RUNS = {"NTM": ntm, "NTM-FF": ntm_ff, "LSTM": lstm}
for run in RUNS.values():
    print(run)
for name, run in RUNS.items():
    settings = run.history.train_config
    keys = ("optimizer", "lr", "batch_size", "clip", "curriculum", "seed")
    print(f"{name:6s} model {run.model.config}")
    print(f"       {ntm_edu.count_parameters(run.model):,} parameters, trained with",
          ", ".join(f"{k}={settings[k]}" for k in keys))  # fmt: skip
    guard = run.history.schedule.get("collapse_guard")
    if guard:
        print(f"       collapse guard: restores at steps {guard['restores']}, rate lowered at "
              f"step {guard['settled_at']} to {guard['lr']:.2g}")  # fmt: skip

# %% [markdown]
# ## 5. Learning curves (Fig. 3)
#
# The cost on the training batches (running means over 10 steps, smoothed over 5 points)
# against the number of sequences seen, on a log scale, with the values we read off the
# paper's Fig. 3 (dashed, hollow markers; both of the paper's NTMs are at about 0.1 bits by its
# first tick, 100,000 sequences). The paper trained with RMSProp at a learning rate of
# $10^{-4}$ and plotted a million sequences; our two NTMs used RMSProp at $3 \cdot 10^{-4}$ with
# the collapse guard, the LSTM Adam at $10^{-3}$, batches of 32, for the number of sequences
# printed below.

# %%
curves = {name: run.history.curve() for name, run in RUNS.items()}
paper = {"NTM": ([100_000], [0.1]), "NTM-FF": ([100_000], [0.1]),
         "LSTM": ([100_000, 200_000], [4.8, 2.1])}  # fmt: skip
viz.learning_curves_figure(
    {name: (c.sequences, c.bits_per_sequence) for name, c in curves.items()},
    log=True,
    smooth=5,
    paper=paper,
    title="copy: cost per sequence while training (running means)",
)

# %%
for name, run in RUNS.items():
    c = curves[name]
    print(f"{name:6s} {c.sequences[-1]:>7,} sequences in {run.history.seconds / 60:4.0f} min of training:"
          f" last {c.bits_per_sequence[-1]:.2g} bits, {c.bit_errors_per_sequence[-1]:.2g} wrong bits"
          " per sequence")  # fmt: skip

# %% [markdown]
# ## 6. Watching it learn
#
# Every 200 steps the training run stored the NTM's outputs and weightings on the same probe
# sequence. Drag the slider (or press ▶) to replay training: the outputs sharpen from gray
# noise to the targets, and the weightings from a blur into clean lines: the write head
# walking through memory during the input, the read head walking through the same
# locations during the answer. The red dot and the faint red line are the probe sequences'
# own cost, the purple line the cost on the training batches.

# %%
widgets.snapshot_explorer(ntm.history)

# %% [markdown]
# ## 7. Longer sequences than it was trained on (Fig. 4)
#
# The real test of an *algorithm*: the two NTMs only ever saw sequences of length 1-20. The
# paper tested lengths 10, 20, 30, 50 and 120. Below, one sequence of each length: targets
# on top, the NTM's and the NTM-FF's outputs below, wrong bits marked with red crosses (the
# LSTM's turn comes in notebook 06). Length 120 needs 120 of the 128
# memory locations; beyond 128 a head that walks through memory wraps around and overwrites
# the start of the sequence (the paper's footnote 2), so no NTM of this size can copy
# sequences longer than that.

# %%
NTMS = {"NTM": ntm.model, "NTM-FF": ntm_ff.model}
grid = inspection.generalisation_grid(NTMS, ntm.task)  # the paper's lengths
lengths = list(grid)
viz.generalisation_figure(
    lengths,
    [grid[L]["targets"] for L in lengths],
    {name: [grid[L]["outputs"][name] for L in lengths] for name in NTMS},
    costs={name: [grid[L]["bit_errors"][name] for L in lengths] for name in NTMS},
    title="one sequence of each length: targets above the NTMs' outputs",
)

# %% [markdown]
# The same with a slider:

# %%
widgets.generalisation_explorer(NTMS, ntm.task)

# %% [markdown]
# One sequence proves little. The table averages over 100 fresh sequences per length
# (`ntm_edu.evaluate`, its own seed, never seen in training): bits per sequence and wrong
# bits per sequence, and the wrong bits as a share of all the bits copied.

# %%
print(f"{'model':6s} {'length':>6s} {'bits/seq':>10s} {'wrong bits/seq':>15s} {'wrong share':>12s}")
for name, model in NTMS.items():
    for L in lengths:
        result = ntm_edu.evaluate(model, ntm.task, sequences=100, length=L)
        share = result["bit_errors_per_sequence"] / (8 * L)
        print(f"{name:6s} {L:6d} {result['bits_per_sequence']:10.1f} "
              f"{result['bit_errors_per_sequence']:15.1f} {share:12.1%}")  # fmt: skip

# %% [markdown]
# Both NTMs copy lengths 10-50, two and a half times the longest training sequence, with
# (almost) no wrong bits. At length 120 the NTM-FF makes mistakes where the NTM makes none,
# though still on only a small share of the bits: the paper's NTM too had "a few local
# errors and one global error" there (Fig. 4).

# %% [markdown]
# ## 8. How it uses the memory (Fig. 6)
#
# The paper found this program in its NTM's weightings:
#
# ```
# initialise: move the head to a start location
# while the input delimiter is not seen:
#     receive an input vector, write it at the head location
#     increment the head location by 1
# return the head to the start location
# while true:
#     read the output vector at the head location, emit it
#     increment the head location by 1
# ```
#
# The jump back is **content** addressing (eq. 5: look up the start by what is stored
# there), the increments are **location** addressing (eq. 8: shift the previous weighting by
# one). The figure below is our NTM on a sequence of length 20, laid out like Fig. 6: the
# inputs and outputs, the add vectors $\mathbf{a}_t$ it wrote and the vectors $\mathbf{r}_t$
# it read, the write and read weightings (locations down, time across; only the locations
# it uses are drawn), and the *focus path*: for each step the location each head weights
# most, dot size growing with the weight.

# %%
episodes = inspection.memory_use_episodes(ntm.model, ntm.task, lengths=(10, 20, 30, 50))
episode = episodes[20]
viz.head_activity_figure(
    episode["write_weights"], episode["read_weights"], inputs=episode["inputs"],
    outputs=episode["outputs"], add=episode["add"], reads=episode["reads"],
    mask=episode["mask"], focus=True, time=20,
)  # fmt: skip

# %% [markdown]
# The same summary in numbers, for one sequence of each length: where the write head was
# at each input step, where the read head was at each output step, the usual move between
# consecutive steps (+1: the next location up, −1: down, on the ring of 128 locations), the
# share of the reads that come from exactly the location the same vector was written to,
# and how sharp the two heads' focus was (the mean of the largest weight; 1 = one location).

# %%
summaries = {L: viz.copy_memory_summary(e["write_weights"], e["read_weights"], L)
             for L, e in episodes.items()}  # fmt: skip
for L, summary in summaries.items():
    print(f"length {L}: writes move {summary['write_move']:+d} "
          f"({summary['write_move_share']:.0%} of the steps), reads move "
          f"{summary['read_move']:+d} ({summary['read_move_share']:.0%}); "
          f"read where written: {summary['read_matches_write']:.0%}; "
          f"focus write {summary['write_focus']:.2f}, read {summary['read_focus']:.2f}")  # fmt: skip
print("length 20, write locations:", summaries[20]["write_locations"])
print("length 20, read locations: ", summaries[20]["read_locations"])

# %% [markdown]
# Which kind of addressing moves the heads? The trace also holds every head's addressing
# parameters: the interpolation gate $g_t$ (eq. 7: near 1 means "take the content lookup",
# near 0 "keep the previous weighting") and the shift weighting $\mathbf{s}_t$ over
# $-1, 0, +1$ (eq. 8). For the same sequence of length 20, per phase, the largest gate and the
# most common shift (the one with most weight):

# %%
L = 20
inputs = ntm.task.sample(1, torch.Generator().manual_seed(20), length=L).inputs
heads = inspection.record(ntm.model, inputs, index=0)  # one head's arrays, as NumPy
phases = {"input steps 0-19": slice(0, L), "answer steps 21-40": slice(L + 1, 2 * L + 1)}
for kind in ("write", "read"):
    for phase, steps in phases.items():
        gate = heads[f"{kind}_gate"][steps]  # (L,)
        shift = heads[f"{kind}_shift"][steps].argmax(-1) - 1  # (L,): the shifts are -1, 0, +1
        print(f"{kind:5s} head, {phase}: gate at most {float(gate.max()):.1f}, "
              f"most common shift {int(np.bincount(shift + 1).argmax()) - 1:+d}")  # fmt: skip

# %% [markdown]
# **What our NTM learned.** Both heads begin at location 0, where the learned initial focus
# sits. During the input the write head moves **down** one location per step and stores each
# vector as it goes (127, 126, ...: the memory is a ring, so one below 0 is 127). The read
# head barely moves during the input (its most common shift is 0): it waits near the start.
# From the first answer step it walks down the same path, one location per step, and reads
# every vector from exactly the location it was written to, with both foci sharp (largest
# weight ≈ 1). The gates do open
# at some steps (the largest values are printed above), so some content lookup is mixed in,
# yet the focus moves by exactly one location every step: the movement is the shift of
# eq. 8. (Which term decides a given step? Compare `trace.read_stages.content` with
# `trace.read_weights` at that step: a good exercise in reading a trace.)
#
# That is the paper's program with one step made unnecessary. The paper's read head had to
# find the start again with a content lookup; ours never left it, because in this model both
# heads start from the same learned location, and waiting costs nothing. Gradient descent
# found the cheaper program. (Down rather than up is an accident of training: a shift of
# $-1$ is as easy to learn as $+1$.) The short run in section 3 found the same program.
#
# Scrub through time and lengths yourself: the caption under the figure names the location
# each head is at.

# %%
widgets.memory_use_explorer(ntm.model, ntm.task, lengths=(10, 20, 30, 50))

# %% [markdown]
# **The feed-forward NTM.** The paper calls a feed-forward controller more interpretable
# (§3.4): it has no state of its own, so whatever it knows about the past it must have read
# from memory at the step before. Here is the NTM-FF on the same sequence of length 20, and
# where its heads' weights peak around the delimiter (step 20):

# %%
ff_episode = inspection.memory_use_episodes(ntm_ff.model, ntm.task, lengths=(20,))[20]
viz.head_activity_figure(
    ff_episode["write_weights"], ff_episode["read_weights"], inputs=ff_episode["inputs"],
    outputs=ff_episode["outputs"], mask=ff_episode["mask"], focus=True,
    title="the NTM-FF copying 20 vectors",
)  # fmt: skip

# %%
ff_writes = ff_episode["write_weights"].argmax(-1)  # (T,) peak location per step
ff_reads = ff_episode["read_weights"].argmax(-1)  # (T,)
for t in (0, 1, 18, 19, 20, 21, 22):
    phase = "input" if t < 20 else ("delimiter" if t == 20 else f"answer {t - 21}")
    print(
        f"step {t:2d} ({phase:9s}): write at {int(ff_writes[t]):3d}, read at {int(ff_reads[t]):3d}"
    )

# %% [markdown]
# The NTM-FF found the same program (write walking down from 127, read walking the same
# path), with one difference that its controller forces. Its read head leaves its waiting
# place on the **delimiter** itself, one step earlier than the NTM's (which moves at the first
# answer step, its LSTM remembering that the delimiter came), and so it reads every vector one
# step *before* it must emit it: the vector reaches the output as the previous read vector,
# the only input about the past a feed-forward controller has. During the answer the inputs
# are all zero; what tells the controller to keep walking and which bits to emit is only
# what it has just read.

# %% [markdown]
# ## Summary
#
# - The paper's cost is the **cross-entropy in bits per sequence**; wrong bits per sequence
#   count the mistakes a reader would see. A coin flip costs 8 bits per copied vector.
# - `ntm_edu.train` is a plain loop: sample, forward, loss on the scored steps, NaN checks,
#   element-wise gradient clipping, optimiser step; probe snapshots (and, if wanted, a
#   curriculum) plug in as callbacks.
# - The shipped NTM learned copy from lengths 1-20 with the paper's RMSProp, a collapse guard
#   and batches of 32, in the number of sequences printed in section 5, and its probe
#   snapshots show the program appear.
# - Trained on lengths up to 20, it copies much longer sequences (the table in section 7):
#   it learned an algorithm, not a lookup table; the 128 memory locations are the limit.
# - Its weightings show a program close to the paper's: write while walking through memory,
#   then read while walking the same path. Its read head waits at the start instead of
#   jumping back to it.
# - The NTM with a feed-forward controller (NTM-FF, the paper's Table 1) learned copy as well
#   and generalises as far as length 50. It runs the same program, but reads each vector one
#   step before emitting it: a controller without state can only pass on what it read.
#
# ## Exercise
#
# **Bits per sequence by hand.** Write `my_bits_per_sequence(logits, targets, mask)` for
# logits and targets of shape (B, T, O) and a boolean mask (B, T): the summed binary
# cross-entropy in **bits** over the scored steps, averaged over the B sequences. Careful
# with very confident logits: `torch.log(torch.sigmoid(x))` becomes `-inf` for large
# negative $x$; `torch.nn.functional.binary_cross_entropy_with_logits` or
# `torch.nn.functional.logsigmoid` stay finite.


# %% tags=["exercise"]
def my_bits_per_sequence(logits, targets, mask):
    raise NotImplementedError("cross-entropy per bit, keep the scored steps, sum, /B, to bits")


# %% tags=["solution"]
def my_bits_per_sequence(logits, targets, mask):
    nats = torch.nn.functional.binary_cross_entropy_with_logits(
        logits, targets, reduction="none"
    )  # (B, T, O), natural log
    scored = nats * mask.unsqueeze(-1)  # unscored steps cost nothing
    return scored.sum() / logits.shape[0] / torch.log(torch.tensor(2.0))  # nats -> bits


# %%
check_bits_per_sequence(my_bits_per_sequence)
