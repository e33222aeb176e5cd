"""Checkers for notebook 01 (the forward pass): ``check_rnn_step`` and ``check_rnn_forward``.

The learner writes, in the row (batch) layout of rnn_lib::

    rnn_step(x_t, h_prev, W_xh, W_hh, b_h) -> h_t        x_t (B, D), h_prev (B, H), h_t (B, H)
    rnn_forward(x, params, h0) -> (h, y_hat)              x (T, B, D), h0 (B, H), h (T + 1, B, H), y_hat (T, B, O)

where ``h`` holds h_0 … h_T (row t is h_t, row 0 is the given h0) and ``params`` is the dict of the five
parameters ``W_xh (H, D), W_hh (H, H), W_hy (O, H), b_h (H, 1), b_y (O, 1)``.

Each checker runs the learner's function on data of its own, with sizes all different (a transposed weight
or a column bias added to rows then raises a shape error instead of silently broadcasting), and compares the
answer with the right one and with the answer of each classic mistake, so that the feedback names the bug.
When the learner's code raises a shape error, the checker runs it once more on a *square* problem
(B = D = H = O), where those mistakes run without error, to find out which one it was.  A right answer is run a
second time (a function that keeps state between calls is named), an answer in float32 is named, and the inputs are
passed read-only, so a write into one is named at its line (rnn_forward stores h_{t−1} in h[t − 1], which an rnn_step
writing into h_prev would overwrite).
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._feedback import (
    FLOAT32,
    Feedback,
    as_real_array,
    confirmed,
    diagnose,
    guarded,
    matches,
    name_shape_mistake,
    numpy_said,
    read_only,
    run_learner,
)

__all__ = ["FLOAT32", "check_rnn_forward", "check_rnn_step"]

STEP = "rnn_step"
FORWARD = "rnn_forward"

# Sizes chosen pairwise different: a missing transpose or a (H, 1) bias added to (B, H) rows
# then raises a shape error instead of silently broadcasting.
T, B, D, H, O = 6, 2, 3, 4, 5
SQUARE = 3  # B = D = H = O on the probe problem: every shape mistake runs there, and can be recognised

# Mistakes of one step (the names a learner reads).
MISSING_BIAS = N_("missing bias")
NO_TANH = N_("no tanh: returned a_t instead of h_t")
SIGMOID = N_("sigmoid instead of tanh")
RELU = N_("ReLU instead of tanh")
HH_NOT_T = N_("W_hh not transposed")
XH_NOT_T = N_("W_xh not transposed")
NO_RECURRENT = N_("forgot the recurrent term")
NO_INPUT = N_("forgot the input term")
MINUS_RECURRENT = N_("minus sign on the recurrent term")
COLUMN_BIAS = N_("b_h added as an (H, 1) column")
BIAS_AFTER_TANH = N_("b_h added after tanh")
SWAPPED = N_("x_t and h_prev swapped")
NOT_UPDATED = N_("state never updated (returned h_prev)")
RETURNED_PAIR = N_("returned a pair instead of h_t")
COLUMN_LAYOUT = N_("column layout (H, B) instead of rows (B, H)")
TANH_TWICE = N_("tanh applied twice")

STEP_ADVICE = {
    MISSING_BIAS: N_("Add b_h to the pre-activation: a_t = W_xh x_t + W_hh h_{t−1} + b_h, in rows with b_hᵀ."),
    NO_TANH: N_("You returned the pre-activation a_t; the hidden state is h_t = tanh(a_t)."),
    SIGMOID: N_("This RNN squashes with tanh (values in (−1, 1)), not the logistic sigmoid (values in (0, 1))."),
    RELU: N_("This RNN squashes with tanh, not ReLU (max(0, a)): h_t = tanh(a_t), values in (−1, 1)."),
    HH_NOT_T: (
        N_(
            "The recurrent term in rows is h_{t−1}ᵀ W_hhᵀ (the transpose of W_hh h_{t−1}): W_hh must "
            "be transposed. W_hh is square, so the shapes could not warn you."
        )
    ),
    XH_NOT_T: (
        N_(
            "The input term in rows is x_tᵀ W_xhᵀ: W_xh (H, D) must be transposed to meet a (B, D) row "
            "block, (B, D)(D, H) = (B, H)."
        )
    ),
    NO_RECURRENT: N_("h_t depends on h_{t−1} too: add the recurrent term W_hh h_{t−1}. Without it there is no memory."),
    NO_INPUT: N_("h_t depends on the input of the step: add the term W_xh x_t."),
    MINUS_RECURRENT: N_(
        "All three terms of a_t are added: a_t = W_xh x_t + W_hh h_{t−1} + b_h. Check the sign in "
        "front of the recurrent term."
    ),
    COLUMN_BIAS: (
        N_(
            "b_h is a column (H, 1). Added to the (B, H) block of rows, numpy pairs its H entries with "
            "the batch axis, not with the H units of each row. Add it as a row, b_hᵀ: a 1-D (H,) view "
            "of the column broadcasts over the rows."
        )
    ),
    BIAS_AFTER_TANH: N_(
        "b_h belongs inside the tanh, in the pre-activation: h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h)."
    ),
    SWAPPED: N_("W_xh multiplies the input x_t and W_hh the previous state h_{t−1}: the two products are crossed."),
    NOT_UPDATED: N_("The function returned the state it was given, h_{t−1}: compute and return the new state h_t."),
    TANH_TWICE: N_(
        "h_t = tanh(a_t) squashes once: the tanh of a tanh is a different, flatter function. Apply np.tanh to "
        "the pre-activation only."
    ),
    RETURNED_PAIR: (
        N_(
            "The first value you return is the right h_t, but return it alone "
            "(rnn_lib.rnn_step_forward also returns a cache; this exercise does not)."
        )
    ),
}


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _problem(seed=0, sizes=(T, B, D, H, O)):
    """Parameters of size ~1 (tanh clearly non-linear, every bias non-zero), inputs x (T, B, D) and h0 (B, H)."""
    T_, B_, D_, H_, O_ = sizes
    rng = np.random.default_rng(seed)
    params = {
        "W_xh": 0.8 * rng.standard_normal((H_, D_)),
        "W_hh": 0.8 * rng.standard_normal((H_, H_)),
        "W_hy": 0.8 * rng.standard_normal((O_, H_)),
        "b_h": 0.5 * rng.standard_normal((H_, 1)),
        "b_y": 0.5 * rng.standard_normal((O_, 1)),
    }
    x = rng.standard_normal((T_, B_, D_))
    h0 = np.tanh(rng.standard_normal((B_, H_)))  # a non-zero h_0, so that ignoring it shows
    return params, x, h0


def _step(x_t, h_prev, W_xh, W_hh, b_h, mistake=None):
    """h_t = tanh(x_t W_xhᵀ + h_{t−1} W_hhᵀ + b_hᵀ) in rows, or what the named ``mistake`` computes instead."""
    if mistake == SWAPPED:
        x_t, h_prev = h_prev, x_t
    x_term = x_t @ (W_xh if mistake == XH_NOT_T else W_xh.T)
    h_term = h_prev @ (W_hh if mistake == HH_NOT_T else W_hh.T)
    bias = b_h if mistake == COLUMN_BIAS else b_h[:, 0]
    if mistake == NO_RECURRENT:
        h_term = 0.0
    elif mistake == NO_INPUT:
        x_term = 0.0
    elif mistake == MINUS_RECURRENT:
        h_term = -h_term
    elif mistake == NOT_UPDATED:
        return h_prev
    if mistake in (MISSING_BIAS, BIAS_AFTER_TANH):
        a = x_term + h_term
    else:
        a = x_term + h_term + bias
    activation = {
        NO_TANH: lambda v: v,
        SIGMOID: _sigmoid,
        RELU: lambda v: np.maximum(v, 0.0),
        TANH_TWICE: lambda v: np.tanh(np.tanh(v)),
    }.get(mistake, np.tanh)
    h_t = activation(a)
    return h_t + b_h[:, 0] if mistake == BIAS_AFTER_TANH else h_t


STEP_MISTAKES = tuple(STEP_ADVICE)
_SHAPE_ONLY = (XH_NOT_T, COLUMN_BIAS, SWAPPED)  # raise on the main problem, run on the square one


def _shape_advice(exercise, err, args):
    """Feedback for a shape error no known mistake explains: the shapes involved and the row-form rules."""
    shapes = ", ".join(f"{np.shape(a)}" for a in args if isinstance(a, np.ndarray))
    return Feedback(
        exercise,
        "wrong",
        [
            tr("A product does not fit (a shape error), often a weight used untransposed."),
            tr("It was called with arrays of shapes {shapes}.").format(shapes=shapes),
            (
                tr(
                    "In rows a step's inputs are a (B, D) block and the states a (B, H) block; each term must "
                    "come out (B, H). Write down the shape of every factor."
                )
            ),
            numpy_said(err),
        ],
        N_("shape error"),
    )


def _is_shape_error(err) -> bool:
    return isinstance(err, ValueError) and any(w in str(err) for w in ("matmul", "broadcast", "shapes", "align"))


def _step_on_square_problem(rnn_step):
    """The learner's step and each mistake's, on a problem with B = D = H, where shape mistakes run."""
    params, x, h0 = _problem(1, (T, SQUARE, SQUARE, SQUARE, SQUARE))
    args = (x[0], h0, params["W_xh"], params["W_hh"], params["b_h"])
    value, fb = run_learner(STEP, rnn_step, *map(read_only, args))
    return (None if fb is not None else value), {m: _step(*args, mistake=m) for m in STEP_MISTAKES}


def _matching(value, candidates: dict):
    """The name of the first candidate whose value ``value`` equals (shapes included), else None."""
    arr, problem = as_real_array(value)
    if problem is not None:
        return None
    for mistake, candidate in candidates.items():
        candidate = np.asarray(candidate, dtype=np.float64)
        if arr.shape == candidate.shape and matches(arr, candidate):
            return mistake
    return None


def _named(exercise, mistake, advice, *details) -> Feedback:
    """The known mistake first, in the course's terms; what numpy or Python said after it, as a detail."""
    return Feedback(
        exercise,
        "wrong",
        [tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(mistake)), advice, *details],
        mistake,
    )


