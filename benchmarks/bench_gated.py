"""How fast are ``rnn_lib.lstm`` and ``rnn_lib.gru``?  The gated half of ``make bench``.

For shapes c and d of ``bench_bptt.py``, in float64 and float32, one *call* is a forward pass,
the loss gradient and a backward pass over a batch of sequences, timed for:

- ``rnn_lib``     ``rnn_lib.fast.lstm`` / ``rnn_lib.fast.gru`` ``forward`` + ``rnn_lib.loss_grad`` + ``backward``:
                  the fast paths the trainers run (``rnn_lib.cells``); the readable ``rnn_lib.lstm`` /
                  ``rnn_lib.gru``, loops over their step functions, are checked for parity, not timed;
- ``PyTorch``     ``nn.LSTM`` / ``nn.GRU`` + ``nn.Linear`` with autograd on the CPU, the same number of
                  threads, ∂L/∂x computed too (skipped, with a note, without torch);
- ``GEMM limit``  the matrix-product flops of one call done as a single large matrix product.

Before timing, a parity check moves the same weights into PyTorch: in float64 the loss and every
gradient of the readable and of the fast code (x, h0 and c0 included, non-zero initial states) must agree to
1e-12 relative (max |diff|
over max |value|), and at each benchmark shape the parameter gradients to 1e-9 in float64 and 1e-3
in float32.  Timings are medians over interleaved repeats (``bench_bptt.interleaved_medians``).

A second table says what bounds each ratio: the 2·T sequential (B, H) × (H, G·H) products alone
(nothing can batch them), and the share of the call that is neither those products nor the
batched ones, mostly element-wise work.

Run:  python benchmarks/bench_gated.py [--quick] [--shapes c,d] [--dtypes float64,float32] [--without-torch]
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

import rnn_lib
from rnn_lib import gru, lstm
from rnn_lib.fast import gru as fast_gru
from rnn_lib.fast import lstm as fast_lstm
from rnn_lib.gated import PARAM_NAMES


def _sibling(name: str):
    """The module ``benchmarks/<name>.py`` (this folder is not a package)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _sibling("bench_bptt")  # timing, formatting and the shapes are shared with the vanilla RNN's benchmark

CELLS = {"LSTM": lstm, "GRU": gru}  # the readable modules: init_params, and a parity check
FAST = {"LSTM": fast_lstm, "GRU": fast_gru}  # what is timed: the trainers' fast paths
GATES = {"LSTM": 4, "GRU": 3}
SHAPES = {name: bench.SHAPES[name] for name in ("c", "d")}
DTYPES = bench.DTYPES


def make_problem(cell, shape, dtype, seed=0):
    """Parameters as ``init_params`` draws them plus small random biases (so no term is zero); x, y ~ N(0, 1)."""
    T, D, H, O, B = shape
    rng = np.random.default_rng(seed)
    params = CELLS[cell].init_params(D, H, O, rng=rng, dtype=dtype)
    for name in ("b_ih", "b_hh", "b_y"):
        params[name] = (0.1 * rng.standard_normal(params[name].shape)).astype(dtype)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    y = rng.standard_normal((T, B, O)).astype(dtype)
    return params, x, y


def initial_states(cell, B, H, dtype, seed=1):
    """Non-zero h0 (and c0 for the LSTM), (B, H) each, for the parity check."""
    rng = np.random.default_rng(seed)
    names = ("h0", "c0") if cell == "LSTM" else ("h0",)
    return {name: (0.5 * rng.standard_normal((B, H))).astype(dtype) for name in names}


def make_rnn_lib(cell, params, x, y, states=None):
    """One call of the course's library (the fast path the trainers run); returns the gradient dict."""
    module = FAST[cell]

    def call():
        y_hat, cache = module.forward(params, x, **(states or {}))
        return module.backward(params, cache, rnn_lib.loss_grad(y_hat, y))

    return call


