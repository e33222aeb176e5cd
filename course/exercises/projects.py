"""Checker for notebook 12's exercise: a free-running forecast (rollout) that feeds predictions back as inputs.

The learner writes ``rollout(params, x_warm, n_steps)``: read a warm-up sequence
x_warm (T0, D) from h_0 = 0, then forecast ``n_steps`` values by feeding each prediction back as the
next input (D = O), carrying the hidden state.  Returns (n_steps, O): the first row is ŷ_{T0}, the
prediction the warm-up already makes for the step after it.
"""

from __future__ import annotations

import numpy as np

from rnn_lib import engine
from rnn_lib.parameters import param_shapes

from ..i18n import N_, tr
from ._feedback import Feedback, confirmed, diagnose, guarded, read_only, run_learner

ROLLOUT_EXERCISE = "rollout"
ONE_SIZE = N_("right for one size only")


def reference_rollout(params, x_warm, n_steps, *, reset_state=False, shift=False, repeat_input=False,
                      state_before_last=False, repeat_once=False, first_pred_early=False):  # fmt: skip
    """Free-running forecast (n_steps, O) after the warm-up x_warm (T0, D), and classic wrong versions.

    reset_state: every fed-back step starts again from h = 0.  shift: the first row returned is the
    prediction made *after* feeding ŷ_{T0} back (one step too late).  repeat_input: the last warm-up
    input x_{T0} is fed again instead of the prediction ŷ_{T0}.  state_before_last: the state carried after
    the warm-up is h_{T0−1}, not h_{T0}.  repeat_once: x_{T0} is fed once more, then the predictions.
    first_pred_early: the first forecast is ŷ_{T0−1}, and it is fed back.
    """
    y_hat, cache = engine.forward(params, x_warm)
    h, pred = cache.h[-2 if state_before_last else -1, 0], y_hat[-2 if first_pred_early else -1]
    out = []
    inp = x_warm[-1] if repeat_input or repeat_once else pred
    for _ in range(n_steps + int(shift)):
        out.append(pred)
        y_next, c = engine.forward(params, inp[None, :], None if reset_state else h)
        h, pred = c.h[-1, 0], y_next[0]
        inp = x_warm[-1] if repeat_input else pred
    return np.array(out[int(shift) :])


def sliding_window_rollout(params, x_warm, n_steps):
    """The forecast of a learner who re-reads the last T0 values from h = 0 at every step (a sliding window)."""
    seq, out = x_warm.copy(), []
    for _ in range(n_steps):
        y_hat, _ = engine.forward(params, seq[-len(x_warm) :])
        out.append(y_hat[-1])
        seq = np.concatenate([seq, y_hat[-1:]])
    return np.array(out)


def _rollout_problem(seed=1, T0=6, H=5):
    rng = np.random.default_rng(seed)
    params = {name: 0.7 * rng.standard_normal(shape) for name, shape in param_shapes(1, H, 1).items()}
    x_warm = np.sin(0.6 * np.arange(T0))[:, None]
    return params, x_warm


