"""A gallery of planted LSTM and GRU bugs, for notebooks 13 and 14 and their checkers: what each does to a gradient check.

A planted bug is a small function: the library's right piece with ONE thing changed, and the same signature.  The
piece is the element-wise backward (``lstm.gates_backward``, ``gru.gates_backward``), the step backward
(``lstm.lstm_step_backward``, ``gru.gru_step_backward``) or ``lstm.init_params``; the readable sequence backward
takes a planted step through its ``step_backward=`` argument (:func:`planted_backward`), so the right code and the
buggy code differ in that one piece, and the tests show they differ only where they should.  ``inspect.getsource``
of a bug's ``piece`` shows the change.

:data:`BUGS` is the gallery (name → :class:`Bug`); :data:`LSTM_MISTAKES` and :data:`GRU_MISTAKES` are the planted
element-wise backwards the checkers of notebooks 13 and 14 recognise (the gallery's and a few more).

:func:`signature` runs a centred-difference check of a backward and returns the relative error per *gate block*
(the rows of W_ih, W_hh, b_ih and b_hh that feed one gate, together) and per remaining array (W_hy, b_y, x, h0
and, for the LSTM, c0).  The pattern of what fails, on the problem and on the probes of :data:`PROBES` (its first
two steps, and its first step alone, where nothing flows between steps), points at the bug;
:func:`random_problem` is the seeded problem the notebooks and tests use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from rnn_lib import gradcheck, gru, lstm
from rnn_lib.gated import PARAM_NAMES
from rnn_lib.reference import loss, loss_grad

MODULES = {"LSTM": lstm, "GRU": gru}
STEP_BACKWARD = {"LSTM": lstm.lstm_step_backward, "GRU": gru.gru_step_backward}
GATE_NAMES = {"LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n")}
STATE_NAMES = {"LSTM": ("h0", "c0"), "GRU": ("h0",)}
GATED_KEYS = ("W_ih", "W_hh", "b_ih", "b_hh")  # the arrays whose rows come in gate blocks


# ---------------------------------------------------------------------------
# LSTM: planted element-wise backwards, lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c) → (dh_raw, dc_prev),
# each the right one with one thing changed.
# ---------------------------------------------------------------------------


def without_sigma_prime(dh_raw, gates, block: int, G: int):
    """Divide gate ``block``'s σ′ = σ(1 − σ) out of its part of dh_raw again, in place (G gate blocks)."""
    s = np.split(gates, G, axis=-1)[block]
    np.split(dh_raw, G, axis=-1)[block][...] /= s * (1.0 - s)


def lstm_sigma_prime_missing_on_f(dh, dc_next, c_prev, gates, tanh_c):
    """The forget gate's σ′ = f(1 − f) missing: δ^f_t passed on as if it were ∂L/∂a^f_t."""
    dh_raw, dc_prev = lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c)
    without_sigma_prime(dh_raw, gates, 1, lstm.G)  # BUG: no σ′ on the f block
    return dh_raw, dc_prev


def lstm_sigma_prime_missing_on_i(dh, dc_next, c_prev, gates, tanh_c):
    """The input gate's σ′ = i(1 − i) missing."""
    dh_raw, dc_prev = lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c)
    without_sigma_prime(dh_raw, gates, 0, lstm.G)  # BUG: no σ′ on the i block
    return dh_raw, dc_prev


def lstm_sigma_prime_missing_on_o(dh, dc_next, c_prev, gates, tanh_c):
    """The output gate's σ′ = o(1 − o) missing."""
    dh_raw, dc_prev = lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c)
    without_sigma_prime(dh_raw, gates, 3, lstm.G)  # BUG: no σ′ on the o block
    return dh_raw, dc_prev


def lstm_tanh_prime_missing_on_g(dh, dc_next, c_prev, gates, tanh_c):
    """The LSTM's element-wise backward without tanh′ = 1 − g² on the g block."""
    dh_raw, dc_prev = lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c)
    g = lstm.gate_blocks(gates)[2]
    lstm.gate_blocks(dh_raw)[2][...] /= 1.0 - g**2  # BUG: tanh′ divided out again
    return dh_raw, dc_prev


