"""Can the feed-forward NTM learn dynamic N-grams one context bit at a time?

The shipped `ngrams_ntm_ff.pt` stalls ~43 bits above the optimum on 5-bit contexts. This
script trains the same model (the `ngrams_ntm_ff` recipe's: feed-forward controller 100,
1R/1W, 256 learned locations; `torch.manual_seed(0)` before it is built) in **stages**, each
one `train` call (a fresh Adam, batches of 16, element-wise clip 10, compiled step, data seed
= the stage's index) on `NGramsTask(context=k)`:

    python benchmarks/ngrams_curriculum.py --out /tmp/ngc 1:1500:5e-4 1:3000:2e-4 \\
        2:2500:2e-4 2:5000:2e-4 3:5000:2e-4

Each stage is CONTEXT:STEPS:LR. After each stage it saves ``stage<i>_c<k>.pt`` under `--out`
and prints the held-out cost (300 sequences, seed 2014) against the optimal estimator
(eq. 10) for contexts 1-5. Finished stages are loaded, not retrained, and an interrupted stage
(``.part``, saved every 500 steps) resumes, so the same command continues a run; a later
stage list may extend an earlier one. `Curriculum(field="context", every=..., fixed=True)`
does the same inside one `train` call, without the fresh optimizer and the per-stage rates.
`--guard` adds the collapse guard to every stage (`GUARD`: a held-out cost 6 bits above the
best restores the best state at half the rate).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ntm_edu.tasks.ngrams import NGramsTask, ngram_cost_bits, optimal_probabilities  # noqa: E402
from ntm_edu.training import train  # noqa: E402
from ntm_edu.training.checkpoints import load_checkpoint, save_checkpoint  # noqa: E402
from ntm_edu.training.config import build_model  # noqa: E402
from ntm_edu.training.pretrained import PRETRAINED_RECIPES  # noqa: E402

HELD_OUT, HELD_OUT_SEED = 300, 2014
# The shipped FF recipe's guard without its settling (which is tuned to 5-bit costs).
GUARD = dict(every=200, sequences=160, batch_size=16, ratio=1.0, margin=6.0, factor=0.5)


def parse_stage(text: str) -> tuple[int, int, float]:
    try:
        context, steps, lr = text.split(":")
        return int(context), int(steps), float(lr)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a stage is CONTEXT:STEPS:LR, got {text!r}") from None


def held_out(model: torch.nn.Module, context: int) -> tuple[float, float]:
    """(model, optimum) mean bits per sequence on the held-out sequences of `context` bits."""
    batch = NGramsTask(context=context).sample(
        HELD_OUT, torch.Generator().manual_seed(HELD_OUT_SEED)
    )
    bits = batch.targets[..., 0]  # (B, T)
    with torch.no_grad():
        p = torch.sigmoid(model(batch.inputs))[..., 0]  # (B, T)
    optimum = ngram_cost_bits(optimal_probabilities(bits, context=context), bits)  # (B,)
    return float(ngram_cost_bits(p, bits).mean()), float(optimum.mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stages", nargs="+", type=parse_stage, help="CONTEXT:STEPS:LR ...")
    parser.add_argument("--out", type=Path, required=True, help="folder for the stage files")
    parser.add_argument("--guard", action="store_true", help="a collapse guard in every stage")
    args = parser.parse_args()
    torch.set_num_threads(1)
    args.out.mkdir(parents=True, exist_ok=True)
    model_kwargs = PRETRAINED_RECIPES["ngrams_ntm_ff"]["model_kwargs"]

    model = None
    for i, (context, steps, lr) in enumerate(args.stages):
        task = NGramsTask(context=context)
        finished = args.out / f"stage{i}_c{context}.pt"
        if finished.exists():
            model = load_checkpoint(finished).model
            print(f"stage {i}: loaded {finished}", flush=True)
            continue
        part, history = finished.with_suffix(".part"), None
        if part.exists():
            saved = load_checkpoint(part)
            model, history = saved.model, saved.history
        if model is None:
            torch.manual_seed(0)
            model = build_model("ntm_ff", task, **model_kwargs)
        done = history.step if history is not None else 0
        start = time.perf_counter()
        history = train(model, task, steps - done, history=history, batch_size=16, lr=lr,
                        clip=10.0, optimizer="adam", seed=i, progress=False, compile=True,
                        log_every=100, checkpoint_path=part, checkpoint_every=500,
                        guard=GUARD if args.guard else None)  # fmt: skip
        save_checkpoint(finished, model, task, history)
        part.unlink(missing_ok=True)
        print(f"stage {i}: context {context}, {steps} steps at {lr:g} "
              f"({time.perf_counter() - start:.0f} s), saved {finished}", flush=True)  # fmt: skip
        print("  held-out bits per sequence\n  context   model  optimum     gap", flush=True)
        for k in range(1, 6):
            cost, optimum = held_out(model, k)
            print(f"  {k:>7}  {cost:6.2f}  {optimum:7.2f}  {cost - optimum:+6.2f}", flush=True)


if __name__ == "__main__":
    main()
