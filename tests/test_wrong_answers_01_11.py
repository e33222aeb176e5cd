"""A reviewer's further wrong answers for the checkers of notebooks 01-11 and 15 (issue 21, item 5, hidden check).

Each checker gets, beside its right answer, wrong answers nobody had tried on it yet, written the way a learner
writes them (a loop of their own with one slip switched on, never through the checker's model of the mistake).
Every one must be graded wrong; where the slip is a classic of the exercise, the feedback must name it (the
mistake's English name is ``fb.mistake`` and appears in the text), and where it is not, the answer must still be
graded wrong with words, not a traceback.
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
from course.exercises._feedback import INPUT_WRITTEN
from rnn_lib import reference
from rnn_lib.parameters import PARAM_NAMES


def graded(fb, mistake):
    """The answer is graded wrong, in words; with a ``mistake``, the feedback names it."""
    assert fb.status == "wrong", fb.text
    assert fb.messages, fb.text
    if mistake is not None:
        assert fb.mistake == mistake, fb.text
        if mistake not in ("sign flipped", "x not restored"):  # these are said in other words
            assert mistake in fb.text, fb.text  # the learner reads the name (English, the default language)


# --- 06: centred_difference -----------------------------------------------------------------------------------------


def centred(f, x, eps, slip=None):
    grad = np.zeros_like(x)
    if slip == "own eps":
        eps = 1e-6  # the learner's favourite step, whatever the caller asked for
    work = x.astype(np.float32) if slip == "float32" else x
    for i in np.ndindex(x.shape):
        if slip == "first column only" and i[1] != 0:
            continue
        old = work[i]
        step = 2 * eps if slip == "2 eps step" else eps
        work[i] = old + step
        f_plus = f(work)
        work[i] = old - step
        f_minus = f(work)
        work[i] = old
        if slip == "over eps squared":
            grad[i] = (f_plus - f_minus) / (2 * eps**2)
        elif slip == "over 2 eps, swapped and halved":
            grad[i] = (f_minus - f_plus) / eps
        else:
            grad[i] = (f_plus - f_minus) / (2 * step if slip == "2 eps step" else 2 * eps)
    if slip == "flat":
        return grad.ravel()
    if slip == "list":
        return grad.tolist()
    if slip == "transposed":
        return grad.T
    if slip == "float32 result":
        return grad.astype(np.float32)
    return grad


def centred_into_x(f, x, eps):
    """Stores each slope into x itself (the learner reused x as the output array)."""
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = (f_plus - f_minus) / (2 * eps)
    return x


def centred_fresh_copies(f, x, eps):
    """A right answer that never touches x: fresh copies for every evaluation."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        grad[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return grad


CENTRED = {
    "own eps": fd.OWN_EPS,
    "2 eps step": fd.OWN_EPS,
    "float32": None,
    "first column only": None,
    "over eps squared": None,
    "over 2 eps, swapped and halved": None,
    "flat": None,
    "transposed": None,
    "float32 result": fd.FLOAT32,
}


def test_centred_difference_right_answers_pass():
    assert fd.check_centred_difference(centred).passed
    assert fd.check_centred_difference(centred_fresh_copies).passed
    assert fd.check_centred_difference(lambda f, x, eps: centred(f, x, eps, "list")).passed  # a list is an array


@pytest.mark.parametrize("slip", CENTRED)
def test_centred_difference_further_wrong_answers(slip):
    graded(fd.check_centred_difference(lambda f, x, eps: centred(f, x, eps, slip)), CENTRED[slip])


def test_centred_difference_slope_stored_into_x():
    graded(fd.check_centred_difference(centred_into_x), "x not restored")


# --- 01: rnn_step ---------------------------------------------------------------------------------------------------