def lstm_dc_not_accumulated(dh, dc_next, c_prev, gates, tanh_c):
    """δ^c_t = δ^h_t ⊙ o_t ⊙ (1 − tanh² c_t) alone: what came back from c_{t+1} (dc_next) is overwritten."""
    return lstm.gates_backward(dh, np.zeros_like(dc_next), c_prev, gates, tanh_c)  # BUG: dc_next dropped


def lstm_with_o_block_of_right(planted_dh_raw, dh, dc_next, c_prev, gates, tanh_c):
    """``planted_dh_raw`` with its o block taken from the right backward (δ^a_o needs δ^h_t alone)."""
    right = lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c)[0]
    lstm.gate_blocks(planted_dh_raw)[3][...] = lstm.gate_blocks(right)[3]
    return planted_dh_raw


def lstm_path_from_h_missing(dh, dc_next, c_prev, gates, tanh_c):
    """δ^c_t = dc_next alone: the path from h_t = o_t ⊙ tanh(c_t) into c_t is missing (δ^a_o, which needs δ^h_t, is right)."""
    dh_raw, dc_prev = lstm.gates_backward(np.zeros_like(dh), dc_next, c_prev, gates, tanh_c)  # BUG: δ^h_t not in δ^c_t
    return lstm_with_o_block_of_right(dh_raw, dh, dc_next, c_prev, gates, tanh_c), dc_prev


def lstm_tanh_prime_of_c_missing(dh, dc_next, c_prev, gates, tanh_c):
    """δ^c_t = dc_next + δ^h_t ⊙ o_t: the path from h_t into c_t without tanh′ = 1 − tanh²(c_t)."""
    no_tanh = np.zeros_like(tanh_c)  # BUG: 1 − tanh²(c_t) taken as 1 on the way into c_t
    dh_raw, dc_prev = lstm.gates_backward(dh, dc_next, c_prev, gates, no_tanh)
    return lstm_with_o_block_of_right(dh_raw, dh, dc_next, c_prev, gates, tanh_c), dc_prev


def lstm_dc_carried_without_f(dh, dc_next, c_prev, gates, tanh_c):
    """δ^c_t sent back to c_{t−1} unchanged: ∂c_t/∂c_{t−1} taken as the identity instead of diag(f_t)."""
    dh_raw, dc_prev = lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c)
    return dh_raw, dc_prev / lstm.gate_blocks(gates)[1]  # BUG: f_t ⊙ δ^c_t divided by f_t again


def lstm_blocks_g_o_swapped(dh, dc_next, c_prev, gates, tanh_c):
    """δ^a_t stacked in the order i, f, o, g while the forward uses i, f, g, o."""
    dh_raw, dc_prev = lstm.gates_backward(dh, dc_next, c_prev, gates, tanh_c)
    i, f, g, o = lstm.gate_blocks(dh_raw)
    return np.concatenate([i, f, o, g], axis=-1), dc_prev  # BUG: g and o swapped


# ---------------------------------------------------------------------------
# GRU: planted element-wise backwards, gru.gates_backward(dh, h_prev, gates, hn) → (dh_raw_x, dh_raw_h, dh_leak).
# ---------------------------------------------------------------------------


def gru_r_times_h_prev(dh, h_prev, gates, hn):
    """∂L/∂r_t built with h_{t−1}, as if r multiplied the state; here r multiplies hn = W_hn h_{t−1} + b_hn."""
    return gru.gates_backward(dh, h_prev, gates, h_prev)  # BUG: h_{t−1} where hn belongs


def gru_r_missing_on_hn_path(dh, h_prev, gates, hn):
    """The recurrent side's n block without r: as if hn reached n's pre-activation directly."""
    dh_raw_x, dh_raw_h, dh_leak = gru.gates_backward(dh, h_prev, gates, hn)
    gru.gate_blocks(dh_raw_h)[2][...] = gru.gate_blocks(dh_raw_x)[2]  # BUG: r_t ⊙ δ^a_n without the r_t
    return dh_raw_x, dh_raw_h, dh_leak


