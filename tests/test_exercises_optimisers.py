"""Checker of notebook 17 (adam_step): the right answer passes, each classic slip is named."""

import numpy as np
import pytest

from course.exercises import optimisers as ex
from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.optimisers import check_adam_step
from rnn_lib.optim import Adam


def adam_step(p, g, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat, v_hat = m_new / (1 - beta1**t), v_new / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new


def variant(**change):
    """adam_step with one piece replaced: keys correct_m, correct_v, eps_inside, eps_before, t0, swap, v_g, w, up."""

    def fn(p, g, m, v, t, lr, beta1, beta2, eps):
        if change.get("swap"):
            beta1, beta2 = beta2, beta1
        a1, a2, b1, b2 = (
            (beta1, beta2, 1 - beta1, 1 - beta2) if change.get("w") else (1 - beta1, 1 - beta2, beta1, beta2)
        )
        m_new = b1 * m + a1 * g
        v_new = b2 * v + a2 * (g if change.get("v_g") else g**2)
        s = t - 1 if change.get("t0") else t
        c1 = 1.0 if change.get("correct_m") is False else 1 - beta1**s
        c2 = 1.0 if change.get("correct_v") is False else 1 - beta2**s
        if change.get("eps_inside"):
            denom = np.sqrt(v_new / c2 + eps)
        elif change.get("eps_before"):
            denom = (np.sqrt(v_new) + eps) / np.sqrt(c2)
        else:
            denom = np.sqrt(v_new / c2) + eps
        sign = 1 if change.get("up") else -1
        return p + sign * lr * (m_new / c1) / denom, m_new, v_new

    return fn


def stale_state(p, g, m, v, t, lr, beta1, beta2, eps):
    p_new, _, _ = adam_step(p, g, m, v, t, lr, beta1, beta2, eps)
    return p_new, m, v


def in_place(p, g, m, v, t, lr, beta1, beta2, eps):
    p_new, m_new, v_new = adam_step(p, g, m, v, t, lr, beta1, beta2, eps)
    m[...], v[...] = m_new, v_new
    return p_new, m_new, v_new


def unfinished(*args):
    raise NotImplementedError


def test_right_answer_passes():
    fb = check_adam_step(adam_step)
    assert fb.status == "correct", fb.text


def test_the_right_answer_is_the_librarys_adam():
    # Five steps of the exercise's rule equal five steps of rnn_lib.optim.Adam with the checker's settings.
    rng = np.random.default_rng(0)
    p = rng.standard_normal((3, 4))
    params = {"p": p.copy()}
    opt = Adam(params, lr=ex.LR, betas=(ex.BETA1, ex.BETA2), eps=ex.EPS)
    m = v = np.zeros_like(p)
    for t in range(1, 6):
        g = rng.standard_normal((3, 4))
        p, m, v = adam_step(p, g, m, v, t, ex.LR, ex.BETA1, ex.BETA2, ex.EPS)
        opt.step({"p": g})
        np.testing.assert_allclose(params["p"], p, rtol=1e-13)


def test_not_implemented():
    assert check_adam_step(unfinished).status == "not implemented"


@pytest.mark.parametrize(
    "fn, mistake",
    [
        (variant(correct_m=False, correct_v=False), ex.NO_CORRECTION),
        (variant(correct_v=False), ex.ONLY_M),
        (variant(correct_m=False), ex.ONLY_V),
        (variant(eps_inside=True), ex.EPS_INSIDE),
        (variant(eps_before=True), ex.EPS_BEFORE),
        (variant(t0=True), ex.T_FROM_0),
        (variant(swap=True), ex.SWAPPED),
        (variant(v_g=True), ex.V_OF_G),
        (variant(w=True), ex.WEIGHTS),
        (variant(up=True), ex.UPHILL),
        (stale_state, ex.STALE),
        (in_place, INPUT_WRITTEN),  # p, g, m, v are passed read-only
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_mistake_is_named(fn, mistake):
    fb = check_adam_step(fn)
    assert fb.status == "wrong"
    assert mistake in (fb.mistake or ""), fb.text


def test_the_step_number_is_named_in_the_feedback():
    assert "t = 1" in (check_adam_step(variant(up=True))).text


def test_odd_answers_get_feedback_not_tracebacks():
    assert "three arrays" in (check_adam_step(lambda *a: a[0])).text
    assert check_adam_step("adam").status == "wrong"
    assert check_adam_step(lambda p, *rest: (p * np.nan, p, p)).status == "wrong"
    assert check_adam_step(lambda p, *rest: ("a", "b", "c")).status == "wrong"