def step(x_t, h_prev, W_xh, W_hh, b_h, slip=None):
    a = x_t @ W_xh.T + h_prev @ W_hh.T + b_h.T
    if slip == "tanh on the input term only":
        return np.tanh(x_t @ W_xh.T) + h_prev @ W_hh.T + b_h.T
    if slip == "tanh twice":
        return np.tanh(np.tanh(a))
    if slip == "first sequence only":
        return np.tanh(a[0])
    if slip == "h_prev updated in place":
        h_prev[...] = np.tanh(a)
        return h_prev
    if slip == "W_hh scaled in place":
        W_hh *= 1.0  # harmless arithmetic, but it writes into the caller's matrix
        W_hh += 0.0
        W_hh[0, 0] = W_hh[0, 0] * 2
        W_hh[0, 0] = W_hh[0, 0] / 2
        return np.tanh(a)
    if slip == "float32":
        return np.tanh(a).astype(np.float32)
    if slip == "float16":
        return np.tanh(a).astype(np.float16)
    if slip == "2 tanh":
        return 2 * np.tanh(a)
    if slip == "bias twice":
        return np.tanh(a + b_h.T)
    return np.tanh(a)


def step_updating_h_prev(x_t, h_prev, W_xh, W_hh, b_h):
    """Overwrites the caller's h_prev with the new state (and returns it): rnn_forward's h[t - 1] would change."""
    h_prev += np.tanh(x_t @ W_xh.T + h_prev @ W_hh.T + b_h.T) - h_prev
    return h_prev


STEP = {  # h_prev or W_hh written into: right values, graded wrong as INPUT_WRITTEN (test below)
    "tanh on the input term only": None,
    "tanh twice": fp.TANH_TWICE,
    "first sequence only": None,
    "W_hh scaled in place": INPUT_WRITTEN,  # restores the values, but writes into the caller's matrix
    "float32": fp.FLOAT32,
    "float16": fp.FLOAT32,
    "2 tanh": None,
    "bias twice": None,
}


def test_rnn_step_right_answer_passes():
    assert fp.check_rnn_step(step).passed


@pytest.mark.parametrize("slip", STEP)
def test_rnn_step_further_wrong_answers(slip):
    graded(fp.check_rnn_step(lambda *a: step(*a, slip=slip)), STEP[slip])


@pytest.mark.parametrize("learner", [step_updating_h_prev, lambda *a: step(*a, slip="h_prev updated in place")])
def test_rnn_step_that_overwrites_h_prev_is_graded_wrong_at_the_line_that_writes(learner):
    # The values are right, but h_prev is passed read-only: in the learner's rnn_forward the write would overwrite
    # the stored h[t - 1]. The feedback names the mistake, the input and the line, and says how to fix it.
    fb = fp.check_rnn_step(learner)
    assert fb.status == "wrong" and fb.mistake == INPUT_WRITTEN, fb.text
    assert "`h_prev`" in fb.text and "line" in fb.text and "h[t − 1]" in fb.text and "new array" in fb.text, fb.text


# --- 01: rnn_forward ------------------------------------------------------------------------------------------------


def forward(x, params, h0, slip=None):
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
    T = x.shape[0]
    h = [h0]
    for t in range(1, T + 1):
        x_t = x[t - 2] if slip == "x one step late" else x[t - 1]
        h.append(np.tanh(x_t @ W_xh.T + h[t - 1] @ W_hh.T + b_h.T))
    h = np.array(h)
    y_hat = h[1:] @ W_hy.T + b_y.T
    if slip == "tanh on y_hat":
        y_hat = np.tanh(y_hat)
    if slip == "batch-major h":
        h = h.transpose(1, 0, 2)
    if slip == "batch-major y_hat":
        y_hat = y_hat.transpose(1, 0, 2)
    if slip == "swapped":
        return y_hat, h
    if slip == "float32":
        return h.astype(np.float32), y_hat.astype(np.float32)
    if slip == "dict":
        return {"h": h, "y_hat": y_hat}
    if slip == "h0 written into":
        h0 *= 0.0
    return h, y_hat


def forward_x_ahead(x, params, h0):
    """Reads x[t] at step t (one step ahead): x has no row T."""
    W_xh, W_hh, W_hy, b_h, b_y = (params[k] for k in ("W_xh", "W_hh", "W_hy", "b_h", "b_y"))
    T = x.shape[0]
    h = np.zeros((T + 1, *h0.shape))
    h[0] = h0
    for t in range(1, T + 1):
        h[t] = np.tanh(x[t] @ W_xh.T + h[t - 1] @ W_hh.T + b_h.T)
    return h, h[1:] @ W_hy.T + b_y.T