def gru_z_and_1_minus_z_swapped(dh, h_prev, gates, hn):
    """∂h_t/∂n_t taken as z_t: z and 1 − z swapped (the convention h_t = z ⊙ n_t + (1 − z) ⊙ h_{t−1})."""
    r, z, n = gru.gate_blocks(gates)
    swapped = np.concatenate([r, 1.0 - z, n], axis=-1)  # BUG: 1 − z where z belongs, on the path through n
    dh_raw_x, dh_raw_h, _ = gru.gates_backward(dh, h_prev, swapped, hn)  # (z's own σ′ = z(1 − z) is symmetric)
    return dh_raw_x, dh_raw_h, dh * z


def gru_z_path_drops_h_prev(dh, h_prev, gates, hn):
    """∂h_t/∂z_t = h_{t−1} − n_t with the h_{t−1} term dropped."""
    return gru.gates_backward(dh, np.zeros_like(h_prev), gates, hn)  # BUG: h_{t−1} read as 0 in δ^z


def gru_leak_not_carried(dh, h_prev, gates, hn):
    """The direct path h_{t−1} → h_t through z_t ⊙ h_{t−1} (the leak) is not carried back."""
    dh_raw_x, dh_raw_h, _ = gru.gates_backward(dh, h_prev, gates, hn)
    return dh_raw_x, dh_raw_h, np.zeros_like(dh)  # BUG: z_t ⊙ δ^h_t dropped


def gru_sigma_prime_missing_on_r(dh, h_prev, gates, hn):
    """The reset gate's σ′ = r(1 − r) missing, on both sides."""
    dh_raw_x, dh_raw_h, dh_leak = gru.gates_backward(dh, h_prev, gates, hn)
    for dh_raw in (dh_raw_x, dh_raw_h):
        without_sigma_prime(dh_raw, gates, 0, gru.G)  # BUG: no σ′ on the r block
    return dh_raw_x, dh_raw_h, dh_leak


def gru_sigma_prime_missing_on_z(dh, h_prev, gates, hn):
    """The update gate's σ′ = z(1 − z) missing, on both sides."""
    dh_raw_x, dh_raw_h, dh_leak = gru.gates_backward(dh, h_prev, gates, hn)
    for dh_raw in (dh_raw_x, dh_raw_h):
        without_sigma_prime(dh_raw, gates, 1, gru.G)  # BUG: no σ′ on the z block
    return dh_raw_x, dh_raw_h, dh_leak


def gru_tanh_prime_missing_on_n(dh, h_prev, gates, hn):
    """δ^n_t passed on as the n pre-activation's δ: tanh′ = 1 − n² missing (on n, and on r, which it reaches)."""
    dh_raw_x, dh_raw_h, dh_leak = gru.gates_backward(dh, h_prev, gates, hn)
    tanh_prime = 1.0 - gru.gate_blocks(gates)[2] ** 2
    for dh_raw in (dh_raw_x, dh_raw_h):
        for block in (0, 2):  # r's δ is made from n's
            gru.gate_blocks(dh_raw)[block][...] /= tanh_prime  # BUG: tanh′ divided out again
    return dh_raw_x, dh_raw_h, dh_leak


# ---------------------------------------------------------------------------
# Planted step backwards and initialisation.
# ---------------------------------------------------------------------------


def lstm_dh_not_carried(dh, dc_next, cache):
    """The step sends nothing back to h_{t−1}: δ^h_{t−1} then misses W_hhᵀ δ^a_t (and ∂L/∂h_0 is 0)."""
    dx_t, dh_prev, *rest = lstm.lstm_step_backward(dh, dc_next, cache)
    return dx_t, np.zeros_like(dh_prev), *rest  # BUG: dh_next dropped


