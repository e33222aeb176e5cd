"""A gallery of planted LSTM and GRU bugs, for notebooks 13 and 14: what each does to a gradient check.

Every bug is ONE line of ``rnn_lib/lstm.py`` or ``rnn_lib/gru.py`` replaced by a wrong one: :data:`BUGS`
holds the line as it stands in the library, the line with the mistake, what is wrong and the fix, and
:func:`planted` runs the library's own source with that single line swapped, so the correct code and the
buggy one can differ in nothing else (``print(BUGS[name].diff)`` shows the change).

:func:`signature` runs a centred-difference check of the planted module's backward and returns the relative
error per *gate block* (the rows of W_ih, W_hh, b_ih and b_hh that feed one gate, together) and per
remaining array (W_hy, b_y, x, h0 and, for the LSTM, c0).  The pattern of what fails, on the problem and on
the probes of :data:`PROBES` (its first two steps, and its first step alone, where nothing flows between
steps), points at the line; :func:`random_problem` is the seeded problem the notebooks and tests use.
"""

from __future__ import annotations

import inspect
import types
from dataclasses import dataclass

import numpy as np

from rnn_lib import gradcheck, gru, lstm
from rnn_lib.gated import PARAM_NAMES
from rnn_lib.reference import loss, loss_grad

MODULES = {"LSTM": lstm, "GRU": gru}
GATE_NAMES = {"LSTM": ("i", "f", "g", "o"), "GRU": ("r", "z", "n")}
STATE_NAMES = {"LSTM": ("h0", "c0"), "GRU": ("h0",)}
GATED_KEYS = ("W_ih", "W_hh", "b_ih", "b_hh")  # the arrays whose rows come in gate blocks


@dataclass(frozen=True)
class Bug:
    """One planted mistake: ``line`` (as it stands in the cell's module) becomes ``buggy``."""

    cell: str  # "LSTM" or "GRU"
    line: str
    buggy: str
    what: str
    fix: str
    in_backward: bool = True  # False: a mistake outside the backward pass, which a gradient check cannot see

    @property
    def diff(self) -> str:
        return f"- {self.line}\n+ {self.buggy}"


BUGS = {
    # -- LSTM --------------------------------------------------------------------------------------
    "lstm_sigma_prime_missing_on_f": Bug(
        "LSTM",
        "da_f = dc * c_prev * f * (1.0 - f)",
        "da_f = dc * c_prev",
        "the forget gate's σ′ = f(1 − f) is missing: δ^f_t is passed on as if it were ∂L/∂a^f_t",
        "da_f = dc * c_prev * f * (1 - f)",
    ),
    "lstm_dc_not_accumulated": Bug(
        "LSTM",
        "dc = dc_next + dh * o * (1.0 - tanh_c**2)",
        "dc = dh * o * (1.0 - tanh_c**2)",
        "δ^c_t overwritten by the path through h_t: the path from c_{t+1} (dc_next) is lost",
        "dc = dc_next + dh * o * (1 − tanh(c_t)²): both paths",
    ),
    "lstm_dc_carried_without_f": Bug(
        "LSTM",
        "return da, f * dc",
        "return da, dc",
        "δ^c_t sent back to c_{t−1} unchanged: ∂c_t/∂c_{t−1} taken as the identity instead of diag(f_t)",
        "dc_prev = f_t ⊙ δ^c_t",
    ),
    "lstm_dh_not_carried": Bug(
        "LSTM",
        "dh = dh_out[t] + dh_next",
        "dh = dh_out[t]",
        "δ^h_t misses W_hhᵀ δ^a_{t+1}, the path back from step t+1 through the gates",
        "dh = dh_out[t] + dh_next",
    ),
    "lstm_blocks_g_o_swapped": Bug(
        "LSTM",
        "da = np.concatenate([da_i, da_f, da_g, da_o]",
        "da = np.concatenate([da_i, da_f, da_o, da_g]",
        "the gate gradients written back in the order i, f, o, g while the forward uses i, f, g, o",
        "stack δ^a in the forward's order i, f, g, o (PyTorch's)",
    ),
    "lstm_forget_bias_on_input_gate": Bug(
        "LSTM",
        'params["b_ih"][H : 2 * H] = forget_bias',
        'params["b_ih"][:H] = forget_bias',
        "init_params puts the forget bias into the i block: the input gate starts open instead of the forget gate",
        "b_ih[H:2H] (the f block of i, f, g, o) = forget_bias",
        in_backward=False,
    ),
    # -- GRU ---------------------------------------------------------------------------------------
    "gru_r_times_h_prev": Bug(
        "GRU",
        "da_r = da_n * hn * r * (1.0 - r)",
        "da_r = da_n * h_prev * r * (1.0 - r)",
        "∂L/∂r_t built with h_{t−1}, as if r multiplied the state; here r multiplies W_hn h_{t−1} + b_hn",
        "da_r = da_n * hn * r * (1 − r), hn = W_hn h_{t−1} + b_hn",
    ),
    "gru_r_missing_on_hn_path": Bug(
        "GRU",
        "da_h = np.concatenate([da_r, da_z, da_n * r]",
        "da_h = np.concatenate([da_r, da_z, da_n]",
        "the n block of the recurrent side without r: W_hn h_{t−1} + b_hn reaches n_t only through r_t ⊙ (…)",
        "∂L/∂(W_hn h_{t−1} + b_hn) = r_t ⊙ δ^n-pre-activation",
    ),
    "gru_z_and_1_minus_z_swapped": Bug(
        "GRU",
        "dn = dh * (1.0 - z)",
        "dn = dh * z",
        "∂h_t/∂n_t taken as z_t: z and 1 − z swapped (the convention h_t = z ⊙ n_t + (1 − z) ⊙ h_{t−1})",
        "dn = dh * (1 − z): h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}",
    ),
    "gru_z_path_drops_h_prev": Bug(
        "GRU",
        "dz = dh * (h_prev - n)",
        "dz = -dh * n",
        "∂h_t/∂z_t = h_{t−1} − n_t with the h_{t−1} term dropped",
        "dz = dh * (h_prev − n)",
    ),
    "gru_leak_not_carried": Bug(
        "GRU",
        "dh_next = da_h[t] @ W_hh + dh_leak",
        "dh_next = da_h[t] @ W_hh",
        "the direct path h_{t−1} → h_t through z_t ⊙ h_{t−1} (the leak) is not carried back",
        "dh_next = da_h @ W_hh + z_t ⊙ δ^h_t",
    ),
}


