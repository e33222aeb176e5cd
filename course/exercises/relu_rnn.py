"""Checker for notebook 15: the backward recursion of the ReLU RNN (the IRNN's units), for a batch.

The learner writes ``relu_deltas(dh_out, h, W_hh)`` in row form:

    dh_out (T, B, H)   row t − 1 holds W_hyᵀ δ^y_t, the path from ŷ_t into h_t (dy @ W_hy)
    h (T + 1, B, H)    the ReLU RNN's states, h[0] = h_0, h[t] = h_t = max(a_t, 0)
    W_hh (H, H)

and returns ``dh_raw`` (T, B, H), row t − 1 holding δ^a_t = ∂L/∂a_t:

    δ^h_t = W_hyᵀ δ^y_t + W_hhᵀ δ^a_{t+1}  (nothing after step T),    δ^a_t = relu′(a_t) ⊙ δ^h_t,

with relu′(a_t) = 1 where h_t > 0 and 0 elsewhere (a_t ≤ 0).  :func:`check_relu_deltas` runs it on a seeded batch
with some units off at every step and h_0 ≠ 0, and names the known mistakes: tanh′ kept from the tanh RNN, the mask
left out, h_t itself used as the derivative, the mask of h_{t−1}, W_hhᵀ δ^h_{t+1} carried back instead of
W_hhᵀ δ^a_{t+1}, dh_next dropped, W_hh transposed in row form, and the loop run forwards in time; and the first or
last step skipped, the mask read off δ^h_t, dh_next accumulated (+=), δ^h_t returned, float32, and a function that
keeps state between calls.
"""

from __future__ import annotations

import numpy as np

from rnn_lib import irnn
from rnn_lib.data import random_problem

from ..i18n import N_, tr
from ._feedback import (
    FLOAT32,
    Feedback,
    as_real_array,
    confirmed,
    diagnose,
    guarded,
    matches,
    one_array,
    read_only,
    run_learner,
    steps_message,
)

__all__ = ["FLOAT32", "MISTAKES", "check_relu_deltas", "known_mistakes", "problem", "relu_deltas"]

EXERCISE = "relu_deltas"

TANH = N_("tanh′ = 1 − h_t² kept from the tanh RNN")
NO_MASK = N_("relu′ taken as 1 (no mask)")
H_AS_DERIVATIVE = N_("h_t used as the derivative")
MASK_OF_H_PREV = N_("the mask of h_{t−1} instead of h_t")
UNMASKED_CARRY = N_("W_hhᵀ δ^h_{t+1} carried back instead of W_hhᵀ δ^a_{t+1}")
NOT_CARRIED = N_("dh not carried back (W_hhᵀ δ^a_{t+1} dropped)")
TRANSPOSED = N_("W_hh transposed in row form")
FORWARDS = N_("ran forwards in time")
LAST_STEP_SKIPPED = N_("the last step skipped (the loop starts at t = T − 1)")
FIRST_STEP_SKIPPED = N_("the first step skipped (the loop stops at t = 2)")
MASK_OF_GRADIENT = N_("the mask read off δ^h_t > 0 instead of h_t > 0")
ACCUMULATED = N_("dh_next accumulated across steps (+= instead of =)")
RETURNED_DH = N_("returned δ^h_t instead of δ^a_t")

# name → (the switches of relu_deltas that reproduce it, advice)
MISTAKES = {
    TANH: (
        {"derivative": "tanh"},
        N_(
            "The units are ReLUs now: h_t = max(a_t, 0), whose derivative is 1 where h_t > 0 and 0 "
            "elsewhere, not 1 − h_t²."
        ),
    ),
    NO_MASK: (
        {"derivative": "one"},
        N_(
            "relu′(a_t) is 0 for a unit that is off (h_t = 0): multiply δ^h_t by (h[t] > 0). A test "
            "h_t >= 0 is always true."
        ),
    ),
    H_AS_DERIVATIVE: (
        {"derivative": "h"},
        N_("relu(a) = max(a, 0) is the state; its derivative is the step function (h_t > 0), 1 or 0, not h_t itself."),
    ),
    MASK_OF_H_PREV: (
        {"mask_shift": -1},
        N_(
            "The derivative belongs to the step's own output: relu′(a_t) is read off h_t = h[t] (row t "
            "− 1 of dh_raw), not off h_{t−1} = h[t − 1]."
        ),
    ),
    UNMASKED_CARRY: (
        {"carry_masked": False},
        N_(
            "What reaches h_{t−1} goes back through a_t = … + W_hh h_{t−1}, so it is W_hhᵀ δ^a_t, "
            "after the mask: a unit that is off at step t passes nothing back."
        ),
    ),
    NOT_CARRIED: (
        {"carry": False},
        N_(
            "δ^h_t has two terms: W_hyᵀ δ^y_t from ŷ_t and W_hhᵀ δ^a_{t+1} from step t + 1 (zero only "
            "after the last step)."
        ),
    ),
    TRANSPOSED: (
        {"transposed": True},
        N_(
            "In row form δ^a_t is (B, H) and W_hhᵀ δ^a_t becomes da @ W_hh (the column form's W_hh.T @ "
            "da, transposed). With a square W_hh the shapes cannot warn you."
        ),
    ),
    FORWARDS: (
        {"backwards": False},
        N_("δ^h_t needs what step t + 1 sends back: loop over t = T, …, 1 (reversed(range(T)) for the rows)."),
    ),
    LAST_STEP_SKIPPED: (
        {"first": -1},
        N_(
            "The recursion starts at the last step, t = T, where δ^h_T = W_hyᵀ δ^y_T: loop over the rows T − 1, "
            "…, 0, `reversed(range(T))`, not from T − 2."
        ),
    ),
    FIRST_STEP_SKIPPED: (
        {"last": 1},
        N_("Step 1 has a δ^a too: the loop runs t = T, …, 1, down to row 0 included: `reversed(range(T))`."),
    ),
    MASK_OF_GRADIENT: (
        {"mask_of": "gradient"},
        N_(
            "relu′(a_t) is a property of the forward pass: 1 where the unit was on, h_t > 0, whatever the sign "
            "of the gradient arriving. Read the mask off h[t], not off δ^h_t."
        ),
    ),
    ACCUMULATED: (
        {"accumulate": True},
        N_(
            "dh_next is what step t + 1 sends back, W_hhᵀ δ^a_{t+1}, one step's worth: assign it anew at every "
            "step (dh_next = ...), do not add to the old one."
        ),
    ),
    RETURNED_DH: (
        {"returned": "dh"},
        N_(
            "The function returns δ^a_t = relu′(a_t) ⊙ δ^h_t, the gradient after the mask (dh_raw), not δ^h_t "
            "itself: return the masked rows."
        ),
    ),
}