def lstm_forget_bias_on_input_gate(D, H, O, *, forget_bias=0.0, **options):
    """``lstm.init_params`` with the forget bias in the i block (b_ih[:H]) instead of the f block (b_ih[H:2H])."""
    params = lstm.init_params(D, H, O, forget_bias=forget_bias, **options)
    params["b_ih"][:H], params["b_ih"][H : 2 * H] = params["b_ih"][H : 2 * H], 0.0  # BUG: the i block, not f
    return params


# ---------------------------------------------------------------------------
# The gallery and the checkers' mistakes.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bug:
    """One planted mistake: ``piece`` (a function of the signature of the right one it replaces), what it does wrong
    and the fix.  ``kind`` says which piece: "gates" (the element-wise backward), "step" (the step backward) or
    "init" (``init_params``: a mistake outside the backward pass, which a gradient check cannot see)."""

    cell: str  # "LSTM" or "GRU"
    kind: str
    piece: Callable
    what: str
    fix: str

    @property
    def in_backward(self) -> bool:
        return self.kind != "init"

    @property
    def step_backward(self) -> Callable:
        """The step backward with this bug (the right one for a bug outside the backward pass)."""
        right = STEP_BACKWARD[self.cell]
        return {"gates": partial(right, gates_backward=self.piece), "step": self.piece}.get(self.kind, right)


BUGS = {
    # -- LSTM --------------------------------------------------------------------------------------
    "lstm_sigma_prime_missing_on_f": Bug(
        "LSTM",
        "gates",
        lstm_sigma_prime_missing_on_f,
        "the forget gate's σ′ = f(1 − f) is missing: δ^f_t is passed on as if it were ∂L/∂a^f_t",
        "dh_raw's f block = dc * c_prev * f * (1 − f)",
    ),
    "lstm_dc_not_accumulated": Bug(
        "LSTM",
        "gates",
        lstm_dc_not_accumulated,
        "δ^c_t overwritten by the path through h_t: the path from c_{t+1} (dc_next) is lost",
        "dc = dc_next + dh * o * (1 − tanh(c_t)²): both paths",
    ),
    "lstm_dc_carried_without_f": Bug(
        "LSTM",
        "gates",
        lstm_dc_carried_without_f,
        "δ^c_t sent back to c_{t−1} unchanged: ∂c_t/∂c_{t−1} taken as the identity instead of diag(f_t)",
        "dc_prev = f_t ⊙ δ^c_t",
    ),
    "lstm_dh_not_carried": Bug(
        "LSTM",
        "step",
        lstm_dh_not_carried,
        "δ^h_t misses W_hhᵀ δ^a_{t+1}, the path back from step t+1 through the gates",
        "dh = dh_out + dh_next, with dh_next = W_hhᵀ δ^a_{t+1} from the step after",
    ),
    "lstm_blocks_g_o_swapped": Bug(
        "LSTM",
        "gates",
        lstm_blocks_g_o_swapped,
        "the gate gradients written back in the order i, f, o, g while the forward uses i, f, g, o",
        "stack δ^a in the forward's order i, f, g, o (PyTorch's)",
    ),
    "lstm_forget_bias_on_input_gate": Bug(
        "LSTM",
        "init",
        lstm_forget_bias_on_input_gate,
        "init_params puts the forget bias into the i block: the input gate starts open instead of the forget gate",
        "b_ih[H:2H] (the f block of i, f, g, o) = forget_bias",
    ),
    # -- GRU ---------------------------------------------------------------------------------------
    "gru_r_times_h_prev": Bug(
        "GRU",
        "gates",
        gru_r_times_h_prev,
        "∂L/∂r_t built with h_{t−1}, as if r multiplied the state; here r multiplies W_hn h_{t−1} + b_hn",
        "dh_raw_r = dh_raw_n * hn * r * (1 − r), hn = W_hn h_{t−1} + b_hn",
    ),
    "gru_r_missing_on_hn_path": Bug(
        "GRU",
        "gates",
        gru_r_missing_on_hn_path,
        "the n block of the recurrent side without r: W_hn h_{t−1} + b_hn reaches n_t only through r_t ⊙ (…)",
        "∂L/∂(W_hn h_{t−1} + b_hn) = r_t ⊙ δ^n-pre-activation",
    ),
    "gru_z_and_1_minus_z_swapped": Bug(
        "GRU",
        "gates",
        gru_z_and_1_minus_z_swapped,
        "∂h_t/∂n_t taken as z_t: z and 1 − z swapped (the convention h_t = z ⊙ n_t + (1 − z) ⊙ h_{t−1})",
        "dn = dh * (1 − z): h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}",
    ),
    "gru_z_path_drops_h_prev": Bug(
        "GRU",
        "gates",
        gru_z_path_drops_h_prev,
        "∂h_t/∂z_t = h_{t−1} − n_t with the h_{t−1} term dropped",
        "dz = dh * (h_prev − n)",
    ),
    "gru_leak_not_carried": Bug(
        "GRU",
        "gates",
        gru_leak_not_carried,
        "the direct path h_{t−1} → h_t through z_t ⊙ h_{t−1} (the leak) is not carried back",
        "dh_prev = dh_raw_h @ W_hh + z_t ⊙ δ^h_t",
    ),
}

