# %% [markdown]
# # 01 · The five sequence tasks
#
# **What exactly does the network see, what must it answer, and how do we score the answer?**
# Before building a Neural Turing Machine we pin down the five tests the paper puts it through
# ([Graves et al. 2014](https://arxiv.org/abs/1410.5401), §4): copy, repeat copy, associative
# recall, dynamic N-grams and priority sort. Each is a small algorithm (store and replay,
# loop, look up, count, sort) that a network can only learn if it can use memory well.
#
# For every task you will see the paper's specification, the package's code, one episode as
# a picture (inputs above targets, darker = 1, as in the paper's figures) and a slider to draw
# more. The N-gram task gets extra care: it has a provably best predictor, and we compute it.

# %%
# %matplotlib inline
import ntm_edu

ntm_edu.setup_notebook(seed=0)

import numpy as np
import torch

from ntm_edu import viz, widgets
from ntm_edu.exercises import check_copy_targets, check_optimal_estimator


def seeded(seed):
    """A fresh generator: every random number of an episode comes from it."""
    return torch.Generator().manual_seed(seed)


def show(task, batch, outputs=None, title=None):
    """Draw episode 0 of a batch."""
    return viz.episode_figure(
        batch.inputs[0].numpy(),
        batch.targets[0].numpy(),
        batch.mask[0].numpy(),
        task.input_channels,
        task.output_channels,
        outputs=outputs,
        title=title or repr(task),
    )


# %% [markdown]
# ## The contract every task follows
#
# A task draws a `Batch`: `inputs` of shape (B, T, input channels), `targets` of shape
# (B, T, output channels) and a boolean `mask` of shape (B, T). The model reads the whole input
# sequence and emits one output per step; **only the masked steps are scored**. While the
# model answers, its input is all zeros: it gets no help. All episodes of a batch have the
# same length, so a batch is one tensor. `make_task(name, **config)` builds a task;
# `task.sample(B, generator, **overrides)` draws a batch, reproducibly from a
# `torch.Generator`, and `overrides` ask for settings beyond the training range (a longer
# sequence, more repeats, more items) to test generalisation.

# %%
ntm_edu.show_source(ntm_edu.Batch)

# %%
for name in ntm_edu.TASKS:
    task = ntm_edu.make_task(name)
    batch = task.sample(2, seeded(0))
    print(
        f"{name:19s} inputs {tuple(batch.inputs.shape)!s:13s} targets {tuple(batch.targets.shape)!s:13s}"
        f" scored steps {int(batch.mask[0].sum())}"
    )

# %% [markdown]
# ## 1. Copy (§4.1)
#
# | | |
# |---|---|
# | input | $L$ random 8-bit vectors, then one step with only the **delimiter** channel on |
# | target | the same $L$ vectors, in order, emitted while the input is zero |
# | training | $L \sim$ uniform on $\{1, \dots, 20\}$; tested on $L$ = 10, 20, 30, 50, 120 |
#
# The network must hold the whole sequence somewhere and replay it: a test of storing and
# recalling, the simplest job of a memory. Here is the code that lays out an episode:

# %%
ntm_edu.show_source(ntm_edu.CopyTask._sample)

# %%
copy = ntm_edu.make_task("copy")
batch = copy.sample(1, seeded(1), length=6)
print(
    "delimiter at step",
    int(batch.inputs[0, :, 8].argmax()),
    "| scored steps",
    batch.mask[0].nonzero().flatten().tolist(),
)
show(copy, batch, title="copy, L = 6: the target (steps 7-12) repeats the input (steps 0-5)")

# %% [markdown]
# The tinted part of the target rows is not scored: whatever the network emits there is free.
# Move the sliders: `length` goes beyond the training range (the paper tests up to 120).

# %%
widgets.task_explorer("copy")

# %% [markdown]
# ## 2. Repeat copy (§4.2)
#
# | | |
# |---|---|
# | input | $L$ random 8-bit vectors; then one step with the **delimiter** on and the repeat count $n$ on its own **repeats** channel |
# | target | the sequence $n$ times in a row, then one step with the **end** channel on |
# | training | $L$ and $n$ uniform on $\{1, \dots, 10\}$; tested with doubled length or doubled repeats |
#
# The paper normalises the repeat count "to have mean zero and variance one". We take the
# mean and variance of the **training** distribution of $n$, uniform on integers $a..b$:
#
# $$\tilde n = \frac{n - \mu}{\sigma},\qquad \mu = \frac{a+b}{2},\qquad \sigma^2 = \frac{(b-a+1)^2-1}{12},$$
#
# and keep them fixed at test time, so $n = 20$ arrives as a value never seen in training
# (which is the point of the generalisation test). The network must also learn *when to
# stop*: the end marker.