FORWARD = {
    "x one step late": fp.X_LATE,
    "tanh on y_hat": fp.Y_TANH,
    "batch-major h": fp.BATCH_MAJOR,
    "batch-major y_hat": fp.BATCH_MAJOR,
    "swapped": fp.RETURNED_SWAPPED,
    "float32": fp.FLOAT32,
    "dict": None,
}


def test_rnn_forward_right_answer_passes():
    assert fp.check_rnn_forward(forward).passed


def test_rnn_forward_that_writes_into_h0_is_graded_wrong():
    fb = fp.check_rnn_forward(lambda x, p, h0: forward(x, p, h0, "h0 written into"))  # right values, h0 zeroed
    assert fb.status == "wrong" and fb.mistake == INPUT_WRITTEN and "`h0`" in fb.text, fb.text


@pytest.mark.parametrize("slip", FORWARD)
def test_rnn_forward_further_wrong_answers(slip):
    graded(fp.check_rnn_forward(lambda x, p, h0: forward(x, p, h0, slip)), FORWARD[slip])


def test_rnn_forward_reading_x_one_step_ahead_is_named():
    graded(fp.check_rnn_forward(forward_x_ahead), fp.X_AHEAD)


# --- 04: hidden_state_grads -----------------------------------------------------------------------------------------


def deltas(dy, h, W_hy, W_hh, slip=None):
    T = dy.shape[0]
    dh, dh_raw = np.zeros(h[1:].shape), np.zeros(h[1:].shape)
    dh_next = np.zeros(h.shape[1:])
    last = T - 2 if slip == "loop starts at T - 2" else T - 1
    for r in range(last, -1, -1):
        dh[r] = dy[r] @ W_hy + dh_next
        if slip == "tanh' before dh_next":
            dh_raw[r] = (1 - h[r + 1] ** 2) * (dy[r] @ W_hy)
        else:
            dh_raw[r] = (1 - h[r + 1] ** 2) * dh[r]
        if slip == "dh_next accumulated":
            dh_next += dh_raw[r] @ W_hh
        elif slip == "dh_next scaled by tanh' again":
            dh_next = (1 - h[r + 1] ** 2) * (dh_raw[r] @ W_hh)
        elif slip == "dh_next through W_hy":
            dh_next = dh_raw[r] @ W_hh + dy[r] @ W_hy
        else:
            dh_next = dh_raw[r] @ W_hh
    if slip == "float32":
        return dh.astype(np.float32), dh_raw.astype(np.float32)
    if slip == "batch-major":
        return dh.transpose(1, 0, 2), dh_raw.transpose(1, 0, 2)
    if slip == "only dh_raw":
        return dh_raw
    return dh, dh_raw


def deltas_with_tanh_prime_of_full_h(dy, h, W_hy, W_hh):
    """(1 − h²) over all T + 1 states, meeting T rows of δ^h: numpy refuses."""
    dh = dy @ W_hy
    return dh, (1 - h**2) * dh


HIDDEN = {
    "loop starts at T - 2": hs.LAST_STEP_SKIPPED,
    "tanh' before dh_next": hs.DROPPED_DH_NEXT,  # δ^a from ŷ_t alone: what dropping dh_next gives there
    "dh_next accumulated": hs.ACCUMULATED,
    "dh_next scaled by tanh' again": None,
    "dh_next through W_hy": None,
    "float32": hs.FLOAT32,
    "batch-major": None,
    "only dh_raw": None,
}


def test_hidden_state_grads_right_answer_passes():
    assert hs.check_hidden_state_grads(deltas).passed


@pytest.mark.parametrize("slip", HIDDEN)
def test_hidden_state_grads_further_wrong_answers(slip):
    graded(hs.check_hidden_state_grads(lambda *a: deltas(*a, slip=slip)), HIDDEN[slip])


def test_hidden_state_grads_tanh_prime_of_all_states_is_words():
    graded(hs.check_hidden_state_grads(deltas_with_tanh_prime_of_full_h), None)


# --- 02: weighted_loss_and_grad -------------------------------------------------------------------------------------