# The checkers' known mistakes within a step (notebooks 13 and 14): mistake name → planted element-wise backward.
LSTM_MISTAKES = {
    "σ′ missing on the forget gate": lstm_sigma_prime_missing_on_f,
    "σ′ missing on the input gate": lstm_sigma_prime_missing_on_i,
    "σ′ missing on the output gate": lstm_sigma_prime_missing_on_o,
    "tanh′ missing on g": lstm_tanh_prime_missing_on_g,
    "dc not accumulated (the path from c_{t+1} is lost)": lstm_dc_not_accumulated,
    "the path from h_t into c_t is missing": lstm_path_from_h_missing,
    "tanh′ of the cell state missing": lstm_tanh_prime_of_c_missing,
    "dc carried back without f (∂c_t/∂c_{t−1} taken as the identity)": lstm_dc_carried_without_f,
    "gate blocks in the wrong order (i, f, o, g)": lstm_blocks_g_o_swapped,
}
GRU_MISTAKES = {
    "z and 1 − z swapped": gru_z_and_1_minus_z_swapped,
    "the h_{t−1} term of ∂h_t/∂z_t is dropped": gru_z_path_drops_h_prev,
    "r placed on h_{t−1} in ∂L/∂r": gru_r_times_h_prev,
    "r missing on the recurrent n block": gru_r_missing_on_hn_path,
    "σ′ missing on z": gru_sigma_prime_missing_on_z,
    "σ′ missing on r": gru_sigma_prime_missing_on_r,
    "tanh′ missing on n": gru_tanh_prime_missing_on_n,
    "the leak z ⊙ δ^h_t not carried back": gru_leak_not_carried,
}


def planted_backward(name: str) -> Callable:
    """The readable sequence backward of bug ``name``'s cell with the bug planted: ``backward(params, cache, dy)``."""
    bug = BUGS[name]
    return partial(MODULES[bug.cell].backward, step_backward=bug.step_backward)


# ---------------------------------------------------------------------------
# Problems and signatures.
# ---------------------------------------------------------------------------


def random_problem(cell: str, seed=0, T=5, D=3, H=4, O=2, B=None, *, scale=0.5):
    """A seeded problem for ``cell`` ("LSTM" or "GRU"): every parameter ~ scale·N(0, 1), x, y ~ N(0, 1).

    Non-zero initial states (scale·N(0, 1)), so that a mistake in what reaches h_0 or c_0 shows.
    Returns ``(params, x, y, states)``: x (T, D) or (T, B, D), y like ŷ, states {"h0": …[, "c0": …]}
    each (H,) or (B, H), all float64.
    """
    rng = np.random.default_rng(seed)
    shapes = MODULES[cell].param_shapes(D, H, O)
    params = {name: scale * rng.standard_normal(shapes[name]) for name in PARAM_NAMES}
    lead = (T,) if B is None else (T, B)
    x = rng.standard_normal(lead + (D,))
    y = rng.standard_normal(lead + (O,))
    states = {name: scale * rng.standard_normal(lead[1:] + (H,)) for name in STATE_NAMES[cell]}
    return params, x, y, states