def make_torch(torch, cell, params, x, y, states=None):
    """nn.LSTM / nn.GRU + nn.Linear holding the same numbers.

    Returns ``(call, result)``: call() runs forward, loss and autograd's backward; result() gives the
    last call's loss and gradients as numpy arrays under rnn_lib's names.
    """
    T, B, D = x.shape
    H, O = params["W_hh"].shape[1], params["W_hy"].shape[0]
    tdtype = torch.float64 if x.dtype == np.float64 else torch.float32
    layer = getattr(torch.nn, cell)(D, H).to(tdtype)
    linear = torch.nn.Linear(H, O).to(tdtype)
    with torch.no_grad():  # the column-vector biases (G·H, 1) become PyTorch's (G·H,)
        layer.weight_ih_l0.copy_(torch.from_numpy(params["W_ih"]))
        layer.weight_hh_l0.copy_(torch.from_numpy(params["W_hh"]))
        layer.bias_ih_l0.copy_(torch.from_numpy(params["b_ih"][:, 0]))
        layer.bias_hh_l0.copy_(torch.from_numpy(params["b_hh"][:, 0]))
        linear.weight.copy_(torch.from_numpy(params["W_hy"]))
        linear.bias.copy_(torch.from_numpy(params["b_y"][:, 0]))
    leaves = {"x": torch.from_numpy(x).requires_grad_(True)}  # rnn_lib returns ∂L/∂x too: same work
    for name, value in (states or {}).items():
        leaves[name] = torch.from_numpy(value[None]).requires_grad_(True)  # PyTorch's (layers, B, H)
    hx = None
    if states:
        hx = (leaves["h0"], leaves["c0"]) if cell == "LSTM" else leaves["h0"]
    yt = torch.from_numpy(y)
    trained = list(layer.parameters()) + list(linear.parameters())
    last = {}

    def call():
        for tensor in trained + list(leaves.values()):
            tensor.grad = None
        out, _ = layer(leaves["x"], hx)  # (T, B, H)
        loss = 0.5 * (linear(out) - yt).pow(2).sum()
        loss.backward()
        last["loss"] = loss

    def result():
        grads = {
            "W_ih": layer.weight_ih_l0.grad,
            "W_hh": layer.weight_hh_l0.grad,
            "b_ih": layer.bias_ih_l0.grad[:, None],
            "b_hh": layer.bias_hh_l0.grad[:, None],
            "W_hy": linear.weight.grad,
            "b_y": linear.bias.grad[:, None],
            "x": leaves["x"].grad,
            **{name: leaves[name].grad[0] for name in states or {}},
        }
        return last["loss"].item(), {name: g.numpy().copy() for name, g in grads.items()}

    return call, result


def parity(torch, cell, shape, dtype, with_states) -> float:
    """Largest relative difference between rnn_lib's (readable and fast) and PyTorch's loss and gradients.

    Each difference is max |diff| / max |value|.
    """
    params, x, y = make_problem(cell, shape, dtype)
    T, D, H, O, B = shape
    states = initial_states(cell, B, H, dtype) if with_states else None
    call, result = make_torch(torch, cell, params, x, y, states)
    call()
    torch_loss, torch_grads = result()
    names = torch_grads if with_states else [k for k in torch_grads if k in PARAM_NAMES]
    diffs = []
    for module in (CELLS[cell], FAST[cell]):
        y_hat, cache = module.forward(params, x, **(states or {}))
        ours = module.backward(params, cache, rnn_lib.loss_grad(y_hat, y))
        diffs += [abs(rnn_lib.loss(y_hat, y) - torch_loss) / abs(torch_loss)]
        diffs += [float(np.max(np.abs(ours[k] - torch_grads[k])) / np.max(np.abs(torch_grads[k]))) for k in names]
    return max(diffs)


def matmul_flops(shape, G: int) -> int:
    """Flops of the matrix products in one call: 6·T·B·(G·H·(D + H) + H·O).

    Forward: x W_ihᵀ, h W_hhᵀ (step by step), h W_hyᵀ.  Backward: the read-out's two products, δ^a W_hh
    step by step, and ∂L/∂W_ih, ∂L/∂W_hh, ∂L/∂x.  Each (m, k) × (k, n) product costs 2·m·k·n.
    """
    T, D, H, O, B = shape
    return 6 * T * B * (G * H * (D + H) + H * O)


def recurrence_flops(shape, G: int) -> int:
    """Flops of the 2·T sequential products (B, H) × (H, G·H) forward and (B, G·H) × (G·H, H) backward."""
    T, _, H, _, B = shape
    return 2 * T * 2 * B * H * G * H


def make_recurrence_products(params, x):
    """The 2·T sequential products of one call, alone, back to back, on real-sized operands."""
    T, B, _ = x.shape
    W_hh = params["W_hh"]
    W_hh_T = np.ascontiguousarray(W_hh.T)
    h = np.random.default_rng(2).uniform(-1, 1, (B, W_hh.shape[1])).astype(W_hh.dtype)
    da = np.empty((B, W_hh.shape[0]), dtype=W_hh.dtype)
    dh = np.empty_like(h)

    def call():
        for _ in range(T):
            np.dot(h, W_hh_T, out=da)
        for _ in range(T):
            np.dot(da, W_hh, out=dh)

    return call