# %%
ntm_edu.show_source(ntm_edu.RepeatCopyTask.repeats_mean_std.fget)

# %%
repeat = ntm_edu.make_task("repeat_copy")
print(
    "repeats channel for n = 1..10:", [round(repeat.normalise_repeats(n), 2) for n in range(1, 11)]
)
print("and for n = 20 (twice the training maximum):", round(repeat.normalise_repeats(20), 2))

# %%
batch = repeat.sample(1, seeded(2), length=3, repeats=4)
show(repeat, batch, title="repeat copy, L = 3, n = 4: four copies, then the end marker")

# %%
widgets.task_explorer("repeat_copy")

# %% [markdown]
# ## 3. Associative recall (§4.3)
#
# | | |
# |---|---|
# | input | 2 to 6 **items**, each opened by an **item** delimiter and made of 3 six-bit vectors; then a **query** delimiter, a copy of one item (never the last), and a query delimiter again |
# | target | the item that **followed** the queried one in the list (3 vectors) |
# | training | items uniform on $\{2, \dots, 6\}$; tested with up to 20 items |
#
# Solving it takes two kinds of addressing at once: find the stored item that matches the
# query (by *content*), then step to the next one (by *location*). Items in an episode are
# all different, or "the item after this one" could be ambiguous.

# %%
recall = ntm_edu.make_task("associative_recall")
batch = recall.sample(1, seeded(3), items=4)
q = int(batch.info["query_index"][0])
show(
    recall,
    batch,
    title=f"associative recall, 4 items: the query is item {q}, the answer item {q + 1}",
)

# %%
widgets.task_explorer("associative_recall")

# %% [markdown]
# ## 4. Dynamic N-grams (§4.4)
#
# A 6-gram model predicts each bit from the 5 before it, through a table of $2^5 = 32$
# probabilities $P(\text{next} = 1 \mid \text{previous 5 bits})$. Here **every episode draws a
# fresh table**, each entry from a Beta(½, ½) prior, and then 200 bits from it (the first 5
# are fair coin flips). The network sees the bits one at a time and must predict the next.
# It cannot memorise a table that changes every episode: it has to *count*, within the
# episode, what followed each context so far.
#
# The Beta(½, ½) prior has density $\dfrac{1}{\pi\sqrt{p(1-p)}}$: U-shaped, so most contexts
# are nearly deterministic. PyTorch's Beta sampler takes no random generator, so we sample it
# exactly with a transform: if $U$ is uniform on $(0, 1)$, then $\sin^2(\pi U/2)$ has the
# distribution function $\frac{2}{\pi}\arcsin\sqrt{x}$, which is Beta(½, ½)'s.

# %%
ntm_edu.show_source(ntm_edu.tasks.sample_beta_half)

# %%
viz.beta_half_prior_figure(ntm_edu.tasks.sample_beta_half((20_000,), seeded(4)).numpy())

# %% [markdown]
# **The input is the previous bit.** At step $t$ the network sees the bit drawn at $t-1$ and
# is scored on bit $t$. At step 0 nothing has been seen yet, so the input is 0.5: a value that
# is neither a 0 nor a 1 (a 0 would claim a zero had been observed).
#
# ### The best possible predictor (eq. 10)
#
# Someone who knows the prior but not the table can do no better than Bayes' rule. With
# $N_1$ ones and $N_0$ zeros seen after the current context $c$ so far in this sequence, the
# posterior predictive of a Beta(½, ½) prior is
#
# $$P(B = 1 \mid N_1, N_0, \mathbf{c}) = \frac{N_1 + \frac12}{N_1 + N_0 + 1}.$$
#
# With no counts it says ½; each observation pulls it toward the observed frequency. Below,
# vectorised over a batch (one table of counts per sequence), with a loop over time because
# each prediction must use only the bits before it:

# %%
ntm_edu.show_source(ntm_edu.optimal_probabilities)

# %% [markdown]
# A tiny example with a 2-bit context, checkable by hand: at step 4 the context is "10", which
# was followed once by a 1 (at step 2), so the prediction is $(1 + ½)/(1 + 0 + 1) = 0.75$.

