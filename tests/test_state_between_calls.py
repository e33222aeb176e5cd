"""A function that keeps state from one call to the next is right once and wrong ever after: the checkers that the
notebooks' later cells call again name it (issue 21, item 5, a reviewer's further wrong answers).

Each learner below is made fresh by a factory (its state lives in the closure, as a global or a mutable default
would), and judged once in English and once, afresh, in Chinese: the state would otherwise carry from one run of
the checker to the next, which is the very mistake.  (Hence this file is not among the checker tests that
tests/test_checker_language.py runs twice over one learner.)
"""

import numpy as np
import pytest

from course.exercises import clipping as cl
from course.exercises import dynamics as dyn
from course.exercises import finite_differences as fd
from course.exercises import forward_pass as fp
from course.exercises import hidden_state as hs
from course.exercises import loss as lo
from course.exercises import output_layer as ol
from course.exercises import recurrent_weights as rw
from course.exercises import relu_rnn as rr
from course.exercises import tbptt as tb
from course.exercises import training as tr_
from course.exercises import vectorisation as vc
from course.i18n import tr
from rnn_lib import reference
from rnn_lib.parameters import PARAM_NAMES


def forward_with_a_kept_list():
    states = []  # outlives the call, like a module-level list

    def rnn_forward(x, params, h0):
        W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
        states.append(h0)
        for t in range(x.shape[0]):
            states.append(np.tanh(x[t] @ W_xh.T + states[-1] @ W_hh.T + b_h.T))
        h = np.array(states)  # right only while the list holds this call's states alone
        return h, h[1:] @ W_hy.T + b_y.T

    return rnn_forward


def deltas_with_a_kept_dh_next():
    carry = {}

    def hidden_state_grads(dy, h, W_hy, W_hh):
        dh, dh_raw = np.zeros(h[1:].shape), np.zeros(h[1:].shape)
        dh_next = carry.get("dh_next", np.zeros(h.shape[1:]))  # zero on the first call only
        for r in reversed(range(dy.shape[0])):
            dh[r] = dy[r] @ W_hy + dh_next
            dh_raw[r] = (1 - h[r + 1] ** 2) * dh[r]
            dh_next = dh_raw[r] @ W_hh
        carry["dh_next"] = dh_next
        return dh, dh_raw

    return hidden_state_grads


def weights_into_a_kept_total():
    totals = {}

    def recurrent_weight_grads(dh_raw, x, h):
        if not totals:  # created on the first call only
            totals.update(W_xh=0.0, W_hh=0.0, b_h=0.0)
        totals["W_xh"] = totals["W_xh"] + np.einsum("tbi,tbj->ij", dh_raw, x)
        totals["W_hh"] = totals["W_hh"] + np.einsum("tbi,tbj->ij", dh_raw, h[:-1])
        totals["b_h"] = totals["b_h"] + dh_raw.sum(axis=(0, 1))[:, None]
        return totals["W_xh"], totals["W_hh"], totals["b_h"]

    return recurrent_weight_grads


def readout_with_a_kept_sum():
    kept = []

    def output_layer_backward(dy, h, W_hy):
        if not kept:
            kept.append(np.zeros_like(W_hy))
        kept[0] += np.einsum("tbo,tbh->oh", dy, h[1:])
        return dy @ W_hy, kept[0].copy(), dy.sum(axis=(0, 1))[:, None]

    return output_layer_backward


def stacked_with_a_kept_bias_sum():
    db = np.zeros((3, 1))  # a default array, db=np.zeros((H, 1)), updated in place

    def weight_grads_from_deltas(dh_raw, x, h):
        T, B, H = dh_raw.shape
        rows = dh_raw.reshape(T * B, H)
        db[...] += rows.sum(axis=0)[:, None]
        return rows.T @ x.reshape(T * B, -1), rows.T @ h[:-1].reshape(T * B, H), db.copy()

    return weight_grads_from_deltas


def relu_with_a_kept_carry():
    carry = []

    def relu_deltas(dh_out, h, W_hh):
        dh_raw = np.zeros(dh_out.shape)
        dh_next = carry.pop() if carry else np.zeros(dh_out.shape[1:])
        for r in reversed(range(dh_out.shape[0])):
            dh_raw[r] = (h[r + 1] > 0) * (dh_out[r] + dh_next)
            dh_next = dh_raw[r] @ W_hh
        carry.append(dh_next)
        return dh_raw

    return relu_deltas


def tbptt_continuing_the_last_call():
    state = {}  # stateful across calls: the next call starts where the last one ended

    def tbptt_gradients(params, x, y, k):
        T, B, _ = x.shape
        grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
        h = state.get("h", np.zeros((B, params["W_hh"].shape[0])))
        for c in range(0, T, k):
            y_hat, cache = reference.forward(params, x[c : c + k], h)
            g = reference.backward(params, cache, reference.loss_grad(y_hat, y[c : c + k]))
            for name in PARAM_NAMES:
                grads[name] += g[name]
            h = cache.h[-1]
        state["h"] = h
        return grads

    return tbptt_gradients


