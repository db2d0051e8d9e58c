"""Tests of the assembled models: NTM (both controllers) and the LSTM baseline."""

from __future__ import annotations

import json

import pytest
import torch

import ntm_edu
from ntm_edu.model import (
    MODEL_CLASSES,
    NTM,
    LSTMBaseline,
    NTMState,
    Trace,
    TracedParams,
    TracedStages,
    count_parameters,
    supports_trace,
)
from ntm_edu.model.memory import read

# Odd sizes, and different head counts, so that a swapped axis fails.
B, T, I, O = 5, 6, 3, 4
SMALL = dict(controller_size=16, read_heads=2, write_heads=3, memory_locations=11, memory_width=7)
CONTROLLERS = ["lstm", "feedforward"]


def make_ntm(controller="lstm", seed=0, **overrides):
    torch.manual_seed(seed)
    return NTM(I, O, controller=controller, **{**SMALL, **overrides})


def random_inputs(batch=B, steps=T, seed=1, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(batch, steps, I, generator=g).to(dtype)


def test_public_exports():
    assert ntm_edu.NTM is NTM and ntm_edu.LSTMBaseline is LSTMBaseline
    assert ntm_edu.Trace is Trace and ntm_edu.NTMState is NTMState
    assert MODEL_CLASSES == {"NTM": NTM, "LSTMBaseline": LSTMBaseline}
    assert ntm_edu.count_parameters is count_parameters


def test_only_the_ntm_traces_and_forward_returns_only_logits():
    ntm, lstm = make_ntm(), LSTMBaseline(I, O, hidden_size=5, layers=1)
    assert supports_trace(ntm) and not supports_trace(lstm)
    with pytest.raises(TypeError):
        ntm(random_inputs(), trace=True)  # one return type a method: use forward_with_trace


@pytest.mark.parametrize("controller", CONTROLLERS)
class TestNTM:
    def test_logits_shape_and_dtype(self, controller):
        logits = make_ntm(controller)(random_inputs())
        assert logits.shape == (B, T, O) and logits.dtype == torch.float32
        assert torch.isfinite(logits).all()

    def test_trace_shapes(self, controller):
        Hr, Hw, N, M = 2, 3, 11, 7
        logits, trace = make_ntm(controller).forward_with_trace(random_inputs())
        assert isinstance(trace, Trace) and logits.shape == (B, T, O)
        assert trace.read_weights.shape == (B, T, Hr, N)
        assert trace.write_weights.shape == (B, T, Hw, N)
        assert trace.reads.shape == (B, T, Hr, M)
        assert trace.erase.shape == trace.add.shape == (B, T, Hw, M)
        for kind, H in (("read", Hr), ("write", Hw)):
            params = getattr(trace, f"{kind}_params")
            assert isinstance(params, TracedParams)
            assert list(vars(params)) == ["key", "beta", "gate", "shift", "gamma"]
            assert params.key.shape == (B, T, H, M)
            assert params.shift.shape == (B, T, H, 3)
            for name in ("beta", "gate", "gamma"):
                assert getattr(params, name).shape == (B, T, H)
            stages = getattr(trace, f"{kind}_stages")
            assert isinstance(stages, TracedStages)
            assert list(vars(stages)) == ["content", "gated", "shifted"]
            for stage in vars(stages).values():
                assert stage.shape == (B, T, H, N)
        assert trace.memory is None
        assert "B=5, T=6" in repr(trace)  # a short repr, not pages of numbers

    def test_trace_is_detached_cpu_float32_and_consistent(self, controller):
        _, trace = make_ntm(controller).forward_with_trace(random_inputs(), with_memory=True)
        tensors = [trace.read_weights, trace.write_weights, trace.reads, trace.erase, trace.add]
        tensors += [*vars(trace.read_params).values(), *vars(trace.write_stages).values()]
        tensors.append(trace.memory)
        for tensor in tensors:
            assert tensor.device.type == "cpu" and tensor.dtype == torch.float32
            assert not tensor.requires_grad
        assert trace.memory.shape == (B, T, 11, 7)
        for w in (trace.read_weights, trace.write_weights, trace.read_stages.content):
            torch.testing.assert_close(w.sum(-1), torch.ones(w.shape[:-1]))
        # Reads come from the memory *before* the step's write (the documented order).
        model = make_ntm(controller)
        initial = model.initial_memory.expand(B, 1, -1, -1)  # (B, 1, N, M)
        before = torch.cat([initial, trace.memory[:, :-1]], dim=1)  # M_{t-1}: (B, T, N, M)
        expected = read(before.flatten(0, 1), trace.read_weights.flatten(0, 1)).view(B, T, 2, 7)
        torch.testing.assert_close(trace.reads, expected)
        # Addressing parameters respect the paper's constraints.
        for params in (trace.read_params, trace.write_params):
            assert (params.beta > 0).all() and (params.gamma >= 1).all()
            assert ((params.gate > 0) & (params.gate < 1)).all()
            torch.testing.assert_close(params.shift.sum(-1), torch.ones(params.gate.shape))
        assert ((trace.erase > 0) & (trace.erase < 1)).all()

    def test_read_after_write_reads_the_memory_this_step_wrote(self, controller):
        model = make_ntm(controller, read_after_write=True)
        _, trace = model.forward_with_trace(random_inputs(), with_memory=True)
        after = trace.memory  # M_t: (B, T, N, M)
        expected = read(after.flatten(0, 1), trace.read_weights.flatten(0, 1)).view(B, T, 2, 7)
        torch.testing.assert_close(trace.reads, expected)
        assert model.config["read_after_write"] is True
        assert NTM(**model.config).config["read_after_write"] is True

    def test_initial_weightings_are_focused_not_uniform(self, controller):
        # The pitfall of ntm.py's docstring: constant memory + uniform weighting never focus.
        model = make_ntm(controller)
        state = model.initial_state(B)
        assert (state.write_weights.argmax(-1) == 0).all()
        _, trace = model.forward_with_trace(random_inputs())
        N = trace.read_weights.shape[-1]
        for w in (trace.read_weights, trace.write_weights):
            assert (w[:, 0].max(-1).values > 2 / N).all()  # still sharp after the first step
            assert ((w - 1 / N).abs().amax(-1) > 1e-3).all()  # never uniform
        # The pitfall itself: uniform initial weightings on constant memory stay uniform.
        with torch.no_grad():
            model.initial_read_logits.zero_()
            model.initial_write_logits.zero_()
        _, trace = model.forward_with_trace(random_inputs())
        for w in (trace.read_weights, trace.write_weights):
            torch.testing.assert_close(w, torch.full_like(w, 1 / N))

    def test_batch_independence(self, controller):
        model = make_ntm(controller)
        inputs = random_inputs()
        changed = inputs.clone()
        changed[1:] = random_inputs(seed=99)[1:]
        torch.testing.assert_close(model(inputs)[0], model(changed)[0])
        assert not torch.allclose(model(inputs)[1:], model(changed)[1:])

    def test_each_forward_starts_a_fresh_episode(self, controller):
        model = make_ntm(controller)
        inputs = random_inputs()
        first = model(inputs)
        model(random_inputs(seed=7))  # an unrelated episode in between
        torch.testing.assert_close(model(inputs), first, rtol=0, atol=0)

    def test_outputs_depend_on_earlier_inputs(self, controller):
        # Even the feed-forward controller remembers, through memory and reads.
        model = make_ntm(controller)
        inputs = random_inputs()
        changed = inputs.clone()
        changed[:, 0] += 1
        assert not torch.allclose(model(inputs)[:, -1], model(changed)[:, -1])

    def test_every_parameter_gets_a_finite_gradient(self, controller):
        model = make_ntm(controller, memory_init="learned")
        model(random_inputs()).pow(2).mean().backward()
        for name, parameter in model.named_parameters():
            assert parameter.grad is not None, name
            assert torch.isfinite(parameter.grad).all(), name
            assert parameter.grad.abs().sum() > 0, name

    def test_float64(self, controller):
        model = make_ntm(controller).double()
        logits, trace = model.forward_with_trace(random_inputs(dtype=torch.float64))
        assert logits.dtype == torch.float64
        assert trace.read_weights.dtype == torch.float32

    @pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
    def test_cuda_matches_cpu(self, controller):
        model = make_ntm(controller)
        inputs = random_inputs()
        expected = model(inputs)
        logits, trace = model.cuda().forward_with_trace(inputs.cuda(), with_memory=True)
        assert logits.device.type == "cuda" and trace.memory.device.type == "cpu"
        torch.testing.assert_close(logits.cpu(), expected, atol=1e-4, rtol=1e-4)

    def test_config_is_plain_and_rebuilds(self, controller):
        model = make_ntm(controller, memory_init="random", clip_head_params=None)
        config = model.config
        assert json.loads(json.dumps(config)) == config
        assert config["controller"] == controller and config["read_heads"] == 2
        rebuilt = NTM(**config)
        assert count_parameters(rebuilt) == count_parameters(model)
        rebuilt.load_state_dict(model.state_dict())
        inputs = random_inputs()
        torch.testing.assert_close(rebuilt(inputs), model(inputs))


@pytest.mark.parametrize(
    "memory_init, learned", [("constant", False), ("random", False), ("learned", True)]
)
def test_memory_init(memory_init, learned):
    model = make_ntm(memory_init=memory_init)
    names = dict(model.named_parameters())
    assert ("initial_memory" in names) is learned
    assert "initial_memory" in model.state_dict()
    if memory_init == "constant":
        assert torch.all(model.initial_memory == 1e-6)
    else:
        assert model.initial_memory.std() > 0


class TestWithMemoryLocations:
    @pytest.mark.parametrize("memory_init", ["constant", "random", "learned"])
    def test_same_size_is_the_same_model(self, memory_init):
        model = make_ntm(memory_init=memory_init)
        twin = model.with_memory_locations(SMALL["memory_locations"])
        x = random_inputs()
        assert torch.allclose(twin(x), model(x), atol=1e-6)

    def test_more_rows_keep_the_weights_and_the_start(self):
        model = make_ntm(memory_init="learned")
        before = {k: v.clone() for k, v in model.state_dict().items()}
        bigger = model.with_memory_locations(30)
        assert bigger.config == {**model.config, "memory_locations": 30}
        N = SMALL["memory_locations"]
        for name, value in model.state_dict().items():
            assert torch.equal(value, before[name]), name  # the original is untouched
            if "initial" not in name:
                assert torch.equal(bigger.state_dict()[name], value), name
        start = bigger.initial_state(2)
        assert torch.allclose(start.write_weights[..., :N], model.initial_state(2).write_weights)
        assert float(start.write_weights[..., N:].detach().max()) == 0.0  # none start on a new row
        new_rows = bigger.initial_memory[N:]
        assert torch.allclose(new_rows, model.initial_memory.mean(0).expand_as(new_rows))
        assert bigger(random_inputs()).shape == (B, T, O)
        assert bigger.initial_memory.data_ptr() != model.initial_memory.data_ptr()

    def test_constant_memory_stays_constant_and_rows_can_be_dropped(self):
        model = make_ntm()
        assert torch.all(model.with_memory_locations(20).initial_memory == 1e-6)
        smaller = model.with_memory_locations(5)
        assert smaller.initial_read_logits.shape == (SMALL["read_heads"], 5)
        assert smaller(random_inputs()).shape == (B, T, O)

    def test_leaves_the_global_rng_alone_and_checks_the_size(self):
        model = make_ntm()
        torch.manual_seed(3)
        model.with_memory_locations(40)
        after = torch.rand(1)
        torch.manual_seed(3)
        assert torch.equal(torch.rand(1), after)
        with pytest.raises(ValueError, match="memory_locations"):
            model.with_memory_locations(0)
        with pytest.raises(ValueError, match="shift_range"):
            model.with_memory_locations(2)  # shifts -1..1 need 3 rows


def test_head_parameter_clipping():
    model = make_ntm(clip_head_params=0.5)
    with torch.no_grad():
        model.heads.linear.bias.fill_(100.0)
    _, trace = model.forward_with_trace(random_inputs())
    beta = trace.write_params.beta
    torch.testing.assert_close(
        beta, torch.full_like(beta, torch.nn.functional.softplus(torch.tensor(0.5)).item())
    )


@pytest.mark.parametrize("read_after_write", [False, True])
def test_what_a_feedforward_controller_can_see_of_the_last_input(read_after_write):
    """Reading M_{t-1}, x_{t-1} reaches the heads at step t only through *where* the step
    before read; with a constant memory (every row alike) that carries nothing. Reading M_t,
    x_{t-1} comes back in what was just written."""
    model = make_ntm("feedforward", memory_init="constant", read_after_write=read_after_write)
    inputs = random_inputs(steps=2).requires_grad_()
    state = model.initial_state(B)
    _, state, _ = model.step(inputs[:, 0], state)
    _, _, details = model.step(inputs[:, 1], state)
    details.heads.add.sum().backward()  # the write at step 2, a function of h_2
    seen = inputs.grad[:, 0].abs().max()
    assert seen > 1e-4 if read_after_write else seen < 1e-6


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(controller="gru"), "controller"),
        (dict(memory_init="zeros"), "memory_init"),
        (dict(read_heads=0), "read_heads"),
        (dict(controller_layers=0), "controller_layers"),
        (dict(memory_locations=11, shift_range=6), "shift_range"),
        (dict(memory_width=2.5), "memory_width"),
        (dict(clip_head_params=-1.0), "clip_head_params"),
        (dict(read_after_write="yes"), "read_after_write"),
    ],
)
def test_bad_configuration_raises(kwargs, field):
    with pytest.raises(ValueError, match=field):
        NTM(I, O, **kwargs)


