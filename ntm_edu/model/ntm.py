"""The Neural Turing Machine: a controller, heads and a memory, stepped through time (Fig. 1).

Neural Turing Machines, Graves, Wayne & Danihelka 2014, https://arxiv.org/abs/1410.5401

One time step, as in the paper's Fig. 1:

    controller   h_t = controller([x_t, r_{t-1}], state)       sees the input and last reads
    heads        k, beta, g, s, gamma, e, a = heads(h_t)       one linear layer, §3
    addressing   w_t = address(M_{t-1}, k, beta, g, s, gamma, w_{t-1})   all heads at once
    read         r_t = read(M_{t-1}, w^r_t)                    (read_after_write: M_t)
    write        M_t = write(M_{t-1}, w^w_t, e_t, a_t)
    output       y_t = W [h_t, r_t] + b                         logits; the loss applies sigmoid

Order of read and write. The paper does not fix it, and public code does both. Here every
head addresses the memory as it was at the end of the previous step, M_{t-1}; the read
heads read it, then the write heads update it (pytorch-ntm's order). What is written at
step t can thus be read from step t + 1 on. The gain is speed: read and write heads look at
the same memory, so one batched `address` call serves them all instead of two (about a
third fewer operations per step; see benchmarks/README.md).

`read_after_write=True` keeps that one addressing call but reads M_t, after this step's
write, as eq. (2) literally says. It matters for a feed-forward controller, whose only memory
of the past is what it reads. Reading M_{t-1}, what it writes at step t reaches its reads at
t + 1 and its input at t + 2: at step t, x_{t-1} shows only in *where* the last read landed.
Reading M_t, what it wrote at t is in r_t, fed back at t + 1, so the memory can carry a state
from one step to the next (pretrained README: the N-gram NTM-FF, tried both ways).

Episode state. Everything dynamic (`NTMState`) is reset at the start of every `forward` to
bias values, as the paper does for every new sequence: the memory to a constant 1e-6 by
default (Collier & Beel 2018 found it trained best), the read vectors and head weightings
to learned values, the controller to its learned initial state. The learned weightings
start focused on location 0: with identical memory rows and a *uniform* weighting, every
stage of addressing keeps the weighting uniform and the heads could never focus.

Taught in `notebooks/04_ntm`.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import torch
from torch import nn

from ntm_edu._checks import check_int_range
from ntm_edu.model.addressing import AddressingStages, address_with_stages
from ntm_edu.model.checks import check_inputs
from ntm_edu.model.controller import CONTROLLERS, StackedController
from ntm_edu.model.heads import HeadParams, Heads
from ntm_edu.model.memory import read, write
from ntm_edu.model.trace import Trace, TracedParams, TracedStages, split_heads, stack_time

__all__ = ["MEMORY_INITS", "NTM", "NTMState", "Trace"]

# The initial weighting logits put this much more on location 0 than elsewhere:
# softmax gives w_0(0) = e^10 / (e^10 + N - 1), about 0.994 for N = 128.
_FOCUS_LOGIT = 10.0


def _constant_memory(num_locations: int, width: int) -> torch.Tensor:
    """Every cell 1e-6: small enough not to disturb reads, not zero.

    All-zero memory would make the cosine similarity of content addressing (eq. 6) divide by
    a zero norm: the classic source of NaNs in public NTM code.
    """
    return torch.full((num_locations, width), 1e-6)


def _random_memory(num_locations: int, width: int) -> torch.Tensor:
    """Uniform in +-1/sqrt(N + M), a fixed random bias like pytorch-ntm's."""
    bound = 1 / math.sqrt(num_locations + width)
    return torch.empty(num_locations, width).uniform_(-bound, bound)


# name -> (initial values, learned?). "random" is fixed at construction (a buffer, saved with
# the weights); "learned" starts from the same values and is trained.
MEMORY_INITS = {
    "constant": (_constant_memory, False),
    "random": (_random_memory, False),
    "learned": (_random_memory, True),
}


class NTMState(NamedTuple):
    """The dynamic state carried from one step to the next."""

    memory: torch.Tensor  # M_t [B, N, M]
    read_weights: torch.Tensor  # w^r_t [B, Hr, N]
    write_weights: torch.Tensor  # w^w_t [B, Hw, N]
    reads: torch.Tensor  # r_t [B, Hr, M], fed to the controller at the next step
    controller: tuple  # the controller's own state ((h, c), (), or one per layer of a stack)


