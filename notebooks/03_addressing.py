# %% [markdown]
# # 03 · Addressing: where do the heads look?
#
# **How does a head decide on its weighting, and how can it step through memory one location
# at a time?** In [02 · Memory](02_memory.ipynb) the weightings were given. In an NTM each
# head computes a fresh one at every step from a handful of numbers the controller emits
# ([Graves et al. 2014](https://arxiv.org/abs/1410.5401), §3.3, Fig. 2):
#
# | symbol | name | range | what it does |
# |---|---|---|---|
# | $\mathbf{k}_t$ | key | $\mathbb{R}^M$ | what to look for |
# | $\beta_t$ | key strength | $> 0$ | how sharply to look for it |
# | $g_t$ | interpolation gate | $(0, 1)$ | content lookup ($g=1$) or stay where I was ($g=0$) |
# | $\mathbf{s}_t$ | shift distribution | over $-R..R$ | move the focus |
# | $\gamma_t$ | sharpening | $\ge 1$ | undo the blur of the shift |
#
# They act in four stages, one small function each:
#
# $$\underbrace{\mathbf{M}_t, \mathbf{k}_t, \beta_t}_{\text{content}} \;\to\; w^c_t \;\xrightarrow{\;g_t,\; w_{t-1}\;}\; w^g_t \;\xrightarrow{\;\mathbf{s}_t\;}\; \tilde w_t \;\xrightarrow{\;\gamma_t\;}\; w_t$$
#
# **Content addressing** finds a location by what it holds (like a hash lookup);
# **location addressing** (interpolation + shift) moves from where the head was (like
# incrementing a pointer). The copy task needs both: jump to the start, then iterate.
#
# We take the stages one at a time, then put them together in an interactive explorer.

# %%
# %matplotlib inline
import ntm_edu

ntm_edu.setup_notebook(seed=0)

import torch
import torch.nn.functional as F

from ntm_edu import viz, widgets
from ntm_edu.exercises import check_content_weighting, check_sharpen, check_shift
from ntm_edu.model import addressing


def rounded(tensor, digits=3):
    """A tensor's values as a plain list, rounded for printing."""
    return [round(float(x), digits) for x in tensor.flatten()]


def one_hot(N, location):
    """A weighting (1, 1, N) with all its mass on one location."""
    w = torch.zeros(1, 1, N)
    w[..., location] = 1.0
    return w


# %% [markdown]
# ## 1. Content addressing (eqs. 5-6)
#
# The head compares its key with every row using the **cosine similarity**, which looks at
# the direction of the vectors, not their length:
#
# $$K[\mathbf{u}, \mathbf{v}] = \frac{\mathbf{u} \cdot \mathbf{v}}{\lVert \mathbf{u} \rVert \, \lVert \mathbf{v} \rVert} \qquad (6)$$
#
# A small $\varepsilon$ under the square roots keeps a zero row (a freshly reset memory) from
# dividing 0 by 0, the classic NaN of NTM code:

# %%
ntm_edu.show_source(addressing.cosine_similarity)

# %% [markdown]
# The similarities, scaled by the key strength $\beta_t$, go through a softmax over the
# locations:
#
# $$w^c_t(i) = \frac{\exp\big(\beta_t K[\mathbf{k}_t, \mathbf{M}_t(i)]\big)}{\sum_j \exp\big(\beta_t K[\mathbf{k}_t, \mathbf{M}_t(j)]\big)} \qquad (5)$$

# %%
ntm_edu.show_source(addressing.content_weighting)

# %% [markdown]
# A memory of 8 random rows and a key that is a noisy copy of row 5. Row 5 is the most
# similar; $\beta$ decides how much that matters: $\beta = 1$ barely prefers it, $\beta = 50$
# puts nearly all the weight on it.

# %%
N, M = 8, 4
generator = torch.Generator().manual_seed(3)
memory = torch.randn(1, N, M, generator=generator)  # (B, N, M)
key = memory[:, 5:6] + 0.3 * torch.randn(1, 1, M, generator=generator)  # (B, H, M)
similarity = addressing.cosine_similarity(memory, key)  # (B, H, N)
print("K[k, M(i)] =", rounded(similarity, 2))
w_content = {}
for beta in [1.0, 5.0, 50.0]:
    w_c = addressing.content_weighting(memory, key, torch.tensor([[beta]]))  # (B, H, N)
    assert w_c.shape == (1, 1, N) and torch.isclose(w_c.sum(), torch.tensor(1.0))
    w_content[f"β = {beta:g}"] = w_c[0, 0].numpy()
