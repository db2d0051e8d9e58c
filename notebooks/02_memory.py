# %% [markdown]
# # 02 · The memory: reading and writing
#
# **How can a network read from and write to a memory, and still be trained by gradient
# descent?** A computer's memory is addressed by an integer: "read cell 17". An integer index
# has no gradient, so a network could never learn *where* to read. The Neural Turing Machine
# ([Graves et al. 2014](https://arxiv.org/abs/1410.5401), §3.1-3.2) makes every access
# **blurry**: a head spreads its attention over all locations with a *weighting*, and reads
# and writes a little everywhere, a lot where the weighting is large. Everything is then a
# smooth function of the weighting, and the gradient flows.
#
# This notebook builds the three operations the heads use (read, erase, add) from the
# package's own code, runs each on a tiny memory, and gives you a memory to play with.

# %%
# %matplotlib inline
import ntm_edu

ntm_edu.setup_notebook(seed=0)

import torch

from ntm_edu import viz, widgets
from ntm_edu.exercises import check_read, check_write
from ntm_edu.model import memory as memory_ops


def rounded(tensor, digits=3):
    """A tensor's values as a plain list, rounded for printing."""
    return [round(float(x), digits) for x in tensor.flatten()]


# %% [markdown]
# ## The memory matrix and a weighting
#
# The memory $\mathbf{M}_t$ is an $N \times M$ matrix: $N$ **locations** (rows), each holding a
# vector of $M$ numbers (a "word"). The paper uses $N = 128$, $M = 20$ throughout; here we use
# a tiny $6 \times 4$ memory so you can read every number. A head's **weighting** $w_t$ says
# how much attention it pays to each location. It is a probability distribution over the
# locations (eq. 1):
#
# $$\sum_{i=0}^{N-1} w_t(i) = 1, \qquad 0 \le w_t(i) \le 1 \quad \forall i.$$
#
# The package handles a whole batch and every head of a kind at once, so the shapes are
# memory `(B, N, M)` and weightings `(B, H, N)` (B sequences, H heads).

# %%
B, N, M = 1, 6, 4
generator = torch.Generator().manual_seed(0)
memory = torch.randint(-2, 3, (B, N, M), generator=generator).float() / 2  # (B, N, M)
print(memory[0])

# %% [markdown]
# ## Reading (eq. 2)
#
# A read head returns the weighted sum of the rows, the "blurry" version of reading one row:
#
# $$\mathbf{r}_t = \sum_{i=0}^{N-1} w_t(i)\, \mathbf{M}_t(i).$$
#
# For all heads and batch elements at once this is one batched matrix product,
# `(B, H, N) @ (B, N, M) -> (B, H, M)`:

# %%
ntm_edu.show_source(memory_ops.read)

# %% [markdown]
# A weighting focused on one location reads that row exactly; a weighting split between two
# locations reads the average of the two rows. Two read heads, one call:

# %%
w = torch.zeros(B, 2, N)  # (B, H=2, N)
w[0, 0, 2] = 1.0  # head 0: all attention on location 2
w[0, 1, 2] = w[0, 1, 3] = 0.5  # head 1: half on location 2, half on location 3
r = memory_ops.read(memory, w)  # (B, H, M)
assert r.shape == (B, 2, M)
assert torch.allclose(r[0, 0], memory[0, 2])
assert torch.allclose(r[0, 1], (memory[0, 2] + memory[0, 3]) / 2)
print("row 2        :", rounded(memory[0, 2]))
print("row 3        :", rounded(memory[0, 3]))
print("head 0 reads :", rounded(r[0, 0]))
print("head 1 reads :", rounded(r[0, 1]))

# %% [markdown]
# A smooth weighting (most of its mass near location 2) and what it reads, drawn: the bars on
# the left are $w_t$, the row below the memory is $\mathbf{r}_t$. The read vector looks most
# like row 2, a little like its neighbours.

# %%
w_smooth = torch.softmax(-((torch.arange(N) - 2.0) ** 2), dim=0)  # (N,)
r_smooth = memory_ops.read(memory, w_smooth[None, None])  # (1, 1, M)
print("w =", rounded(w_smooth))
viz.memory_figure(memory[0].numpy(), w_smooth.numpy(), r_smooth[0, 0].numpy(), vlim=1.0)