class StepDetails(NamedTuple):
    """What a step computed on the way, kept only for the `Trace`."""

    heads: HeadParams
    stages: AddressingStages  # of all Hr + Hw heads, read heads first


def _build_trace(
    states: list[NTMState], details: list[StepDetails], num_read: int, with_memory: bool
) -> Trace:
    """Turn the detached per-step states and details of a forward pass into a `Trace`."""
    read_params, write_params = split_heads(
        [d.heads.addressing for d in details], num_read, TracedParams
    )
    read_stages, write_stages = split_heads([d.stages for d in details], num_read, TracedStages)
    return Trace(
        read_weights=stack_time([s.read_weights for s in states]),  # (B, T, Hr, N)
        write_weights=stack_time([s.write_weights for s in states]),  # (B, T, Hw, N)
        reads=stack_time([s.reads for s in states]),  # (B, T, Hr, M)
        erase=stack_time([d.heads.erase for d in details]),  # (B, T, Hw, M)
        add=stack_time([d.heads.add for d in details]),  # (B, T, Hw, M)
        read_params=read_params,
        write_params=write_params,
        read_stages=read_stages,
        write_stages=write_stages,
        memory=stack_time([s.memory for s in states]) if with_memory else None,  # (B, T, N, M)
    )


class NTM(nn.Module):
    """A Neural Turing Machine with Hr read heads, Hw write heads and an N x M memory.

    Args:
        input_size:       I, channels of the external input.
        output_size:      O, channels of the output (logits).
        controller:       "lstm" or "feedforward" (see `controller.CONTROLLERS`).
        controller_size:  C, hidden units of the controller (paper: 100 for copy).
        controller_layers: L, controller layers of C units each (paper: 1; 2 for the LSTM
                          controller on priority sort, its "2 x 100").
        read_heads:       Hr, number of read heads.
        write_heads:      Hw, number of write heads.
        memory_locations: N, rows of the memory (paper: 128).
        memory_width:     M, width of a row (paper: 20).
        shift_range:      R, shifts -R..+R are allowed (paper: 1, i.e. S = 3).
        memory_init:      "constant" (1e-6), "random" (fixed) or "learned" initial memory.
        clip_head_params: clip raw head parameters to +-this (None or 0: no clipping).
        read_after_write: read the memory after this step's write (M_t) instead of before
                          it (M_{t-1}); see the module docstring.

    `forward(inputs)` returns logits [B, T, O]; `forward_with_trace(inputs)` returns the logits
    and a `Trace` of everything the heads did.

    Taught in `notebooks/04_ntm`.
    """

    def __init__(
        self,
        input_size: int,
        output_size: int,
        controller: str = "lstm",
        controller_size: int = 100,
        controller_layers: int = 1,
        read_heads: int = 1,
        write_heads: int = 1,
        memory_locations: int = 128,
        memory_width: int = 20,
        shift_range: int = 1,
        memory_init: str = "constant",
        clip_head_params: float | None = 20.0,
        read_after_write: bool = False,
    ):
        super().__init__()
        if controller not in CONTROLLERS:
            raise ValueError(f"controller must be one of {sorted(CONTROLLERS)}, got {controller!r}")
        if memory_init not in MEMORY_INITS:
            raise ValueError(
                f"memory_init must be one of {sorted(MEMORY_INITS)}, got {memory_init!r}"
            )
        if not isinstance(read_after_write, bool):
            raise ValueError(f"read_after_write must be True or False, got {read_after_write!r}")
        if clip_head_params is not None and not clip_head_params >= 0:
            raise ValueError(f"clip_head_params must be None or >= 0, got {clip_head_params!r}")
        N = check_int_range("memory_locations", memory_locations, 1)
        self._config = dict(
            input_size=check_int_range("input_size", input_size, 1),
            output_size=check_int_range("output_size", output_size, 1),
            controller=controller,
            controller_size=check_int_range("controller_size", controller_size, 1),
            controller_layers=check_int_range("controller_layers", controller_layers, 1),
            read_heads=check_int_range("read_heads", read_heads, 1),
            write_heads=check_int_range("write_heads", write_heads, 1),
            memory_locations=N,
            memory_width=check_int_range("memory_width", memory_width, 1),
            # The 2R + 1 shifts must fit in the memory, or a shift would wrap onto itself.
            shift_range=check_int_range("shift_range", shift_range, 0, (N - 1) // 2),
            memory_init=memory_init,
            clip_head_params=None if clip_head_params is None else float(clip_head_params),
            read_after_write=read_after_write,
        )
        I, O, C = self._config["input_size"], output_size, controller_size
        Hr, Hw, M = read_heads, write_heads, memory_width

        make_layer = CONTROLLERS[controller]
        if controller_layers == 1:
            self.controller = make_layer(I + Hr * M, C)
        else:  # the heads and the output read the top layer
            upper = [make_layer(C, C) for _ in range(controller_layers - 1)]
            self.controller = StackedController([make_layer(I + Hr * M, C), *upper])
        self.heads = Heads(C, Hr, Hw, M, 2 * shift_range + 1, clip=clip_head_params)
        self.output = nn.Linear(C + Hr * M, O)

        # Bias values the episode state is reset to.
        make_memory, learned = MEMORY_INITS[memory_init]
        if learned:
            self.initial_memory = nn.Parameter(make_memory(N, M))  # M_0 [N, M]
        else:
            self.register_buffer("initial_memory", make_memory(N, M))  # M_0 [N, M]
        self.initial_reads = nn.Parameter(torch.zeros(Hr, M))  # r_0 [Hr, M]
        focused = torch.zeros(N)
        focused[0] = _FOCUS_LOGIT
        self.initial_read_logits = nn.Parameter(focused.repeat(Hr, 1))  # [Hr, N]
        self.initial_write_logits = nn.Parameter(focused.repeat(Hw, 1))  # [Hw, N]
        # The same `step` compiled with torch.compile, for training steps (set by
        # `compiled.use_compiled_step`, e.g. through ``train(..., compile=True)``); None: eager.
        self.compiled_step = None

    @property
    def config(self) -> dict[str, Any]:
        """The constructor arguments as plain values: `NTM(**model.config)` rebuilds it."""
        return dict(self._config)

    def with_memory_locations(self, memory_locations: int) -> NTM:
        """The same trained NTM with a memory of `memory_locations` rows, as a new module.

        Nothing the controller or the heads compute has N in its shape: keys and reads are M
        wide, shifts 2R + 1. Only the episode's bias values do, so those are what change:

        - initial memory: rows kept up to the new N. New rows of a learned memory get the
          mean of its learned rows (no row the heads have learned to find by content is
          copied); a constant or random memory gets its usual values there.
        - initial weightings: unchanged on the kept locations; the new ones get no weight
          (a logit of -1e4), so every head starts where it did.

        The original is not changed (the copy holds its own tensors). Notebook 09 runs the
        N-gram NTM, trained with 256 rows, with fewer and with more.

        Raises:
            ValueError: `memory_locations` < 1, or too few for the 2R + 1 shifts.
        """
        config = {**self._config, "memory_locations": memory_locations}
        with torch.random.fork_rng(devices=[]):  # the throwaway init leaves the RNG alone
            bigger = NTM(**config)  # checks the new size
        N_old, N_new = self._config["memory_locations"], bigger._config["memory_locations"]
        keep = min(N_old, N_new)
        state = {k: v.detach().clone() for k, v in self.state_dict().items()}
        memory = bigger.initial_memory.detach().clone()  # [N_new, M], the init's own values
        memory[:keep] = state["initial_memory"][:keep]
        if isinstance(self.initial_memory, nn.Parameter) and N_new > N_old:
            memory[N_old:] = state["initial_memory"].mean(0)  # the average learned row
        state["initial_memory"] = memory
        for name in ("initial_read_logits", "initial_write_logits"):
            logits = torch.full((state[name].shape[0], N_new), -1e4)  # [H, N_new]
            logits[:, :keep] = state[name][:, :keep]
            state[name] = logits
        bigger.load_state_dict(state)
        reference = self.initial_reads
        return bigger.to(device=reference.device, dtype=reference.dtype).train(self.training)

    def initial_state(self, batch_size: int) -> NTMState:
        """The state at the start of an episode: the learned / constant bias values."""
        B = batch_size
        return NTMState(
            memory=self.initial_memory.expand(B, -1, -1),  # (B, N, M)
            read_weights=torch.softmax(self.initial_read_logits, -1).expand(
                B, -1, -1
            ),  # (B, Hr, N)
            write_weights=torch.softmax(self.initial_write_logits, -1).expand(
                B, -1, -1
            ),  # (B, Hw, N)
            reads=self.initial_reads.expand(B, -1, -1),  # (B, Hr, M)
            controller=self.controller.initial_state(B),
        )

    def step(self, x: torch.Tensor, prev: NTMState) -> tuple[torch.Tensor, NTMState, StepDetails]:
        """One time step of Fig. 1.

        Args:
            x:    [B, I] the input at this step.
            prev: the state after the previous step.
        Returns:
            logits [B, O], the new `NTMState`, and the `StepDetails` for tracing.
        """
        Hr, Hw = self._config["read_heads"], self._config["write_heads"]
        controller_input = torch.cat([x, prev.reads.flatten(1)], dim=-1)  # (B, I + Hr*M)
        h, controller_state = self.controller(controller_input, prev.controller)  # (B, C)
        heads = self.heads(h)
        prev_weights = torch.cat([prev.read_weights, prev.write_weights], dim=1)  # (B, Hr+Hw, N)
        weights, stages = address_with_stages(
            prev.memory, *heads.addressing, prev_weights
        )  # (B, Hr+Hw, N)
        read_weights, write_weights = weights.split([Hr, Hw], dim=1)  # (B, Hr, N), (B, Hw, N)
        memory = write(prev.memory, write_weights, heads.erase, heads.add)  # (B, N, M)
        read_from = memory if self._config["read_after_write"] else prev.memory
        reads = read(read_from, read_weights)  # (B, Hr, M)
        logits = self.output(torch.cat([h, reads.flatten(1)], dim=-1))  # (B, O)
        state = NTMState(memory, read_weights, write_weights, reads, controller_state)
        return logits, state, StepDetails(heads, stages)

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Run whole episodes from the reset state.

        Args:
            inputs: [B, T, I] input sequences (on the model's device, in its dtype).
        Returns:
            logits [B, T, O].
        """
        check_inputs(self, inputs, self._config["input_size"])
        B, T, _ = inputs.shape
        state = self.initial_state(B)
        # The compiled step serves training steps; inference runs the eager one.
        fast = self.compiled_step is not None and torch.is_grad_enabled()
        step = self.compiled_step if fast else self.step
        outputs = []
        for t in range(T):
            logits, state, _ = step(inputs[:, t], state)  # (B, O)
            outputs.append(logits)
        return torch.stack(outputs, dim=1)  # (B, T, O)

    def forward_with_trace(
        self, inputs: torch.Tensor, with_memory: bool = False
    ) -> tuple[torch.Tensor, Trace]:
        """Run whole episodes like `forward` and record what the heads did.

        Args:
            inputs:      [B, T, I] input sequences (on the model's device, in its dtype).
            with_memory: include the memory after every step in the trace ([B, T, N, M]).
        Returns:
            logits [B, T, O] and the `Trace` of the episodes (detached, CPU, float32).
        """
        check_inputs(self, inputs, self._config["input_size"])
        B, T, _ = inputs.shape
        state = self.initial_state(B)
        outputs, states, details = [], [], []
        for t in range(T):
            # Always the eager step: a compiled step returns no details.
            logits, state, step_details = self.step(inputs[:, t], state)  # (B, O)
            outputs.append(logits)
            states.append(_detach(state))
            details.append(_detach(step_details))
        trace = _build_trace(states, details, self._config["read_heads"], with_memory)
        return torch.stack(outputs, dim=1), trace  # (B, T, O), Trace


def _detach(structure: Any) -> Any:
    """Detach every tensor in nested (named) tuples, keeping the structure."""
    if isinstance(structure, torch.Tensor):
        return structure.detach()
    if hasattr(structure, "_fields"):  # a NamedTuple
        return type(structure)(*(_detach(x) for x in structure))
    return tuple(_detach(x) for x in structure)
