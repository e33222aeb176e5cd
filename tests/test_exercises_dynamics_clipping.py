"""Checkers of notebooks 08 and 09: the right answer passes, a blank one is "not implemented", known bugs are named."""

import numpy as np
import pytest

from rnn_lib.exercises.clipping import check_clip_global_norm
from rnn_lib.exercises.dynamics import check_jacobian_product, reference_jacobian_product

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


# --- notebook 08: ∂h_t/∂h_k ------------------------------------------------------------------


def jac(W_hh, h, t, k, *, order="left", shift=0, power=2, derivative=True, first=None, transpose=False):
    W = W_hh.T if transpose else W_hh
    J = np.eye(W.shape[0])
    for j in range(k + 1 if first is None else first, t + 1):
        step = np.diag(1 - h[j - shift] ** power if derivative else np.ones(W.shape[0])) @ W
        J = step @ J if order == "left" else J @ step
    return J


def test_right_jacobian_passes():
    assert check_jacobian_product(jac).passed


def test_reference_jacobian_matches_finite_differences():
    rng = np.random.default_rng(0)
    H = 3
    W_xh, W_hh, b = rng.standard_normal((H, 2)), rng.standard_normal((H, H)), rng.standard_normal(H)
    x = rng.standard_normal((4, 2))

    def run(h_k):  # h_1 … h_4 from h_0 = h_k
        hs = [h_k]
        for t in range(4):
            hs.append(np.tanh(W_xh @ x[t] + W_hh @ hs[-1] + b))
        return np.array(hs)

    h0 = rng.standard_normal(H)
    h = run(h0)
    eps = 1e-6
    numeric = np.column_stack([(run(h0 + eps * e)[4] - run(h0 - eps * e)[4]) / (2 * eps) for e in np.eye(H)])
    np.testing.assert_allclose(reference_jacobian_product(W_hh, h, 4, 0), numeric, rtol=1e-7, atol=1e-9)


def test_blank_jacobian_is_not_implemented():
    def blank(W_hh, h, t, k):
        raise NotImplementedError

    assert check_jacobian_product(blank).status == "not implemented"


@pytest.mark.parametrize(
    "kwargs, mistake",
    [
        ({"order": "right"}, "product in the wrong order"),
        ({"shift": 1}, "tanh derivative of the previous state"),
        ({"derivative": False}, "no tanh derivative"),
        ({"transpose": True}, "W_hh transposed"),
        ({"first": "k"}, "one factor too many"),
        ({"power": 1}, "tanh derivative without the square"),
    ],
)
def test_known_jacobian_mistakes_are_named(kwargs, mistake):
    def wrong(W_hh, h, t, k):
        args = {**kwargs, "first": k} if kwargs.get("first") == "k" else kwargs
        return jac(W_hh, h, t, k, **args)

    fb = check_jacobian_product(wrong)
    assert fb.status == "wrong" and fb.mistake == mistake


def test_jacobian_that_is_not_the_identity_for_t_equal_k_fails():
    def no_identity(W_hh, h, t, k):
        return jac(W_hh, h, t, k) if t > k else np.zeros_like(W_hh)

    assert check_jacobian_product(no_identity).status == "wrong"


# --- notebook 09: clipping by the global norm ------------------------------------------------


def right_clip(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    scale = max_norm / max(norm, max_norm)
    return {k: g * scale for k, g in grads.items()}


def test_right_clipping_passes():
    assert check_clip_global_norm(right_clip).passed


def test_returning_the_norm_too_is_accepted():
    assert check_clip_global_norm(lambda g, c: (right_clip(g, c), 0.0)).passed


def test_library_clipping_passes():
    from rnn_lib.clipping import clip_by_global_norm

    assert check_clip_global_norm(clip_by_global_norm).passed


def test_blank_clipping_is_not_implemented():
    def blank(grads, max_norm):
        raise NotImplementedError

    assert check_clip_global_norm(blank).status == "not implemented"


def per_parameter(grads, max_norm):
    return {k: g * (max_norm / max(np.linalg.norm(g), max_norm)) for k, g in grads.items()}


def squared(grads, max_norm):
    norm2 = sum(np.sum(g * g) for g in grads.values())
    return {k: g * (max_norm / max(norm2, max_norm)) for k, g in grads.items()}


def by_value(grads, max_norm):
    return {k: np.clip(g, -max_norm, max_norm) for k, g in grads.items()}


def stretches(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    return {k: g * (max_norm / norm) for k, g in grads.items()}


def in_place(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    for g in grads.values():
        g *= max_norm / max(norm, max_norm)
    return grads


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (per_parameter, "clipping each parameter separately"),
        (squared, "squared norm"),
        (by_value, "clipping by value"),
        (stretches, "scaling up small gradients"),
        (in_place, "modifying the input in place"),
    ],
)
def test_known_clipping_mistakes_are_named(fn, mistake):
    fb = check_clip_global_norm(fn)
    assert fb.status == "wrong" and fb.mistake == mistake


def test_returning_only_some_gradients_is_explained():
    fb = check_clip_global_norm(lambda g, c: {"W_hh": right_clip(g, c)["W_hh"]})
    assert fb.status == "wrong" and "lacks" in str(fb)