@guarded(STEP)
def check_rnn_step(rnn_step) -> Feedback:
    """Check ``rnn_step(x_t, h_prev, W_xh, W_hh, b_h)`` → h_t (B, H) on a batch of rows.

    Mistakes named: a missing bias, no tanh, sigmoid or ReLU instead of tanh, W_hh or W_xh not transposed,
    the recurrent or the input term forgotten, a minus on the recurrent term, b_h added as a column, b_h added
    after tanh, x_t and h_prev swapped, the state returned unchanged, (h_t, something) returned, and the column
    layout (H, B).
    """
    params, x, h0 = _problem()
    args = (x[0], h0, params["W_xh"], params["W_hh"], params["b_h"])
    expected = _step(*args)
    shape_error = []

    def explain(err):
        if not _is_shape_error(err):
            return None
        shape_error.append(err)
        return _shape_advice(STEP, err, args)

    # read-only: rnn_forward keeps h_{t−1} in h[t − 1] and passes it in as h_prev (a write is INPUT_WRITTEN)
    h_t, fb = run_learner(STEP, rnn_step, *map(read_only, args), explain=explain)
    if shape_error:
        value, candidates = _step_on_square_problem(rnn_step)
        if isinstance(value, tuple) and value:
            value = value[0]
        mistake = _matching(value, candidates) if value is not None else None
        if mistake is not None:
            said = tr("(On sizes B = {b}, D = {d}, H = {h} numpy refused a product: {error})").format(
                b=B, d=D, h=H, error=shape_error[0]
            )
            return _named(STEP, mistake, STEP_ADVICE[mistake], said)
        return fb
    if fb is not None:
        return fb
    column_layout = (
        COLUMN_LAYOUT,
        expected.T,
        tr(
            "You computed the column form W_xh x_t + W_hh h_{t−1} + b_h, whose columns are the "
            "sequences. Here each sequence is a row: transpose every product ((M v)ᵀ = vᵀ Mᵀ) so that "
            "h_t comes out (B, H)."
        ),
    )
    if isinstance(h_t, (tuple, list)) and len(h_t) >= 2:
        first, problem = as_real_array(h_t[0])
        if problem is None and matches(first, expected):
            return _named(STEP, RETURNED_PAIR, STEP_ADVICE[RETURNED_PAIR])
    mistakes = {m: (_step(*args, mistake=m), STEP_ADVICE[m]) for m in STEP_MISTAKES if m not in _SHAPE_ONLY}
    fb = diagnose(
        STEP,
        h_t,
        expected,
        name="h_t",
        known_mistakes=mistakes,
        sign_advice=tr(
            "h_t = tanh(a_t) with a_t = W_xh x_t + W_hh h_{t−1} + b_h: is a sign in front of a term or of the tanh?"
        ),
        float64=True,
    )
    fb = name_shape_mistake(fb, h_t, [column_layout])
    return confirmed(fb, STEP, rnn_step, args, h_t)