def weighted(y_hat, y, w, slip=None):
    diff = y_hat - y
    wb = w[:, None, None]
    loss = 0.5 * np.sum(wb * diff**2)
    dy = wb * diff
    if slip == "mean over steps":
        loss, dy = loss / len(w), dy / len(w)
    elif slip == "weights normalised":
        loss, dy = loss / w.sum(), dy / w.sum()
    elif slip == "mean over outputs":
        loss, dy = loss / y.shape[2], dy / y.shape[2]
    elif slip == "sqrt weight":
        loss, dy = 0.5 * np.sum(np.sqrt(wb) * diff**2), np.sqrt(wb) * diff
    elif slip == "loss as a (1,) array":
        loss = np.array([loss])
    elif slip == "abs instead of square":
        loss = 0.5 * np.sum(wb * np.abs(diff))
    elif slip == "float32 dy":
        dy = dy.astype(np.float32)
    elif slip == "weights along the batch":
        wb = np.resize(w, y.shape[1])[None, :, None]
        loss, dy = 0.5 * np.sum(wb * diff**2), wb * diff
    return loss, dy


LOSS = {
    "mean over steps": lo.STEP_MEAN,
    "weights normalised": lo.NORMALISED,
    "mean over outputs": None,
    "sqrt weight": None,
    "loss as a (1,) array": None,
    "abs instead of square": None,
    "float32 dy": lo.FLOAT32,
    "weights along the batch": None,
}


def test_weighted_loss_right_answer_passes():
    assert lo.check_weighted_loss_and_grad(weighted).passed


@pytest.mark.parametrize("slip", LOSS)
def test_weighted_loss_further_wrong_answers(slip):
    graded(lo.check_weighted_loss_and_grad(lambda *a: weighted(*a, slip=slip)), LOSS[slip])


# --- 03: output_layer_backward --------------------------------------------------------------------------------------


def readout(dy, h, W_hy, slip=None):
    T, B, O = dy.shape
    H = W_hy.shape[1]
    dh = dy @ W_hy
    states = h[1:]
    if slip == "mixed pairing":
        dW = dy.reshape(T * B, O).T @ states.transpose(1, 0, 2).reshape(T * B, H)
    elif slip == "outer product of the sums":
        dW = dy.sum(axis=(0, 1))[:, None] @ states.sum(axis=(0, 1))[None, :]
    elif slip == "= instead of +=":
        dW = np.zeros_like(W_hy)
        for t in range(T):
            for b in range(B):
                dW = np.outer(dy[t, b], states[t, b])
    else:
        dW = np.einsum("tbo,tbh->oh", dy, states)
    db = dy.sum(axis=(0, 1))[:, None]
    if slip == "db row":
        db = db.T
    if slip == "dh float32":
        dh = dh.astype(np.float32)
    if slip == "dh batch-major":
        dh = dh.transpose(1, 0, 2)
    if slip == "h_T for every step":
        dW = np.einsum("tbo,bh->oh", dy, h[-1])
    return dh, dW, db


READOUT = {
    "mixed pairing": ol.MIXED_PAIRS,
    "outer product of the sums": ol.OUTER_OF_SUMS,
    "= instead of +=": ol.LAST_TERM,
    "db row": ol.ROW_BIAS,
    "dh float32": ol.FLOAT32,
    "dh batch-major": None,
    "h_T for every step": None,
}


def test_output_layer_right_answer_passes():
    assert ol.check_output_layer_backward(readout).passed


@pytest.mark.parametrize("slip", READOUT)
def test_output_layer_further_wrong_answers(slip):
    graded(ol.check_output_layer_backward(lambda *a: readout(*a, slip=slip)), READOUT[slip])


# --- 05: recurrent_weight_grads -------------------------------------------------------------------------------------


