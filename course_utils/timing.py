"""Time a model's forward and backward pass, the honest way: warm up first, repeat, take the median.

The clock is ``time.perf_counter``. On CUDA the GPU runs asynchronously, so the clock is read only after
``torch.cuda.synchronize()``. Timings depend on the machine and on what else runs on it: compare models
measured in the same session, on the same device, never numbers from different machines.

``recorded_ops`` shows why two layers of similar arithmetic can take very different times: it counts the operations
autograd recorded to compute a tensor, so one fused kernel (a whole layer in one node) stands out from hundreds of
small step-by-step operations.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from typing import Any

import torch

from course_utils import _validate


def _first_tensor(output: Any) -> torch.Tensor:
    """The tensor to differentiate: the output itself, or the first element of a tuple such as (out, h_n)."""
    while isinstance(output, (tuple, list)) and output:
        output = output[0]
    if not isinstance(output, torch.Tensor):
        raise TypeError(f"the module must return a tensor or a tuple starting with one; got {type(output).__name__}.")
    return output


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _check_timing_input(module: Any, x: Any, repeats: int, warmup: int) -> None:
    _validate.instance_of("module", module, torch.nn.Module)
    _validate.instance_of("x", x, torch.Tensor, hint="Use torch.as_tensor(x).")
    _validate.positive_int("repeats", repeats)
    _validate.non_negative_int("warmup", warmup)
    if not x.requires_grad and not any(p.requires_grad for p in module.parameters()):
        raise ValueError(
            "nothing to differentiate: the module has no parameter with requires_grad=True and x does not "
            "require a gradient. Time a module with trainable parameters."
        )


def time_forward_backward(module: torch.nn.Module, x: torch.Tensor, repeats: int = 5,
                          warmup: int = 1) -> dict[str, float]:
    """Median time in milliseconds of ``module(x)`` (forward) and of ``.sum().backward()`` on its output.

    The output is the module's return value, or its first element when it returns a tuple (as
    ``torch.nn.LSTM`` does). ``warmup`` untimed runs come first (they pay for one-off set-up costs), then
    ``repeats`` timed runs. Gradients are cleared before each run and left in the module at the end.
    Returns ``{"forward_ms": ..., "backward_ms": ..., "total_ms": forward_ms + backward_ms}``.
    """
    _check_timing_input(module, x, repeats, warmup)
    device = x.device
    forward, backward = [], []
    module.train()
    for run in range(warmup + repeats):
        module.zero_grad(set_to_none=True)
        x.grad = None
        _sync(device)
        start = time.perf_counter()
        out = _first_tensor(module(x))
        _sync(device)
        middle = time.perf_counter()
        out.sum().backward()
        _sync(device)
        end = time.perf_counter()
        if run >= warmup:
            forward.append(1000 * (middle - start))
            backward.append(1000 * (end - middle))
    result = {"forward_ms": statistics.median(forward), "backward_ms": statistics.median(backward)}
    result["total_ms"] = result["forward_ms"] + result["backward_ms"]
    return result


def recorded_ops(tensor: torch.Tensor) -> Counter[str]:
    """Count, by name, the operations autograd recorded to produce ``tensor`` (its backward graph), not counting
    the nodes that hold the weights' gradients (``AccumulateGrad``). A tensor computed without gradients has none."""
    _validate.instance_of("tensor", tensor, torch.Tensor)
    seen, todo = set(), [tensor.grad_fn]
    while todo:
        fn = todo.pop()
        if fn is not None and fn not in seen:
            seen.add(fn)
            todo.extend(parent for parent, _ in fn.next_functions)
    return Counter(type(fn).__name__ for fn in seen if type(fn).__name__ != "AccumulateGrad")
