"""Gradient clipping: by global norm keeps the direction, by value bounds every entry; inputs are never changed."""

import numpy as np
import pytest

from rnn_lib.clipping import clip_by_global_norm, clip_by_value, cosine, global_norm

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")
SHAPES = {"W_xh": (4, 3), "W_hh": (4, 4), "W_hy": (2, 4), "b_h": (4, 1), "b_y": (2, 1)}


def random_grads(seed=0, scale=10.0):
    rng = np.random.default_rng(seed)
    return {k: scale * rng.standard_normal(s) for k, s in SHAPES.items()}


def flat(grads):
    return np.concatenate([grads[k].ravel() for k in PARAM_NAMES])


def test_global_norm_is_the_norm_of_all_gradients_as_one_vector():
    g = random_grads()
    assert global_norm(g) == pytest.approx(np.linalg.norm(flat(g)), rel=1e-14)


def test_norm_clipping_keeps_the_direction():
    g = random_grads()
    clipped, _ = clip_by_global_norm(g, 1.0)
    assert cosine(clipped, g) == pytest.approx(1.0, abs=1e-14)


def test_norm_clipping_shortens_to_max_norm_and_reports_the_norm_before():
    g = random_grads()
    clipped, norm = clip_by_global_norm(g, 1.5)
    assert norm == pytest.approx(np.linalg.norm(flat(g)), rel=1e-14)
    assert global_norm(clipped) == pytest.approx(1.5, rel=1e-14)


def test_norm_clipping_leaves_a_short_gradient_unchanged():
    g = random_grads(scale=1e-3)
    clipped, _ = clip_by_global_norm(g, 1.0)
    for k in PARAM_NAMES:
        np.testing.assert_array_equal(clipped[k], g[k])


def test_norm_clipping_is_global_not_per_parameter():
    # One huge gradient and four small ones: a global clip shrinks the small ones as well.
    g = random_grads(scale=1e-2)
    g["W_hh"] = g["W_hh"] * 1e4
    clipped, _ = clip_by_global_norm(g, 1.0)
    ratios = [float(np.linalg.norm(clipped[k]) / np.linalg.norm(g[k])) for k in PARAM_NAMES]
    assert np.allclose(ratios, ratios[0], rtol=1e-12) and ratios[0] < 1


def test_norm_clipping_of_a_zero_gradient_is_zero():
    g = {k: np.zeros(s) for k, s in SHAPES.items()}
    clipped, norm = clip_by_global_norm(g, 1.0)
    assert norm == 0.0 and all(np.all(clipped[k] == 0) for k in PARAM_NAMES)


def test_value_clipping_bounds_every_entry_and_keeps_small_entries():
    g = random_grads()
    clipped = clip_by_value(g, 2.0)
    for k in PARAM_NAMES:
        assert np.all(np.abs(clipped[k]) <= 2.0)
        small = np.abs(g[k]) <= 2.0
        np.testing.assert_array_equal(clipped[k][small], g[k][small])


def test_value_clipping_changes_the_direction():
    clipped = clip_by_value(random_grads(), 2.0)
    assert cosine(clipped, random_grads()) < 0.99


@pytest.mark.parametrize("clip", [lambda g: clip_by_global_norm(g, 1.0), lambda g: clip_by_value(g, 1.0)])
def test_clipping_does_not_change_its_input(clip):
    g = random_grads()
    before = {k: v.copy() for k, v in g.items()}
    clip(g)
    for k in PARAM_NAMES:
        np.testing.assert_array_equal(g[k], before[k])


@pytest.mark.parametrize("clip", [lambda g: clip_by_global_norm(g, 1e9)[0], lambda g: clip_by_value(g, 1e9)])
def test_clipping_returns_new_arrays(clip):
    g = random_grads()
    out = clip(g)
    assert not any(np.shares_memory(out[k], g[k]) for k in PARAM_NAMES)


def test_clipping_keeps_float32():
    g = {k: v.astype(np.float32) for k, v in random_grads().items()}
    assert all(v.dtype == np.float32 for v in clip_by_global_norm(g, 1.0)[0].values())
    assert all(v.dtype == np.float32 for v in clip_by_value(g, 1.0).values())


def test_extra_keys_such_as_x_and_h0_are_ignored():
    g = random_grads()
    clipped, norm = clip_by_global_norm({**g, "x": np.ones((5, 3)) * 1e6, "h0": np.ones(4)}, 1.0)
    assert set(clipped) == set(PARAM_NAMES) and norm == pytest.approx(global_norm(g))


@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf")])
def test_max_norm_must_be_finite_positive(bad):
    with pytest.raises(ValueError, match="max_norm"):
        clip_by_global_norm(random_grads(), bad)


@pytest.mark.parametrize("bad", ["1", None, True])
def test_limit_must_be_a_number(bad):
    with pytest.raises(TypeError, match="limit"):
        clip_by_value(random_grads(), bad)


def test_missing_gradient_is_named():
    g = random_grads()
    del g["b_y"]
    with pytest.raises(ValueError, match="b_y"):
        clip_by_global_norm(g, 1.0)


def test_non_finite_gradient_is_refused_with_its_name():
    g = random_grads()
    g["W_hh"][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"grads\['W_hh'\]"):
        clip_by_value(g, 1.0)