# ---------------------------------------------------------------------------
# The whole sequence.
# ---------------------------------------------------------------------------

IGNORED_H0 = N_("ignored h0 (started from zeros)")
LAG2 = N_("used h_{t−2} instead of h_{t−1}")
NEVER_UPDATED = N_("state never updated (every step started from h0)")
NO_H0_ROW = N_("h without h_0 (T rows: h_1 … h_T)")
NO_LAST_ROW = N_("h without h_T (T rows: h_0 … h_{T−1})")
RETURNED_A = N_("returned a_t instead of h_t")
ALIASED = N_("the same array stored at every step")
ALIASED_AFTER_H0 = N_("the same array stored at every step from t = 1")
LAST_STEP_MISSING = N_("last step never computed (h_T left at 0)")
MISSING_OUT_BIAS = N_("missing output bias")
Y_FROM_A = N_("y_hat from a_t")
HY_NOT_T = N_("W_hy not transposed in the read-out")
Y_FROM_PREV = N_("y_hat read from h_{t−1}")
Y_WITH_H0 = N_("y_hat with T + 1 rows (read out from h_0 too)")
OUT_COLUMN_BIAS = N_("b_y added as an (O, 1) column")
BATCH_AXIS = N_("indexed x along the batch axis")
X_LATE = N_("x_{t−1} fed at step t (x[t - 2])")
X_AHEAD = N_("a time index one past the end (x[t] for x[t - 1], or h with T rows)")
Y_TANH = N_("tanh applied to y_hat")
BATCH_MAJOR = N_("batch-major (B, T, ·) instead of time-major (T, B, ·)")
RETURNED_SWAPPED = N_("returned (y_hat, h) instead of (h, y_hat)")

