# %% [markdown]
# # 04 · The Neural Turing Machine
#
# **How do a controller, some heads and a memory fit together into one network, and can it
# learn?** [02](02_memory.ipynb) built reading and writing, [03](03_addressing.ipynb) the
# addressing that decides where. Now the missing piece: a **controller** network that, at
# every time step, reads the input and the last read vectors and emits everything the heads
# need ([Graves et al. 2014](https://arxiv.org/abs/1410.5401), §3, Fig. 1):
#
# ```
#            input x_t ──►┌────────────┐──► output y_t
#   reads r_{t-1} ───────►│ controller │
#                         └─────┬──────┘
#                 k, β, g, s, γ │ (+ e, a for writing)
#                         ┌─────▼──────┐
#                         │   heads    │──► write M_t, read r_t
#                         └────────────┘
# ```
#
# We look at each part in the package, run an untrained NTM on a copy episode and draw what
# its heads do, compare its size with the paper's tables, check its gradients, and finally
# train it for a minute to watch the cost fall.

# %%
# %matplotlib inline
import ntm_edu

# threads=1 even if NTM_EDU_THREADS says otherwise: with one thread the sums of the training
# run below are always added in the same order on a given machine, so it repeats exactly.
ntm_edu.setup_notebook(seed=0, threads=1)

import torch

from ntm_edu import NTM, LSTMBaseline, count_parameters, inspection, viz, widgets
from ntm_edu.exercises import check_head_parameter_count
from ntm_edu.model import addressing, controller, heads, memory


def shapes(structure, prefix=""):
    """Print the shape of every tensor in nested named tuples (what the heads emit)."""
    for name, value in structure._asdict().items():
        if hasattr(value, "_asdict"):
            shapes(value, f"{prefix}{name}.")
        else:
            print(f"  {prefix + name:22s} {tuple(value.shape)}")


# %% [markdown]
# ## 1. The controller (§3.4)
#
# The controller sees the external input $\mathbf{x}_t$ concatenated with the read vectors
# of the previous step, and emits a hidden vector $\mathbf{h}_t$. The paper tries two kinds:
#
# - **feed-forward**: no state of its own; everything it remembers must go through the memory,
#   which makes it easier to interpret (and more limited: one read head can only bring back
#   one vector per step);
# - **LSTM**: it can also keep things in its own cell state, "like the registers of a
#   processor".
#
# Both share one interface (`initial_state`, `forward(x, state) -> (h, state)`), so the NTM
# does not care which it has. The same interface lets controllers stack:
# `NTM(controller_layers=2)` puts a second layer on the first (`controller.StackedController`),
# as in the paper's "2 x 100" LSTM controller for priority sort; the heads read the top layer.

# %%
ntm_edu.show_source(controller.FeedforwardController)

# %%
ntm_edu.show_source(controller.LSTMController)

# %% [markdown]
# ## 2. The heads
#
# One linear layer turns $\mathbf{h}_t$ into the raw numbers of every head; an activation
# per parameter enforces the constraints of §3 (the paper states the constraints, not the
# functions): $\beta = \mathrm{softplus}(\cdot) > 0$, $g = \sigma(\cdot) \in (0,1)$,
# $\mathbf{s} = \mathrm{softmax}(\cdot)$, $\gamma = 1 + \mathrm{softplus}(\cdot) \ge 1$,
# $\mathbf{e} = \sigma(\cdot) \in (0,1)^M$, $\mathbf{a} = \tanh(\cdot)$.

# %%
ntm_edu.show_source(heads.Heads)

# %% [markdown]
# A head layer for a controller of 6 units, one read and one write head, words of 4 and
# three shifts, applied to a batch of 2 controller outputs:

# %%
head_layer = heads.Heads(
    controller_size=6, read_heads=1, write_heads=1, memory_width=4, shift_width=3
)
emitted = head_layer(torch.randn(2, 6))
shapes(emitted)