viz.weightings_figure(w_content, title="content weighting $w^c_t$ for a key like row 5")

# %% [markdown]
# Because of the $\varepsilon$, an all-zero memory gives similarity 0 everywhere and a uniform
# weighting, with no NaN:

# %%
zero_memory = torch.zeros(1, N, M)
print(rounded(addressing.content_weighting(zero_memory, key, torch.tensor([[10.0]]))))

# %% [markdown]
# ## 2. Interpolation (eq. 7)
#
# The gate $g_t$ blends the content weighting with the head's weighting from the previous
# step:
#
# $$w^g_t = g_t\, w^c_t + (1 - g_t)\, w_{t-1} \qquad (7)$$
#
# With $g_t = 0$ the content is ignored and the head keeps its previous focus, ready to be
# shifted: this is how it iterates.

# %%
ntm_edu.show_source(addressing.interpolate)

# %%
w_c = addressing.content_weighting(memory, key, torch.tensor([[50.0]]))  # focused on 5
w_prev = one_hot(N, 1)  # the head was at location 1
w_gated = {}
for g in [0.0, 0.5, 1.0]:
    w_g = addressing.interpolate(w_c, w_prev, torch.tensor([[g]]))  # (B, H, N)
    w_gated[f"g = {g:g}"] = w_g[0, 0].numpy()
viz.weightings_figure(
    w_gated, title="interpolation between $w_{t-1}$ (focus at 1) and $w^c_t$ (focus at 5)"
)

# %% [markdown]
# ## 3. Circular shift (eq. 8)
#
# The shift distribution $\mathbf{s}_t$ has one entry per allowed integer shift, here
# $-1, 0, +1$ ($R = 1$; the paper allows these three). The shifted weighting is the
# **circular convolution** of $w^g_t$ with $\mathbf{s}_t$ (indices modulo $N$):
#
# $$\tilde w_t(i) = \sum_{j=0}^{N-1} w^g_t(j)\, s_t(i - j) \qquad (8)$$
#
# Read it with $k = i - j$, the distance moved: $\tilde w_t(i) = \sum_k s_t(k)\, w^g_t(i-k)$.
# The weight at location $i$ comes from location $i - k$ with probability $s_t(k)$. So
# $\mathbf{s}$ one-hot at $+1$ moves a focus from $i$ to $i + 1$, and a focus on the last
# location wraps around to location 0. A blurry $\mathbf{s}$ moves the focus *and* blurs it.

# %%
ntm_edu.show_source(addressing.shift)

# %%
plus_one = torch.tensor([[[0.0, 0.0, 1.0]]])  # (B, H, 3): s(-1), s(0), s(+1)
moved = addressing.shift(one_hot(N, 2), plus_one)
wrapped = addressing.shift(one_hot(N, N - 1), plus_one)
assert moved.shape == (1, 1, N)
print("focus 2 shifted by +1 ->", int(moved.argmax()))
print(f"focus {N - 1} shifted by +1 ->", int(wrapped.argmax()), "(wraps around)")
blurry = torch.tensor([[[0.1, 0.2, 0.7]]])
viz.weightings_figure(
    {
        "$w^g_t$: focus at 2": one_hot(N, 2)[0, 0].numpy(),
        "s one-hot at +1": moved[0, 0].numpy(),
        "s = [0.1, 0.2, 0.7]": addressing.shift(one_hot(N, 2), blurry)[0, 0].numpy(),
        "focus at 7, s at +1": wrapped[0, 0].numpy(),
    },
    ghosts={"s one-hot at +1": one_hot(N, 2)[0, 0].numpy()},
    title="circular shift (dashed: the weighting before the shift)",
)

# %% [markdown]
# **The conv1d pitfall.** It is tempting to implement eq. 8 with
# `torch.nn.functional.conv1d` on a circularly padded weighting. But conv1d (like every
# deep-learning "convolution") computes a **cross-correlation**: it slides the kernel
# without flipping it, giving $\sum_p w(i - R + p)\, s[p]$. With $\mathbf{s}$ stored in the
# order $-1, 0, +1$ that moves the focus the wrong way. Learning does not care (the
# network simply learns the mirrored $\mathbf{s}$) but every plot and test that labels
# $s(+1)$ is then wrong. Flipping the kernel gives back eq. 8:

