"""Checkers for notebook 20: the backward recursion of a two-layer RNN, and the states of a bidirectional layer.

Two layers (``stack_deltas(dy, h1, h2, params)``), a batch in row form::

    dy (T, B, O)        row t − 1 holds δ^y_t = ŷ_t − y_t
    h1, h2 (T + 1, B, H) the states of layer 1 and layer 2, h[0] = h_0 = 0
    params               rnn_lib.deep's dict for two layers: "l1.W_hh" (H, H), "l2.W_xh" (H, H), "l2.W_hh" (H, H),
                         "W_hy" (O, H) (and the rest, unused here)

returns ``(dh_raw1, dh_raw2)``, each (T, B, H), row t − 1 holding δ^{a,1}_t and δ^{a,2}_t:

    δ^{h,2}_t = W_hyᵀ δ^y_t + W^2_hhᵀ δ^{a,2}_{t+1}          δ^{a,2}_t = (1 − (h^2_t)²) ⊙ δ^{h,2}_t
    δ^{h,1}_t = W^2_xhᵀ δ^{a,2}_t + W^1_hhᵀ δ^{a,1}_{t+1}    δ^{a,1}_t = (1 − (h^1_t)²) ⊙ δ^{h,1}_t

Bidirectional (``bidirectional_states(x, fwd, bwd)``): x (T, B, D); fwd and bwd dicts of "W_xh" (H, D),
"W_hh" (H, H), "b_h" (H, 1), one per direction; returns (T, B, 2H), row t − 1 holding [h→_t, h←_t] with
h→_t = tanh(W→_xh x_t + W→_hh h→_{t−1} + b→_h), h→_0 = 0, and h←_t = tanh(W←_xh x_t + W←_hh h←_{t+1} + b←_h),
h←_{T+1} = 0.

Each known mistake is the reference solution with one switch changed, so the checker recognises exactly it.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    as_real_array,
    combine,
    confirmed,
    diagnose,
    guarded,
    matches,
    name_shape_mistake,
    numpy_said,
    one_array,
    read_only,
    run_learner,
    shape_error_advice,
)

STACK_EXERCISE = "stack_deltas"
BI_EXERCISE = "bidirectional_states"


# ---------------------------------------------------------------------------
# Two layers: the reference solution, with one switch per mistake.
# ---------------------------------------------------------------------------


def stack_deltas(dy, h1, h2, params, *, down="a", down_weight="W_xh", down_shift=0, carry=(True, True),
                 tanh_shift=0, backwards=True, hh_transposed=(False, False), tanh_squared=True, last_step=True,
                 dy_into_layer1=False):  # fmt: skip
    """(dh_raw1, dh_raw2) of a two-layer RNN, row form; the defaults give the right answer.

    down: "a" sends δ^{a,2}_t down, "h" sends δ^{h,2}_t (tanh′ of layer 2 skipped), None sends nothing;
    down_weight: "W_xh" (right), "W_xh.T" (not transposed in row form), "W_hh" (layer 2's recurrent weights);
    down_shift=1 sends δ^{a,2}_{t+1} to step t; carry: whether each layer (1, 2) adds W_hhᵀ δ^a_{t+1};
    tanh_shift=−1 takes 1 − h_{t−1}² for 1 − h_t²; backwards=False runs forwards in time; hh_transposed: whether
    each layer's W_hh is used as W_hh.T (row form not transposed); tanh_squared=False takes 1 − h for 1 − h²;
    last_step=False leaves step T out of the loop; dy_into_layer1 adds W_hyᵀ δ^y_t to layer 1's δ^h too.
    """
    T = dy.shape[0]
    W_down = {"W_xh": params["l2.W_xh"], "W_xh.T": params["l2.W_xh"].T, "W_hh": params["l2.W_hh"]}[down_weight]
    W1, W2 = (params[k].T if flip else params[k] for k, flip in zip(("l1.W_hh", "l2.W_hh"), hh_transposed))

    def tanh_prime(h):
        return 1 - h**2 if tanh_squared else 1 - h

    dh_raw1, dh_raw2 = np.zeros(h1[1:].shape), np.zeros(h2[1:].shape)
    dh2s = np.zeros(h2[1:].shape)
    next1, next2 = np.zeros(h1.shape[1:]), np.zeros(h2.shape[1:])
    order = range(T if last_step else T - 1, 0, -1) if backwards else range(1, T + 1)
    for t in order:  # layer 2 at every step first: layer 1 at step t may read layer 2's step t + 1
        dh2 = dy[t - 1] @ params["W_hy"] + (next2 if carry[1] else 0.0)
        dh2s[t - 1], dh_raw2[t - 1] = dh2, tanh_prime(h2[t + tanh_shift]) * dh2
        next2 = dh_raw2[t - 1] @ W2
    sent = {"a": dh_raw2, "h": dh2s, None: np.zeros_like(dh_raw2)}[down] @ W_down
    if down_shift:
        sent = np.concatenate([sent[down_shift:], np.zeros_like(sent[:down_shift])])
    for t in order:
        dh1 = sent[t - 1] + (next1 if carry[0] else 0.0) + (dy[t - 1] @ params["W_hy"] if dy_into_layer1 else 0.0)
        dh_raw1[t - 1] = tanh_prime(h1[t + tanh_shift]) * dh1
        next1 = dh_raw1[t - 1] @ W1
    return dh_raw1, dh_raw2


STACK_MISTAKES = {  # name → (switches, advice)
    N_("nothing sent down from layer 2"): (
        {"down": None},
        N_(
            "Layer 1 has no read-out: everything it receives comes from layer 2, which reads h^1_t as "
            "its input. δ^{h,1}_t = W^2_xhᵀ δ^{a,2}_t + W^1_hhᵀ δ^{a,1}_{t+1}; without the first term "
            "every δ of layer 1 is 0."
        ),
    ),
    N_("δ^h of layer 2 sent down instead of δ^a (tanh′ skipped)"): (
        {"down": "h"},
        N_(
            "h^1_t enters layer 2 inside its tanh: a^2_t = W^2_xh h^1_t + …, so what reaches h^1_t is "
            "W^2_xhᵀ δ^{a,2}_t, after layer 2's (1 − h²), not W^2_xhᵀ δ^{h,2}_t."
        ),
    ),
    N_("W^2_xh not transposed (row form)"): (
        {"down_weight": "W_xh.T"},
        N_(
            "In row form W^2_xhᵀ δ^{a,2}_t is dh_raw2[t − 1] @ W_xh (shape (B, H) @ (H, H)); @ W_xh.T "
            "is another matrix (square here, so numpy does not object)."
        ),
    ),
    N_("layer 2's recurrent weights used on the way down"): (
        {"down_weight": "W_hh"},
        N_(
            "What goes down to layer 1 passes through the weights that read layer 1, l2.W_xh; l2.W_hh "
            "carries δ back in time within layer 2."
        ),
    ),
    N_("layer 2's δ of step t + 1 sent to step t"): (
        {"down_shift": 1},
        N_(
            "h^1_t is read by layer 2 at the same step t: layer 1 at step t receives W^2_xhᵀ "
            "δ^{a,2}_t, from step t (the step t + 1 term reaches layer 1 only through W^1_hh)."
        ),
    ),
    N_("W_hhᵀ δ^a_{t+1} dropped in layer 1"): (
        {"carry": (False, True)},
        N_("Layer 1's h^1_t is also read by its own next step: δ^{h,1}_t = W^2_xhᵀ δ^{a,2}_t + W^1_hhᵀ δ^{a,1}_{t+1}."),
    ),
    N_("W_hhᵀ δ^a_{t+1} dropped in layer 2"): (
        {"carry": (True, False)},
        N_("Layer 2 is a whole RNN: δ^{h,2}_t = W_hyᵀ δ^y_t + W^2_hhᵀ δ^{a,2}_{t+1}, the path through time included."),
    ),
    N_("W_hhᵀ δ^a_{t+1} dropped in both layers"): (
        {"carry": (False, False)},
        N_("Each layer's state is read by its own next step: add W_hhᵀ δ^a_{t+1} (dh_next) in both layers."),
    ),
    N_("1 − h_{t−1}² where 1 − h_t² belongs"): (
        {"tanh_shift": -1},
        N_("δ^a_t = (1 − h_t²) ⊙ δ^h_t uses the state the step made, h[t] (h[t − 1] is the state it read)."),
    ),
    N_("ran forwards in time"): (
        {"backwards": False},
        N_("δ^h_t needs W_hhᵀ δ^a_{t+1} from the step after it: loop t = T, T − 1, …, 1."),
    ),
    N_("W^1_hh not transposed (row form)"): (
        {"hh_transposed": (True, False)},
        N_(
            "In row form W^1_hhᵀ δ^{a,1}_{t+1} is dh_raw1[t] @ l1.W_hh; @ l1.W_hh.T is another matrix (square, "
            "so numpy does not object)."
        ),
    ),
    N_("W^2_hh not transposed (row form)"): (
        {"hh_transposed": (False, True)},
        N_(
            "In row form W^2_hhᵀ δ^{a,2}_{t+1} is dh_raw2[t] @ l2.W_hh; @ l2.W_hh.T is another matrix (square, "
            "so numpy does not object)."
        ),
    ),
    N_("W_hh not transposed in either layer (row form)"): (
        {"hh_transposed": (True, True)},
        N_("In row form W_hhᵀ δ^a_{t+1} is dh_raw[t] @ W_hh, in both layers; @ W_hh.T is another matrix."),
    ),
    N_("tanh′ written as 1 − h, not 1 − h²"): (
        {"tanh_squared": False},
        N_("h = tanh(a), so ∂h/∂a = 1 − tanh²(a) = 1 − h²: square the state, (1 - h[t] ** 2)."),
    ),
    N_("step T left out of the loop"): (
        {"last_step": False},
        N_(
            "The loop must start at the last step, t = T (row T − 1): range(T, 0, -1). Starting at T − 1 "
            "leaves δ^a_T at 0, and everything it sends back is lost."
        ),
    ),
    N_("W_hyᵀ δ^y sent into layer 1 too"): (
        {"dy_into_layer1": True},
        N_(
            "Only layer 2 feeds the read-out, ŷ_t = W_hy h^2_t + b_y: layer 1 gets nothing from δ^y_t directly, "
            "only W^2_xhᵀ δ^{a,2}_t from above and W^1_hhᵀ δ^{a,1}_{t+1} from its next step."
        ),
    ),
}


def _stack_problem():
    """A seeded two-layer batch: T = 5, B = 3, D = 2, H = 4, O = 2, weights of size about 0.5 (tanh not linear)."""
    from rnn_lib import deep

    rng = np.random.default_rng(2020)
    params = deep.init_params(2, 4, 2, layers=2, rng=rng, scale=0.5)
    params = {k: v + (0.2 * rng.standard_normal(v.shape) if k.endswith("b_h") else 0.0) for k, v in params.items()}
    x, y = rng.standard_normal((5, 3, 2)), rng.standard_normal((5, 3, 2))
    y_hat, cache = deep.forward(params, x)
    h1 = np.concatenate([np.zeros((1, 3, 4)), cache.caches[0].h[1:]])
    h2 = np.concatenate([np.zeros((1, 3, 4)), cache.caches[1].h[1:]])
    return y_hat - y, h1, h2, params


def _run(exercise, fn, args):
    """``run_learner`` on copies of ``args`` (dicts copied entry by entry); row-form advice for a shape error."""

    def row_form(err):
        return Feedback(
            exercise,
            "wrong",
            [
                tr("A product does not fit: the column form of one sequence, in a row-form batch?"),
                tr("In row form a state is (B, H) and W^Tv becomes v @ W: dy[t − 1] @ W_hy is (B, O) @ (O, H)."),
                *(
                    [tr("A bias b_h (H, 1) is a column: add it to the rows (B, H) as b_h.T, (1, H), or b_h[:, 0].")]
                    if exercise == BI_EXERCISE
                    else []
                ),
                numpy_said(err),
            ],
        )

    # read-only: the caller's dy, states and parameters are used again (a write into one is named)
    return run_learner(exercise, fn, *map(read_only, args), explain=lambda err: shape_error_advice(err, row_form))


def _steps_advice(fb, answer, expected):
    """fb, with the steps (counted from 1) that a named mistake spoils appended; unchanged for anything else."""
    if fb.passed or fb.mistake is None:
        return fb
    answer, problem = as_real_array(answer)
    if problem is not None or answer.shape != expected.shape:
        return fb
    wrong = [t + 1 for t in range(expected.shape[0]) if not matches(answer[t], expected[t])]
    if wrong:
        fb.messages.append(
            tr("Wrong at t = {value} (row t − 1 holds step t).").format(value=", ".join(map(str, wrong)))
        )
    return fb


@guarded(STACK_EXERCISE)
def check_stack_deltas(fn) -> Feedback:
    """Run ``fn(dy, h1, h2, params)`` on a seeded two-layer batch and explain what is wrong, if anything."""
    args = _stack_problem()
    value, fb = _run(STACK_EXERCISE, fn, args)
    if fb is not None:
        return fb
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return Feedback(
            STACK_EXERCISE, "wrong", [tr("Return two arrays, `return dh_raw1, dh_raw2`, each of shape (T, B, H).")]
        )
    expected = stack_deltas(*args)
    made = {name: stack_deltas(*args, **switches) for name, (switches, _) in STACK_MISTAKES.items()}
    answers = [as_real_array(v)[0] for v in value]
    for name, pair in made.items():  # a mistake that spoils both arrays is named once, as a whole
        if all(a is not None and matches(a, m) for a, m in zip(answers, pair)):
            wrong = [t + 1 for t in range(expected[0].shape[0])
                     if not all(matches(a[t], e[t]) for a, e in zip(answers, expected))]  # fmt: skip
            return Feedback(
                STACK_EXERCISE,
                "wrong",
                [
                    tr("This is exactly what the mistake '{name}' gives.").format(name=tr(name)),
                    tr(STACK_MISTAKES[name][1]),
                    tr("Wrong at t = {value} (row t − 1 holds step t).").format(value=", ".join(map(str, wrong))),
                ],
                name,
            )
    parts = []
    for k, name in enumerate(("dh_raw1", "dh_raw2")):
        mistakes = {
            m: (made[m][k], advice)
            for m, (_, advice) in STACK_MISTAKES.items()
            if not matches(made[m][k], expected[k])  # a mistake that leaves this array right is not its mistake
        }
        mistakes[N_("the two layers swapped")] = (
            expected[1 - k],
            tr("Return layer 1's δ^a first, then layer 2's: `return dh_raw1, dh_raw2`."),
        )
        part = diagnose(
            STACK_EXERCISE, value[k], expected[k], name=name, known_mistakes=mistakes, time_axis=0, float64=True
        )
        parts.append((name, _steps_advice(part, value[k], expected[k])))
    return confirmed(combine(STACK_EXERCISE, parts), STACK_EXERCISE, fn, args, value)


# ---------------------------------------------------------------------------
# Bidirectional states: the reference solution, with one switch per mistake.
# ---------------------------------------------------------------------------


def _run_direction(x, p, h0=None, hh_transposed=False):
    """The states h_0 … h_T (T + 1, B, H) of one tanh RNN reading x (T, B, D) in the order given, h_0 = 0 (or h0);
    hh_transposed uses W_hh where W_hh.T belongs (row form not transposed)."""
    h = np.zeros((x.shape[0] + 1, x.shape[1], p["W_hh"].shape[0]))
    if h0 is not None:
        h[0] = h0
    W_hh = p["W_hh"] if hh_transposed else p["W_hh"].T
    for t in range(1, x.shape[0] + 1):
        h[t] = np.tanh(x[t - 1] @ p["W_xh"].T + h[t - 1] @ W_hh + p["b_h"][:, 0])
    return h


def bidirectional_states(x, fwd, bwd, *, read_reversed=True, put_back=True, shift=0, halves="fb", same_weights=False,
                         hh_transposed=False, start_from_forward=False):  # fmt: skip
    """(T, B, 2H) states [h→_t, h←_t] of a bidirectional layer; the defaults give the right answer.

    read_reversed=False runs the backward direction on x in time order; put_back=False leaves its states in
    the order it made them; shift=1 takes h[:-1] of the reversed run (off by one step); halves="bf" puts h←
    first; same_weights=True runs the backward direction with the forward direction's weights; hh_transposed
    uses W_hh for W_hh.T in both; start_from_forward starts the backward direction from h→_T instead of 0.
    """
    run_f = _run_direction(x, fwd, hh_transposed=hh_transposed)
    h_f = run_f[1:]
    h0 = run_f[-1] if start_from_forward else None
    h_r = _run_direction(x[::-1] if read_reversed else x, fwd if same_weights else bwd, h0, hh_transposed)
    h_r = h_r[:-1] if shift else h_r[1:]
    h_b = h_r[::-1] if put_back else h_r
    return np.concatenate([h_f, h_b] if halves == "fb" else [h_b, h_f], axis=-1)


BI_MISTAKES = {
    N_("backward states left in reading order"): (
        {"put_back": False},
        N_(
            "The backward direction makes h←_T first and h←_1 last: flip its states (h_r[::-1]) so "
            "that row t − 1 holds h←_t, next to h→_t."
        ),
    ),
    N_("backward direction read the sequence forwards"): (
        {"read_reversed": False, "put_back": False},
        N_(
            "h←_t = tanh(W←_xh x_t + W←_hh h←_{t+1} + b←_h) starts at step T: run it on x[::-1], then "
            "flip its states back."
        ),
    ),
    N_("backward direction read forwards, its states then flipped"): (
        {"read_reversed": False},
        N_("Flip the input before the backward direction reads it (x[::-1]), not only its states afterwards."),
    ),
    N_("the two halves swapped"): (
        {"halves": "bf"},
        N_("Row t − 1 holds [h→_t, h←_t]: the forward direction's H numbers first (rnn_lib.deep's order)."),
    ),
    N_("off by one step (h←_{t+1} in row t − 1)"): (
        {"shift": 1},
        N_(
            "The reversed run has T + 1 rows, its row 0 the start h←_{T+1} = 0: keep rows 1 … T "
            "(h_r[1:]) and flip them."
        ),
    ),
    N_("one set of weights for both directions"): (
        {"same_weights": True},
        N_("Each direction has its own W_xh, W_hh, b_h: the backward direction uses bwd's."),
    ),
    N_("W_hh not transposed (row form)"): (
        {"hh_transposed": True},
        N_(
            "In row form W_hh h_{t−1} is h[t − 1] @ W_hh.T, (B, H) @ (H, H); @ W_hh is another matrix (square, "
            "so numpy does not object)."
        ),
    ),
    N_("backward direction started from h→_T"): (
        {"start_from_forward": True},
        N_(
            "Each direction starts from 0: h←_{T+1} = 0, like h→_0. The two directions read the sequence "
            "independently; their states meet only side by side in the output."
        ),
    ),
}


def _bi_problem():
    """x (T = 5, B = 4, D = 2) and two directions' weights (H = 3), all of different sizes, seeded.

    B ≠ H: a bias added as the column (H, 1) to the rows (B, H) is then a shape error, not a silent broadcast.
    """
    rng = np.random.default_rng(2021)

    def direction():
        return {
            "W_xh": 0.8 * rng.standard_normal((3, 2)),
            "W_hh": 0.6 * rng.standard_normal((3, 3)),
            "b_h": 0.3 * rng.standard_normal((3, 1)),
        }

    return rng.standard_normal((5, 4, 2)), direction(), direction()


@guarded(BI_EXERCISE)
def check_bidirectional_states(fn) -> Feedback:
    """Run ``fn(x, fwd, bwd)`` on a seeded batch (T = 5, B = 4, H = 3) and explain what is wrong, if anything."""
    args = _bi_problem()
    value, fb = _run(BI_EXERCISE, fn, args)
    if fb is not None:
        return fb
    expected = bidirectional_states(*args)
    if isinstance(value, (tuple, list)) and one_array(value, expected.shape) is not None:
        value = one_array(value, expected.shape)  # each step's states appended to a list: right too
    if isinstance(value, (tuple, list)):
        return Feedback(
            BI_EXERCISE,
            "wrong",
            [tr("Return one array (T, B, 2H): the two directions' states side by side, np.concatenate(…, axis=-1).")],
        )
    mistakes = {
        name: (bidirectional_states(*args, **switches), advice) for name, (switches, advice) in BI_MISTAKES.items()
    }
    value_arr = np.asarray(value) if isinstance(value, np.ndarray) else value
    if isinstance(value_arr, np.ndarray) and value_arr.shape == (2, *expected.shape[:2], expected.shape[2] // 2):
        return Feedback(
            BI_EXERCISE,
            "wrong",
            [
                tr("The mistake '{mistake}':").format(mistake=tr(N_("stacked on a new axis"))),
                tr("your result has shape {shape}: the two directions stacked on a new axis.").format(
                    shape=value_arr.shape
                ),
                tr("Put them side by side along the last axis, np.concatenate([h_f, h_b], axis=-1): (T, B, 2H)."),
            ],
            N_("stacked on a new axis"),
        )
    fb = diagnose(
        BI_EXERCISE, value, expected, name=tr("your states"), known_mistakes=mistakes, time_axis=0, float64=True
    )
    H = expected.shape[2] // 2
    fb = name_shape_mistake(
        fb,
        value,
        [
            (
                N_("the two directions added"),
                expected[..., :H] + expected[..., H:],
                tr("Keep both: put them side by side, np.concatenate([h_f, h_b], axis=-1), (T, B, 2H)."),
            ),
            (
                N_("concatenated along time (axis 0)"),
                np.concatenate([expected[..., :H], expected[..., H:]], axis=0),
                tr("Row t − 1 holds both directions' states of step t: concatenate along the last axis, axis=-1."),
            ),
        ],
    )
    return confirmed(_steps_advice(fb, value, expected), BI_EXERCISE, fn, args, value)
