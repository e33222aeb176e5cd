"""Checkers of notebooks 08 and 09: the right answer passes, a blank one is "not implemented", known bugs are named."""

import numpy as np
import pytest

from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.clipping import check_clip_per_sequence
from course.exercises.dynamics import check_jacobian_product, reference_jacobian_product

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


# --- notebook 08: ∂h_t/∂h_k ------------------------------------------------------------------


def jac(W_hh, h, t, k, *, order="left", shift=0, power=2, derivative=True, first=None, transpose=False, columns=False):
    """A learner's batched answer, one sequence at a time with explicit diagonal matrices: h (T + 1, B, H)."""
    W = W_hh.T if transpose else W_hh
    out = []
    for b in range(h.shape[1]):
        J = np.eye(W.shape[0])
        for j in range(k + 1 if first is None else first, t + 1):
            d = np.diag(1 - h[j - shift, b] ** power if derivative else np.ones(W.shape[0]))
            step = W @ d if columns else d @ W
            J = step @ J if order == "left" else J @ step
        out.append(J)
    return np.array(out)


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
    # A batch of two sequences: the same one twice, and one restarted from another h_0.
    h_other = run(-h0)
    batch = np.stack([h, h_other], axis=1)  # (T + 1, B, H)
    numeric_other = np.column_stack([(run(-h0 + eps * e)[4] - run(-h0 - eps * e)[4]) / (2 * eps) for e in np.eye(H)])
    J = reference_jacobian_product(W_hh, batch, 4, 0)
    assert J.shape == (2, H, H)
    np.testing.assert_allclose(J[0], numeric, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(J[1], numeric_other, rtol=1e-7, atol=1e-9)


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
        ({"columns": True}, "tanh′ scales the columns of W_hh, not the rows"),
    ],
)
def test_known_jacobian_mistakes_are_named(kwargs, mistake):
    def wrong(W_hh, h, t, k):
        args = {**kwargs, "first": k} if kwargs.get("first") == "k" else kwargs
        return jac(W_hh, h, t, k, **args)

    fb = check_jacobian_product(wrong)
    assert fb.status == "wrong" and fb.mistake == mistake


def test_the_one_sequence_code_run_on_a_batch_is_named():
    def one_sequence_code(W_hh, h, t, k):  # notebook 08's text, unchanged, given h (T + 1, B, H)
        J = np.eye(W_hh.shape[0])
        for j in range(k + 1, t + 1):
            J = ((1.0 - h[j] ** 2)[:, None] * W_hh) @ J
        return J

    fb = check_jacobian_product(one_sequence_code)
    assert fb.status == "wrong" and fb.mistake == "tanh′ scales the columns of W_hh, not the rows"


def test_jacobian_that_is_not_the_identity_for_t_equal_k_fails():
    def no_identity(W_hh, h, t, k):
        return jac(W_hh, h, t, k) if t > k else np.zeros((h.shape[1], *W_hh.shape))

    assert check_jacobian_product(no_identity).status == "wrong"


# --- notebook 09: clipping each sequence's gradient, then averaging ----------------------------


def right_clip(grads, max_norm):
    # grads[p]: (B, *shape of p). One global norm per sequence, over its five arrays.
    norms = np.sqrt(sum(np.sum(g * g, axis=tuple(range(1, g.ndim))) for g in grads.values()))  # (B,)
    scale = max_norm / np.maximum(norms, max_norm)
    return {k: np.tensordot(scale, g, axes=1) / len(scale) for k, g in grads.items()}


def right_clip_with_a_loop(grads, max_norm):
    B = len(grads["W_hh"])
    out = {k: np.zeros(g.shape[1:]) for k, g in grads.items()}
    for b in range(B):
        norm = np.sqrt(sum(np.sum(g[b] ** 2) for g in grads.values()))
        for k, g in grads.items():
            out[k] += g[b] * (max_norm / max(norm, max_norm)) / B
    return out


