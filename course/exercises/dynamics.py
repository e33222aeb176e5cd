"""Checker for notebook 08's exercise: the Jacobians ∂h_t/∂h_k of a batch, as products of one-step Jacobians.

    ∂h_t/∂h_k = ∏_{j=t}^{k+1} diag(1 − h_j²) W_hh        (H, H) per sequence; the factor of step t is leftmost

The notebook's text writes the one-sequence version.  The learner writes ``jacobian_product(W_hh, h, t, k)`` for a
**batch**: ``h`` holds the states (T + 1, B, H), ``h[j, b]`` = h_j of sequence b, and 0 <= k <= t <= T.  It returns
(B, H, H), one Jacobian per sequence (they differ, because each sequence has its own tanh′ factors); for t = k the
product is empty and every one is the identity.

Named mistakes: the product in the wrong order, tanh′ of the previous state, no tanh′ or no square, W_hh transposed,
one factor too many or too few, k ignored, tanh′ scaling the columns, * where @ belongs, each Jacobian transposed,
float32, and a function that keeps state between calls.
"""

from __future__ import annotations

import numpy as np

from ..i18n import N_, tr
from ._feedback import FLOAT32, Feedback, confirmed, diagnose, guarded, read_only, run_learner

__all__ = ["FLOAT32", "check_jacobian_product", "reference_jacobian_product"]

EXERCISE = "jacobian_product"
K_IGNORED = N_("k ignored (the product starts at step 1)")
TOO_FEW = N_("one factor too few")
ELEMENTWISE = N_("* where @ belongs (an element-wise product of the factors)")
TRANSPOSED_RESULT = N_("each Jacobian transposed (∂h_t/∂h_kᵀ)")


def _product(
    W_hh, h, t, k, *, order="left", shift=0, derivative=True, first=None, power=2, columns=False, last=None, times=None
):
    """The batched product with switches that reproduce the classic mistakes (defaults give the right answer).

    h (T + 1, B, H) → (B, H, H).  ``columns=True`` scales the columns of W_hh instead of its rows, what
    ``(1 − h[j]²)[:, None] * W_hh`` gives once h[j] is (B, H).
    """
    B, H = h.shape[1], W_hh.shape[0]
    J = np.broadcast_to(np.eye(H), (B, H, H)).copy()
    for j in range(k + 1 if first is None else first, (t if last is None else last) + 1):
        d = 1.0 - h[j - shift] ** power if derivative else np.ones((B, H))
        # diag(d_b) @ W_hh for every b at once: d_b scales the ROWS of W_hh
        step = d[:, None, :] * W_hh if columns else d[:, :, None] * W_hh
        if times is not None:
            J = times(step, J)
        else:
            J = step @ J if order == "left" else J @ step
    return J


def reference_jacobian_product(W_hh, h, t, k):
    """∂h_t/∂h_k per sequence for states h (T + 1, B, H) and W_hh (H, H): (B, H, H); identities when t = k."""
    return _product(W_hh, h, t, k)


def _case():
    rng = np.random.default_rng(8)
    H, T, B = 4, 6, 3
    W_hh = rng.standard_normal((H, H))  # not symmetric, so a transpose shows
    h = rng.uniform(-0.9, 0.9, size=(T + 1, B, H))  # distinct states, so an off-by-one shows
    return W_hh, h, 5, 2