def weight_grads(dh_raw, x, h, slip=None):
    T, B, H = dh_raw.shape
    D = x.shape[2]
    dW_xh, dW_hh, db_h = np.zeros((H, D)), np.zeros((H, H)), np.zeros((H, 1))
    for t in range(T):
        for b in range(B):
            da = dh_raw[t, b][:, None]
            xb = x[t, (b + 1) % B] if slip == "x of another sequence" else x[t, b]
            if slip == "= instead of +=":
                dW_xh, dW_hh, db_h = da @ xb[None, :], da @ h[t, b][None, :], da.copy()
            else:
                dW_xh += da @ xb[None, :]
                dW_hh += da @ h[t, b][None, :]
                db_h += da
    if slip == "outer product of the sums":
        s = dh_raw.sum(axis=(0, 1))
        dW_xh, dW_hh = np.outer(s, x.sum(axis=(0, 1))), np.outer(s, h[:-1].sum(axis=(0, 1)))
    if slip == "db per sequence (B, H)":
        db_h = dh_raw.sum(axis=0)
    if slip == "float32":
        dW_xh = dW_xh.astype(np.float32)
    if slip == "mean over T·B":
        return dW_xh / (T * B), dW_hh / (T * B), db_h / (T * B)
    return dW_xh, dW_hh, db_h


RECURRENT = {
    "x of another sequence": None,
    "= instead of +=": rw.LAST_TERM,
    "outer product of the sums": rw.OUTER_OF_SUMS,
    "db per sequence (B, H)": rw.NOT_SUMMED_BATCH,
    "float32": rw.FLOAT32,
    "mean over T·B": rw.MEAN,
}


def test_recurrent_weight_grads_right_answer_passes():
    assert rw.check_recurrent_weight_grads(weight_grads).passed


@pytest.mark.parametrize("slip", RECURRENT)
def test_recurrent_weight_grads_further_wrong_answers(slip):
    graded(rw.check_recurrent_weight_grads(lambda *a: weight_grads(*a, slip=slip)), RECURRENT[slip])


# --- 11: weight_grads_from_deltas -----------------------------------------------------------------------------------


def stacked(dh_raw, x, h, slip=None):
    T, B, H = dh_raw.shape
    rows = dh_raw.reshape(T * B, H)
    X = x.reshape(T * B, -1)
    P = h.reshape(-1, H) if slip == "all states" else h[:-1].reshape(T * B, H)
    dW_xh, dW_hh, db_h = rows.T @ X, rows.T @ P, rows.sum(axis=0, keepdims=True).T
    if slip == "transposed":
        dW_xh, dW_hh = X.T @ rows, P.T @ rows
    elif slip == "flat db":
        db_h = db_h[:, 0]
    elif slip == "swapped":
        dW_xh, dW_hh = dW_hh, dW_xh
    elif slip == "tanh' again":
        rows2 = rows * (1 - h[1:].reshape(T * B, H) ** 2)
        dW_xh, dW_hh, db_h = rows2.T @ X, rows2.T @ P, rows2.sum(axis=0)[:, None]
    elif slip == "minus":
        dW_xh, dW_hh, db_h = -dW_xh, -dW_hh, -db_h
    elif slip == "mean over rows":
        dW_xh, dW_hh, db_h = dW_xh / (T * B), dW_hh / (T * B), db_h / (T * B)
    elif slip == "batch-major everywhere":  # consistent, so right
        r = dh_raw.transpose(1, 0, 2).reshape(T * B, H)
        dW_xh = r.T @ x.transpose(1, 0, 2).reshape(T * B, -1)
        dW_hh = r.T @ h[:-1].transpose(1, 0, 2).reshape(T * B, H)
    return dW_xh, dW_hh, db_h


STACKED = {
    "all states": vc.ALL_STATES,
    "transposed": vc.TRANSPOSED,
    "flat db": vc.FLAT_DB,
    "swapped": vc.SWAPPED,
    "tanh' again": vc.TANH_TWICE,
    "minus": "sign flipped",
    "mean over rows": vc.MEAN,
}


def test_weight_grads_from_deltas_right_answers_pass():
    assert vc.check_weight_grads_from_deltas(stacked).passed
    assert vc.check_weight_grads_from_deltas(lambda *a: stacked(*a, slip="batch-major everywhere")).passed


@pytest.mark.parametrize("slip", STACKED)
def test_weight_grads_from_deltas_further_wrong_answers(slip):
    graded(vc.check_weight_grads_from_deltas(lambda *a: stacked(*a, slip=slip)), STACKED[slip])


# --- 07: train_gd ---------------------------------------------------------------------------------------------------