# %%
w = one_hot(N, 2)
padded = torch.cat([w[..., -1:], w, w[..., :1]], dim=-1)  # circular padding, R = 1
as_conv1d = F.conv1d(padded.view(1, 1, -1), plus_one.view(1, 1, -1)).view(1, 1, N)
as_conv1d_flipped = F.conv1d(padded.view(1, 1, -1), plus_one.flip(-1).view(1, 1, -1))
print("eq. 8 moves the focus to         ", int(addressing.shift(w, plus_one).argmax()))
print("conv1d (not flipped) moves it to ", int(as_conv1d.argmax()))
print("conv1d with the kernel flipped:  ", int(as_conv1d_flipped.argmax()))
assert torch.allclose(as_conv1d_flipped.view(1, 1, N), addressing.shift(w, plus_one))

# %% [markdown]
# ## 4. Sharpening (eq. 9)
#
# A blurry shift spreads the focus, and repeated shifts would blur it further at every
# step. Sharpening raises every weight to the power $\gamma_t \ge 1$ and renormalises:
#
# $$w_t(i) = \frac{\tilde w_t(i)^{\gamma_t}}{\sum_j \tilde w_t(j)^{\gamma_t}} \qquad (9)$$
#
# $\gamma = 1$ changes nothing; large $\gamma$ approaches a one-hot weighting on the largest
# entry. The package computes it as a softmax of $\gamma \log \tilde w$: the same numbers,
# but it cannot underflow to 0/0 the way $(1/128)^{50}$ does in float32.

# %%
ntm_edu.show_source(addressing.sharpen)

# %%
blurred = addressing.shift(addressing.shift(one_hot(N, 2), blurry), blurry)  # two blurry shifts
sharpened = {"γ = 1 (no change)": blurred[0, 0].numpy()}
for gamma in [2.0, 5.0, 20.0]:
    w_sharp = addressing.sharpen(blurred, torch.tensor([[gamma]]))
    assert torch.isclose(w_sharp.sum(), torch.tensor(1.0)) and w_sharp.argmax() == blurred.argmax()
    sharpened[f"γ = {gamma:g}"] = w_sharp[0, 0].numpy()
print("after two blurry shifts:", rounded(blurred, 2))
viz.weightings_figure(sharpened, title="sharpening a weighting blurred by two shifts")

# %% [markdown]
# ## All four stages together
#
# `address_with_stages` chains the stages in the order of Fig. 2 and also returns the
# intermediate weightings (the NTM records them in its trace, see notebook 04); `address`
# returns only the final one:

# %%
ntm_edu.show_source(addressing.address_with_stages)

# %% [markdown]
# One head, one step: the previous focus is at location 1, the key looks like row 5, the gate
# mostly trusts the content, and the shift prefers $+1$. Every stage in one figure (read it
# left to right, top to bottom; the dashed outline is the stage before):

# %%
params = dict(
    beta=torch.tensor([[8.0]]),  # (B, H)
    gate=torch.tensor([[0.9]]),
    shift=torch.tensor([[[0.05, 0.15, 0.8]]]),  # (B, H, 3)
    gamma=torch.tensor([[3.0]]),
)
w_t, stages = addressing.address_with_stages(memory, key, w_prev=w_prev, **params)
assert w_t.shape == (1, 1, N)
for name, value in [*stages._asdict().items(), ("sharpened", w_t)]:
    print(f"{name:9s}", rounded(value, 2))
viz.addressing_figure(
    memory[0].numpy(),
    key[0, 0].numpy(),
    similarity[0, 0].numpy(),
    w_prev[0, 0].numpy(),
    params["shift"][0, 0].numpy(),
    {
        "content": stages.content[0, 0].numpy(),
        "gated": stages.gated[0, 0].numpy(),
        "shifted": stages.shifted[0, 0].numpy(),
        "sharpened": w_t[0, 0].numpy(),
    },
    beta=8.0,
    gate=0.9,
    gamma=3.0,
)

