"""Characters per second of one language-model training step, rnn_lib against PyTorch.  ``make bench`` runs it.

One step is what training a character-level language model repeats: the network's forward pass over a batch
of one-hot characters, the softmax cross-entropy of its logits against the next characters, BPTT, and one Adam
update of the parameters.  Size (issue 16): V = 65 characters, H = 256, B = 32 sequences, T = 64 steps (one chunk
of truncated BPTT), in float32 and float64, for the vanilla RNN and the LSTM.

- ``rnn_lib``  ``rnn_lib.forward`` / ``rnn_lib.cells.LSTM.forward``, ``rnn_lib.losses.softmax_cross_entropy``,
               ``rnn_lib.backward`` / ``rnn_lib.cells.LSTM.backward``, ``rnn_lib.optim.Adam``: for the RNN the
               public, checked functions; for the LSTM the fast path ``course.language_model`` trains with
               (``rnn_lib.fast.lstm``, its backward without ∂L/∂x: ``language_model.parameter_backward``; PyTorch
               computes none either, as the inputs do not require a gradient);
- ``PyTorch``  ``nn.RNN(nonlinearity="tanh")`` (its second bias frozen at 0, so the model is the same) or
               ``nn.LSTM``, and ``nn.Linear``, ``F.cross_entropy(reduction="sum")``, autograd, ``torch.optim.Adam``,
               on the CPU with numpy's BLAS thread count (skipped, with a note, without torch).

Before timing, both take one step from the same weights on the same batch, and their losses and gradients (and,
in float64, the updated weights) must agree.  Timing: 3 runs of each, interleaved (rnn_lib, PyTorch, rnn_lib, …),
each run a few steps after warm-up steps; the median over the runs of seconds per step.  Characters per second =
T·B / seconds per step.

Run:  python benchmarks/bench_lm.py [--quick] [--without-torch] [--size T,B,H] [--cells RNN,LSTM]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_bptt import describe_machine, fmt_ms, torch_rnn  # noqa: E402

import rnn_lib  # noqa: E402
from course.language_model import parameter_backward  # noqa: E402
from course.text import one_hot  # noqa: E402
from rnn_lib import cells, gated, lstm  # noqa: E402
from rnn_lib.losses import softmax_cross_entropy  # noqa: E402
from rnn_lib.optim import Adam  # noqa: E402

V, SIZE = 65, (64, 32, 256)  # characters; (T, B, H)
DTYPES = {"float32": np.float32, "float64": np.float64}
LR = 1e-3
RUNS = 3
CELLS = {  # cell → (forward, backward, parameter names): what course.language_model runs
    "RNN": (rnn_lib.forward, rnn_lib.backward, rnn_lib.PARAM_NAMES),
    "LSTM": (cells.LSTM.forward, parameter_backward(cells.LSTM), gated.PARAM_NAMES),
}


def make_problem(dtype, size=SIZE, seed=0, cell="RNN"):
    """Weights (RNN: scale 1/√H; LSTM: ``lstm.init_params``), biases 0.1·N(0, 1), one-hot inputs (T, B, V) and
    next-character targets (T, B)."""
    T, B, H = size
    rng = np.random.default_rng(seed)
    if cell == "RNN":
        params = rnn_lib.init_params(V, H, V, rng=rng, scale=1.0 / np.sqrt(H), dtype=dtype)
    else:
        params = lstm.init_params(V, H, V, rng=rng, dtype=dtype)
    for name in params:
        if name[0] == "b":
            params[name] = (0.1 * rng.standard_normal(params[name].shape)).astype(dtype)
    chars = rng.integers(0, V, size=(T + 1, B))
    return params, one_hot(chars[:-1], V, dtype=dtype), chars[1:]


def make_rnn_lib(params, x, y, cell="RNN"):
    """One training step with rnn_lib (changes ``params``); returns ``step() -> (loss, gradients)``."""
    forward, backward, names = CELLS[cell]
    opt = Adam(params, lr=LR)

    def step():
        logits, cache = forward(params, x)
        loss, dlogits = softmax_cross_entropy(logits, y)
        grads = backward(params, cache, dlogits)
        opt.step({k: grads[k] for k in names})  # backward also returns the initial states' gradients (RNN: ∂L/∂x)
        return loss, grads

    return step


def torch_lstm(torch, params):
    """nn.LSTM + nn.Linear holding the numbers of ``params`` (PyTorch's layout: the same matrices), in their dtype."""
    (G_H, D), O = params["W_ih"].shape, params["W_hy"].shape[0]
    tdtype = torch.float64 if params["W_hh"].dtype == np.float64 else torch.float32
    layer = torch.nn.LSTM(D, G_H // 4).to(tdtype)
    linear = torch.nn.Linear(G_H // 4, O).to(tdtype)
    with torch.no_grad():
        for ours, theirs in (("W_ih", layer.weight_ih_l0), ("W_hh", layer.weight_hh_l0), ("W_hy", linear.weight)):
            theirs.copy_(torch.from_numpy(params[ours]))
        for ours, theirs in (("b_ih", layer.bias_ih_l0), ("b_hh", layer.bias_hh_l0), ("b_y", linear.bias)):
            theirs.copy_(torch.from_numpy(params[ours][:, 0]))
    return layer, linear


def make_torch(torch, params, x, y, cell="RNN"):
    """The same step in PyTorch, on copies of ``params``; returns ``(step, weights)``.

    step() → (loss, gradients as numpy, in rnn_lib's names and shapes); weights() → the current weights, likewise.
    """
    T, B, _ = x.shape
    if cell == "RNN":
        rnn, linear = torch_rnn(torch, params)
        rnn.bias_hh_l0.requires_grad_(False)  # rnn_lib's model has one hidden bias
        named = {
            "W_xh": rnn.weight_ih_l0,
            "W_hh": rnn.weight_hh_l0,
            "W_hy": linear.weight,
            "b_h": rnn.bias_ih_l0,
            "b_y": linear.bias,
        }
    else:
        rnn, linear = torch_lstm(torch, params)
        named = {
            "W_ih": rnn.weight_ih_l0,
            "W_hh": rnn.weight_hh_l0,
            "b_ih": rnn.bias_ih_l0,
            "b_hh": rnn.bias_hh_l0,
            "W_hy": linear.weight,
            "b_y": linear.bias,
        }
    opt = torch.optim.Adam(list(named.values()), lr=LR)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.reshape(-1))

    def as_numpy(tensors):
        out = {k: t.detach().numpy().copy() for k, t in tensors.items()}
        return {k: v[:, None] if k[0] == "b" else v for k, v in out.items()}  # biases as columns

    def step():
        opt.zero_grad(set_to_none=True)
        out, _ = rnn(xt)  # (T, B, H), zero initial states
        loss = torch.nn.functional.cross_entropy(linear(out).reshape(T * B, V), yt, reduction="sum")
        loss.backward()
        opt.step()
        return float(loss.detach()), as_numpy({k: p.grad for k, p in named.items()})

    return step, lambda: as_numpy(named)


def compare(torch, dtype, size, cell="RNN"):
    """One step of each from the same weights: the largest relative differences of loss, gradients and weights."""
    params, x, y = make_problem(dtype, size, cell=cell)
    names = CELLS[cell][2]
    ours = {k: v.copy() for k, v in params.items()}
    torch_step, torch_weights = make_torch(torch, params, x, y, cell)
    loss, grads = make_rnn_lib(ours, x, y, cell)()
    t_loss, t_grads = torch_step()

    def rel(a, b):
        return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))

    weights = torch_weights()
    return {
        "loss": abs(loss - t_loss) / abs(t_loss),
        "gradients": max(rel(grads[k], t_grads[k]) for k in names),
        "weights": max(rel(ours[k], weights[k]) for k in names),
    }