# %%
bits = np.array([1, 0, 1, 0, 1, 1, 0, 1])
print("bits:      ", bits.tolist())
print("prediction:", [round(p, 3) for p in ntm_edu.optimal_probabilities(bits, context=2).tolist()])

# %%
ngrams = ntm_edu.make_task("ngrams")
batch = ngrams.sample(1, seeded(2))
bits = batch.targets[0, :, 0]
viz.ngram_predictions_figure(
    bits.numpy(),
    ntm_edu.optimal_probabilities(bits).numpy(),
    batch.info["probabilities"][0].numpy(),
    title="one 200-bit sequence: the optimal estimator learns each context's hidden probability",
)

# %% [markdown]
# Early on, the estimator hovers near ½; as contexts recur it locks onto their hidden
# probabilities. (In the explorer below, try seed 1: that sequence falls into a context that
# almost surely repeats itself, and from then on every bit is easy.) What does that cost, in bits per 200-bit sequence, over 1000 sequences? We
# compare the optimum with guessing ½ every time and with an oracle that knows the table (an
# unreachable bound: the table is hidden).

# %%
batch = ngrams.sample(1000, seeded(6))
bits = batch.targets[..., 0]
costs = {
    "constant 0.5": ntm_edu.ngram_cost_bits(torch.full_like(bits, 0.5), bits),
    "optimal (eq. 10)": ntm_edu.ngram_cost_bits(ntm_edu.optimal_probabilities(bits), bits),
    "oracle (knows the table)": ntm_edu.ngram_cost_bits(batch.info["probabilities"], bits),
}
for name, cost in costs.items():
    print(f"{name:25s} {cost.mean():6.1f} bits per sequence  (std {cost.std():4.1f})")

# %% [markdown]
# The paper reports about 133 bits for the optimum (Fig. 13); with a per-sequence standard
# deviation of ~36 bits, a 1000-sequence mean is only good to about ±1 bit, so later
# notebooks compare models with the optimum **on the same sequences**. Networks should land
# between the optimum and 200; the paper's NTM gets within about a bit of the optimum.

# %%
widgets.ngram_explorer()

# %% [markdown]
# ## 5. Priority sort (§4.5)
#
# | | |
# |---|---|
# | input | 20 random 8-bit vectors, each with a **priority** drawn uniformly from $[-1, 1]$ on its own channel; then a **delimiter** |
# | target | the 16 highest-priority vectors, highest first |
# | training | fixed: 20 in, 16 out |
#
# Whole vectors move: target step $j$ is the input row with the $j$-th highest priority.
# (A tempting vectorised shortcut, sorting each bit column on its own, produces rows that
# never appeared in the input.) The priorities are real numbers, so the picture shows them
# as bars rather than gray levels.

# %%
sort = ntm_edu.make_task("priority_sort")
batch = sort.sample(1, seeded(7))
show(sort, batch, title="priority sort: the 16 highest-priority rows, highest first")

# %%
widgets.task_explorer("priority_sort")

# %% [markdown]
# ## Scoring: bits per sequence and bit errors
#
# Every output is a probability, $\hat y = \sigma(\text{logit})$, for a binary target $y$. The
# paper's cost is the **binary cross-entropy in bits**, summed over the scored bits of a
# sequence and averaged over sequences:
#
# $$\text{cost} = -\frac{1}{B}\sum_{b}\sum_{t \in \text{mask}}\sum_{k}
#   \Big[y \log_2 \hat y + (1 - y) \log_2 (1 - \hat y)\Big].$$
#
# Predicting ½ everywhere costs exactly **one bit per scored bit**: that is chance level.
# Many public NTM codes report a different number, the **bit errors** after thresholding at
# ½. Both are useful: bits per sequence punishes confident mistakes, bit errors say how many
# bits come out wrong.

# %%
ntm_edu.show_source(ntm_edu.tasks.base.bits_per_sequence)

# %% [markdown]
# Chance level per task (logits 0, i.e. ½ everywhere) over the training distribution. Lengths,
# repeat counts and item counts are uniform, so averaging over every possible setting once
# (`Task.training_settings()`: copy's 20 lengths, repeat copy's 100 pairs, ...) gives the
# exact expectation:

# %%
for name in ntm_edu.TASKS:
    task = ntm_edu.make_task(name)
    batches = [task.sample(1, seeded(0), **overrides) for overrides in task.training_settings()]
    chance = np.mean(
        [ntm_edu.bits_per_sequence(torch.zeros(b.targets.shape), b).item() for b in batches]
    )
    print(f"{name:19s} chance = {chance:6.2f} bits per sequence")

