"""Softmax cross-entropy: the summed loss, its gradient p − onehot, stability, and precise errors for bad targets."""

import numpy as np
import pytest

import rnn_lib
from rnn_lib.gradcheck import check_gradients, numerical_gradient, relative_error
from rnn_lib.losses import log_softmax, softmax, softmax_cross_entropy


def problem(shape, seed=0, scale=2.0):
    rng = np.random.default_rng(seed)
    z = scale * rng.standard_normal(shape)
    y = rng.integers(0, shape[-1], size=shape[:-1])
    return z, y


def naive_loss(z, y):
    """−Σ log(exp(z_y) / Σ exp(z)) entry by entry: the definition, for moderate logits."""
    total = 0.0
    for idx in np.ndindex(y.shape):
        row = z[idx]
        total -= np.log(np.exp(row[y[idx]]) / np.sum(np.exp(row)))
    return total


@pytest.mark.parametrize("shape", [(5, 4), (3, 2, 6), (1, 1, 1), (4, 7)])
def test_loss_is_the_summed_negative_log_probability_in_nats(shape):
    z, y = problem(shape)
    loss, _ = softmax_cross_entropy(z, y)
    assert isinstance(loss, float)
    assert loss == pytest.approx(naive_loss(z, y), rel=1e-13)


@pytest.mark.parametrize("shape", [(5, 4), (3, 2, 6)])
def test_gradient_matches_finite_differences(shape):
    z, y = problem(shape, seed=1)
    _, dz = softmax_cross_entropy(z, y)
    numeric = numerical_gradient(lambda: softmax_cross_entropy(z, y)[0], z)
    assert relative_error(dz, numeric) < 1e-8