def main(argv=None) -> None:
    args, shapes, dtypes = bench.parse_options(argv, __doc__.split("\n\n")[0], SHAPES)
    budget, least, most = (0.3, 2, 5) if args.quick else (6.0, 7, 101)
    torch, _ = bench.describe_machine(args.without_torch)
    if torch is not None:
        for cell in CELLS:
            small = (7, 3, 5, 2, 4)
            diff = parity(torch, cell, small, np.float64, with_states=True)
            print(
                f"parity {cell}, weights moved to PyTorch, float64, (T, D, H, O, B) = {small}, non-zero initial "
                f"states: loss and every gradient agree to {diff:.0e} (relative)"
            )
            if diff > 1e-12:
                raise AssertionError(f"{cell}: rnn_lib and PyTorch differ by {diff:.1e} (> 1e-12)")
    print()

    header = "| cell | shape (T, D, H, O, B) | dtype | rnn_lib ms | PyTorch ms | GEMM limit ms | vs PyTorch | of GEMM limit |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    limits = []
    for cell, G in GATES.items():
        for shape_name in shapes:
            shape = SHAPES[shape_name]
            for dtype_name in dtypes:
                dtype = DTYPES[dtype_name]
                params, x, y = make_problem(cell, shape, dtype)
                calls = {"rnn_lib": make_rnn_lib(cell, params, x, y)}
                if torch is not None:
                    diff = parity(torch, cell, shape, dtype, with_states=False)
                    tolerance = 1e-9 if dtype == np.float64 else 1e-3
                    if diff > tolerance:
                        raise AssertionError(f"{cell} {shape_name} {dtype_name}: differs from PyTorch by {diff:.1e}")
                    calls["torch"], _ = make_torch(torch, cell, params, x, y)
                calls["gemm"], gemm_flops = bench.make_gemm(matmul_flops(shape, G), dtype)
                calls["products"] = make_recurrence_products(params, x)

                rounds, first = bench.plan_rounds(calls, budget, least, most, slow=set())
                med = bench.interleaved_medians(calls, rounds, first)
                gemm = med["gemm"] * matmul_flops(shape, G) / gemm_flops
                batched = gemm * (1 - recurrence_flops(shape, G) / matmul_flops(shape, G))  # the rest, at GEMM rate
                limits.append((cell, shape_name, dtype_name, med, gemm, batched, shape, G))
                vs_torch = med["torch"] / med["rnn_lib"] if torch is not None else None
                print(
                    f"| {cell} | {shape_name}: {shape} | {dtype_name} | {bench.fmt_ms(med['rnn_lib'])} "
                    f"| {bench.fmt_ms(med.get('torch'))} | {bench.fmt_ms(gemm)} | {bench.fmt_ratio(vs_torch)} "
                    f"| {gemm / med['rnn_lib']:.2f} |",
                    flush=True,
                )

    print(
        "\nvs PyTorch: how many times faster rnn_lib is; of GEMM limit: its share of one large matrix product's speed."
    )
    print("\nWhat bounds the ratios (same run):")
    header = (
        "| cell | shape | dtype | sequential products alone ms | their share of GEMM rate "
        "| batched products at GEMM rate ms | rest (element-wise, Python) ms | rest share of call |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for cell, shape_name, dtype_name, med, gemm, batched, shape, G in limits:
        rest = med["rnn_lib"] - med["products"] - batched
        share = recurrence_flops(shape, G) / matmul_flops(shape, G) * gemm / med["products"]
        print(
            f"| {cell} | {shape_name} | {dtype_name} | {bench.fmt_ms(med['products'])} | {share:.2f} "
            f"| {bench.fmt_ms(batched)} | {bench.fmt_ms(rest)} | {rest / med['rnn_lib']:.0%} |"
        )
    print(
        "sequential products: the 2·T (B, H) × (H, G·H) and (B, G·H) × (G·H, H) products of a call, timed alone.\n"
        "rest: the call's time minus those products and minus the batched products (input projections, read-out,\n"
        "weight gradients) counted at the GEMM rate: an estimate of the element-wise and Python work."
    )


if __name__ == "__main__":
    main()