FORWARD_ADVICE = {
    IGNORED_H0: N_("The sequence starts from the given state: h[0] = h0, and step 1 reads it, not zeros."),
    LAG2: N_("Step t must use the state just computed, h_{t−1} = h[t - 1]: check the index into your states."),
    NEVER_UPDATED: (
        N_(
            "Every step started from h0: pass the state of the previous step to rnn_step (h[t - 1]), "
            "not the initial one."
        )
    ),
    NO_H0_ROW: N_("h has T + 1 rows in this course: row 0 is h_0 (the h0 you were given), row t is h_t. Add h0 first."),
    NO_LAST_ROW: N_("h must hold the state after each input, h_1 … h_T, after h_0: your last state h_T is missing."),
    RETURNED_A: N_("Store h_t = tanh(a_t) in h[t], not the pre-activation a_t."),
    ALIASED: (
        N_(
            "Every row of h is the same state: one array was updated in place (h_t[:] = ... or +=) and "
            "stored again at each step, so all rows show its last value. Store a new array for each "
            "step (h_t = rnn_step(...)), or write into a preallocated h[t]."
        )
    ),
    ALIASED_AFTER_H0: (
        N_(
            "h[0] is h_0, but every later row of h is the same state, h_T: one array (a copy of h0, or np.zeros) "
            "was updated in place (h_t[:] = ..., np.tanh(..., out=h_t)) and appended at each step, so every "
            "entry of the list is that one array. Append a new array for each step (h_t = np.tanh(...)), or "
            "write into a preallocated h[t]."
        )
    ),
    LAST_STEP_MISSING: N_("h[T] is still 0: the loop must run for t = 1 … T, T steps in all (range(1, T + 1))."),
    MISSING_OUT_BIAS: N_("ŷ_t = W_hy h_t + b_y: add b_y (as a row, b_yᵀ)."),
    Y_FROM_A: N_("The read-out uses the hidden state h_t, not the pre-activation a_t."),
    HY_NOT_T: N_("In rows the read-out is h_tᵀ W_hyᵀ: W_hy (O, H) must be transposed, (B, H)(H, O) = (B, O)."),
    Y_FROM_PREV: N_("ŷ_t = W_hy h_t + b_y reads the state of the same step, h[t] (h[1:] for all steps), not h[t - 1]."),
    Y_WITH_H0: N_("There is no prediction from h_0: y_hat has T rows, ŷ_1 … ŷ_T, read out from h[1:]."),
    OUT_COLUMN_BIAS: N_("b_y is a column (O, 1); add it to (B, O) rows as a row, b_yᵀ."),
    X_LATE: N_(
        "Step t reads the input of step t, x_t = x[t - 1] (x holds x_1 … x_T in rows 0 … T − 1): yours is one "
        "row behind, and step 1 read x[-1], the last input."
    ),
    X_AHEAD: N_(
        "An index ran one row past the end of an array of T rows along the time axis. x has T rows, x[0] … "
        "x[T − 1], holding x_1 … x_T: step t reads x[t - 1] (x[t] runs off the end at t = T). h has T + 1 rows, "
        "h[0] = h_0 … h[T] = h_T: allocate np.zeros((T + 1, B, H))."
    ),
    Y_TANH: N_(
        "The read-out is linear, ŷ_t = W_hy h_t + b_y: only the hidden state goes through tanh (a tanh would "
        "keep every prediction in (−1, 1), whatever the targets)."
    ),
    BATCH_MAJOR: N_(
        "Arrays are time-major in this course: h is (T + 1, B, H) and y_hat (T, B, O), the step first. Stack the "
        "steps along axis 0 (np.stack(states) or np.array(states)), not axis 1."
    ),
    RETURNED_SWAPPED: N_("Return the states first: `return h, y_hat`."),
    BATCH_AXIS: (
        N_(
            "x is time-major, (T, B, D): x[t - 1] is the (B, D) block of inputs of step t. x[:, t] "
            "picks sequence t of the batch instead."
        )
    ),
}
# Step mistakes whose effect on the sequence the forward checker names too (the step is called inside it).
FORWARD_STEP_MISTAKES = (
    MISSING_BIAS,
    NO_TANH,
    SIGMOID,
    RELU,
    HH_NOT_T,
    XH_NOT_T,
    NO_RECURRENT,
    NO_INPUT,
    MINUS_RECURRENT,
    COLUMN_BIAS,
    BIAS_AFTER_TANH,
    SWAPPED,
)


