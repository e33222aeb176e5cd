"""The bug gallery: each planted bug breaks exactly the parameters it touches, and the right backward breaks none."""

import numpy as np
import pytest

from course import bugs
from rnn_lib import reference
from rnn_lib.data import random_problem
from rnn_lib.parameters import PARAM_NAMES

TOL = 1e-7  # the checker's tolerance: right gradients land near 1e-9, wrong ones above 1e-2

# Which parameters each bug breaks on the gallery problem (T=5, D=3, H=4, O=2, weights ~0.5).
EXPECTED_BROKEN = {
    "drop_dh_next": {"W_xh", "W_hh", "b_h"},
    "h_t_in_dW_hh": {"W_hh"},
    "tanh_prime_of_h": {"W_xh", "W_hh", "b_h"},
    "gradients_not_reset": set(PARAM_NAMES),
    "off_by_one_hidden_states": {"W_xh", "W_hh", "W_hy", "b_h"},
    "clip_before_check": set(PARAM_NAMES),
    "sign_of_dy": set(PARAM_NAMES),
    "forward_in_time": {"W_xh", "W_hh", "b_h"},
}


@pytest.fixture(scope="module")
def problem():
    params, x, y, _ = random_problem(seed=0, T=5, D=3, H=4, O=2)  # notebook 06's problem
    return params, x, y


def broken(errors):
    return {name for name, e in errors.items() if e > TOL}


def test_gallery_has_every_bug_the_notebook_discusses():
    assert set(bugs.BUGS) == set(EXPECTED_BROKEN)


def test_every_registry_entry_has_function_description_and_fix():
    for name, (fn, what, fix) in bugs.BUGS.items():
        assert callable(fn) and what and fix, name


# What each planted step changes among rnn_step_backward's outputs (dx_t, dh_prev, dW_xh, dW_hh, db_h).
STEP_CHANGES = {
    "step_sends_nothing_back": ["dh_prev"],
    "step_with_h_t_as_h_prev": ["dW_hh"],
    "step_with_tanh_of_h": ["dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h"],  # δ^a_t itself is wrong
}
STEP_OUTPUTS = ("dx_t", "dh_prev", "dW_xh", "dW_hh", "db_h")


@pytest.mark.parametrize("name", STEP_CHANGES)
def test_each_planted_step_differs_from_the_right_step_only_where_its_mistake_is(name):
    rng = np.random.default_rng(6)
    B, D, H = 3, 2, 4
    W_xh, W_hh, b_h = rng.standard_normal((H, D)), rng.standard_normal((H, H)), rng.standard_normal((H, 1))
    _, cache = reference.rnn_step_forward(rng.standard_normal((B, D)), rng.standard_normal((B, H)), W_xh, W_hh, b_h)
    dh = rng.standard_normal((B, H))
    right, planted = reference.rnn_step_backward(dh, cache), getattr(bugs, name)(dh, cache)
    differ = [k for k, r, p in zip(STEP_OUTPUTS, right, planted) if not np.allclose(r, p, rtol=1e-12, atol=0)]
    assert differ == STEP_CHANGES[name]


@pytest.mark.parametrize("name", ["off_by_one_hidden_states", "sign_of_dy", "forward_in_time"])
def test_the_other_bugs_leave_the_cache_and_dy_alone(problem, name):
    params, x, y = problem
    y_hat, cache = reference.forward(params, x)
    dy = reference.loss_grad(y_hat, y)
    before = (cache.x.copy(), cache.h.copy(), dy.copy())
    bugs.BUGS[name][0](params, cache, dy)
    for a, b in zip((cache.x, cache.h, dy), before):
        np.testing.assert_array_equal(a, b)


def test_correct_backward_passes_the_gradient_check_everywhere(problem):
    errors = bugs.signature(*problem, reference.backward)
    assert list(errors) == list(PARAM_NAMES)
    assert max(errors.values()) < 1e-8


@pytest.mark.parametrize("name", sorted(EXPECTED_BROKEN))
def test_bug_breaks_exactly_its_characteristic_parameters(problem, name):
    fn = bugs.BUGS[name][0]
    errors = bugs.signature(*problem, fn)
    assert broken(errors) == EXPECTED_BROKEN[name], {k: f"{v:.1e}" for k, v in errors.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED_BROKEN))
def test_bug_is_clearly_wrong_where_it_fails(problem, name):
    # Far above the tolerance, so the pattern does not hinge on the choice of ε or tol.
    errors = bugs.signature(*problem, bugs.BUGS[name][0])
    assert min(errors[p] for p in EXPECTED_BROKEN[name]) > 1e-2


def test_gradients_not_reset_passes_once_and_fails_the_second_time(problem):
    backward = bugs.AccumulatingBackward()
    assert max(bugs.signature(*problem, backward).values()) < TOL
    assert min(bugs.signature(*problem, backward).values()) > 1e-2


def test_gradients_not_reset_doubles_the_gradient(problem):
    # Relative error of 2g against g is |2g − g| / (|2g| + |g|) = 1/3 for every parameter.
    errors = bugs.signature(*problem, bugs.gradients_not_reset)
    np.testing.assert_allclose(list(errors.values()), 1 / 3, rtol=1e-6)


def test_sign_of_dy_is_the_exact_negative(problem):
    errors = bugs.signature(*problem, bugs.sign_of_dy)
    np.testing.assert_allclose(list(errors.values()), 1.0, rtol=1e-6)


def test_clip_before_check_scales_all_parameters_alike(problem):
    # The gallery problem's gradient is larger than CLIP_MAX_NORM, so clipping does act.
    g = reference.gradients(*problem)
    g = {name: g[name] for name in PARAM_NAMES}
    assert np.sqrt(sum(float(np.sum(v * v)) for v in g.values())) > 2 * bugs.CLIP_MAX_NORM
    errors = list(bugs.signature(*problem, bugs.clip_before_check).values())
    np.testing.assert_allclose(errors, errors[0], rtol=1e-6)


@pytest.mark.parametrize(
    "name, passes", [("drop_dh_next", True), ("forward_in_time", True), ("tanh_prime_of_h", False)]
)
def test_one_step_sequence_separates_between_step_bugs_from_within_step_bugs(problem, name, passes):
    params, x, y = problem
    errors = bugs.signature(params, x[:1], y[:1], bugs.BUGS[name][0])
    assert (max(errors.values()) < TOL) == passes


def test_signature_leaves_the_problem_unchanged(problem):
    params, x, y = problem
    before = {k: v.copy() for k, v in params.items()}
    bugs.signature(params, x, y, bugs.gradients_not_reset)
    for name in PARAM_NAMES:
        np.testing.assert_array_equal(params[name], before[name])