@guarded(EXERCISE)
def check_jacobian_product(fn) -> Feedback:
    """Run ``fn(W_hh, h, t, k)`` on a case of the checker's choosing and explain any difference."""
    W_hh, h, t, k = _case()
    answer, feedback = run_learner(EXERCISE, fn, read_only(W_hh), read_only(h), t, k)
    if feedback is not None:
        return feedback
    mistakes = {
        N_("product in the wrong order"): (
            _product(W_hh, h, t, k, order="right"),
            (
                tr(
                    "Matrices do not commute: the factor of the latest step j = t stands on the LEFT, "
                    "∂h_t/∂h_k = D_t W_hh · D_{t−1} W_hh ··· D_{k+1} W_hh. Multiply each new step in from the "
                    "left."
                )
            ),
        ),
        N_("tanh derivative of the previous state"): (
            _product(W_hh, h, t, k, shift=1),
            tr(
                "Step j maps h_{j−1} to h_j = tanh(a_j); its derivative is 1 − h_j², at the state it "
                "PRODUCES, not h_{j−1}."
            ),
        ),
        N_("no tanh derivative"): (
            _product(W_hh, h, t, k, derivative=False),
            tr("That is W_hh^(t−k), the product of a linear RNN: each step also multiplies by diag(1 − h_j²)."),
        ),
        N_("W_hh transposed"): (
            _product(W_hh.T, h, t, k),
            tr(
                "∂a_j/∂h_{j−1} is W_hh itself (a_j = W_hh h_{j−1} + …); W_hhᵀ appears in backward, where δ "
                "is pushed back."
            ),
        ),
        N_("one factor too many"): (
            _product(W_hh, h, t, k, first=k),
            tr("The product runs over j = k+1 … t: t − k factors. Step k produced h_k; it is not between h_k and h_t."),
        ),
        N_("tanh derivative without the square"): (
            _product(W_hh, h, t, k, power=1),
            tr("tanh'(a) = 1 − tanh(a)² = 1 − h²: the square is needed."),
        ),
        K_IGNORED: (
            _product(W_hh, h, t, k, first=1),
            tr(
                "The product starts after step k: j = k+1 … t, t − k factors. Starting at j = 1 gives "
                "∂h_t/∂h_0, whatever k is."
            ),
        ),
        TOO_FEW: (
            _product(W_hh, h, t, k, last=t - 1),
            tr(
                "The product runs over j = k+1 … t, t − k factors, the last step t included: range(k + 1, t + 1) "
                "in Python."
            ),
        ),
        ELEMENTWISE: (
            _product(W_hh, h, t, k, times=np.multiply),
            tr(
                "The one-step Jacobians are chained by matrix products: J = (D_j W_hh) @ J. The * operator "
                "multiplies entry by entry, which is not the chain rule for vectors."
            ),
        ),
        TRANSPOSED_RESULT: (
            _product(W_hh, h, t, k).transpose(0, 2, 1),
            tr(
                "Entry (i, m) of ∂h_t/∂h_k is ∂h_{t,i}/∂h_{k,m}: rows belong to h_t, columns to h_k. Yours has "
                "them the other way round, as if each factor were (D_j W_hh)ᵀ = W_hhᵀ D_j, the factor of the "
                "backward pass."
            ),
        ),
        N_("tanh′ scales the columns of W_hh, not the rows"): (
            _product(W_hh, h, t, k, columns=True),
            (
                tr(
                    "diag(d) W_hh scales row i by d_i. With h[j] of shape (B, H), (1 − h[j]²)[:, None] has "
                    "shape (B, 1, H) and scales the columns; use (1 − h[j]²)[:, :, None], shape (B, H, 1)."
                )
            ),
        ),
    }
    fb = diagnose(
        EXERCISE,
        answer,
        reference_jacobian_product(W_hh, h, t, k),
        name=tr("your ∂h_t/∂h_k (B, H, H)"),
        known_mistakes=mistakes,
        float64=True,
    )
    fb = confirmed(fb, EXERCISE, fn, (W_hh, h, t, k), answer)
    if fb.passed:
        # The empty product: t = k must give the identity.
        same, feedback = run_learner(EXERCISE, fn, read_only(W_hh), read_only(h), 3, 3)
        if feedback is not None:
            return feedback
        identities = np.broadcast_to(np.eye(W_hh.shape[0]), (h.shape[1], *W_hh.shape))
        fb = diagnose(EXERCISE, same, identities, name=tr("your ∂h_3/∂h_3"))
        if not fb.passed:
            fb.messages.append(
                tr(
                    "With t = k nothing lies between the two states: the Jacobian is the identity, one per "
                    "sequence (B, H, H)."
                )
            )
    return fb