def train(params, x, y, lr, epochs, slip=None):
    B = x.shape[1]
    theta = {k: params[k].copy() for k in PARAM_NAMES}
    if slip == "theta is params":
        theta = params  # the same dict, whose entries the update below replaces
    previous, best, losses = theta, theta, []
    updates = epochs + 1 if slip == "one update too many" else epochs
    for k in range(updates + 1):
        y_hat, cache = reference.forward(theta, x)
        loss = reference.loss(y_hat, y) / B
        if slip == "loss summed, gradient right":
            loss = loss * B
        limit = 10 * (losses[-1] if slip == "blow-up against the last loss" and losses else losses[0] if losses else 0)
        if losses and not (np.isfinite(loss) and loss <= limit):
            if slip == "best parameters returned":
                return best, losses, True
            return previous, losses, True
        if not losses or loss < min(losses):
            best = theta
        losses.append(float(loss))
        if k == updates:
            break
        g = reference.backward(theta, cache, reference.loss_grad(y_hat, y))
        scale = 1 / B**2 if slip == "divided by B twice" else 1 / B
        previous = theta
        if slip == "theta is params":  # entries replaced in the caller's own dict
            for name in PARAM_NAMES:
                theta[name] = theta[name] - lr * scale * g[name]
        else:
            theta = {name: theta[name] - lr * scale * g[name] for name in PARAM_NAMES}
    if slip == "one update too many":
        losses = losses[:-1]
    if slip == "best parameters returned":
        return best, losses, False
    if slip == "diverged as a string":
        return theta, losses, "False"
    return theta, losses, False


TRAIN = {
    "one update too many": tr_.EXTRA_UPDATE,
    "loss summed, gradient right": tr_.LOSS_SUMMED,
    "blow-up against the last loss": tr_.AGAINST_PREVIOUS,
    "divided by B twice": tr_.MEAN_TWICE,
    "theta is params": INPUT_WRITTEN,  # entries replaced in the caller's dict, passed read-only
    "best parameters returned": None,
    "diverged as a string": None,
}


def test_train_gd_right_answer_passes():
    assert tr_.check_train_gd(train).passed


@pytest.mark.parametrize("slip", TRAIN)
def test_train_gd_further_wrong_answers(slip):
    with np.errstate(all="ignore"):
        graded(tr_.check_train_gd(lambda *a: train(*a, slip=slip)), TRAIN[slip])


# --- 08: jacobian_product -------------------------------------------------------------------------------------------


def jacobian(W_hh, h, t, k, slip=None):
    B, H = h.shape[1], W_hh.shape[0]
    J = np.stack([np.eye(H)] * B)
    first = 1 if slip == "k ignored" else k + 1
    last = t - 1 if slip == "one factor too few" else t
    for j in range(first, last + 1):
        step = (1 - h[j] ** 2)[:, :, None] * W_hh
        J = step * J if slip == "element-wise" else step @ J
    if slip == "transposed":
        J = J.transpose(0, 2, 1)
    if slip == "first sequence for all":
        J = np.broadcast_to(J[0], J.shape)
    if slip == "mean over the batch":
        J = J.mean(axis=0)
    return J


JACOBIAN = {
    "k ignored": dyn.K_IGNORED,
    "one factor too few": dyn.TOO_FEW,
    "element-wise": dyn.ELEMENTWISE,
    "transposed": dyn.TRANSPOSED_RESULT,
    "first sequence for all": None,
    "mean over the batch": None,
}


def test_jacobian_product_right_answer_passes():
    assert dyn.check_jacobian_product(jacobian).passed


@pytest.mark.parametrize("slip", JACOBIAN)
def test_jacobian_product_further_wrong_answers(slip):
    graded(dyn.check_jacobian_product(lambda *a: jacobian(*a, slip=slip)), JACOBIAN[slip])


# --- 09: clip_per_sequence ------------------------------------------------------------------------------------------