@pytest.mark.parametrize(
    "inputs, message",
    [
        (torch.zeros(B, I), "shape"),
        (torch.zeros(B, T, I + 1), "input_size"),
        (torch.zeros(B, 0, I), "T >= 1"),
        (torch.zeros(B, T, I, dtype=torch.float64), "float64"),
        ([[0.0] * I], "torch.Tensor"),
    ],
)
def test_bad_inputs_raise(inputs, message):
    for model in (make_ntm(), LSTMBaseline(I, O, hidden_size=8, layers=2)):
        with pytest.raises(ValueError, match=message):
            model(inputs)


@pytest.mark.parametrize("controller", CONTROLLERS)
def test_stacked_controller_feeds_each_layer_from_the_one_below(controller):
    one, two = make_ntm(controller), make_ntm(controller, controller_layers=2)
    # One layer keeps the names of the files saved before stacking existed; two are a stack.
    assert all(not k.startswith("controller.layers.") for k in one.state_dict())
    assert isinstance(two.controller, ntm_edu.model.controller.StackedController)
    width = SMALL["controller_size"]
    upper = two.controller.layers[1]
    assert (upper.input_size, upper.hidden_size) == (width, width)
    state = two.initial_state(B)
    assert len(state.controller) == 2  # one state per layer
    inputs = random_inputs()
    two(inputs).sum().backward()
    for layer in two.controller.layers:  # both layers are on the path to the output
        assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in layer.parameters())
    # The config rebuilds the stack; changing the bottom layer changes the top layer's output.
    rebuilt = NTM(**two.config)
    rebuilt.load_state_dict(two.state_dict())
    torch.testing.assert_close(rebuilt(inputs), two(inputs), rtol=0, atol=0)
    with torch.no_grad():
        next(two.controller.layers[0].parameters()).add_(0.5)
    assert not torch.allclose(rebuilt(inputs), two(inputs))