def plant(cell: str, line: str, buggy: str, label: str = "planted") -> types.ModuleType:
    """``rnn_lib.lstm`` (cell "LSTM") or ``rnn_lib.gru`` run from its own source with ``line`` replaced by ``buggy``.

    ``line`` must stand exactly once in the module.  Returns a new module object; the library is untouched.
    """
    original = MODULES[cell]
    source = inspect.getsource(original)
    if source.count(line) != 1:  # a mistake must name a line that stands exactly once
        raise ValueError(f"{label}: {line!r} occurs {source.count(line)} times in {original.__name__}")
    module = types.ModuleType(f"{original.__name__}[{label}]", original.__doc__)
    module.__package__ = original.__package__  # its relative imports then find rnn_lib's modules
    exec(compile(source.replace(line, buggy), f"<{original.__name__} with {label}>", "exec"), module.__dict__)
    return module


def planted(name: str) -> types.ModuleType:
    """``rnn_lib.lstm`` or ``rnn_lib.gru`` with the one line of bug ``name`` (a key of :data:`BUGS`) replaced."""
    bug = BUGS[name]
    return plant(bug.cell, bug.line, bug.buggy, name)


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


def gradients(module, params, x, y, states) -> dict:
    """``module.backward`` of the course's loss at this problem (module: rnn_lib.lstm, rnn_lib.gru or a planted one)."""
    y_hat, cache = module.forward(params, x, *states.values())
    return module.backward(params, cache, loss_grad(y_hat, y))


def signature(name, params, x, y, states, *, eps=gradcheck.DEFAULT_EPS) -> dict:
    """Per-block relative errors (:func:`block_errors`) of the backward with bug ``name`` planted.

    name: a key of :data:`BUGS`, or "LSTM" / "GRU" for the library's correct backward.
    """
    cell = name if name in MODULES else BUGS[name].cell
    module = MODULES[cell] if name in MODULES else planted(name)
    copies = {k: np.array(v, dtype=np.float64) for k, v in params.items()}  # a buggy backward cannot touch the problem
    grads = gradients(module, copies, np.array(x, dtype=np.float64), y, {k: np.array(v) for k, v in states.items()})
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