# %% [markdown]
# ## 3. One time step, and a whole episode
#
# `step` reads like Fig. 1: the controller sees $[\mathbf{x}_t, \mathbf{r}_{t-1}]$, the heads
# emit their parameters, every head (read and write) addresses the memory
# $\mathbf{M}_{t-1}$ in one batched `address` call, the read heads read it, the write heads
# then turn it into $\mathbf{M}_t$, and the output layer sees the controller's
# $\mathbf{h}_t$ and the new reads. (The paper does not fix whether reading or writing comes
# first; here what is written at step $t$ can be read from step $t+1$ on, and the module
# docstring explains why.) `forward` resets the state to learned bias values, as the paper
# does for every sequence, then loops over time.

# %%
ntm_edu.show_source(NTM.step)

# %%
ntm_edu.show_source(NTM.forward)

# %% [markdown]
# ## 4. An untrained NTM on a copy episode
#
# A small NTM (LSTM controller of 100 units, a 32 × 8 memory, one read and one write head)
# on four copy episodes of length 5. `forward_with_trace(inputs)` also returns a `Trace` of
# everything the heads did: weightings, erase and add vectors, addressing parameters and the
# intermediate stages of Fig. 2, all detached on the CPU.

# %%
copy = ntm_edu.make_task("copy", min_length=1, max_length=5)
small = dict(controller="lstm", controller_size=100, memory_locations=32, memory_width=8)
torch.manual_seed(0)
model = NTM(copy.input_size, copy.output_size, **small)
batch = copy.sample(4, torch.Generator().manual_seed(1), length=5)
with torch.no_grad():
    logits, trace = model.forward_with_trace(batch.inputs)
assert logits.shape == batch.targets.shape == (4, 11, 8)
assert trace.write_weights.shape == (4, 11, 1, 32) and trace.reads.shape == (4, 11, 1, 8)
print(trace)
untrained_cost = float(copy.bits_per_sequence(logits, batch))
print(f"cost: {untrained_cost:.1f} bits per sequence")

# %% [markdown]
# The heads' activity over the first episode, laid out like the paper's Fig. 6: inputs and
# outputs, add and read vectors, write and read weightings (locations down, time across).
# The learned initial weightings start both heads focused on location 0; untrained, the heads
# then blur out around it, the vectors are faint (note the colour scales printed above the
# panels) and the outputs hover around 0.5.

# %%
episode = inspection.trace_arrays(batch.inputs, logits, trace, index=0)  # one head, as NumPy
viz.head_activity_figure(
    episode["write_weights"],
    episode["read_weights"],
    inputs=episode["inputs"],
    outputs=episode["outputs"],
    add=episode["add"],
    reads=episode["reads"],
    time=2,
)

# %% [markdown]
# Scrub through the episodes and the time steps (the red line and the caption under the
# figure follow the **time step** slider):

# %%
widgets.trace_explorer(batch.inputs, logits, trace)

# %% [markdown]
# ## 5. How big is it? The paper's parameter counts
#
# Tables 1-3 of the paper give the size of each network. Ours, built with the paper's
# settings for the copy task (memory 128 × 20, one head of each kind, controller 100; the
# LSTM baseline 3 × 256):

# %%
paper_configs = {
    "NTM, feed-forward controller": (
        NTM(copy.input_size, copy.output_size, controller="feedforward", controller_size=100),
        17_162,
    ),
    "NTM, LSTM controller": (
        NTM(copy.input_size, copy.output_size, controller="lstm", controller_size=100),
        67_561,
    ),
    "LSTM 3 x 256": (LSTMBaseline(copy.input_size, copy.output_size, 256, 3), 1_352_969),
}
print(f"{'copy task':30s} {'ours':>10s} {'paper':>10s} {'ours/paper':>11s}")
for name, (network, paper) in paper_configs.items():
    ours = count_parameters(network)
    print(f"{name:30s} {ours:10,d} {paper:10,d} {ours / paper:11.2f}")