def _forward(params, x, h0, mistake=None):
    """The right forward pass, (h (T + 1, B, H), y_hat (T, B, O)), or what the named ``mistake`` computes."""
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
    if mistake == BATCH_AXIS:  # x[:, t] for x[t]: runs only when T = B
        x = x.swapaxes(0, 1)
    step_mistake = mistake if mistake in FORWARD_STEP_MISTAKES else None
    start = np.zeros_like(h0) if mistake == IGNORED_H0 else h0
    states, pre = [start], []
    steps = x.shape[0] - 1 if mistake == LAST_STEP_MISSING else x.shape[0]
    for t in range(1, steps + 1):
        h_prev = {LAG2: states[max(t - 2, 0)], NEVER_UPDATED: start}.get(mistake, states[t - 1])
        x_t = x[t - 2] if mistake == X_LATE else x[t - 1]  # x[-1] at t = 1: the last input
        pre.append(_step(x_t, h_prev, W_xh, W_hh, b_h, mistake=NO_TANH))
        states.append(_step(x_t, h_prev, W_xh, W_hh, b_h, mistake=step_mistake))
    if mistake == LAST_STEP_MISSING:
        states.append(np.zeros_like(states[-1]))
    h = np.array(states)
    if mistake == ALIASED:
        h = np.broadcast_to(h[-1], h.shape).copy()
    elif mistake == ALIASED_AFTER_H0:
        h = np.concatenate([h[:1], np.broadcast_to(h[-1], h[1:].shape)])
    read = h[1:]
    if mistake == RETURNED_A:
        h = np.concatenate([h[:1], np.array(pre)])
        read = h[1:]
    elif mistake == NO_H0_ROW:
        h = h[1:]
    elif mistake == NO_LAST_ROW:
        h = h[:-1]
    if mistake == Y_FROM_A:
        read = np.array(pre)
    elif mistake == Y_FROM_PREV:
        read = np.array(states[:-1])
    elif mistake == Y_WITH_H0:
        read = np.array(states)
    out = read @ (W_hy if mistake == HY_NOT_T else W_hy.T)
    bias = {MISSING_OUT_BIAS: 0.0, OUT_COLUMN_BIAS: b_y}.get(mistake, b_y[:, 0])
    return h, np.tanh(out + bias) if mistake == Y_TANH else out + bias