def test_right_clipping_passes():
    assert check_clip_per_sequence(right_clip).passed


def test_right_clipping_with_a_loop_passes():
    assert check_clip_per_sequence(right_clip_with_a_loop).passed


def test_test_data_has_a_short_and_an_exploded_sequence():
    from course.exercises.clipping import MAX_NORM, per_sequence_gradients

    g = per_sequence_gradients()
    norms = np.sqrt(sum(np.sum(v * v, axis=tuple(range(1, v.ndim))) for v in g.values()))
    assert norms.min() < MAX_NORM < 10 * MAX_NORM < norms.max()


def test_blank_clipping_is_not_implemented():
    def blank(grads, max_norm):
        raise NotImplementedError

    assert check_clip_per_sequence(blank).status == "not implemented"


def clip_mean(grads, max_norm):
    mean = {k: g.mean(axis=0) for k, g in grads.items()}
    norm = np.sqrt(sum(np.sum(g * g) for g in mean.values()))
    return {k: g * (max_norm / max(norm, max_norm)) for k, g in mean.items()}


def one_norm(grads, max_norm):
    norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
    return {k: g.mean(axis=0) * (max_norm / max(norm, max_norm)) for k, g in grads.items()}


def per_parameter(grads, max_norm):
    out = {}
    for k, g in grads.items():
        norms = np.sqrt(np.sum(g * g, axis=tuple(range(1, g.ndim))))
        out[k] = np.tensordot(max_norm / np.maximum(norms, max_norm), g, axes=1) / len(g)
    return out


def summed(grads, max_norm):
    return {k: g * len(grads["W_hh"]) for k, g in right_clip(grads, max_norm).items()}


def stretches(grads, max_norm):
    norms = np.sqrt(sum(np.sum(g * g, axis=tuple(range(1, g.ndim))) for g in grads.values()))
    return {k: np.tensordot(max_norm / norms, g, axes=1) / len(norms) for k, g in grads.items()}


def squared(grads, max_norm):
    norms2 = sum(np.sum(g * g, axis=tuple(range(1, g.ndim))) for g in grads.values())
    return {k: np.tensordot(max_norm / np.maximum(norms2, max_norm), g, axes=1) / len(norms2) for k, g in grads.items()}


def in_place(grads, max_norm):
    norms = np.sqrt(sum(np.sum(g * g, axis=tuple(range(1, g.ndim))) for g in grads.values()))
    scale = max_norm / np.maximum(norms, max_norm)
    for g in grads.values():
        g *= scale.reshape(-1, *[1] * (g.ndim - 1))
    return {k: g.mean(axis=0) for k, g in grads.items()}


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (clip_mean, "clipping the mean instead of each sequence"),
        (one_norm, "one norm for the whole batch"),
        (per_parameter, "clipping each parameter separately"),
        (summed, "summing instead of averaging"),
        (stretches, "scaling up small gradients"),
        (squared, "squared norm"),
        (in_place, INPUT_WRITTEN),  # the gradients are passed read-only: `g *= scale` raises, and is named
    ],
)
def test_known_clipping_mistakes_are_named(fn, mistake):
    fb = check_clip_per_sequence(fn)
    assert fb.status == "wrong" and fb.mistake == mistake


def test_returning_only_some_gradients_is_explained():
    fb = check_clip_per_sequence(lambda g, c: {"W_hh": right_clip(g, c)["W_hh"]})
    assert fb.status == "wrong" and "lacks" in fb.text


def test_keeping_the_batch_axis_is_explained():
    def no_average(grads, max_norm):
        norms = np.sqrt(sum(np.sum(g * g, axis=tuple(range(1, g.ndim))) for g in grads.values()))
        return {
            k: g * (max_norm / np.maximum(norms, max_norm)).reshape(-1, *[1] * (g.ndim - 1)) for k, g in grads.items()
        }

    fb = check_clip_per_sequence(no_average)
    assert fb.status == "wrong" and "average over it" in fb.text