# %% [markdown]
# All three come out smaller than the paper's counts, the NTMs by 5-20 %. The paper does not
# give enough detail to rebuild its numbers: how the output layer is wired (to the controller
# only, or also to the reads), which initial states are learned biases and how big they are,
# and how the shift is parametrised (it also mentions a single scalar instead of a softmax
# over three shifts). Its LSTM count fits a network whose input feeds every layer and whose
# every layer feeds the output, with 10 inputs and 9 outputs; ours is
# a plain stacked LSTM on the task's 9 inputs and 8 outputs. Where our NTM's parameters go:

# %%
ntm_lstm = paper_configs["NTM, LSTM controller"][0]
parts = {}
for name, parameter in ntm_lstm.named_parameters():
    part = name.split(".")[0]
    parts[part] = parts.get(part, 0) + parameter.numel()
for part, count in parts.items():
    print(f"  {part:22s} {count:7,d}")
print(f"  {'total':22s} {sum(parts.values()):7,d}")

# %% [markdown]
# The paper's point survives: an NTM's size barely depends on the memory (only the learned
# initial weightings grow with $N$ here), while an LSTM's grows with the square of its
# hidden size.
#
# ## 6. Checking the gradients
#
# All of this is trained by backpropagation, so the derivatives of the addressing had better
# be right. `torch.autograd.gradcheck` compares the analytic gradients with finite
# differences in float64, on a tiny case (2 sequences, 2 heads, 5 locations, words of 3):

# %%
g64 = torch.Generator().manual_seed(0)


def rand(*shape):
    return torch.rand(*shape, generator=g64, dtype=torch.float64).requires_grad_(True)


address_inputs = (
    rand(2, 5, 3) - 0.5,  # memory (B, N, M)
    rand(2, 2, 3) - 0.5,  # key (B, H, M)
    rand(2, 2) * 5 + 0.1,  # beta > 0
    rand(2, 2),  # gate in (0, 1)
    torch.softmax(rand(2, 2, 3), dim=-1),  # shift distribution (B, H, 3)
    rand(2, 2) * 3 + 1,  # gamma >= 1
    torch.softmax(rand(2, 2, 5), dim=-1),  # previous weighting (B, H, N)
)
write_inputs = (rand(2, 5, 3), torch.softmax(rand(2, 2, 5), -1), rand(2, 2, 3), rand(2, 2, 3))
print("address gradcheck:", torch.autograd.gradcheck(addressing.address, address_inputs))
print("write gradcheck:  ", torch.autograd.gradcheck(memory.write, write_inputs))
print("read gradcheck:   ", torch.autograd.gradcheck(memory.read, write_inputs[:2]))

# %% [markdown]
# ## 7. A first minute of training
#
# The paper trains on copy sequences of length 1-20 for hundreds of thousands of sequences;
# notebook 05 does that properly (and loads shipped checkpoints). Here a short, seeded run
# shows the whole machine learning: the small NTM above, copy sequences of length 1-5, Adam
# with learning rate $10^{-3}$, batches of 16, `ntm_edu.train` (the training loop of
# notebook 05; its progress bar below). The cost is the paper's: bits per sequence, summed
# binary cross-entropy in base 2 (guessing 0.5 everywhere costs 8 bits per vector, 24 on
# average here).
#
# **Your numbers will differ in the last digits.** The run is seeded, so on one machine it
# repeats exactly; but another processor (Intel or AMD, AVX2 or AVX-512, an ARM laptop) rounds
# its floating-point sums a little differently, and 1500 steps of training amplify those
# differences. The cells below therefore print the measured numbers (ours are stored; yours
# will be close) and then state, with `ntm_edu.expect`, what the run teaches: that line is the
# same on every machine, and the notebook's tests check it.

# %% tags=["nbval-ignore-output"]
TRAIN_STEPS = 1500
torch.manual_seed(0)
model = NTM(copy.input_size, copy.output_size, **small)
history = ntm_edu.train(model, copy, TRAIN_STEPS, batch_size=16, lr=1e-3, seed=0, log_every=50)

