# %% [markdown]
# # 10 · Priority sort: writing by priority, reading in order
#
# **Can the NTM learn to sort?** Twenty random vectors arrive, each with a priority drawn
# uniformly from $[-1, 1]$; after a delimiter the network must emit the 16 with the highest
# priorities, highest first
# ([Graves et al. 2014](https://arxiv.org/abs/1410.5401), §4.5, Figs. 16-18). The paper's
# NTM did not compare and swap: it **wrote each vector at a location that is roughly a linear
# function of its priority**, then read the locations in order (Fig. 17). It beat the LSTM
# clearly (about 18-20 against 58 bits per sequence after a million sequences).
#
# This is the hardest of the paper's tasks for a CPU budget; this notebook shows what our
# small budget buys, honestly: the task, the costs of an NTM and an LSTM trained on the same
# number of sequences, and whether the write-by-priority strategy appears.

# %%
# %matplotlib inline
import ntm_edu

ntm_edu.setup_notebook(seed=0)

import numpy as np
import torch

from ntm_edu import viz, widgets
from ntm_edu.exercises import check_sort_targets

# %% [markdown]
# ## The task and its targets
#
# Whole vectors move together: output step $j$ must be the input vector with the $j$-th
# highest priority. One episode, drawn in arrival order (the bars are the priorities), and
# its target (the 16 highest, highest first):

# %%
task = ntm_edu.make_task("priority_sort")
episode = task.sample(1, torch.Generator().manual_seed(0))
n_in, n_out, width = (task.config[k] for k in ("num_inputs", "num_outputs", "width"))
vectors = episode.inputs[0, :n_in, :width]
priorities = episode.info["priorities"][0]
target = episode.targets[0, n_in + 1 :]
order = torch.argsort(priorities, descending=True)[:n_out]
print("input indices in output order:", order.tolist())
print("their priorities:", [round(float(p), 2) for p in priorities[order]])
assert torch.equal(target, vectors[order])  # the target is exactly these rows
viz.plot_sort_episode(vectors.numpy(), priorities.numpy(), target.numpy())

# %% [markdown]
# ## The mechanism the paper found
#
# If the write head could place vector $i$ at location $\ell_i \approx a\,p_i + b$, the memory
# would hold the vectors *sorted*, and the read head would only have to walk through the
# locations one step at a time (the shift of eq. 8). Where can a priority-dependent location
# come from? From content addressing: eq. 5-6 turn the similarity between a key and each row
# into a weighting, and the controller can make the key (and so the location it matches)
# depend on the priority. Whether our model does this is a question for the data: we
# measure each write's location and fit a line against the priority, with its $R^2$.

# %%
ntm_edu.show_source(viz.fit_line)

# %% [markdown]
# ## Trained models
#
# The paper's NTM had 5 read and 5 write heads on a 2 x 100 LSTM controller; one training step
# of that model costs 2.5 times one of an NTM with **2 + 2 heads on a 100-unit controller**
# (measured), which is what the shipped checkpoint uses. The LSTM baseline is the paper's
# 3 x 128. **Honest status:** the CPU budget left for this task bought 600 steps each
# (19,200 sequences, under 2% of the paper's million; 2.5 minutes for the NTM, half a minute
# for the LSTM). These are early-training models. `RETRAIN = True` retrains them.

# %%
RETRAIN = False  # True: train both models from scratch (about 3 minutes on one CPU core)

if RETRAIN:
    import tempfile

    from ntm_edu.training import regenerate_pretrained

    folder = tempfile.mkdtemp()
    print("expected wall time: about 2.5 min (NTM) + 0.5 min (LSTM) on one CPU core")
    regenerate_pretrained(["priority_sort_ntm", "priority_sort_lstm"], folder=folder)
else:
    folder = None
ntm = ntm_edu.load_pretrained("priority_sort", "ntm", folder=folder)
lstm = ntm_edu.load_pretrained("priority_sort", "lstm", folder=folder)
print(ntm)
print(lstm)

# %% [markdown]
# ## Costs (Figs. 16, 18)
#
# Learning curves in bits per sequence (128 scored bits: 16 vectors of 8 bits; guessing ½
# everywhere costs 128 bits), and the final costs on 300 fresh episodes.

# %%
curves = {
    label: (run.history.curve().sequences, run.history.curve().bits_per_sequence)
    for label, run in (("NTM", ntm), ("LSTM", lstm))
}
viz.plot_cost_curves(curves, title="Priority sort: training cost",
                     reference={"paper, 1M sequences: NTM ~18-20": 19.0})  # fmt: skip

# %%
final = {
    label: ntm_edu.evaluate(run.model, run.task, sequences=300, seed=1)
    for label, run in (("NTM", ntm), ("LSTM", lstm))
}
for label, numbers in final.items():
    print(f"{label:5s} {numbers['bits_per_sequence']:6.1f} bits/seq, "
          f"{numbers['bit_errors_per_sequence']:5.1f} bit errors/seq (of 128 bits)")  # fmt: skip