def relu_deltas(
    dh_out,
    h,
    W_hh,
    *,
    derivative="relu",
    mask_shift=0,
    carry=True,
    carry_masked=True,
    transposed=False,
    backwards=True,
    first=0,
    last=0,
    mask_of="h",
    accumulate=False,
    returned="dh_raw",
):
    """δ^a_t of every step of the ReLU RNN, by its backward recursion (row form); returns dh_raw (T, B, H).

    The defaults give the right answer; each switch reproduces one mistake of :data:`MISTAKES`: derivative
    "tanh", "one" or "h" in place of relu′; mask_shift=−1 reads the mask off h_{t−1}; carry=False drops
    W_hhᵀ δ^a_{t+1}; carry_masked=False carries W_hhᵀ δ^h_{t+1}; transposed=True multiplies by W_hhᵀ in row form;
    backwards=False runs forwards in time; first=−1 starts at step T − 1, last=1 stops at step 2; mask_of="gradient"
    reads the mask off δ^h_t > 0; accumulate=True adds each step's W_hhᵀ δ^a to dh_next; returned="dh" returns δ^h.
    """
    T = dh_out.shape[0]
    dh_raw, dh_all = np.zeros(dh_out.shape), np.zeros(dh_out.shape)
    dh_next = np.zeros(dh_out.shape[1:])  # W_hhᵀ δ^a_{t+1}: nothing after step T
    W = W_hh.T if transposed else W_hh
    for t in range(T + first, last, -1) if backwards else range(1, T + 1):
        dh = dh_out[t - 1] + (dh_next if carry else 0.0)  # δ^h_t
        h_t = dh if mask_of == "gradient" else h[t + mask_shift]
        slope = {"relu": h_t > 0, "tanh": 1.0 - h_t**2, "one": 1.0, "h": h_t}[derivative]
        dh_raw[t - 1], dh_all[t - 1] = slope * dh, dh  # δ^a_t = relu′(a_t) ⊙ δ^h_t
        dh_next = (dh_raw[t - 1] if carry_masked else dh) @ W + (dh_next if accumulate else 0.0)
    return dh_all if returned == "dh" else dh_raw


def known_mistakes(dh_out, h, W_hh):
    """Mistake name → (the dh_raw that mistake gives, advice)."""
    return {name: (relu_deltas(dh_out, h, W_hh, **switches), advice) for name, (switches, advice) in MISTAKES.items()}


def problem(seed=1515):
    """A seeded ReLU RNN batch (T = 6, B = 3, D = 3, H = 5, O = 2), h_0 ≥ 0 and not zero: ``(dh_out, h, W_hh)``."""
    p = random_problem(seed, T=6, D=3, H=5, O=2, B=3)
    y_hat, cache = irnn.forward(p.params, p.x, np.abs(p.h0))
    return (y_hat - p.y) @ p.params["W_hy"], np.array(cache.h), p.params["W_hh"]


@guarded(EXERCISE)
def check_relu_deltas(fn) -> Feedback:
    """Run ``fn(dh_out, h, W_hh)`` on a seeded batch (T = 6, B = 3, H = 5) and explain what is wrong, if anything."""
    args = problem()
    value, fb = run_learner(EXERCISE, fn, *map(read_only, args))
    if fb is not None:
        return fb
    expected = relu_deltas(*args)
    raw, value = value, one_array(value, expected.shape)
    if value is None:
        return Feedback(EXERCISE, "wrong", [tr("Return one array, `return dh_raw`, of shape (T, B, H).")])
    fb = diagnose(
        EXERCISE, value, expected, name="dh_raw", known_mistakes=known_mistakes(*args), time_axis=0, float64=True
    )
    answer, _ = as_real_array(value)
    if fb.mistake is not None and answer is not None and answer.shape == expected.shape:
        wrong = [t for t in range(expected.shape[0]) if not matches(answer[t], expected[t])]
        fb.messages.append(steps_message(wrong, expected.shape[0], name="dh_raw"))
    return confirmed(fb, EXERCISE, fn, args, raw)
