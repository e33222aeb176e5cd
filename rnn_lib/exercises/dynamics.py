"""Checker for notebook 08's exercise: the Jacobian ∂h_t/∂h_k as a product of one-step Jacobians.

    ∂h_t/∂h_k = ∏_{j=t}^{k+1} diag(1 − h_j²) W_hh        (H, H); the factor of step t is leftmost

The learner writes ``jacobian_product(W_hh, h, t, k)`` with ``h`` the states (T + 1, H), ``h[j]`` = h_j,
and 0 <= k <= t <= T; for t = k the product is empty and the answer is the identity.
"""

from __future__ import annotations

import numpy as np

from ._feedback import Feedback, diagnose, run_learner

EXERCISE = "jacobian_product"


def _product(W_hh, h, t, k, *, order="left", shift=0, derivative=True, first=None, power=2):
    """The product with switches that reproduce the classic mistakes (defaults give the right answer)."""
    H = W_hh.shape[0]
    J = np.eye(H)
    for j in range(k + 1 if first is None else first, t + 1):
        d = 1.0 - h[j - shift] ** power if derivative else np.ones(H)
        step = d[:, None] * W_hh  # diag(d) @ W_hh without building the diagonal matrix
        J = step @ J if order == "left" else J @ step
    return J


def reference_jacobian_product(W_hh, h, t, k):
    """∂h_t/∂h_k for states h (T + 1, H) and W_hh (H, H); the identity when t = k."""
    return _product(W_hh, h, t, k)


def _case():
    rng = np.random.default_rng(8)
    H, T = 4, 6
    W_hh = rng.standard_normal((H, H))  # not symmetric, so a transpose shows
    h = rng.uniform(-0.9, 0.9, size=(T + 1, H))  # distinct states, so an off-by-one shows
    return W_hh, h, 5, 2


def check_jacobian_product(fn) -> Feedback:
    """Run ``fn(W_hh, h, t, k)`` on a case of the checker's choosing and explain any difference."""
    W_hh, h, t, k = _case()
    answer, feedback = run_learner(EXERCISE, fn, W_hh.copy(), h.copy(), t, k)
    if feedback is not None:
        return feedback
    mistakes = {
        "product in the wrong order": (
            _product(W_hh, h, t, k, order="right"),
            (
                "Matrices do not commute: the factor of the latest step j = t stands on the LEFT, "
                "∂h_t/∂h_k = D_t W_hh · D_{t−1} W_hh ··· D_{k+1} W_hh. Multiply each new step in from the left."
            ),
        ),
        "tanh derivative of the previous state": (
            _product(W_hh, h, t, k, shift=1),
            "Step j maps h_{j−1} to h_j = tanh(a_j); its derivative is 1 − h_j², at the state it PRODUCES, not h_{j−1}.",
        ),
        "no tanh derivative": (
            _product(W_hh, h, t, k, derivative=False),
            "That is W_hh^(t−k), the product of a linear RNN: each step also multiplies by diag(1 − h_j²).",
        ),
        "W_hh transposed": (
            _product(W_hh.T, h, t, k),
            "∂a_j/∂h_{j−1} is W_hh itself (a_j = W_hh h_{j−1} + …); W_hhᵀ appears in backward, where δ is pushed back.",
        ),
        "one factor too many": (
            _product(W_hh, h, t, k, first=k),
            "The product runs over j = k+1 … t: t − k factors. Step k produced h_k; it is not between h_k and h_t.",
        ),
        "tanh derivative without the square": (
            _product(W_hh, h, t, k, power=1),
            "tanh'(a) = 1 − tanh(a)² = 1 − h²: the square is needed.",
        ),
    }
    fb = diagnose(
        EXERCISE, answer, reference_jacobian_product(W_hh, h, t, k), name="your ∂h_t/∂h_k", known_mistakes=mistakes
    )
    if fb.passed:
        # The empty product: t = k must give the identity.
        same, feedback = run_learner(EXERCISE, fn, W_hh.copy(), h.copy(), 3, 3)
        if feedback is not None:
            return feedback
        fb = diagnose(EXERCISE, same, np.eye(W_hh.shape[0]), name="your ∂h_3/∂h_3")
        if not fb.passed:
            fb.messages.append("With t = k nothing lies between the two states: the Jacobian is the identity.")
    return fb