_NOT_PLANTED = (X_AHEAD, BATCH_MAJOR, RETURNED_SWAPPED)  # recognised from the answer's shape or its error
FORWARD_MISTAKES = FORWARD_STEP_MISTAKES + tuple(FORWARD_ADVICE)
_PLANTED = tuple(m for m in FORWARD_MISTAKES if m not in _NOT_PLANTED)  # those _forward can compute
_H_MISTAKES = FORWARD_STEP_MISTAKES + (
    IGNORED_H0,
    LAG2,
    NEVER_UPDATED,
    NO_H0_ROW,
    NO_LAST_ROW,
    RETURNED_A,
    ALIASED,
    ALIASED_AFTER_H0,
    LAST_STEP_MISSING,
    X_LATE,
)
_Y_MISTAKES = (MISSING_OUT_BIAS, Y_FROM_A, HY_NOT_T, Y_FROM_PREV, Y_WITH_H0, OUT_COLUMN_BIAS, Y_TANH)
_FORWARD_SHAPE_ONLY = (XH_NOT_T, COLUMN_BIAS, SWAPPED, HY_NOT_T, OUT_COLUMN_BIAS, BATCH_AXIS)


def _advice(mistake):
    return FORWARD_ADVICE.get(mistake) or STEP_ADVICE[mistake]


def _forward_on_square_problem(rnn_forward):
    """Name the shape mistake of a forward that raised on the main problem, by running it where B = D = H = O."""
    params, x, h0 = _problem(1, (SQUARE, SQUARE, SQUARE, SQUARE, SQUARE))  # T = B too, for x[:, t]
    value, fb = run_learner(FORWARD, rnn_forward, read_only(x), read_only(params), read_only(h0))
    if fb is not None or not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    for mistake in _PLANTED:
        h, y_hat = _forward(params, x, h0, mistake)
        if _matching(value[0], {mistake: h}) and _matching(value[1], {mistake: y_hat}):
            return mistake
    return None