@guarded(ROLLOUT_EXERCISE)
def check_rollout(fn) -> Feedback:
    """Check ``fn(params, x_warm, n_steps)`` on a small random network, a warm-up of 6 steps, 5 forecast steps."""
    params, x_warm = _rollout_problem()
    n = 5
    mistakes = {
        N_("resetting the hidden state"): (
            reference_rollout(params, x_warm, n, reset_state=True),
            tr(
                "Each fed-back step started from h = 0, so the network forgot the warm-up. Carry h: pass "
                "the last state (cache.h[-1]) as h0 to the next rnn_lib.forward call."
            ),
        ),
        N_("one step late"): (
            reference_rollout(params, x_warm, n, shift=True),
            tr(
                "The first forecast is ŷ_{T0}, the warm-up's own last prediction (it predicts the step "
                "after the warm-up). Your rows are shifted by one: that first value is missing."
            ),
        ),
        N_("feeding the last input again"): (
            reference_rollout(params, x_warm, n, repeat_input=True),
            tr("The input of each forecast step must be the previous prediction ŷ, not the last warm-up value."),
        ),
        N_("h_{T0−1} carried instead of h_{T0}"): (
            reference_rollout(params, x_warm, n, state_before_last=True),
            tr(
                "The state after the warm-up is its last one, h_{T0} = cache.h[-1] (cache.h has T0 + 1 rows, "
                "h_0 first); cache.h[-2] is the state before the last warm-up input was read."
            ),
        ),
        N_("the last warm-up input fed once more"): (
            reference_rollout(params, x_warm, n, repeat_once=True),
            tr(
                "The warm-up has already read x_{T0}: the first step after it reads the prediction ŷ_{T0}, "
                "not x_{T0} a second time."
            ),
        ),
        N_("ŷ_{T0−1} as the first forecast"): (
            reference_rollout(params, x_warm, n, first_pred_early=True),
            tr(
                "The forecast starts with the warm-up's LAST prediction, ŷ_{T0} = y_hat[-1]; y_hat[-2] "
                "predicts x_{T0}, which the warm-up already has."
            ),
        ),
        N_("the warm-up's own predictions"): (
            engine.forward(params, x_warm)[0][-n:],
            tr(
                "Those are the predictions the network makes while reading the true values. The forecast "
                "continues after the warm-up: feed each prediction back as the next input."
            ),
        ),
        N_("a sliding window from h = 0"): (
            sliding_window_rollout(params, x_warm, n),
            tr(
                "Each step re-read the last T0 values from h = 0. Read the warm-up once and carry its state: "
                "one step per forecast, from the state the step before left (cache.h[-1])."
            ),
        ),
    }
    fb, answer = _check(ROLLOUT_EXERCISE, fn, (params, x_warm, n), reference_rollout(params, x_warm, n), mistakes,
                        tr("your forecast"), True)  # fmt: skip
    fb = confirmed(fb, ROLLOUT_EXERCISE, fn, (params, x_warm, n), answer)
    if not fb.passed:
        return fb
    # A second case of other sizes: an answer with the first case's T0 = 6 or n_steps = 5 written in it fails here.
    params, x_warm = _rollout_problem(seed=3, T0=4, H=3)
    second = _check(
        ROLLOUT_EXERCISE, fn, (params, x_warm, 7), reference_rollout(params, x_warm, 7), {}, tr("your forecast")
    )
    if second.passed or second.status != "wrong":
        return second
    return Feedback(
        ROLLOUT_EXERCISE,
        "wrong",
        [
            tr(
                "The mistake '{mistake}': right for a warm-up of 6 steps and 5 forecast steps (H = 5), but not for "
                "a warm-up of 4, 7 forecast steps and H = 3. Does a number in your function stand for len(x_warm), "
                "n_steps or H? Read them from the arguments."
            ).format(mistake=tr(ONE_SIZE)),
            *second.messages,
        ],
        ONE_SIZE,
    )


def _check(exercise, fn, args, expected, mistakes, name, with_answer=False):
    """Call the learner's ``fn`` on copies of ``args`` and compare its answer, step by step, with ``expected``."""
    # read-only: the parameters, the warm-up inputs and the mask are only read (a write into one is named)
    answer, feedback = run_learner(exercise, fn, *map(read_only, args))
    if feedback is None:
        feedback = diagnose(exercise, answer, expected, name=name, known_mistakes=mistakes, time_axis=0, float64=True)
    return (feedback, answer) if with_answer else feedback


# ---------------------------------------------------------------------------------------------------------------
# Teacher forcing and free running in one function (notebook 12, exercise 3).
# ---------------------------------------------------------------------------------------------------------------

MIXED_EXERCISE = "mixed_rollout"
MIXED_MISTAKES = (
    N_("teacher forcing everywhere"),
    N_("teacher-forced predictions fed back"),
    N_("state reset at fed-back steps"),
    N_("previous true value fed back"),
    N_("state never carried"),
    N_("free running from the first fed-back step on"),
    N_("feed_back read one step late"),
)


