"""How fast is ``rnn_lib.forward`` + ``rnn_lib.backward``?  A benchmark you can rerun: ``make bench``.

For four problem sizes, in float64 and float32, one *call* is a forward pass, the loss
gradient and a backward pass (BPTT) over a batch of sequences.  The same call is timed
for:

- ``rnn_lib``        the course's library (``rnn_lib.forward`` / ``loss_grad`` / ``backward``);
- ``reference loop`` ``rnn_lib.reference``, the course's readable loop over the step functions,
                     run over the batch one sequence at a time, as a user of the problem's class would;
- ``PyTorch``        ``nn.RNN(nonlinearity="tanh")`` + ``nn.Linear`` with autograd, on the CPU,
                     with the same number of threads (skipped, with a note, without torch);
- ``GEMM limit``     the matrix-product flops of one call done as a single large matrix
                     product: about as fast as this machine can do that much arithmetic.

Timings are medians over interleaved repeats (round after round, each implementation once
per round, after one untimed warm-up call so that one library's idle threads do not slow
the next).  Ratios above 1 mean rnn_lib is faster; "of GEMM limit" is the fraction of that
practical peak which rnn_lib reaches.  Peak memory is measured with tracemalloc around one
call and divided by the bytes that BPTT must keep from forward to backward: the hidden states
(T+1)·B·H and the inputs x.

A second table says what bounds each ratio, from timings of the same run: the reference loop
over the GEMM limit (the most any implementation can beat the loop by), what the public API's
input checks cost (rnn_lib against the unchecked ``rnn_lib.engine``), and how fast the 2·T
sequential (B, H) × (H, H) products run on their own (no implementation can batch those).

Run:  python benchmarks/bench_bptt.py [--quick] [--shapes a,b] [--dtypes float64] [--without-torch]
Thread count: that of the BLAS library (``OPENBLAS_NUM_THREADS``, else all cores).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc

import numpy as np

import rnn_lib
from rnn_lib import engine, reference

SHAPES = {  # name: (T, D, H, O, B)
    "a": (4, 1, 5, 1, 1),
    "b": (50, 8, 64, 8, 1),
    "c": (100, 32, 128, 32, 32),
    "d": (100, 128, 512, 128, 64),
}
DTYPES = {"float64": np.float64, "float32": np.float32}


# ---------------------------------------------------------------------------
# The machine: BLAS library, thread count, load.
# ---------------------------------------------------------------------------


def blas_description() -> tuple[str, int]:
    """(description of numpy's BLAS, threads it uses).  threadpoolctl is used when installed."""
    try:
        from threadpoolctl import threadpool_info

        for info in threadpool_info():
            if info.get("user_api") == "blas":
                text = f"{info.get('internal_api')} {info.get('version')} ({info.get('architecture')} kernels)"
                return text, int(info.get("num_threads", 1))
    except ImportError:
        pass
    try:
        config = np.show_config(mode="dicts")
    except TypeError:  # numpy < 1.25 prints its configuration and has no mode=
        config = {}
    blas = config.get("Build Dependencies", {}).get("blas", {})
    text = f"{blas.get('name', 'unknown')} {blas.get('version', '')}".strip()
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(name, "").strip().isdigit():
            return text, int(os.environ[name])
    return text, os.cpu_count() or 1


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


# ---------------------------------------------------------------------------
# The implementations.  Each make_* returns a function doing one full call.
# ---------------------------------------------------------------------------


def make_problem(shape, dtype, seed=0):
    T, D, H, O, B = shape
    rng = np.random.default_rng(seed)
    params = rnn_lib.init_params(D, H, O, rng=rng, scale=1.0 / np.sqrt(H), dtype=dtype)
    params["b_h"] = (0.1 * rng.standard_normal((H, 1))).astype(dtype)
    params["b_y"] = (0.1 * rng.standard_normal((O, 1))).astype(dtype)
    x = rng.standard_normal((T, B, D)).astype(dtype)
    y = rng.standard_normal((T, B, O)).astype(dtype)
    return params, x, y


def make_rnn_lib(params, x, y):
    def call():
        y_hat, cache = rnn_lib.forward(params, x)
        return rnn_lib.backward(params, cache, rnn_lib.loss_grad(y_hat, y))

    return call


def make_engine(params, x, y):
    """The same call through ``rnn_lib.engine``, which trusts its input: no checks, no snapshot of x.

    Its time against rnn_lib's is what the input checks of the public API cost.
    """

    def call():
        y_hat, cache = engine.forward(params, x)
        return engine.backward(params, cache, reference.loss_grad(y_hat, y))

    return call


def make_recurrence_products(params, x):
    """The 2·T sequential (B, H) × (H, H) products of one call (T forward, T backward), alone, back to back.

    No implementation of BPTT can avoid them, nor run one before the previous has finished; how fast
    they run here bounds how close to the GEMM limit a whole call can get.
    """
    _, cache = engine.forward(params, x)
    states = cache.h[:-1]  # real hidden states, (B, H) each
    W_hh_T = np.ascontiguousarray(params["W_hh"].T)
    out = np.empty(states.shape[1:], dtype=states.dtype)

    def call():
        for _ in range(2):
            for block in states:
                np.dot(block, W_hh_T, out=out)

    return call


def recurrence_flops(shape) -> int:
    T, _, H, _, B = shape
    return 2 * T * 2 * B * H * H


def reference_gradients(params, x, y):
    """``rnn_lib.reference`` over the batch one sequence at a time, its gradients summed: the plain loop."""
    total = {name: np.zeros_like(params[name]) for name in rnn_lib.PARAM_NAMES}
    for b in range(x.shape[1]):
        grads = reference.gradients(params, x[:, b], y[:, b])
        for name in rnn_lib.PARAM_NAMES:
            total[name] += grads[name]
    return total


def make_reference(params, x, y):
    return lambda: reference_gradients(params, x, y)


def import_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_rnn(torch, params):
    """nn.RNN(tanh) + nn.Linear holding the numbers of ``params`` (the second hidden bias zero), in their dtype."""
    (H, D), O = params["W_xh"].shape, params["W_hy"].shape[0]
    tdtype = torch.float64 if params["W_hh"].dtype == np.float64 else torch.float32
    rnn = torch.nn.RNN(D, H, nonlinearity="tanh").to(tdtype)
    linear = torch.nn.Linear(H, O).to(tdtype)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(torch.from_numpy(params["W_xh"]))
        rnn.weight_hh_l0.copy_(torch.from_numpy(params["W_hh"]))
        rnn.bias_ih_l0.copy_(torch.from_numpy(params["b_h"][:, 0]))
        rnn.bias_hh_l0.zero_()
        linear.weight.copy_(torch.from_numpy(params["W_hy"]))
        linear.bias.copy_(torch.from_numpy(params["b_y"][:, 0]))
    return rnn, linear


def make_torch(torch, params, x, y):
    """nn.RNN + nn.Linear holding the same numbers; returns (call, gradients of one call as numpy)."""
    rnn, linear = torch_rnn(torch, params)
    modules = list(rnn.parameters()) + list(linear.parameters())
    xt = torch.from_numpy(x).requires_grad_(True)  # rnn_lib returns ∂L/∂x too: same work
    yt = torch.from_numpy(y)

    def call():
        for p in modules:
            p.grad = None
        xt.grad = None
        out, _ = rnn(xt)  # (T, B, H), h_0 = 0
        loss = 0.5 * (linear(out) - yt).pow(2).sum()
        loss.backward()

    call()
    grads = {
        "W_xh": rnn.weight_ih_l0.grad.numpy(),
        "W_hh": rnn.weight_hh_l0.grad.numpy(),
        "W_hy": linear.weight.grad.numpy(),
        "b_h": rnn.bias_ih_l0.grad.numpy()[:, None],
        "b_y": linear.bias.grad.numpy()[:, None],
    }
    return call, {k: v.copy() for k, v in grads.items()}


def matmul_flops(shape) -> int:
    """Flops of the matrix products in one call (2·M·N·K each); element-wise work is not counted.

    Forward: x W_xhᵀ, h W_hhᵀ, h W_hyᵀ.  Backward: the read-out's two products, the recurrence
    δ^a W_hh, and three weight/input gradients (W_xh, W_hh, x): 6·T·B·H·(D + H + O) in all.
    """
    T, D, H, O, B = shape
    return 6 * T * B * H * (D + H + O)


def make_gemm(flops, dtype):
    """One (n, n) × (n, n) product with about ``flops`` flops; returns (call, exact flops of it)."""
    n = max(int(round((flops / 2) ** (1 / 3))), 8)
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    out = np.empty((n, n), dtype=dtype)
    return (lambda: np.matmul(a, b, out=out)), 2 * n**3


# ---------------------------------------------------------------------------
# Timing and memory.
# ---------------------------------------------------------------------------


def time_once(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def interleaved_medians(calls: dict, rounds: dict, samples: dict | None = None, warm_up: bool = True) -> dict:
    """Median seconds per call; round r runs every implementation with rounds[name] > r once.

    Each timed call follows one untimed warm-up call of the same implementation (not for an
    implementation whose single call takes longer than a second: its warm-up would cost too much
    and hardly matters).  ``samples`` are timings taken before, counted with the new ones.
    """
    times = {name: list((samples or {}).get(name, [])) for name in calls}
    for r in range(max(rounds.values())):
        for name, call in calls.items():
            if len(times[name]) < rounds[name]:
                if warm_up and not (times[name] and min(times[name]) > 1.0):
                    call()
                times[name].append(time_once(call))
    return {name: statistics.median(ts) for name, ts in times.items()}


def plan_rounds(calls: dict, budget: float, least: int, most: int, slow: set) -> tuple[dict, dict]:
    """Rounds per implementation so that the fast ones take about ``budget`` seconds together.

    Returns (rounds, first timings): one call of each is timed to plan, and that timing is kept.
    """
    single = {name: time_once(call) for name, call in calls.items()}
    per_round = sum(2 * t for name, t in single.items() if name not in slow) or 1e-6
    fast_rounds = max(least, min(most, int(budget / per_round)))
    rounds = {name: fast_rounds for name in calls}
    for name in slow:
        rounds[name] = max(1, min(fast_rounds, int(budget / (2 * single[name]))))
    return rounds, {name: [t] for name, t in single.items()}


def peak_memory(params, x, y) -> dict:
    """tracemalloc's peak (numpy reports its buffers to it) during one rnn_lib call, in bytes."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        y_hat, cache = rnn_lib.forward(params, x)
        dy = rnn_lib.loss_grad(y_hat, y)
        grads = rnn_lib.backward(params, cache, dy)
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    results = y_hat.nbytes + dy.nbytes + sum(g.nbytes for g in grads.values())
    return {"peak": peak, "kept": cache.h.nbytes + cache.x.nbytes, "hidden": cache.h.nbytes, "results": results}


def limit_row(shape, med: dict, gemm: float) -> dict:
    """What bounds each ratio, from the medians of one run (seconds) and the GEMM limit of the call.

    - ceiling: the reference loop's time over the GEMM limit, the most any implementation can beat
      the loop by here (none can do the call's arithmetic faster than one large matrix product);
    - checks: rnn_lib's time minus the unchecked engine's, what the public API's input checks cost;
    - engine vs reference: how many times faster than the loop the unchecked engine is;
    - products share: the rate of the sequential (B, H) × (H, H) products alone, as a share of the GEMM rate;
    - best share: the share of the GEMM limit a call would reach if everything but those products ran at
      the GEMM rate and nothing else (element-wise work, Python) cost any time.
    """
    step_fraction = recurrence_flops(shape) / matmul_flops(shape)
    return {
        "ceiling": med["reference"] / gemm,
        "checks": med["rnn_lib"] - med["engine"],
        "checks share": (med["rnn_lib"] - med["engine"]) / med["rnn_lib"],
        "engine vs reference": med["reference"] / med["engine"],
        "products": med["products"],
        "products share": step_fraction * gemm / med["products"],
        "best share": gemm / (med["products"] + gemm * (1 - step_fraction)),
    }


def print_limits(limits: list) -> None:
    print("\nWhat bounds the ratios (same run):")
    header = (
        "| shape | dtype | loop ÷ GEMM limit | input checks | unchecked engine vs reference "
        "| recurrence products alone ms | their share of GEMM rate | best share of GEMM limit |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for shape_name, dtype_name, lim in limits:
        print(
            f"| {shape_name} | {dtype_name} | {fmt_ratio(lim['ceiling'])} "
            f"| {fmt_ms(lim['checks'])} ms ({lim['checks share']:.0%}) | {fmt_ratio(lim['engine vs reference'])} "
            f"| {fmt_ms(lim['products'])} | {lim['products share']:.2f} | {lim['best share']:.2f} |"
        )
    print(
        "loop ÷ GEMM limit: the most any implementation can beat the reference loop by on this machine.\n"
        "input checks: rnn_lib's time minus that of rnn_lib.engine (no checks, no snapshot of x).\n"
        "recurrence products: the 2·T sequential (B, H) × (H, H) products of a call, timed alone; "
        "best share: the share of\nthe GEMM limit a call would reach if all its other work ran at the GEMM rate "
        "and element-wise work were free."
    )


def max_relative_difference(grads: dict, reference: dict) -> float:
    return max(float(np.max(np.abs(grads[k] - reference[k])) / np.max(np.abs(reference[k]))) for k in reference)


# ---------------------------------------------------------------------------
# Main.
# ---------------------------------------------------------------------------


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    ms = seconds * 1e3
    return f"{ms:.3f}" if ms < 1 else f"{ms:.2f}" if ms < 100 else f"{ms:.0f}"


def fmt_ratio(r: float | None) -> str:
    return "—" if r is None else f"{r:.2f}×" if r < 10 else f"{r:.0f}×"


def parse_options(argv, description: str, shape_names):
    """The options of every benchmark script; returns (args, shapes, dtypes) with the comma lists split."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke test, not a measurement")
    parser.add_argument(
        "--shapes", default=",".join(shape_names), help=f"comma-separated subset of {','.join(shape_names)}"
    )
    parser.add_argument("--dtypes", default=",".join(DTYPES), help="comma-separated subset of float64,float32")
    parser.add_argument("--without-torch", action="store_true", help="skip PyTorch even when it is installed")
    args = parser.parse_args(argv)
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    dtypes = [d.strip() for d in args.dtypes.split(",") if d.strip()]
    return args, shapes, dtypes


def describe_machine(without_torch: bool):
    """Print numpy, BLAS, CPU, PyTorch and load; returns (torch or None, BLAS threads).  PyTorch gets the same threads."""
    blas, threads = blas_description()
    torch = None if without_torch else import_torch()
    print(f"numpy {np.__version__}, BLAS: {blas}, {threads} BLAS thread(s); Python {platform.python_version()}")
    print(f"CPU: {platform.machine()}, {os.cpu_count()} logical cores")
    if without_torch:
        print("PyTorch: skipped (--without-torch).")
    elif torch is None:
        print("PyTorch: not installed, its column is skipped (pip install torch to compare).")
    else:
        torch.set_num_threads(threads)
        print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if os.environ.get(name):
            print(f"note: {name}={os.environ[name]} is set; it may select slower BLAS kernels.")
    load = load_average()
    if load is not None and load > 0.5:
        print(f"note: load average {load:.1f} before the run: other programs share the CPU, ratios are less reliable.")
    return torch, threads


def main(argv=None) -> None:
    args, shapes, dtypes = parse_options(argv, __doc__.split("\n\n")[0], SHAPES)
    budget, least, most = (0.3, 2, 20) if args.quick else (8.0, 7, 301)
    torch, _ = describe_machine(args.without_torch)
    print()

    header = (
        "| shape (T, D, H, O, B) | dtype | rnn_lib ms | reference loop ms | PyTorch ms | GEMM limit ms "
        "| vs reference | vs PyTorch | of GEMM limit | peak memory / kept |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    checks, limits = [], []
    for shape_name in shapes:
        shape = SHAPES[shape_name]
        for dtype_name in dtypes:
            dtype = DTYPES[dtype_name]
            params, x, y = make_problem(shape, dtype)
            calls = {"rnn_lib": make_rnn_lib(params, x, y), "reference": make_reference(params, x, y)}
            if torch is not None:
                calls["torch"], torch_grads = make_torch(torch, params, x, y)
            calls["gemm"], gemm_flops = make_gemm(matmul_flops(shape), dtype)
            calls["engine"] = make_engine(params, x, y)
            calls["products"] = make_recurrence_products(params, x)

            # Same numbers before timing: all three compute the same gradients (the loop on 2 sequences).
            ours = calls["rnn_lib"]()
            diff = max_relative_difference(
                make_rnn_lib(params, x[:, :2], y[:, :2])(), reference_gradients(params, x[:, :2], y[:, :2])
            )
            if torch is not None:
                diff = max(diff, max_relative_difference(ours, torch_grads))
            tolerance = 1e-9 if dtype == np.float64 else 1e-3
            if diff > tolerance:
                raise AssertionError(f"{shape_name} {dtype_name}: gradients differ by {diff:.1e} (> {tolerance:.0e})")

            rounds, first = plan_rounds(calls, budget, least, most, slow={"reference"})
            med = interleaved_medians(calls, rounds, first)
            gemm = med["gemm"] * matmul_flops(shape) / gemm_flops
            mem = peak_memory(params, x, y)
            row = {
                "vs reference": med["reference"] / med["rnn_lib"],
                "vs PyTorch": med["torch"] / med["rnn_lib"] if torch is not None else None,
                "of GEMM limit": gemm / med["rnn_lib"],
                "memory": mem["peak"] / mem["kept"],
            }
            checks.append((shape_name, dtype_name, row, mem))
            limits.append((shape_name, dtype_name, limit_row(shape, med, gemm)))
            print(
                f"| {shape_name}: {shape} | {dtype_name} | {fmt_ms(med['rnn_lib'])} | {fmt_ms(med['reference'])} "
                f"| {fmt_ms(med.get('torch'))} | {fmt_ms(gemm)} | {fmt_ratio(row['vs reference'])} "
                f"| {fmt_ratio(row['vs PyTorch'])} | {row['of GEMM limit']:.2f} | {row['memory']:.2f} |",
                flush=True,
            )

    print("\nvs …: how many times faster rnn_lib is; of GEMM limit: its share of one large matrix product's speed.")
    print("kept: the hidden states (T+1)·B·H and the inputs x that BPTT must keep between forward and backward.")
    print_limits(limits)
    for shape_name, dtype_name, _, mem in checks:
        if shape_name == "d":
            mib = 2.0**20
            work = mem["peak"] - mem["kept"] - mem["results"]
            print(
                f"memory at d, {dtype_name}: peak {mem['peak'] / mib:.1f} MiB = kept {mem['kept'] / mib:.1f} + results "
                f"(ŷ, dy, gradients) {mem['results'] / mib:.1f} + working memory {work / mib:.1f} MiB; "
                f"without the results, peak / kept = {(mem['peak'] - mem['results']) / mem['kept']:.2f} "
                f"(/ the hidden states alone: {(mem['peak'] - mem['results']) / mem['hidden']:.2f})"
            )


if __name__ == "__main__":
    main()