def test_gradient_is_softmax_minus_onehot():
    z, y = problem((6, 3, 5), seed=2)
    _, dz = softmax_cross_entropy(z, y)
    expected = softmax(z) - np.eye(5)[y]
    np.testing.assert_allclose(dz, expected, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(dz.sum(axis=-1), 0.0, atol=1e-15)  # every row of p − onehot sums to 0


def test_shape_and_dtype_of_the_gradient_follow_the_logits():
    z, y = problem((4, 3, 5))
    for dtype in (np.float32, np.float64):
        loss, dz = softmax_cross_entropy(z.astype(dtype), y)
        assert dz.shape == z.shape and dz.dtype == dtype
    _, dz = softmax_cross_entropy(np.asfortranarray(z), y)  # any memory layout
    np.testing.assert_allclose(dz, softmax_cross_entropy(z, y)[1], rtol=1e-15, atol=1e-16)


def test_the_inputs_are_not_changed():
    z, y = problem((4, 3, 5))
    z0, y0 = z.copy(), y.copy()
    softmax_cross_entropy(z, y)
    np.testing.assert_array_equal(z, z0)
    np.testing.assert_array_equal(y, y0)


def test_huge_logits_give_the_exact_loss_without_overflow():
    # exp(1000) overflows and exp(-1000) underflows; the shifted formula still gives the exact answer.
    z = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 999.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is harmless, and expected
        loss, dz = softmax_cross_entropy(z, [2, 2])
    assert loss == pytest.approx(2000.0 + 1.0 + np.log1p(np.exp(-1.0)), rel=1e-15)  # rows: 2000, 1 + log(1 + e⁻¹)
    np.testing.assert_allclose(dz[0], [1.0, 0.0, -1.0], atol=1e-300)
    assert np.all(np.isfinite(dz))


def test_float32_logits_of_100_do_not_overflow():
    z = np.array([[100.0, 0.0], [0.0, 100.0]], dtype=np.float32)  # exp(100) > float32's largest number
    loss, dz = softmax_cross_entropy(z, [0, 0])
    assert loss == pytest.approx(100.0, rel=1e-6) and np.all(np.isfinite(dz))


def test_uniform_logits_give_log_V_per_prediction():
    loss, _ = softmax_cross_entropy(np.zeros((7, 3, 65)), np.zeros((7, 3), dtype=int))
    assert loss == pytest.approx(7 * 3 * np.log(65), rel=1e-14)


def test_logits_spanning_more_than_the_float_range_raise_floating_point_error():
    with pytest.raises(FloatingPointError, match="float range"):
        softmax_cross_entropy(np.array([[1.7e308, -1.7e308]]), [1])


def test_softmax_and_log_softmax_agree_and_are_stable():
    z, _ = problem((4, 6), scale=300.0)
    np.testing.assert_allclose(np.exp(log_softmax(z)), softmax(z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(softmax(z).sum(axis=-1), 1.0, rtol=1e-15)
    assert np.all(np.isfinite(log_softmax(z)))


def test_the_loss_trains_the_rnn_through_rnn_lib_backward():
    # dlogits goes into rnn_lib.backward where dy went: the whole model's gradient passes a finite-difference check.
    rng = np.random.default_rng(3)
    T, B, V, H = 5, 2, 4, 3
    params = rnn_lib.init_params(V, H, V, rng=rng, scale=0.5)
    x = np.eye(V)[rng.integers(0, V, size=(T, B))]
    y = rng.integers(0, V, size=(T, B))
    logits, cache = rnn_lib.forward(params, x)
    grads = rnn_lib.backward(params, cache, softmax_cross_entropy(logits, y)[1])
    arrays = {k: params[k].copy() for k in rnn_lib.PARAM_NAMES}
    report = check_gradients(lambda: softmax_cross_entropy(rnn_lib.forward(arrays, x)[0], y)[0], arrays, grads)
    report.assert_ok()


# ---------------------------------------------------------------------------
# Bad targets and logits: precise errors, raised before anything is computed.
# ---------------------------------------------------------------------------

Z = np.zeros((4, 5))


@pytest.mark.parametrize(
    "targets, error, words",
    [
        ([0, 1, 2, 5], ValueError, r"0 … 4.*got 5.*step t = 4"),
        ([0, -1, 2, 3], ValueError, r"got -1 at targets\[1\] \(step t = 2\)"),
        ([0.0, 1.0, 2.0, 3.0], TypeError, "astype\\(int\\)"),
        (np.eye(5)[[0, 1, 2, 3]], TypeError, "one-hot"),
        ([True, False, True, False], TypeError, "bool"),
        ([0, 1, 2], ValueError, r"shape \(4,\)"),
        ([[0], [1], [2], [3]], ValueError, r"shape \(4,\)"),
        ("0123", TypeError, "class indices"),
        (None, TypeError, "class indices"),
        (np.ma.array([0, 1, 2, 3], mask=[0, 1, 0, 0]), TypeError, "MaskedArray"),
        ([0, 1, [2], 3], ValueError, "rectangular"),
    ],
    ids=[
        "too large",
        "negative",
        "floats",
        "one-hot",
        "bools",
        "too short",
        "extra axis",
        "str",
        "None",
        "masked",
        "ragged",
    ],
)
def test_bad_targets_get_precise_errors(targets, error, words):
    with pytest.raises(error, match=words):
        softmax_cross_entropy(Z, targets)


def test_batch_targets_must_have_shape_T_B():
    with pytest.raises(ValueError, match=r"\(4, 2\), one index per step and sequence"):
        softmax_cross_entropy(np.zeros((4, 2, 5)), np.zeros((4, 3), dtype=int))


@pytest.mark.parametrize(
    "logits, error, words",
    [
        (np.zeros(5), ValueError, r"\(T, V\)"),
        (np.zeros((4, 0)), ValueError, "empty"),
        (np.array([[0.0, np.nan]]), ValueError, "finite"),
        (np.zeros((2, 2), dtype=complex), TypeError, "real"),
    ],
)
def test_bad_logits_get_precise_errors(logits, error, words):
    with pytest.raises(error, match=words):
        softmax_cross_entropy(logits, np.zeros(logits.shape[:1], dtype=int) if logits.ndim else 0)


def test_unsigned_and_python_int_targets_are_accepted():
    a = softmax_cross_entropy(Z, np.array([0, 1, 2, 3], dtype=np.uint8))
    b = softmax_cross_entropy(Z, [0, 1, 2, 3])
    assert a[0] == b[0]