# %% [markdown]
# That is copy $8\,\mathbb{E}[L] = 84$; repeat copy $9\,(\mathbb{E}[n]\,\mathbb{E}[L] + 1) =
# 281.25$ (8 bits plus the end channel at every answer step); recall $3 \times 6 = 18$;
# N-grams 200; sort $16 \times 8 = 128$: what a learning curve should start near.
# Now the difference between the two costs on one copy episode:

# %%
batch = copy.sample(1, seeded(8), length=10)
perfect = (batch.targets * 2 - 1) * 5.0  # logit +5 for a 1, -5 for a 0: right, fairly sure
one_wrong = perfect.clone()
one_wrong[0, 11, 0] *= -1  # one scored bit confidently wrong
for name, logits in [
    ("logits 0 (chance)", torch.zeros_like(perfect)),
    ("right, fairly sure", perfect),
    ("one confident mistake", one_wrong),
]:
    bits_cost = ntm_edu.bits_per_sequence(logits, batch).item()
    errors = ntm_edu.bit_errors_per_sequence(logits, batch).item()
    print(f"{name:22s} {bits_cost:6.2f} bits per sequence, {errors:3.0f} bit errors")

# %% [markdown]
# Chance costs 80 bits on this episode (80 scored bits) but only about half of them are
# errors (a ½ output is read as 0, right for every 0). A single confident mistake adds about
# 7 bits but counts as one error. The paper's learning curves use bits per sequence.
#
# ## Summary
#
# - Each task is a `Batch` of inputs, targets and a mask; the model answers with no input,
#   and only masked steps count.
# - Copy stores and replays, repeat copy adds a loop and a stop signal, associative recall
#   needs a content lookup followed by a step, N-grams need counting, priority sort needs
#   writes placed by priority.
# - The N-gram task has an exact optimum (eq. 10, ≈133 bits per 200-bit sequence, against
#   200 for guessing): the yardstick for notebook 09.
# - Costs are in bits per sequence (cross-entropy, base 2); chance is one bit per scored bit.
#
# ## Exercises
#
# **1. Copy targets.** Write `copy_targets(inputs)` that builds the copy task's targets from
# its inputs alone: `inputs` has shape (B, T, 9), the last channel being the delimiter; return
# a (B, T, 8) tensor of zeros except for the answer steps. (All episodes of a batch share one
# length.)


# %% tags=["exercise"]
def copy_targets(inputs):
    raise NotImplementedError("find the delimiter step L, then place inputs[:, :L, :8] after it")


# %% tags=["solution"]
def copy_targets(inputs):
    width = inputs.shape[-1] - 1
    length = int(inputs[0, :, width].argmax())  # the delimiter's step is L
    targets = torch.zeros(inputs.shape[0], inputs.shape[1], width)
    targets[:, length + 1 :] = inputs[:, :length, :width]
    return targets


# %%
check_copy_targets(copy_targets)

# %% [markdown]
# **2. The optimal N-gram estimator, as a loop.** Write `predict(bits, context)` for one
# sequence (a 1-D array of 0s and 1s): a plain Python loop over time keeping, per context
# (the tuple of the previous `context` bits), the counts $N_0$ and $N_1$, and returning the
# eq. 10 prediction for every step (½ while fewer than `context` bits have been seen).
# Careful: predict bit $t$ *before* counting it.


# %% tags=["exercise"]
def predict(bits, context):
    raise NotImplementedError("loop over t; look up the counts of the previous `context` bits")


# %% tags=["solution"]
def predict(bits, context):
    counts = {}  # context tuple -> [N0, N1]
    predictions = []
    for t, bit in enumerate(bits):
        if t < context:
            predictions.append(0.5)
            continue
        n0, n1 = counts.setdefault(tuple(bits[t - context : t]), [0, 0])
        predictions.append((n1 + 0.5) / (n1 + n0 + 1))
        counts[tuple(bits[t - context : t])][int(bit)] += 1
    return np.array(predictions)


# %%
check_optimal_estimator(predict)

# %% [markdown]
# **3. (Think.)** In repeat copy, why normalise the repeat count with the *training*
# distribution's statistics rather than with those of whatever counts a test batch holds?
# What would a network see for $n = 20$ if every batch were normalised on its own?