def clip(grads, max_norm, slip=None):
    B = len(grads["W_hh"])
    norms = np.sqrt(sum(np.sum(g.reshape(B, -1) ** 2, axis=1) for g in grads.values()))
    scale = max_norm / np.maximum(norms, max_norm)
    if slip == "torch's epsilon":
        scale = np.where(norms > max_norm, max_norm / (norms + 1e-6), 1.0)
    out = {}
    for k, g in grads.items():
        if slip == "clip by value":
            out[k] = np.clip(g, -max_norm, max_norm).mean(axis=0)
        elif slip == "mean over the clipped only":
            clipped = norms > max_norm
            out[k] = (g[clipped] * scale[clipped].reshape(-1, *[1] * (g.ndim - 1))).mean(axis=0)
        elif slip == "rms norm":
            n = np.sqrt(sum(np.mean(v.reshape(B, -1) ** 2, axis=1) for v in grads.values()))
            s = max_norm / np.maximum(n, max_norm)
            out[k] = (g * s.reshape(-1, *[1] * (g.ndim - 1))).mean(axis=0)
        elif slip == "first sequence's scale":
            out[k] = (g * scale[0]).mean(axis=0)
        elif slip == "divided by B - 1":
            out[k] = (g * scale.reshape(-1, *[1] * (g.ndim - 1))).sum(axis=0) / (B - 1)
        else:
            out[k] = (g * scale.reshape(-1, *[1] * (g.ndim - 1))).mean(axis=0)
    if slip == "float32":
        out["W_hh"] = out["W_hh"].astype(np.float32)
    if slip == "tuple":
        return tuple(out[k] for k in PARAM_NAMES)
    return out


CLIP = {
    "torch's epsilon": cl.EPSILON,
    "clip by value": cl.BY_VALUE,
    "mean over the clipped only": None,
    "rms norm": None,
    "first sequence's scale": cl.ONE_SCALE,
    "divided by B - 1": None,
    "float32": cl.FLOAT32,
    "tuple": None,
}


def test_clip_per_sequence_right_answers_pass():
    assert cl.check_clip_per_sequence(clip).passed


@pytest.mark.parametrize("slip", CLIP)
def test_clip_per_sequence_further_wrong_answers(slip):
    graded(cl.check_clip_per_sequence(lambda g, c: clip(g, c, slip)), CLIP[slip])


# --- 10: tbptt_gradients --------------------------------------------------------------------------------------------


def tbptt(params, x, y, k, slip=None):
    T, B, _ = x.shape
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    h = np.zeros((B, params["W_hh"].shape[0]))
    chunks = 0
    if slip == "k ignored":
        k = T
    starts = list(range(0, T, k))
    if slip == "first chunk only":
        starts = starts[:1]
    for c in starts:
        y_hat, cache = reference.forward(params, x[c : c + k], h)
        g = reference.backward(params, cache, reference.loss_grad(y_hat, y[c : c + k]))
        for name in PARAM_NAMES:
            grads[name] += g[name]
        h = cache.h[-2] if slip == "h_{e-1} carried" else cache.h[-1]
        chunks += 1
    if slip == "averaged over chunks":
        grads = {name: g / chunks for name, g in grads.items()}
    if slip == "divided by B":
        grads = {name: g / B for name, g in grads.items()}
    if slip == "sign":
        grads = {name: -g for name, g in grads.items()}
    if slip == "chunks from the end":
        return tbptt_from_the_end(params, x, y, k)
    return grads


def tbptt_from_the_end(params, x, y, k):
    """Chunks cut from the last step backwards, so the short chunk comes first: [0:1], [1:4], [4:7]."""
    T, B, _ = x.shape
    grads = {name: np.zeros_like(params[name]) for name in PARAM_NAMES}
    h = np.zeros((B, params["W_hh"].shape[0]))
    for c in sorted({max(e - k, 0) for e in range(T, 0, -k)}):
        e = min(c + k, T) if c else T % k or k
        y_hat, cache = reference.forward(params, x[c:e], h)
        g = reference.backward(params, cache, reference.loss_grad(y_hat, y[c:e]))
        for name in PARAM_NAMES:
            grads[name] += g[name]
        h = cache.h[-1]
    return grads


TBPTT = {
    "first chunk only": tb.FIRST_ONLY,
    "h_{e-1} carried": tb.CARRIED_PREVIOUS,
    "averaged over chunks": tb.CHUNK_MEAN,
    "divided by B": tb.BATCH_MEAN,
    "sign": "sign flipped",
    "k ignored": tb.CARRIED_GRADIENT,  # one chunk of T steps is full BPTT
    "chunks from the end": None,
}


