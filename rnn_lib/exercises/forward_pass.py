"""Checkers for notebook 01 (the forward pass): ``check_rnn_step`` and ``check_rnn_forward``.

The learner writes, in the row (batch) layout of rnn_lib::

    rnn_step(x_t, h_prev, W_xh, W_hh, b_h) -> h_t            x_t (B, D), h_prev (B, H), h_t (B, H)
    rnn_forward(x, params) -> (h, y_hat)                       x (T, B, D), h (T, B, H), y_hat (T, B, O)

where ``h`` holds h_1 … h_T (not h_0) and ``params`` is the dict of the five parameters
``W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1)``.

Each checker runs the learner's function on data of its own (D, H, B all different, so a
transposed weight or a column bias fails loudly) and compares the answer with the right one and
with the answer of each classic mistake, so that the feedback names the bug.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, as_real_array, diagnose, run_learner

STEP = "rnn_step"
FORWARD = "rnn_forward"

# Sizes chosen pairwise different: a missing transpose or a (H, 1) bias added to (B, H) rows
# then raises a shape error instead of silently broadcasting.
T, B, D, H, O = 5, 2, 3, 4, 1


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _problem(seed=0):
    """Parameters of size ~1 (tanh clearly non-linear, every bias non-zero) and inputs x (T, B, D)."""
    rng = np.random.default_rng(seed)
    params = {
        "W_xh": 0.8 * rng.standard_normal((H, D)),
        "W_hh": 0.8 * rng.standard_normal((H, H)),
        "W_hy": 0.8 * rng.standard_normal((O, H)),
        "b_h": 0.5 * rng.standard_normal((H, 1)),
        "b_y": 0.5 * rng.standard_normal((O, 1)),
    }
    x = rng.standard_normal((T, B, D))
    return params, x


def _pre_activation(x_t, h_prev, W_xh, W_hh, b_h, *, bias=True, recurrent=True, transpose_hh=True):
    """a_t = x_t W_xhᵀ + h_{t−1} W_hhᵀ + b_hᵀ in rows, with switches that plant the classic mistakes."""
    a = x_t @ W_xh.T
    if recurrent:
        a = a + h_prev @ (W_hh.T if transpose_hh else W_hh)
    if bias:
        a = a + b_h[:, 0]
    return a


def _step(x_t, h_prev, W_xh, W_hh, b_h, *, activation=np.tanh, **switches):
    return activation(_pre_activation(x_t, h_prev, W_xh, W_hh, b_h, **switches))


def _forward(params, x, *, activation=np.tanh, h0=0.0, lag=1, return_a=False, shift_out=False, **switches):
    """The forward pass with switches for the mistakes; returns (h, y_hat) with h = h_1 … h_T.

    lag: which earlier state feeds step t (1 is right: h_{t−1}; 2 uses h_{t−2}, an off-by-one index).
    return_a: return the pre-activations a_t where h_t belongs.
    shift_out: return h_0 … h_{T−1} (the list of states shifted by one step).
    """
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
    states = [np.full((x.shape[1], W_hh.shape[0]), h0)]  # states[t] is h_t
    pre = []
    for t in range(x.shape[0]):
        h_prev = states[max(t + 1 - lag, 0)]
        a_t = _pre_activation(x[t], h_prev, W_xh, W_hh, b_h, **switches)
        pre.append(a_t)
        states.append(activation(a_t))
    h = np.array(states[:-1] if shift_out else states[1:])
    if return_a:
        h = np.array(pre)
    return h, h @ W_hy.T + b_y[:, 0]


def _call(exercise, fn, *args):
    """Run the learner's function; a shape error becomes feedback about shapes instead of a traceback."""

    def shape_advice(err):
        if not isinstance(err, ValueError):  # what numpy raises for mismatched matrix or broadcast shapes
            return None
        shapes = ", ".join(f"{np.shape(a)}" for a in args if isinstance(a, np.ndarray))
        return Feedback(
            exercise,
            "wrong",
            [
                f"Your function raised ValueError: {err}",
                f"It was called with arrays of shapes {shapes}.",
                (
                    "This is a shape error, often a transposed weight. In rows, x_t is (B, D) and W_xh is (H, D), so "
                    "the product is x_t @ W_xh.T (B, H); likewise h_prev @ W_hh.T. b_h is a column (H, 1): add b_h[:, 0]."
                ),
            ],
            "shape error",
        )

    return run_learner(exercise, fn, *args, explain=shape_advice)