def reference_mixed_rollout(params, x, feed_back, *, mistake=None):
    """Predictions (T, O) when step t reads x[t], or, where ``feed_back[t]``, its own prediction of step t − 1.

    x (T, D) true inputs (D = O); feed_back (T,) booleans, feed_back[0] False (there is no earlier prediction).
    All False is teacher forcing; False for a warm-up, then True, is free running.  ``mistake``, one of
    MIXED_MISTAKES, gives what that classic wrong version computes instead.
    """
    if mistake == "teacher forcing everywhere":
        return engine.forward(params, x)[0]
    if mistake == "teacher-forced predictions fed back":
        # The tempting shortcut: one teacher-forced pass, its predictions spliced in as inputs, a second pass.
        y_tf = engine.forward(params, x)[0]
        inputs = x.copy()
        inputs[1:][feed_back[1:]] = y_tf[:-1][feed_back[1:]]
        return engine.forward(params, inputs)[0]
    if mistake == "free running from the first fed-back step on":
        feed_back = np.cumsum(feed_back) > 0
    if mistake == "feed_back read one step late":
        feed_back = np.concatenate([[False], feed_back[:-1]])
    h, previous, out = None, None, []
    for t in range(len(x)):
        if not feed_back[t]:
            inp = x[t]
        elif mistake == "previous true value fed back":
            inp = x[t - 1]
        else:
            inp = previous
        reset = mistake == "state never carried" or (mistake == "state reset at fed-back steps" and feed_back[t])
        y_t, cache = engine.forward(params, inp[None, :], None if reset else h)
        h, previous = cache.h[-1, 0], y_t[0]
        out.append(previous)
    return np.array(out)


def _mixed_problem(seed=2, T=10, H=5):
    rng = np.random.default_rng(seed)
    params = {name: 0.7 * rng.standard_normal(shape) for name, shape in param_shapes(1, H, 1).items()}
    x = np.sin(0.7 * np.arange(T))[:, None]
    feed_back = np.array([False, False, False, True, True, False, True, True, True, False])
    return params, x, feed_back


@guarded(MIXED_EXERCISE)
def check_mixed_rollout(fn) -> Feedback:
    """Check ``fn(params, x, feed_back)`` on a small random network, T = 10, switching between true and fed-back inputs."""
    params, x, feed_back = _mixed_problem()
    advice = {
        N_("teacher forcing everywhere"): tr(
            "Every step read the true x[t]: where feed_back[t] is True the input must be the network's "
            "own prediction of the step before, ŷ_{t−1}."
        ),
        N_("teacher-forced predictions fed back"): tr(
            "The inputs you fed back are the predictions of a teacher-forced pass. After the first "
            "fed-back step the network's state differs from that pass, so its predictions do too: run "
            "one step at a time and feed back the prediction this very run made (that difference is "
            "exposure bias)."
        ),
        N_("state reset at fed-back steps"): tr(
            "The state was reset to 0 at the fed-back steps. Carry h from every step to the next (pass "
            "the last row of cache.h as h0), whatever the input is."
        ),
        N_("previous true value fed back"): tr(
            "At the fed-back steps you used the true value of the step before, x[t−1]. Free running "
            "has no true values: feed back the prediction ŷ_{t−1}."
        ),
        N_("state never carried"): tr(
            "Every step started from h = 0: call rnn_lib.forward with h0 = the last row of the previous "
            "step's cache.h, at every step, whatever its input."
        ),
        N_("free running from the first fed-back step on"): tr(
            "feed_back[t] decides step by step: where it is False again, the step reads the true x[t] "
            "(teacher forcing), even after fed-back steps."
        ),
        N_("feed_back read one step late"): tr(
            "feed_back[t] says what step t itself reads: use feed_back[t] for x[t]'s step, not feed_back[t − 1]."
        ),
    }
    mistakes = {m: (reference_mixed_rollout(params, x, feed_back, mistake=m), advice[m]) for m in MIXED_MISTAKES}
    expected = reference_mixed_rollout(params, x, feed_back)
    fb, answer = _check(MIXED_EXERCISE, fn, (params, x, feed_back), expected, mistakes, tr("your predictions"), True)
    return confirmed(fb, MIXED_EXERCISE, fn, (params, x, feed_back), answer)