def loss_function(cell, arrays, y):
    """The loss of the correct ``cell`` as a function of no arguments that reads ``arrays`` (for finite differences).

    arrays: dict with the six parameters, "x" and the initial states ("h0"[, "c0"]), changed in place by the caller.
    """
    module = MODULES[cell]

    def f():
        params = {k: arrays[k] for k in PARAM_NAMES}
        y_hat, _ = module.forward(params, arrays["x"], *(arrays[s] for s in STATE_NAMES[cell]))
        return loss(y_hat, y)

    return f


def block_errors(cell, params, x, y, states, grads, *, eps=gradcheck.DEFAULT_EPS) -> dict:
    """Relative error of ``grads`` against centred differences, with the gate-structured arrays split by gate.

    The rows of W_ih, W_hh, b_ih and b_hh that feed gate k are compared together, so a mistake in one gate's
    formula shows in that gate's column.  Works on float64 copies.  Returns ``{gate: error, ..., "W_hy": …,
    "b_y": …, "x": …, "h0": …[, "c0": …]}``.
    """
    module = MODULES[cell]
    arrays = {name: np.array(value, dtype=np.float64) for name, value in {**params, "x": x, **states}.items()}
    f = loss_function(cell, arrays, np.asarray(y, dtype=np.float64))
    numeric = {name: gradcheck.numerical_gradient(f, arrays[name], eps) for name in arrays}
    errors = {}
    for k, gate in enumerate(GATE_NAMES[cell]):  # blocks along the rows: split the transposes' last axis
        ours = [module.gate_blocks(np.asarray(grads[n]).T)[k].ravel() for n in GATED_KEYS]
        theirs = [module.gate_blocks(numeric[n].T)[k].ravel() for n in GATED_KEYS]
        errors[gate] = gradcheck.relative_error(np.concatenate(ours), np.concatenate(theirs))
    for name in ("W_hy", "b_y", "x", *states):
        errors[name] = gradcheck.relative_error(grads[name], numeric[name])
    return errors


def gradients(backward, cell, params, x, y, states) -> dict:
    """``backward`` (the cell's, or a planted one) of the course's loss at this problem, after the cell's forward."""
    y_hat, cache = MODULES[cell].forward(params, x, *states.values())
    return backward(params, cache, loss_grad(y_hat, y))


def signature(name, params, x, y, states, *, eps=gradcheck.DEFAULT_EPS) -> dict:
    """Per-block relative errors (:func:`block_errors`) of the backward with bug ``name`` planted.

    name: a key of :data:`BUGS`, or "LSTM" / "GRU" for the library's correct backward.
    """
    cell = name if name in MODULES else BUGS[name].cell
    backward = MODULES[cell].backward if name in MODULES else planted_backward(name)
    copies = {k: np.array(v, dtype=np.float64) for k, v in params.items()}  # a buggy backward cannot touch the problem
    grads = gradients(
        backward, cell, copies, np.array(x, dtype=np.float64), y, {k: np.array(v) for k, v in states.items()}
    )
    return block_errors(cell, params, x, y, states, grads, eps=eps)


PROBES = {"T": None, "T = 2": 2, "T = 1": 1}  # the whole problem, and its first two steps and first step alone


def probe_signatures(name, params, x, y, states) -> dict:
    """:func:`signature` on each probe of :data:`PROBES`: ``{probe: {column: error}}``.

    On the first step alone nothing flows between steps, so only mistakes within a step show; on the first
    two steps, only what crosses one step boundary.
    """
    return {probe: signature(name, params, x[:n], y[:n], states) for probe, n in PROBES.items()}


def failing(errors: dict, tol: float = 1e-7) -> frozenset:
    """The columns of a signature whose error exceeds ``tol``."""
    return frozenset(k for k, e in errors.items() if e > tol)