@guarded(FORWARD)
def check_rnn_forward(rnn_forward) -> Feedback:
    """Check ``rnn_forward(x, params, h0)`` → ``(h, y_hat)`` on a batch x (T, B, D) from a non-zero h0 (B, H).

    ``h`` must hold h_0 … h_T, shape (T + 1, B, H), h[0] = h0; ``y_hat`` is (T, B, O).  Mistakes named: every
    step mistake of :func:`check_rnn_step` as it shows in a sequence, and h0 ignored, h_{t−2}, the state never
    updated, h without h_0 or without h_T, a_t stored, one array stored at every step, the last step missing;
    for y_hat: b_y missing or added as a column, read out from a_t, from h_{t−1} or from h_0 too, W_hy untransposed.
    """
    params, x, h0 = _problem()
    shape_error = []

    def explain(err):
        if isinstance(err, IndexError) and f"axis 0 with size {T}" in str(err):
            return _named(
                FORWARD, X_AHEAD, FORWARD_ADVICE[X_AHEAD], tr("Your function raised IndexError: {err}.").format(err=err)
            )
        if isinstance(err, IndexError) and "axis 1" in str(err):
            return _named(
                FORWARD,
                BATCH_AXIS,
                FORWARD_ADVICE[BATCH_AXIS],
                tr("Your function raised IndexError: {err}.").format(err=err),
            )
        if not _is_shape_error(err):
            return None
        shape_error.append(err)
        return _shape_advice(FORWARD, err, (x, h0, *params.values()))

    value, fb = run_learner(FORWARD, rnn_forward, read_only(x), read_only(params), read_only(h0), explain=explain)
    if shape_error:
        mistake = _forward_on_square_problem(rnn_forward)
        if mistake is not None:
            said = tr("(On sizes B = {b}, D = {d}, H = {h}, O = {o} numpy refused a product: {error})").format(
                b=B, d=D, h=H, o=O, error=shape_error[0]
            )
            return _named(FORWARD, mistake, _advice(mistake), said)
        return fb
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        if isinstance(value, (tuple, list)):
            said = tr(
                "rnn_forward should return a pair (h, y_hat), got a {type} of length {n}: `return h, y_hat`."
            ).format(type=type(value).__name__, n=len(value))
        else:
            said = tr("rnn_forward should return a pair (h, y_hat), got {type}: `return h, y_hat`.").format(
                type=type(value).__name__
            )
        return Feedback(FORWARD, "wrong", [said])
    h, y_hat = value
    right_h, right_y = _forward(params, x, h0)
    if _matching(h, {RETURNED_SWAPPED: right_y}) and _matching(y_hat, {RETURNED_SWAPPED: right_h}):
        return _named(FORWARD, RETURNED_SWAPPED, FORWARD_ADVICE[RETURNED_SWAPPED])
    every = {m: _forward(params, x, h0, m) for m in _PLANTED if m not in _FORWARD_SHAPE_ONLY}
    h_mistakes = {m: (every[m][0], _advice(m)) for m in _H_MISTAKES if m in every}
    fb = diagnose(
        FORWARD,
        h,
        right_h,
        name="h",
        known_mistakes={m: v for m, v in h_mistakes.items() if np.shape(v[0]) == right_h.shape},
        time_axis=0,
        first_step=0,
        sign_advice=tr("h_t = tanh(a_t) with a_t = W_xh x_t + W_hh h_{t−1} + b_h: is a sign in front of a term?"),
        float64=True,
    )
    batch_major = tr(FORWARD_ADVICE[BATCH_MAJOR])
    fb = name_shape_mistake(
        fb,
        h,
        [(m, v, advice) for m, (v, advice) in h_mistakes.items()]
        + [(BATCH_MAJOR, right_h.swapaxes(0, 1), batch_major)],
    )
    if not fb.passed:
        return fb
    y_mistakes = {m: (every[m][1], _advice(m)) for m in _Y_MISTAKES if m in every}
    fb = diagnose(
        FORWARD,
        y_hat,
        right_y,
        name="y_hat",
        time_axis=0,
        known_mistakes={m: v for m, v in y_mistakes.items() if np.shape(v[0]) == right_y.shape},
        sign_advice=tr("ŷ_t = W_hy h_t + b_y, both terms added."),
        float64=True,
    )
    fb = name_shape_mistake(
        fb,
        y_hat,
        [(m, v, advice) for m, (v, advice) in y_mistakes.items()]
        + [(BATCH_MAJOR, right_y.swapaxes(0, 1), batch_major)],
    )
    return confirmed(fb, FORWARD, rnn_forward, (x, params, h0), value)