def jacobian_with_a_kept_product():
    kept = []

    def jacobian_product(W_hh, h, t, k):
        J = kept[0] if kept else np.stack([np.eye(W_hh.shape[0])] * h.shape[1])
        for j in range(k + 1, t + 1):
            J = ((1 - h[j] ** 2)[:, :, None] * W_hh) @ J
        kept.append(J)
        return J

    return jacobian_product


def weighted_loss_with_a_running_total():
    losses = []  # "a history of the losses"

    def weighted_loss_and_grad(y_hat, y, w):
        diff = y_hat - y
        losses.append(0.5 * float(np.sum(w[:, None, None] * diff**2)))
        return sum(losses), w[:, None, None] * diff  # the total so far: this call's loss on the first call only

    return weighted_loss_and_grad


def weighted_loss_into_a_kept_buffer():
    kept = {}

    def weighted_loss_and_grad(y_hat, y, w):
        diff = y_hat - y
        dy = kept.setdefault("dy", np.zeros(diff.shape))  # created once, like a default argument
        dy += w[:, None, None] * diff
        return 0.5 * float(np.sum(w[:, None, None] * diff**2)), dy

    return weighted_loss_and_grad


def clip_with_a_running_sum():
    total = {}

    def clip_per_sequence(grads, max_norm):
        B = len(grads["W_hh"])
        norms = np.sqrt(sum(np.sum(g.reshape(B, -1) ** 2, axis=1) for g in grads.values()))
        scale = max_norm / np.maximum(norms, max_norm)
        for k, g in grads.items():
            total[k] = total.get(k, 0.0) + (g * scale.reshape(-1, *[1] * (g.ndim - 1))).mean(axis=0)
        return dict(total)

    return clip_per_sequence


def centred_difference_into_a_kept_array():
    kept = {}

    def centred_difference(f, x, eps):
        grad = kept.setdefault("grad", np.zeros_like(x))  # made once, added into at every call
        for i in np.ndindex(x.shape):
            old = x[i]
            x[i] = old + eps
            f_plus = f(x)
            x[i] = old - eps
            f_minus = f(x)
            x[i] = old
            grad[i] += (f_plus - f_minus) / (2 * eps)
        return grad

    return centred_difference


KEPT = {
    "rnn_forward": (fp.check_rnn_forward, forward_with_a_kept_list),
    "weighted_loss_and_grad (a running total)": (lo.check_weighted_loss_and_grad, weighted_loss_with_a_running_total),
    "weighted_loss_and_grad (a kept buffer)": (lo.check_weighted_loss_and_grad, weighted_loss_into_a_kept_buffer),
    "clip_per_sequence": (cl.check_clip_per_sequence, clip_with_a_running_sum),
    "centred_difference": (fd.check_centred_difference, centred_difference_into_a_kept_array),
    "hidden_state_grads": (hs.check_hidden_state_grads, deltas_with_a_kept_dh_next),
    "recurrent_weight_grads": (rw.check_recurrent_weight_grads, weights_into_a_kept_total),
    "output_layer_backward": (ol.check_output_layer_backward, readout_with_a_kept_sum),
    "weight_grads_from_deltas": (vc.check_weight_grads_from_deltas, stacked_with_a_kept_bias_sum),
    "relu_deltas": (rr.check_relu_deltas, relu_with_a_kept_carry),
    "tbptt_gradients": (tb.check_tbptt_gradients, tbptt_continuing_the_last_call),
    "jacobian_product": (dyn.check_jacobian_product, jacobian_with_a_kept_product),
}


@pytest.mark.parametrize("name", KEPT)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_function_that_keeps_state_between_calls_is_named(name, lang, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", lang)
    checker, make = KEPT[name]
    fb = checker(make())
    assert (fb.status, fb.mistake) == ("wrong", "state kept between calls"), fb.text
    assert tr("state kept between calls") in fb.text  # named in the learner's language


@pytest.mark.parametrize("name", KEPT)
def test_its_first_call_alone_is_right(name):
    # what makes the mistake hard to see: called once, each of these learners gives the right answer
    checker, make = KEPT[name]
    learner = make()
    seen = []

    def once(*args):
        if seen:  # the checker's second call gets what a fresh learner would give
            return make()(*args)
        seen.append(True)
        return learner(*args)

    assert checker(once).passed


def train_with_a_kept_list():
    def train_gd(params, x, y, lr, epochs, losses=[]):  # noqa: B006 - the slip under test
        B = x.shape[1]
        theta = {k: params[k].copy() for k in PARAM_NAMES}
        previous = theta
        for k in range(epochs + 1):
            y_hat, cache = reference.forward(theta, x)
            loss = reference.loss(y_hat, y) / B
            if losses and not (np.isfinite(loss) and loss <= 10 * losses[0]):
                return previous, losses, True
            losses.append(loss)
            if k == epochs:
                break
            g = reference.backward(theta, cache, reference.loss_grad(y_hat, y))
            previous, theta = theta, {name: theta[name] - lr / B * g[name] for name in PARAM_NAMES}
        return theta, losses, False

    return train_gd


def test_train_gd_with_losses_kept_between_runs_is_wrong():
    # the checker runs the loop twice (a converging and a diverging step size): the second run's losses begin
    # with the first run's
    fb = tr_.check_train_gd(train_with_a_kept_list())
    assert fb.status == "wrong" and fb.messages, fb.text
