"""One training step of the encoder–decoder with attention, rnn_lib against PyTorch.  ``make bench`` runs it.

One step is what training the encoder–decoder of notebooks 21–22 repeats: the GRU encoder over the one-hot source,
the GRU decoder from the encoder's last state over BOS + the target (teacher forcing), attention of every decoder
state over the encoder's states (additive or scaled dot product, with the sources' mask), the read-out
W_out [g_t; c_t] + b_out, the masked softmax cross-entropy (mean per sequence), backpropagation, one Adam update.
Size (issue 25): V = 32 tokens, H = A = 128, B = 32, source and target length S = T = 20, in float32 and float64.

- ``rnn_lib``  ``rnn_lib.seq2seq.forward`` / ``loss`` / ``backward`` and ``rnn_lib.optim.Adam``: the public, checked
               functions (seq2seq runs ``rnn_lib.gru`` and ``rnn_lib.attention`` inside);
- ``PyTorch``  ``nn.GRU`` twice, the attention's equations in tensor operations over all decoder steps at once,
               ``F.cross_entropy(reduction="sum")`` / B, autograd, ``torch.optim.Adam``, on the CPU with numpy's BLAS
               thread count (skipped, with a note, without torch).

Before timing, both take one step from the same weights on the same batch, and their losses and gradients (and,
in float64, the updated weights) must agree.  Timing: 3 runs of each, interleaved (rnn_lib, PyTorch, rnn_lib, …),
each run a few steps after warm-up steps; the median over the runs of seconds per step.

Run:  python benchmarks/bench_seq2seq.py [--quick] [--without-torch] [--size S,B,H] [--kinds additive,dot]
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_bptt import describe_machine, fmt_ms  # noqa: E402
from bench_lm import per_step_seconds  # noqa: E402

from rnn_lib import data, seq2seq  # noqa: E402
from rnn_lib.optim import Adam  # noqa: E402

V, SIZE = 32, (20, 32, 128)  # tokens; (S = T, B, H)
DTYPES = {"float32": np.float32, "float64": np.float64}
KINDS = ("additive", "dot")
LR = 1e-3
RUNS = 3


def make_problem(dtype, kind, size=SIZE, seed=0):
    """Parameters (``seq2seq.init_params``, biases 0.1·N(0, 1)), sources of lengths S/2 … S (padded) and targets
    of random tokens ending in EOS (T = S), as in ``rnn_lib.data``'s convention."""
    S, B, H = size
    rng = np.random.default_rng(seed)
    params = seq2seq.init_params(V, H, attention=kind, rng=rng, dtype=dtype)
    for name in params:
        if name.split(".")[-1].startswith("b_"):
            params[name] = (0.1 * rng.standard_normal(params[name].shape)).astype(dtype)
    lengths = rng.integers(max(S // 2, 1), S + 1, size=B)
    steps = np.arange(S)[:, None]
    src = np.where(steps < lengths, rng.integers(data.DIGIT_0, V, size=(S, B)), data.PAD)
    tgt = np.where(steps < lengths - 1, rng.integers(data.DIGIT_0, V, size=(S, B)), data.PAD)
    tgt[lengths - 1, np.arange(B)] = data.EOS
    return params, src, tgt


def make_rnn_lib(params, src, tgt, kind):
    """One training step with rnn_lib (changes ``params``); returns ``step() -> (loss, gradients)``."""
    opt = Adam(params, lr=LR)

    def step():
        logits, cache = seq2seq.forward(params, src, tgt, kind)
        loss, dlogits = seq2seq.loss(logits, tgt)
        grads = seq2seq.backward(params, cache, dlogits)
        opt.step(grads)
        return loss, grads

    return step


def make_torch(torch, params, src, tgt, kind):
    """The same step in PyTorch, on copies of ``params``; returns ``(step, weights)``.

    step() → (loss, gradients as numpy, in rnn_lib's names and shapes); weights() → the current weights, likewise.
    """
    F = torch.nn.functional
    S, B = src.shape
    H = params["enc.W_hh"].shape[1]
    tdtype = torch.float64 if params["W_out"].dtype == np.float64 else torch.float32
    grus = {part: torch.nn.GRU(V, H).to(tdtype) for part in ("enc", "dec")}  # PyTorch's layout is rnn_lib.gru's
    layout = {"W_ih": "weight_ih_l0", "W_hh": "weight_hh_l0", "b_ih": "bias_ih_l0", "b_hh": "bias_hh_l0"}

    def as_torch(k):  # biases are columns in rnn_lib, vectors in PyTorch
        return torch.from_numpy(params[k][:, 0] if k.split(".")[-1].startswith("b_") else params[k].copy())

    named = {}
    for k in params:
        part, _, name = k.rpartition(".")
        if part in grus:
            named[k] = getattr(grus[part], layout[name])
            with torch.no_grad():
                named[k].copy_(as_torch(k))
        else:  # the attention's and the read-out's
            named[k] = torch.nn.Parameter(as_torch(k))
    opt = torch.optim.Adam(list(named.values()), lr=LR)
    lengths = torch.from_numpy((src != data.PAD).sum(axis=0))
    x_src = F.one_hot(torch.from_numpy(src), V).to(tdtype)
    dec_in = np.concatenate([np.full((1, B), data.BOS), tgt[:-1]])
    x_dec = F.one_hot(torch.from_numpy(dec_in), V).to(tdtype)
    keep = torch.from_numpy(tgt != data.PAD)
    targets = torch.from_numpy(tgt)[keep]
    allowed = torch.from_numpy(src != data.PAD)  # (S, B)

    def step():
        opt.zero_grad(set_to_none=True)
        enc, _ = grus["enc"](x_src)  # (S, B, H)
        bridge = enc[lengths - 1, torch.arange(B)]
        dec, _ = grus["dec"](x_dec, bridge[None])  # (T, B, H)
        if kind == "additive":
            kp = enc @ named["att.W_k"].T  # (S, B, A)
            qp = dec @ named["att.W_q"].T  # (T, B, A)
            scores = (torch.tanh(qp[:, None] + kp[None]) @ named["att.v"])[..., 0]  # (T, S, B)
        else:
            scores = torch.einsum("tbh,sbh->tsb", dec, enc) / H**0.5
        weights = torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=1)
        context = torch.einsum("tsb,sbh->tbh", weights, enc)
        logits = torch.cat([dec, context], dim=-1) @ named["W_out"].T + named["b_out"]
        loss = F.cross_entropy(logits[keep], targets, reduction="sum") / B
        loss.backward()
        opt.step()
        return float(loss.detach()), as_numpy({k: p.grad for k, p in named.items()})

    def as_numpy(tensors):
        out = {k: t.detach().numpy().copy() for k, t in tensors.items()}
        return {k: v[:, None] if k.split(".")[-1].startswith("b_") else v for k, v in out.items()}

    return step, lambda: as_numpy(named)


def compare(torch, dtype, kind, size):
    """One step of each from the same weights: the largest relative differences of loss, gradients and weights."""
    params, src, tgt = make_problem(dtype, kind, size)
    ours = {k: v.copy() for k, v in params.items()}
    torch_step, torch_weights = make_torch(torch, params, src, tgt, kind)
    loss, grads = make_rnn_lib(ours, src, tgt, kind)()
    t_loss, t_grads = torch_step()

    def rel(a, b):
        return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))

    weights = torch_weights()
    return {
        "loss": abs(loss - t_loss) / abs(t_loss),
        "gradients": max(rel(grads[k], t_grads[k]) for k in params),
        "weights": max(rel(ours[k], weights[k]) for k in params),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few steps: a smoke test, not a measurement")
    parser.add_argument("--without-torch", action="store_true", help="skip PyTorch even when it is installed")
    parser.add_argument("--size", default=",".join(map(str, SIZE)), help="S,B,H (default 20,32,128)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="additive,dot (default both)")
    args = parser.parse_args(argv)
    size = tuple(int(s) for s in args.size.split(","))
    kinds = args.kinds.split(",")
    if not set(kinds) <= set(KINDS):
        parser.error(f"--kinds: choose from {', '.join(KINDS)}, got {args.kinds}")
    steps_per_run, warm_up = (2, 1) if args.quick else (10, 3)

    torch, _ = describe_machine(args.without_torch)
    S, B, H = size
    print(f"\nEncoder–decoder training step (GRUs, attention, cross-entropy, BPTT, Adam): V = {V}, H = A = {H}, ")
    print(f"B = {B}, S = T = {S}; median of {RUNS} interleaved runs of {steps_per_run} steps each\n")
    header = "| attention | dtype | rnn_lib ms/step | PyTorch ms/step | rnn_lib vs PyTorch |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for kind, (dtype_name, dtype) in [(k, d) for k in kinds for d in DTYPES.items()]:
        steps = {"rnn_lib": make_rnn_lib(*make_problem(dtype, kind, size), kind)}
        if torch is not None:
            diff = compare(torch, dtype, kind, size)
            tolerance = {"loss": 1e-10, "gradients": 1e-9, "weights": 1e-9} if dtype == np.float64 else None
            tolerance = tolerance or {"loss": 1e-4, "gradients": 1e-3, "weights": np.inf}  # float32: a step may
            # differ where |g| is near ε; the weights are compared in float64 only
            bad = {k: v for k, v in diff.items() if v > tolerance[k]}
            if bad:
                raise AssertionError(f"{kind} {dtype_name}: rnn_lib and PyTorch differ: {bad}")
            steps["torch"] = make_torch(torch, *make_problem(dtype, kind, size), kind)[0]
        med = per_step_seconds(steps, RUNS, steps_per_run, warm_up)
        ratio = med["torch"] / med["rnn_lib"] if "torch" in med else None
        print(
            f"| {kind} | {dtype_name} | {fmt_ms(med['rnn_lib'])} | {fmt_ms(med.get('torch'))} "
            f"| {'—' if ratio is None else f'{ratio:.2f}×'} |",
            flush=True,
        )
    print("\nrnn_lib vs PyTorch: PyTorch's time per step over rnn_lib's (above 1: rnn_lib is faster).")


if __name__ == "__main__":
    main()