# %% [markdown]
# ## Writing: erase, then add (eqs. 3-4)
#
# Writing is split in two, as in an LSTM's forget and input gates. A write head emits a
# weighting $w_t$, an **erase vector** $\mathbf{e}_t$ with elements in $(0, 1)$ and an **add
# vector** $\mathbf{a}_t$. First every row is erased in proportion to the attention it gets:
#
# $$\tilde{\mathbf{M}}_t(i) = \mathbf{M}_{t-1}(i)\,\big[\mathbf{1} - w_t(i)\,\mathbf{e}_t\big] \qquad (3)$$
#
# (the product is element-wise), then the add vector is added in the same proportion:
#
# $$\mathbf{M}_t(i) = \tilde{\mathbf{M}}_t(i) + w_t(i)\,\mathbf{a}_t \qquad (4)$$
#
# A cell is wiped completely only where both $w_t(i)$ and the erase element are 1. With
# several write heads the erases multiply and the adds sum, so the order of the heads does not
# matter. One function does both equations for all write heads:

# %%
ntm_edu.show_source(memory_ops.write)

# %% [markdown]
# With a weighting focused on one location and $\mathbf{e}_t = \mathbf{1}$, the row is
# replaced by $\mathbf{a}_t$ and nothing else changes: the sharp special case is an ordinary
# memory write.

# %%
w_write = torch.zeros(B, 1, N)  # (B, H=1, N)
w_write[0, 0, 4] = 1.0
erase = torch.ones(B, 1, M)  # (B, H, M): erase everything where w = 1
add = torch.tensor([[[0.9, -0.9, 0.9, -0.9]]])  # (B, H, M)
new_memory = memory_ops.write(memory, w_write, erase, add)  # (B, N, M)
assert new_memory.shape == memory.shape
assert torch.allclose(new_memory[0, 4], add[0, 0])
assert torch.equal(new_memory[0, :4], memory[0, :4]) and torch.equal(new_memory[0, 5], memory[0, 5])
print(new_memory[0])

# %% [markdown]
# A blurry write with a half erase touches several rows a little. The figure shows the whole
# write: the weighting, the memory before, after the erase (eq. 3) and after the add
# (eq. 4), and on the right the erase and add vectors and what a read with the same
# weighting returns before and after.

# %%
w_blurry = w_smooth[None, None]  # (1, 1, N), centred on location 2
erase_half = torch.full((B, 1, M), 0.5)
erased = memory_ops.write(memory, w_blurry, erase_half, torch.zeros(B, 1, M))  # eq. 3 only
written = memory_ops.write(memory, w_blurry, erase_half, add)  # eqs. 3-4
print("row 2 before :", rounded(memory[0, 2]))
print("row 2 after  :", rounded(written[0, 2]))
viz.memory_write_figure(
    memory[0].numpy(),
    w_smooth.numpy(),
    erase_half[0, 0].numpy(),
    add[0, 0].numpy(),
    erased[0].numpy(),
    written[0].numpy(),
    memory_ops.read(memory, w_blurry)[0, 0].numpy(),
    memory_ops.read(written, w_blurry)[0, 0].numpy(),
    vlim=1.0,
)

# %% [markdown]
# Two write heads commute: swapping them gives the same memory (up to float rounding).

# %%
w_two = torch.softmax(torch.randn(B, 2, N, generator=generator) * 3, dim=-1)  # (B, 2, N)
erase_two = torch.rand(B, 2, M, generator=generator)  # (B, 2, M)
add_two = torch.rand(B, 2, M, generator=generator) * 2 - 1  # (B, 2, M)
swap = [1, 0]
one_order = memory_ops.write(memory, w_two, erase_two, add_two)
other_order = memory_ops.write(memory, w_two[:, swap], erase_two[:, swap], add_two[:, swap])
print("heads commute:", torch.allclose(one_order, other_order, atol=1e-6))

# %% [markdown]
# Everything above is differentiable in the weighting, the erase and the add vectors, and the
# memory: the gradient of the read with respect to $w_t(i)$ is simply the row
# $\mathbf{M}_t(i)$. That is what lets training discover *where* to read and write.

