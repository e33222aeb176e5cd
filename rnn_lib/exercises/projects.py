"""Checker for notebook 12's exercise: a free-running forecast (rollout) that feeds predictions back as inputs.

The learner writes ``rollout(params, x_warm, n_steps)``: read a warm-up sequence
x_warm (T0, D) from h_0 = 0, then forecast ``n_steps`` values by feeding each prediction back as the
next input (D = O), carrying the hidden state.  Returns (n_steps, O): the first row is ŷ_{T0}, the
prediction the warm-up already makes for the step after it.
"""

from __future__ import annotations

import numpy as np

from .. import engine
from ..parameters import param_shapes
from ._feedback import Feedback, diagnose, run_learner

ROLLOUT_EXERCISE = "rollout"


def reference_rollout(params, x_warm, n_steps, *, reset_state=False, shift=False, repeat_input=False):
    """Free-running forecast (n_steps, O) after the warm-up x_warm (T0, D), and classic wrong versions.

    reset_state: every fed-back step starts again from h = 0.  shift: the first row returned is the
    prediction made *after* feeding ŷ_{T0} back (one step too late).  repeat_input: the last warm-up
    input x_{T0} is fed again instead of the prediction ŷ_{T0}.
    """
    y_hat, cache = engine.forward(params, x_warm)
    h, pred = cache.h[-1, 0], y_hat[-1]
    out = []
    inp = x_warm[-1] if repeat_input else pred
    for _ in range(n_steps + int(shift)):
        out.append(pred)
        y_next, c = engine.forward(params, inp[None, :], None if reset_state else h)
        h, pred = c.h[-1, 0], y_next[0]
        inp = x_warm[-1] if repeat_input else pred
    return np.array(out[int(shift) :])


def _rollout_problem(seed=1, T0=6, H=5):
    rng = np.random.default_rng(seed)
    params = {name: 0.7 * rng.standard_normal(shape) for name, shape in param_shapes(1, H, 1).items()}
    x_warm = np.sin(0.6 * np.arange(T0))[:, None]
    return params, x_warm


def check_rollout(fn) -> Feedback:
    """Check ``fn(params, x_warm, n_steps)`` on a small random network, a warm-up of 6 steps, 5 forecast steps."""
    params, x_warm = _rollout_problem()
    n = 5
    mistakes = {
        "resetting the hidden state": (
            reference_rollout(params, x_warm, n, reset_state=True),
            "Each fed-back step started from h = 0, so the network forgot the warm-up. Carry h: pass the last "
            "state (cache.h[-1]) as h0 to the next rnn_lib.forward call.",
        ),
        "one step late": (
            reference_rollout(params, x_warm, n, shift=True),
            "The first forecast is ŷ_{T0}, the warm-up's own last prediction (it predicts the step after the "
            "warm-up). Your rows are shifted by one: that first value is missing.",
        ),
        "feeding the last input again": (
            reference_rollout(params, x_warm, n, repeat_input=True),
            "The input of each forecast step must be the previous prediction ŷ, not the last warm-up value.",
        ),
    }
    answer, feedback = run_learner(ROLLOUT_EXERCISE, fn, {k: v.copy() for k, v in params.items()}, x_warm.copy(), n)
    if feedback is not None:
        return feedback
    return diagnose(
        ROLLOUT_EXERCISE,
        answer,
        reference_rollout(params, x_warm, n),
        name="your forecast",
        known_mistakes=mistakes,
        time_axis=0,
    )