# %% [markdown]
# ## Explore: the addressing explorer
#
# Every parameter of one head on a slider, on a 16-location memory. The top row shows the key
# beside the memory (each column is a location), the cosine similarity of the key with every
# row, the previous weighting and the shift distribution (the three $s$ sliders are
# normalised to sum to 1). The bottom row shows the four stages; each redraw is one call of
# `address` above. Things to try:
#
# 1. **Content lookup.** $g = 1$, $s(0) = 1$: only the content matters. Slide $\beta$ from 0.1
#    to 100 and watch the weighting go from uniform to one-hot on row 3.
# 2. **Iteration.** $g = 0$, $s(+1) = 1$: the content is ignored and the focus moves from the
#    previous focus to the next location. Move *previous focus* to the last location: it wraps.
# 3. **Blur and sharpen.** Set $s(-1) = s(0) = s(+1)$ and $\gamma = 1$: the focus smears over
#    three locations. Raise $\gamma$ until it is sharp again.
# 4. **Ambiguous content.** Memory *repeats every 4 rows*: the key matches four locations
#    equally. Can any $\beta$ or $\gamma$ pick one? What does $g < 1$ do?
# 5. **A blank memory.** *all rows equal*: content addressing is uniform whatever the key,
#    so only location addressing can focus the head. (This is why the NTM starts its heads
#    focused on location 0, see notebook 04.)
# 6. **The opposite key** has similarity $-1$ with row 3. Which location wins, and why does
#    the softmax never give exactly 0?

# %%
widgets.addressing_explorer()

# %% [markdown]
# ## Summary
#
# - **Content** (eqs. 5-6): cosine similarity with every row, softmax with strength $\beta$.
#   Finds data by what it is; $\beta$ sets how decisive the lookup is.
# - **Interpolation** (eq. 7): $g$ chooses between the content lookup and the previous
#   weighting; $g = 0$ lets a head ignore content and iterate.
# - **Shift** (eq. 8): circular convolution with $\mathbf{s}$ over shifts $-R..R$; $s(+1) = 1$
#   moves the focus from $i$ to $i+1$. conv1d is a cross-correlation: flip the kernel.
# - **Sharpen** (eq. 9): power $\gamma \ge 1$ and renormalise, undoing the shift's blur
#   without moving the argmax.
# - All normalisations run over the **locations**, never over the batch or the heads.
# - Next, [04 · The NTM](04_ntm.ipynb): the controller that emits these parameters.
#
# ## Exercises
#
# **1. Circular shift.** Implement eq. 8: `shift(w, s)` with w `(B, H, N)` and s
# `(B, H, 2R+1)` ordered for shifts $-R..R$. Hint: `torch.roll(w, k, dims=-1)` moves every
# entry from $i$ to $i + k$ (with wrap-around).


# %% tags=["exercise"]
def shift(w, s):
    raise NotImplementedError("sum over k in -R..R of s(k) times w rolled by k")


# %% tags=["solution"]
def shift(w, s):
    R = s.shape[-1] // 2
    shifted = torch.zeros_like(w)
    for k in range(-R, R + 1):
        # s[..., k + R] is s(k): the probability of moving by k; keep its head axis for broadcasting
        shifted = shifted + s[..., k + R, None] * torch.roll(w, shifts=k, dims=-1)
    return shifted


# %%
check_shift(shift)

# %% [markdown]
# **2. Sharpening.** Implement eq. 9: `sharpen(w, gamma)` with w `(B, H, N)` and gamma
# `(B, H)`. The plain formula is fine here (the check uses float64 and moderate $\gamma$).


# %% tags=["exercise"]
def sharpen(w, gamma):
    raise NotImplementedError("raise to the power gamma, then renormalise over the locations")


# %% tags=["solution"]
def sharpen(w, gamma):
    powered = w ** gamma.unsqueeze(-1)  # (B, H, N)
    return powered / powered.sum(dim=-1, keepdim=True)


# %%
check_sharpen(sharpen)

# %% [markdown]
# **3. Content weighting.** Implement eqs. 5-6: `content_weighting(memory, key, beta)` with
# memory `(B, N, M)`, key `(B, H, M)` and beta `(B, H)`, returning `(B, H, N)`. Which axis
# does the softmax run over?


# %% tags=["exercise"]
def content_weighting(memory, key, beta):
    raise NotImplementedError("cosine similarity of each key with each row, then a softmax")


# %% tags=["solution"]
def content_weighting(memory, key, beta):
    dot = key @ memory.transpose(1, 2)  # (B, H, N)
    norms = key.norm(dim=-1, keepdim=True) * memory.norm(dim=-1).unsqueeze(1)  # (B, H, N)
    return torch.softmax(beta.unsqueeze(-1) * dot / norms, dim=-1)


# %%
check_content_weighting(content_weighting)

# %% [markdown]
# **4. (Think.)** A head with $g = 0$ and $\mathbf{s} = (0.1, 0.1, 0.8)$ steps forward for ten
# steps with $\gamma = 1$. Where is its weight after ten steps, and how spread out? What is
# the smallest constant $\gamma$ that keeps it focused? (Try it with the package's `shift`
# and `sharpen` in a loop.)
