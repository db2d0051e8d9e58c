"""The fast path: the NTM's own `step`, compiled with `torch.compile`, for training.

Nothing is re-implemented here. `torch.compile` (TorchDynamo + Inductor) traces the readable
`NTM.step` of `ntm.py` into one graph and generates fused kernels for it (C++ on the CPU,
Triton on CUDA); autograd gets one compiled backward for the whole step. Only the step is
compiled: the Python loop over time in `NTM.forward` stays, so a new sequence length never
recompiles, and compiling a whole unrolled episode (minutes, one graph per length) is avoided.

Where it is used and where not:

* Only for steps that record gradients and are not traced (training). Inference (probe
  snapshots, `evaluate`, traces for the widgets) runs the same `step` eagerly: it is a small
  share of the time, and every new batch size would cost another compile.
* Shapes are static (`dynamic=False`): one graph per training batch size. Measured on the copy
  configuration (benchmarks/README.md), static graphs were faster than a dynamic batch axis.
  Every step's inputs are made contiguous first, because `inputs[:, t]` and the broadcast
  initial state have strides that would otherwise give each sequence length its own graph.
  The first step of an episode gets a second graph: its state (the constant initial memory)
  does not require gradients.
* The first training step pays the compile: about 20-40 s on one CPU core with an empty
  Inductor cache, a few seconds with a warm one (TORCHINDUCTOR_CACHE_DIR).

`compile_problem(device)` says why compiling cannot work here (no C++ compiler, no Triton);
`use_compiled_step` then falls back to the eager step with a one-line message.

Taught in `notebooks/05_training_copy`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

__all__ = ["CompiledStep", "compile_problem", "use_compiled_step"]

# Graphs the compiled step may keep: enough for 16 batch sizes (see `CompiledStep`).
_RECOMPILE_LIMIT = 32


def compile_problem(device: str | torch.device = "cpu") -> str | None:
    """Why `torch.compile` cannot run on `device` here, or None when it can.

    On the CPU, Inductor writes C++ and needs a compiler (``g++``, or ``$CXX``); on CUDA it
    writes Triton kernels. Other devices (e.g. MPS) are not used with it.
    """
    device = torch.device(device)
    if device.type == "cpu":
        try:
            from torch._inductor.cpp_builder import get_cpp_compiler

            get_cpp_compiler()
        except Exception as error:  # InvalidCxxCompiler, or an Inductor without this helper
            detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
            return "no working C++ compiler was found" + (f" ({detail})" if detail else "")
        return None
    if device.type == "cuda":
        from torch.utils._triton import has_triton

        return None if has_triton() else "Triton is not installed"
    return f"it is not used on {device.type} devices"


def _contiguous(structure: Any) -> Any:
    """Every tensor in nested (named) tuples made contiguous, the structure kept."""
    if isinstance(structure, torch.Tensor):
        return structure.contiguous()
    if hasattr(structure, "_fields"):  # a NamedTuple
        return type(structure)(*(_contiguous(x) for x in structure))
    return tuple(_contiguous(x) for x in structure)


class CompiledStep:
    """`model.step`, compiled, without the tracing details: (x, prev) -> (logits, state, None).

    Dropping the `StepDetails` output matters: a compiled graph must materialise every output
    it returns and the backward graph then takes a gradient for each, so returning the
    addressing stages that only a `Trace` needs made the compiled step slower.

    Args:
        model: a module with ``step(x, prev) -> (logits, state, details)`` (an `NTM`).
    """

    def __init__(self, model: nn.Module):
        step = model.step

        def step_without_details(x: torch.Tensor, prev: Any) -> tuple[torch.Tensor, Any]:
            logits, state, _ = step(x, prev)
            return logits, state

        # Two graphs per training batch size (the first step of an episode, and the others),
        # all kept on the one code object of `step`: past Dynamo's recompile limit (8 by
        # default) a fourth or fifth batch size would fall back to eager with a warning, as
        # when a notebook or a benchmark trains one model at batch 1, 32 and 128.
        dynamo_config = torch._dynamo.config
        dynamo_config.recompile_limit = max(dynamo_config.recompile_limit, _RECOMPILE_LIMIT)
        self._compiled = torch.compile(step_without_details, dynamic=False)

    def __call__(self, x: torch.Tensor, prev: Any) -> tuple[torch.Tensor, Any, None]:
        # A copy in standard layout: at batch 1, `inputs[:, t]` counts as contiguous but keeps
        # the stride of the whole sequence, T * I, so each length would compile a graph of its
        # own (measured: the recompile limit reached at batch 1).
        x = x.clone(memory_format=torch.contiguous_format)
        logits, state = self._compiled(x, _contiguous(prev))
        return logits, state, None


def use_compiled_step(
    model: nn.Module,
    enabled: bool,
    device: str | torch.device = "cpu",
    log: Callable[[str], Any] | None = None,
) -> bool:
    """Let `model` train with a compiled step (`enabled`) or with its plain step.

    A model opts in with a `compiled_step` attribute that its forward uses for untraced steps
    with gradients (`NTM` does); others (the LSTM baseline, whose `nn.LSTM` is already one
    fused kernel per layer) train eagerly. When compiling is not possible on `device`, the
    model trains eagerly and `log` (default: print to stderr) gets one line saying why.

    Returns:
        whether the model now uses a compiled step.
    """
    if not hasattr(model, "compiled_step"):
        if enabled:
            _say(log, f"compile: {type(model).__name__} has no step to compile; training eagerly")
        return False
    if not enabled:
        model.compiled_step = None
        return False
    problem = compile_problem(device)
    if problem is not None:
        model.compiled_step = None
        _say(log, f"compile: torch.compile is unavailable ({problem}); training eagerly")
        return False
    if not isinstance(model.compiled_step, CompiledStep):
        model.compiled_step = CompiledStep(model)
    return True


def _say(log: Callable[[str], Any] | None, line: str) -> None:
    if log is None:
        print(line, file=sys.stderr, flush=True)
    else:
        log(line)