def check_rnn_step(rnn_step) -> Feedback:
    """Check ``rnn_step(x_t, h_prev, W_xh, W_hh, b_h)`` → h_t (B, H) on a batch of rows.

    Known mistakes recognised: missing bias, no tanh (returning a_t), sigmoid instead of tanh,
    W_hh not transposed, forgetting the recurrent term; shape errors get a message about shapes.
    """
    params, x = _problem()
    rng = np.random.default_rng(1)
    x_t = x[0]
    h_prev = np.tanh(rng.standard_normal((B, H)))  # a non-zero previous state, so W_hh matters
    args = (x_t, h_prev, params["W_xh"], params["W_hh"], params["b_h"])
    h_t, fb = _call(STEP, rnn_step, *(a.copy() for a in args))
    if fb is not None:
        return fb
    mistakes = {
        "missing bias": (
            _step(*args, bias=False),
            "Add b_h to the pre-activation: a_t = x_t W_xhᵀ + h_{t−1} W_hhᵀ + b_hᵀ.",
        ),
        "no tanh: returned a_t instead of h_t": (
            _step(*args, activation=lambda a: a),
            "You returned the pre-activation a_t; the hidden state is h_t = tanh(a_t).",
        ),
        "sigmoid instead of tanh": (
            _step(*args, activation=_sigmoid),
            "This RNN squashes with tanh (values in (−1, 1)), not the logistic sigmoid (values in (0, 1)): np.tanh.",
        ),
        "W_hh not transposed": (
            _step(*args, transpose_hh=False),
            (
                "With rows, the recurrent term is h_prev @ W_hh.T (the problem's W_hh h_{t−1}, transposed). "
                "W_hh is square, so the shapes could not warn you."
            ),
        ),
        "forgot the recurrent term": (
            _step(*args, recurrent=False),
            "h_t depends on h_{t−1} too: add h_prev @ W_hh.T. Without it the network has no memory.",
        ),
    }
    return diagnose(STEP, h_t, _step(*args), name="h_t", known_mistakes=mistakes)


def _probe_h0(rnn_forward, params) -> bool:
    """True when the learner's forward gives a non-zero state from all-zero inputs and biases.

    With x = 0 and b_h = 0, a right forward pass keeps h_t = tanh(0) = 0 at every step; any
    non-zero state then comes from a non-zero h_0 (or an activation that does not map 0 to 0).
    """
    zero = {k: v.copy() for k, v in params.items()}
    zero["b_h"][:] = 0.0
    value, _ = _call(FORWARD, rnn_forward, np.zeros((T, B, D)), zero)
    if not isinstance(value, tuple) or len(value) != 2:
        return False
    h, problem = as_real_array(value[0])
    return problem is None and h.size > 0 and bool(np.any(np.abs(h) > 1e-12))


def check_rnn_forward(rnn_forward) -> Feedback:
    """Check ``rnn_forward(x, params)`` → ``(h, y_hat)`` on a batch x (T, B, D).

    ``h`` must hold h_1 … h_T, shape (T, B, H); ``y_hat`` is (T, B, O).  Known mistakes
    recognised: h_0 not zero, the wrong state (h_{t−2}, or the states shifted by one step),
    returning a_t instead of h_t, no tanh, sigmoid, missing bias, W_hh not transposed.
    """
    params, x = _problem()
    value, fb = _call(FORWARD, rnn_forward, x.copy(), {k: v.copy() for k, v in params.items()})
    if fb is not None:
        return fb
    if not isinstance(value, tuple) or len(value) != 2:
        return Feedback(
            FORWARD,
            "wrong",
            [f"rnn_forward should return a pair (h, y_hat), got {type(value).__name__}: end with `return h, y_hat`."],
        )
    h, y_hat = value
    right_h, right_y = _forward(params, x)
    mistakes = {
        "h_0 not zero": (
            _forward(params, x, h0=1.0)[0],
            "Start from h_0 = 0: np.zeros((B, H)).",
        ),
        "used the wrong state (h_{t−2} instead of h_{t−1})": (
            _forward(params, x, lag=2)[0],
            "Step t must use the state just computed, h_{t−1}: check the index into your list of states.",
        ),
        "states shifted by one step (returned h_0 … h_{T−1})": (
            _forward(params, x, shift_out=True)[0],
            "h should hold h_1 … h_T: the state after each input, not the one before it.",
        ),
        "returned a_t instead of h_t": (
            _forward(params, x, return_a=True)[0],
            "Store and return h_t = tanh(a_t), not the pre-activation a_t.",
        ),
        "no tanh": (
            _forward(params, x, activation=lambda a: a)[0],
            "Without tanh the recurrence is linear: h_t = tanh(a_t).",
        ),
        "sigmoid instead of tanh": (
            _forward(params, x, activation=_sigmoid)[0],
            "Use np.tanh, not the logistic sigmoid.",
        ),
        "missing bias": (
            _forward(params, x, bias=False)[0],
            "Add b_h to every pre-activation.",
        ),
        "W_hh not transposed": (
            _forward(params, x, transpose_hh=False)[0],
            "With rows the recurrent term is h_prev @ W_hh.T.",
        ),
    }
    fb = diagnose(FORWARD, h, right_h, name="h", known_mistakes=mistakes, time_axis=0)
    if fb.status == "wrong" and fb.mistake is None and np.shape(h) == right_h.shape and _probe_h0(rnn_forward, params):
        fb.mistake = "h_0 not zero"
        fb.messages.append(
            "With x = 0 and b_h = 0 every h_t should stay 0 (tanh 0 = 0), but yours does not: "
            "does the loop start from h_0 = np.zeros((B, H))?"
        )
    if not fb.passed:
        return fb
    return diagnose(
        FORWARD,
        y_hat,
        right_y,
        name="y_hat",
        time_axis=0,
        known_mistakes={
            "missing output bias": (right_h @ params["W_hy"].T, "ŷ_t = W_hy h_t + b_y: add b_y[:, 0]."),
            "y_hat from a_t": (
                _forward(params, x, return_a=True)[1],
                "The read-out uses the hidden state h_t, not the pre-activation a_t.",
            ),
        },
    )