# %% tags=["nbval-ignore-output"]
curve = history.curve()
# Each point of the curve is the mean cost over the sequences since the previous point.
per_point = int(curve.sequences[0])
first, last = curve.bits_per_sequence[0], curve.bits_per_sequence[-1]
print(f"mean cost over the first {per_point} sequences: {first:5.1f} bits")
print(f"mean cost over the last  {per_point} sequences: {last:5.1f} bits")

# %%
print(f"sequences seen in all: {int(curve.sequences[-1]):,d}")
ntm_edu.expect(last < 0.75 * first, "the cost fell by more than a quarter", f"{first} -> {last}")

# %%
viz.learning_curves_figure(
    {"NTM (LSTM controller), copy lengths 1-5": (curve.sequences, curve.bits_per_sequence)},
    title="the cost falls: the first minute of training",
)

# %% [markdown]
# The same four episodes of length 5 as before (40 bits to copy each), through the trained
# model: compare the cost with the untrained model's, the outputs with the inputs, and the
# weightings with the untrained ones. A minute is far from enough to learn the copy
# algorithm; notebook 05 shows a fully trained model.

# %% tags=["nbval-ignore-output"]
with torch.no_grad():
    logits, trace = model.forward_with_trace(batch.inputs)
trained_cost = float(copy.bits_per_sequence(logits, batch))
print(f"cost: {trained_cost:.1f} bits per sequence (untrained: {untrained_cost:.1f})")

# %%
ntm_edu.expect(trained_cost < untrained_cost, "the trained model's cost on these episodes is "
               "below the untrained model's")  # fmt: skip
widgets.trace_explorer(batch.inputs, logits, trace)

# %% [markdown]
# ## Summary
#
# - An NTM is a **controller** (feed-forward or LSTM) + a **head layer** that turns its output
#   into $\mathbf{k}, \beta, g, \mathbf{s}, \gamma$ (and $\mathbf{e}, \mathbf{a}$) through fixed
#   activations + the **addressing**, **write** and **read** of notebooks 02-03.
# - Each step: controller → heads → address → read → write → output; the reads feed the
#   next step.
#   The state resets to learned biases for every sequence.
# - A `Trace` records everything the heads do, for figures like the paper's Fig. 6.
# - Our parameter counts differ from the paper's tables because the paper leaves wiring
#   details open; the NTM's size barely depends on the memory size, unlike an LSTM's.
# - Gradients check out in float64, and a minute of training already lowers the cost.
# - Next, notebook 05: training for real, and what the heads learn.
#
# ## Exercises
#
# **1. Count by hand.** How many parameters does **one read head** add to the head layer of
# the paper's copy NTM (controller 100, words of 20, shifts −1..+1)? The layer is linear with
# a bias. List the raw numbers a read head needs, then count.

# %% tags=["exercise"]
read_head_parameters = ...  # TODO: your count, as a whole number

# %% tags=["solution"]
C, M, S = 100, 20, 3
read_head_parameters = (C + 1) * (M + 1 + 1 + S + 1)  # key, beta, gate, shift, gamma

# %%
check_head_parameter_count(read_head_parameters)

# %% [markdown]
# **2.** And one **write head** (it also emits an erase and an add vector)?

# %% tags=["exercise"]
write_head_parameters = ...  # TODO: your count

# %% tags=["solution"]
write_head_parameters = (C + 1) * (M + 1 + 1 + S + 1 + M + M)

# %%
check_head_parameter_count(write_head_parameters, kind="write")

# %% [markdown]
# **3. (Think, then check.)** Which of the NTM's parameters depend on the number of memory
# locations $N$? Predict how many more parameters the paper's copy NTM has with $N = 256$
# instead of 128, then check with `count_parameters(NTM(9, 8, memory_locations=256))`.
# Why can the same trained weights, in principle, run on a bigger memory?
#
# **4. (Explore.)** In the trained model's trace explorer, find the step where the delimiter
# arrives. What do the write and read weightings do before and after it? Is the model already
# using the memory the way Fig. 6 of the paper shows?
