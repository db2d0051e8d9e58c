"""The compiled step (`ntm_edu/model/compiled.py`): same numbers as the eager step, and a clear
fallback where torch.compile cannot run."""

import pytest
import torch
from torch._dynamo.utils import counters

from ntm_edu.model import NTM, compile_problem, use_compiled_step
from ntm_edu.tasks import make_task
from ntm_edu.training import train


def _logits_and_grads(model: NTM, inputs: torch.Tensor, targets: torch.Tensor):
    model.zero_grad(set_to_none=True)
    logits = model(inputs)
    torch.nn.functional.binary_cross_entropy_with_logits(logits, targets).backward()
    return logits.detach(), {n: p.grad.clone() for n, p in model.named_parameters()}


@pytest.mark.slow
@pytest.mark.skipif(compile_problem("cpu") is not None, reason=f"{compile_problem('cpu')}")
def test_compiled_step_matches_eager_on_logits_and_gradients():
    torch.manual_seed(0)
    # Odd sizes so that a swapped axis would show; two write heads exercise the erase product.
    model = NTM(
        3, 2, controller_size=8, read_heads=1, write_heads=2, memory_locations=7, memory_width=4
    )
    inputs, targets = torch.rand(3, 4, 3), torch.rand(3, 4, 2).round()
    eager_logits, eager_grads = _logits_and_grads(model, inputs, targets)

    assert use_compiled_step(model, True, "cpu")
    graphs = counters["stats"]["unique_graphs"]
    logits, grads = _logits_and_grads(model, inputs, targets)
    assert counters["stats"]["unique_graphs"] > graphs, "the compiled step was not used"
    torch.testing.assert_close(logits, eager_logits, rtol=1e-5, atol=1e-5)
    for name, grad in eager_grads.items():
        torch.testing.assert_close(grads[name], grad, rtol=1e-5, atol=1e-5, msg=name)

    # Another length reuses the graphs: the loop over time is not compiled.
    graphs = counters["stats"]["unique_graphs"]
    _logits_and_grads(model, torch.rand(3, 7, 3), torch.rand(3, 7, 2).round())
    assert counters["stats"]["unique_graphs"] == graphs
    # Inference and traces run the eager step, with all the details a Trace needs.
    with torch.no_grad():
        _, trace = model.forward_with_trace(inputs)
    assert trace.write_weights.shape == (3, 4, 2, 7)
    assert counters["stats"]["unique_graphs"] == graphs


@pytest.mark.slow
@pytest.mark.skipif(compile_problem("cpu") is not None, reason=f"{compile_problem('cpu')}")
def test_five_batch_sizes_all_stay_compiled():
    # Two graphs a batch size: past Dynamo's default limit of 8 the fifth would run eagerly.
    task = make_task("copy", max_length=2)
    torch.manual_seed(0)
    model = NTM(
        task.input_size, task.output_size, controller_size=8, memory_locations=8, memory_width=4
    )
    for batch_size in (1, 2, 3, 4, 5):
        graphs = counters["stats"]["unique_graphs"]
        train(model, task, 2, batch_size=batch_size, device="cpu", progress=False, compile=True)
        assert counters["stats"]["unique_graphs"] > graphs, f"batch {batch_size} ran eagerly"


def test_compile_falls_back_to_eager_without_a_cpp_compiler(capsys):
    import torch._inductor.config as inductor_config

    # Inductor's own patch: monkeypatch.setattr on its config left `cpp.cxx` deleted, which
    # switched compiling off for every later test of the session.
    with inductor_config.patch({"cpp.cxx": ("no-such-compiler-for-ntm-edu",)}):
        assert "C++ compiler" in compile_problem("cpu")
        task = make_task("copy", max_length=2)
        torch.manual_seed(0)
        model = NTM(
            task.input_size, task.output_size, controller_size=8, memory_locations=8,
            memory_width=4,
        )  # fmt: skip
        history = train(
            model, task, steps=2, batch_size=2, device="cpu", progress=False, compile=True
        )
    assert history.step == 2 and model.compiled_step is None
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "training eagerly" in lines[0] and "C++ compiler" in lines[0]
    assert compile_problem("cpu") is None  # the compiler is back for the tests after this one


@pytest.mark.slow
@pytest.mark.skipif(compile_problem("cpu") is not None, reason=f"{compile_problem('cpu')}")
def test_batch_one_does_not_compile_a_graph_per_length():
    # At batch 1 a time slice of the inputs keeps the sequence's stride, which differs per
    # length; the step copies it into a standard layout so the graphs are reused.
    torch.manual_seed(0)
    model = NTM(3, 2, controller_size=8, memory_locations=7, memory_width=4)
    assert use_compiled_step(model, True, "cpu")
    _logits_and_grads(model, torch.rand(1, 4, 3), torch.rand(1, 4, 2).round())
    graphs = counters["stats"]["unique_graphs"]
    for length in (5, 6, 9):
        _logits_and_grads(model, torch.rand(1, length, 3), torch.rand(1, length, 2).round())
    assert counters["stats"]["unique_graphs"] == graphs