# %% [markdown]
# Both models are barely below chance (128 bits; about 64 wrong bits): the NTM 1.8 bits per
# sequence ahead of the LSTM on the same 19,200 sequences, nowhere near the paper's 18-20
# (NTM) and 58 (LSTM) after a million. The issue asked for the NTM *clearly* below the LSTM;
# at this budget that is not shown: the gap is small, though consistent (the test suite
# checks it on fresh sequences).
#
# ## Where does the NTM write? (Fig. 17)
#
# For one episode we take each write head's weighting at each of the 20 input steps and
# record its peak location, then fit a line of location against priority. The memory is
# circular, so locations are first unwrapped around the head's median location (a write at
# 127 next to writes at 0, 1, 2 counts as -1).

# %%
sort_episode = widgets.episode_arrays(ntm.model, task, seed=4, head=None)
p = np.asarray(sort_episode["info"]["priorities"])
size = sort_episode["write"].shape[-1]


def unwrap(locations, size):
    """Circular locations as integers near their median (so 127 next to 0 becomes -1)."""
    centre = np.median(locations)
    return (locations - centre + size / 2) % size - size / 2 + centre


fits = []
for h in range(sort_episode["write_heads"].shape[1]):
    where = unwrap(sort_episode["write_heads"][:n_in, h].argmax(-1), size)
    slope, intercept, r2 = viz.fit_line(p, where)
    fits.append((r2, h, where))
    print(f"write head {h}: location ~ {slope:6.2f} x priority + {intercept:6.1f}, R^2 = {r2:.2f}")
r2, best, write_at = max(fits, key=lambda fit: fit[0])

# %% [markdown]
# And the reads: at each of the 16 output steps, the peak location of each read head. If the
# model sorts by location, one of them should visit the locations where the highest
# priorities were written, in order.

# %%
answer = np.flatnonzero(sort_episode["mask"])
read_fits = []
for h in range(sort_episode["read_heads"].shape[1]):
    read_at = unwrap(sort_episode["read_heads"][answer, h].argmax(-1), size)
    expected = write_at[np.argsort(-p)[:n_out]]
    hits = int(np.sum(np.abs(read_at - expected) < 0.5))
    read_fits.append((hits, h, read_at))
    print(
        f"read head {h}: reads the location of the j-th highest priority at {hits} of {n_out} steps"
    )
hits, read_head, read_at = max(read_fits, key=lambda fit: fit[0])
viz.plot_write_vs_priority(p, write_at, read_at,
                           title=f"write head {best} against priority; read head {read_head}")  # fmt: skip

# %% [markdown]
# No write-by-priority yet: the write heads put almost every vector on the same one or two
# locations ($R^2$ near 0: location does not follow priority), so the memory holds a blur,
# not a sorted list, and the read "matches" counted above only mean that the read head sits
# where everything was written. The paper's Fig. 17 (a clean line, reads stepping through it)
# is what a trained model would show here; getting there needs the long run (hundreds of
# thousands of sequences) that a CPU budget of a few minutes cannot buy.
#
# **Explore.** Move through the output steps: the circle on the left marks the input with
# the $j$-th highest priority (where it was written), the circle on the right where the read
# head looked at output step $j$.

# %%
widgets.sort_explorer(p, write_at, read_at)

# %% [markdown]
# The outputs of both models on the same episode, under the target:

# %%
lstm_episode = widgets.episode_arrays(lstm.model, task, seed=4)
viz.plot_prediction(sort_episode["targets"], {"NTM": sort_episode["outputs"],
                    "LSTM": lstm_episode["outputs"]}, sort_episode["mask"],
                    title=f"bit errors: NTM {sort_episode['bit_errors']:.0f}, "
                          f"LSTM {lstm_episode['bit_errors']:.0f}")  # fmt: skip

# %% [markdown]
# ## Summary
#
# - Priority sort: output the 16 highest-priority of 20 vectors, highest first. The target is
#   an argsort of the priorities followed by a gather of whole rows.
# - The paper's NTM sorts by *writing* each vector at a location linear in its priority and
#   reading the locations in order (Fig. 17); we measure this with a line fit and its $R^2$.
# - Status: our NTM (2 + 2 heads, 100-unit controller) and LSTM (3 x 128) saw 19,200
#   sequences each and are just below chance: 123.4 and 125.2 bits per sequence (chance 128;
#   paper at 1M sequences: ~18-20 and ~58). No priority-ordered writing has appeared yet
#   ($R^2$ = 0.11). This is the hardest task for a CPU; the recipe, notebook and figures are
#   ready for a model trained longer (raise `steps` in `PRETRAINED_RECIPES`, or use a GPU).
#
# ## Exercise
#
# **Compute the sort target.** Write `sort_targets(vectors, priorities, num_outputs)`:
# `vectors` (B, n, W), `priorities` (B, n); return the (B, num_outputs, W) target, the
# `num_outputs` vectors with the highest priorities, highest first. Move whole rows (a
# column-wise sort would mix bits of different vectors).


# %% tags=["exercise"]
def sort_targets(vectors, priorities, num_outputs):
    raise NotImplementedError("argsort the priorities (descending) and gather whole rows")


# %% tags=["solution"]
def sort_targets(vectors, priorities, num_outputs):
    order = torch.argsort(priorities, dim=1, descending=True)[:, :num_outputs]
    return torch.stack([v[o] for v, o in zip(vectors, order, strict=True)])


# %%
check_sort_targets(sort_targets)