# %%
w_grad = w_smooth.clone()[None, None].requires_grad_(True)
memory_ops.read(memory, w_grad)[0, 0, 0].backward()  # d r(0) / d w(i) = M(i, 0)
print("gradient:", rounded(w_grad.grad[0, 0]))
print("column 0:", rounded(memory[0, :, 0]))

# %% [markdown]
# ## Explore
#
# A 16 × 8 memory with random contents. One head writes, and reads with the same weighting.
# Move the **focus** and the **sharpness** of the weighting (0 spreads it over every
# location), the **erase** strength (the same for every element of $\mathbf{e}_t$) and pick an
# **add** pattern. Things to try:
#
# - sharpness high, erase 1: the focused row becomes exactly the add vector;
# - erase 0: pure addition, the old contents shine through;
# - sharpness 0: the write is spread thin over all 16 rows; each changes by a sixteenth.
#
# Each move runs the package's `write` and `read` shown above on the 128 numbers of the
# memory and redraws only what changed.

# %%
widgets.memory_explorer()

# %% [markdown]
# ## Summary
#
# - The memory is an $N \times M$ matrix; a head addresses it with a **weighting** over the $N$
#   locations (eq. 1), never with an integer index, so every access is differentiable.
# - **Read** (eq. 2): the weighted sum of the rows, `w @ M`.
# - **Write**: **erase** (eq. 3) multiplies each row by $1 - w(i)\,\mathbf{e}$, then **add**
#   (eq. 4) adds $w(i)\,\mathbf{a}$. A sharp weighting with $\mathbf{e} = \mathbf{1}$ is an
#   ordinary overwrite; write heads commute.
# - In the package, all heads of a kind go through one batched call: weightings `(B, H, N)`.
# - Next, [03 · Addressing](03_addressing.ipynb): where the weightings come from.
#
# ## Exercises
#
# **1. Read.** Implement eq. 2 for a batch and several heads: `read(memory, w)` with memory
# `(B, N, M)` and w `(B, H, N)`, returning `(B, H, M)`. Try it without looking at the package's
# version (a loop is fine for a first attempt; then try one line).


# %% tags=["exercise"]
def read(memory, w):
    raise NotImplementedError("r_t = sum_i w_t(i) M_t(i), for every batch element and head")


# %% tags=["solution"]
def read(memory, w):
    # (B, H, N, 1) * (B, 1, N, M) summed over N -> (B, H, M)
    return (w.unsqueeze(-1) * memory.unsqueeze(1)).sum(dim=2)


# %%
check_read(read)

# %% [markdown]
# **2. Write.** Implement eqs. 3-4 for several write heads: `write(memory, w, erase, add)`
# with w `(B, H, N)`, erase and add `(B, H, M)`, returning the new memory `(B, N, M)`. Every
# head erases before any head adds, and the erases of different heads multiply. Return a new
# tensor (do not change `memory` in place: autograd needs the old one).


# %% tags=["exercise"]
def write(memory, w, erase, add):
    raise NotImplementedError("erase every head's share (eq. 3), then add every head's (eq. 4)")


# %% tags=["solution"]
def write(memory, w, erase, add):
    new = memory
    for h in range(w.shape[1]):  # erase, one head at a time: the factors multiply
        new = new * (1 - w[:, h, :, None] * erase[:, h, None, :])  # (B, N, M)
    for h in range(w.shape[1]):  # then add every head's contribution
        new = new + w[:, h, :, None] * add[:, h, None, :]  # (B, N, M)
    return new


# %%
check_write(write)

# %% [markdown]
# **3. (Think.)** One location receives half of a write head's attention ($w_t(i) = 0.5$) at
# every step, always with the same add vector $\mathbf{a}$. What does its row tend to after
# many steps when $\mathbf{e} = \mathbf{1}$? And when $\mathbf{e} = \mathbf{0}$? Check your
# answers with a few calls of `write`, then say why the erase vector is needed and why the
# package squashes add vectors into $(-1, 1)$ (see `ntm_edu.model.heads`).