def test_tbptt_right_answer_passes():
    assert tb.check_tbptt_gradients(tbptt).passed


@pytest.mark.parametrize("slip", TBPTT)
def test_tbptt_further_wrong_answers(slip):
    graded(tb.check_tbptt_gradients(lambda *a: tbptt(*a, slip=slip)), TBPTT[slip])


# --- 15: relu_deltas ------------------------------------------------------------------------------------------------


def relu(dh_out, h, W_hh, slip=None):
    T = dh_out.shape[0]
    dh_raw = np.zeros(dh_out.shape)
    dh_next = np.zeros(dh_out.shape[1:])
    rows = range(T - 2, -1, -1) if slip == "last step skipped" else range(T - 1, -1, -1)
    if slip == "first step skipped":
        rows = range(T - 1, 0, -1)
    returned = np.zeros(dh_out.shape)
    for r in rows:
        dh = dh_out[r] + dh_next
        mask = (dh > 0) if slip == "mask of the gradient" else (h[r + 1] > 0)
        if slip == "np.sign":  # 1 where h_t > 0, 0 where h_t = 0: the same mask
            mask = np.sign(h[r + 1])
        dh_raw[r] = mask * dh
        returned[r] = dh
        if slip == "dh_next accumulated":
            dh_next += dh_raw[r] @ W_hh
        else:
            dh_next = dh_raw[r] @ W_hh
    if slip == "returned dh":
        return returned
    if slip == "float32":
        return dh_raw.astype(np.float32)
    return dh_raw


RELU = {
    "last step skipped": rr.LAST_STEP_SKIPPED,
    "first step skipped": rr.FIRST_STEP_SKIPPED,
    "mask of the gradient": rr.MASK_OF_GRADIENT,
    "dh_next accumulated": rr.ACCUMULATED,
    "returned dh": rr.RETURNED_DH,
    "float32": rr.FLOAT32,
}


def test_relu_deltas_right_answers_pass():
    assert rr.check_relu_deltas(relu).passed
    assert rr.check_relu_deltas(lambda *a: relu(*a, slip="np.sign")).passed


@pytest.mark.parametrize("slip", RELU)
def test_relu_deltas_further_wrong_answers(slip):
    graded(rr.check_relu_deltas(lambda *a: relu(*a, slip=slip)), RELU[slip])


# --- answers that are not arrays at all: words, never a traceback ---------------------------------------------------

MINE = (
    "rnn_step",
    "rnn_forward",
    "weighted_loss",
    "output_layer",
    "hidden_state",
    "recurrent_weights",
    "centred_difference",
    "train_gd",
    "jacobian_product",
    "clip_per_sequence",
    "tbptt_gradients",
    "weight_grads_from_deltas",
    "relu_deltas",
)


class LooksLikeAnArray:
    """An object whose __array__ gives numbers of another shape than the values it stands for."""

    def __init__(self, value):
        self.value = value

    def __array__(self, dtype=None, copy=None):
        return np.zeros((2, 2))


class OnlyAFloat:
    """An object numpy cannot read as an array, which still converts to one number (float(answer))."""

    def __init__(self, value):
        self.value = value

    def __float__(self):
        return float(np.sum(self.value))


@pytest.mark.parametrize(
    "make",
    [lambda a: (row for row in a) if np.ndim(a) else a, LooksLikeAnArray, OnlyAFloat],
    ids=["generator", "__array__ of another shape", "__float__ only"],
)
@pytest.mark.parametrize("name", MINE)
def test_answers_that_are_not_arrays_are_graded_wrong_in_words(name, make):
    # imported here: test_checker_robustness imports the checker tests, which import this file's tables
    from test_checker_robustness import CHECKERS, each_number

    checker, right = CHECKERS[name]
    with np.errstate(all="ignore"):
        fb = checker(lambda *args: each_number(right(*args), make))
    graded(fb, None)


def test_a_float32_answer_with_a_real_mistake_is_named_by_the_mistake():
    # float32 is named only when rounding explains the whole difference (ten of float32's eps)
    fb = fp.check_rnn_step(lambda *a: step(*a, slip="tanh twice").astype(np.float32))
    assert (fb.status, fb.mistake) == ("wrong", fp.TANH_TWICE), fb.text