def per_step_seconds(steps: dict, runs: int, steps_per_run: int, warm_up: int) -> dict:
    """Median over ``runs`` interleaved runs of the seconds per step; each run is ``steps_per_run`` steps."""
    for step in steps.values():
        for _ in range(warm_up):
            step()
    times = {name: [] for name in steps}
    for _ in range(runs):
        for name, step in steps.items():
            start = time.perf_counter()
            for _ in range(steps_per_run):
                step()
            times[name].append((time.perf_counter() - start) / steps_per_run)
    return {name: statistics.median(ts) for name, ts in times.items()}


def chars_per_second(seconds_per_step: float, size=SIZE) -> float:
    T, B, _ = size
    return T * B / seconds_per_step


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few steps: a smoke test, not a measurement")
    parser.add_argument("--without-torch", action="store_true", help="skip PyTorch even when it is installed")
    parser.add_argument("--size", default=",".join(map(str, SIZE)), help="T,B,H (default 64,32,256)")
    parser.add_argument("--cells", default=",".join(CELLS), help="RNN,LSTM (default both)")
    args = parser.parse_args(argv)
    size = tuple(int(s) for s in args.size.split(","))
    cells = args.cells.split(",")
    if not set(cells) <= set(CELLS):
        parser.error(f"--cells: choose from {', '.join(CELLS)}, got {args.cells}")
    steps_per_run, warm_up = (2, 1) if args.quick else (10, 3)

    torch, _ = describe_machine(args.without_torch)
    T, B, H = size
    print(f"\nLanguage-model training step (forward, cross-entropy, BPTT, Adam): V = {V}, H = {H}, B = {B}, T = {T}")
    print(f"median of {RUNS} interleaved runs of {steps_per_run} steps each\n")

    header = (
        "| cell | dtype | rnn_lib ms/step | PyTorch ms/step | rnn_lib chars/s | PyTorch chars/s | rnn_lib vs PyTorch |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for cell, (dtype_name, dtype) in [(c, d) for c in cells for d in DTYPES.items()]:
        steps = {"rnn_lib": make_rnn_lib(*make_problem(dtype, size, cell=cell), cell)}
        if torch is not None:
            diff = compare(torch, dtype, size, cell)
            tolerance = {"loss": 1e-10, "gradients": 1e-9, "weights": 1e-9} if dtype == np.float64 else None
            tolerance = tolerance or {"loss": 1e-4, "gradients": 1e-3, "weights": np.inf}  # float32: a step may
            # differ where |g| is near ε; the weights are compared in float64 only
            bad = {k: v for k, v in diff.items() if v > tolerance[k]}
            if bad:
                raise AssertionError(f"{cell} {dtype_name}: rnn_lib and PyTorch differ: {bad}")
            steps["torch"] = make_torch(torch, *make_problem(dtype, size, cell=cell), cell)[0]
        med = per_step_seconds(steps, RUNS, steps_per_run, warm_up)
        ours = chars_per_second(med["rnn_lib"], size)
        theirs = chars_per_second(med["torch"], size) if "torch" in med else None
        print(
            f"| {cell} | {dtype_name} | {fmt_ms(med['rnn_lib'])} | {fmt_ms(med.get('torch'))} | {ours:,.0f} "
            f"| {'—' if theirs is None else f'{theirs:,.0f}'} "
            f"| {'—' if theirs is None else f'{ours / theirs:.2f}×'} |",
            flush=True,
        )
    print("\nrnn_lib vs PyTorch: characters per second of rnn_lib over PyTorch's (above 1: rnn_lib is faster).")


if __name__ == "__main__":
    main()