def test_stacked_controller_rejects_mismatched_layers():
    from ntm_edu.model.controller import LSTMController, StackedController

    with pytest.raises(ValueError, match="input size 7"):
        StackedController([LSTMController(3, 8), LSTMController(7, 8)])


def test_parameter_counts_against_the_paper():
    # Copy task: 8 data bits + a delimiter in, 8 bits out. The paper does not give enough
    # detail to reproduce its counts exactly (see lstm.py's docstring); print them side by side.
    rows = [
        ("NTM-LSTM copy", NTM(9, 8, controller="lstm"), 67_561),
        ("NTM-FF copy", NTM(9, 8, controller="feedforward"), 17_162),
        ("LSTM 3x256 copy", LSTMBaseline(9, 8), 1_352_969),
    ]
    for name, model, paper in rows:
        ours = count_parameters(model)
        print(f"{name:16s} ours {ours:>9,d}  paper {paper:>9,d}  ratio {ours / paper:.2f}")
        assert 0.6 * paper < ours < 1.4 * paper, name


class TestLSTMBaseline:
    def test_shapes_reset_and_batch_independence(self):
        torch.manual_seed(0)
        model = LSTMBaseline(I, O, hidden_size=8, layers=3)
        inputs = random_inputs()
        logits = model(inputs)
        assert logits.shape == (B, T, O) and logits.dtype == torch.float32
        torch.testing.assert_close(model(inputs), logits, rtol=0, atol=0)
        changed = inputs.clone()
        changed[1:] += 1
        torch.testing.assert_close(model(changed)[0], logits[0])

    def test_learned_initial_state_gets_gradients(self):
        model = LSTMBaseline(I, O, hidden_size=8, layers=3)
        model(random_inputs()).sum().backward()
        assert model.initial_h.grad.abs().sum() > 0 and model.initial_c.grad.abs().sum() > 0

    def test_config_and_float64(self):
        model = LSTMBaseline(I, O, hidden_size=8, layers=2)
        assert model.config == dict(input_size=I, output_size=O, hidden_size=8, layers=2)
        logits = LSTMBaseline(**model.config).double()(random_inputs(dtype=torch.float64))
        assert logits.dtype == torch.float64

    def test_bad_configuration_raises(self):
        with pytest.raises(ValueError, match="layers"):
            LSTMBaseline(I, O, layers=0)
