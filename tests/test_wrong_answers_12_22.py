"""A reviewer's further wrong answers for the checkers of notebooks 12-22 (issue 21, item 5).

Each checker gets the wrong answers a learner writes, as small functions in the learner's own words (not the
checker's switches): every one is graded wrong, and where the checker knows the mistake it names it, in the
words the learner reads.  The right answer, written the same way, still passes.  ``None`` as the expected name
means "graded wrong, with words, but no named mistake" (a slip too rare, or one whose number another mistake
shares).
"""

import math

import numpy as np
import pytest

import rnn_lib
from course.exercises import attention as att
from course.exercises import deep as dp
from course.exercises import encoder_decoder as ed
from course.exercises import gated_cells as gc
from course.exercises import grammar as gr
from course.exercises import language_model as lm
from course.exercises import optimisers as op
from course.exercises import projects as pj
from course.exercises import softmax as sm
from course.exercises._feedback import FLOAT32, INPUT_WRITTEN

BOS, EOS, PAD = 1, 2, 0


def assert_graded(check, answer, mistake):
    fb = check(answer)
    assert fb.status == "wrong", fb.text
    assert fb.mistake == mistake, fb.text
    if mistake is not None:
        assert mistake in fb.text
    assert "Traceback" not in fb.text


# ---------------------------------------------------------------------------------------------------------------
# 12: rollout and mixed rollout
# ---------------------------------------------------------------------------------------------------------------


def rollout(params, x_warm, n_steps, slip=None):
    y_hat, cache = rnn_lib.forward(params, x_warm)
    h = cache.h[-2 if slip == "h[-2]" else -1, 0]
    prediction = y_hat[-2 if slip == "y_hat[-2]" else -1]
    feed = x_warm[-1] if slip == "x again once" else prediction
    out = []
    for _ in range(n_steps):
        out.append(prediction)
        y_next, cache = rnn_lib.forward(params, feed[None, :], h)
        h, prediction = cache.h[-1, 0], y_next[0]
        feed = prediction
    return np.array(out)


def rollout_window(params, x_warm, n_steps):
    seq, out = x_warm.copy(), []
    for _ in range(n_steps):
        y_hat, _ = rnn_lib.forward(params, seq[-len(x_warm) :])
        out.append(y_hat[-1])
        seq = np.concatenate([seq, y_hat[-1:]])
    return np.array(out)


def rollout_regrown(params, x_warm, n_steps):
    # right, slowly: the whole sequence so far read again from h = 0 at every step
    seq, out = x_warm.copy(), []
    for _ in range(n_steps):
        y_hat, _ = rnn_lib.forward(params, seq)
        out.append(y_hat[-1])
        seq = np.concatenate([seq, y_hat[-1:]])
    return np.array(out)


ROLLOUT_WRONG = {
    "h_{T0-1} carried": (lambda *a: rollout(*a, slip="h[-2]"), "h_{T0−1} carried instead of h_{T0}"),
    "x_{T0} fed once more": (lambda *a: rollout(*a, slip="x again once"), "the last warm-up input fed once more"),
    "first forecast y_hat[-2]": (lambda *a: rollout(*a, slip="y_hat[-2]"), "ŷ_{T0−1} as the first forecast"),
    "warm-up predictions": (lambda p, x, n: rnn_lib.forward(p, x)[0][-n:], "the warm-up's own predictions"),
    "sliding window": (rollout_window, "a sliding window from h = 0"),
    "one too many, first dropped": (lambda p, x, n: rollout(p, x, n + 1)[1:], "one step late"),
    "flattened": (lambda *a: rollout(*a).ravel(), None),
    "n_steps written as 5": (lambda p, x, n: rollout(p, x, 5), pj.ONE_SIZE),
    "a NaN": (lambda *a: np.where(np.arange(len(rollout(*a)))[:, None] == 2, np.nan, rollout(*a)), None),
}


def test_rollout_right_answers_pass():
    assert pj.check_rollout(rollout).passed
    assert pj.check_rollout(rollout_regrown).passed
    assert pj.check_rollout(lambda *a: list(rollout(*a))).passed


@pytest.mark.parametrize("slip", ROLLOUT_WRONG)
def test_rollout_wrong_answers(slip):
    assert_graded(pj.check_rollout, *ROLLOUT_WRONG[slip])


def mixed(params, x, feed_back, slip=None):
    if slip == "free after first":
        feed_back = np.cumsum(feed_back) > 0
    if slip == "flag late":
        feed_back = np.concatenate([[False], feed_back[:-1]])
    h, previous, out = None, None, []
    for t in range(len(x)):
        if slip == "two ago" and feed_back[t] and len(out) > 1:
            inp = out[-2]
        else:
            inp = previous if feed_back[t] else x[t]
        y, cache = rnn_lib.forward(params, inp[None, :], None if slip == "no state" else h)
        h, previous = cache.h[-1, 0], y[0]
        out.append(previous)
    return np.array(out)


def mixed_writes_mask(params, x, feed_back):
    out = mixed(params, x, feed_back)
    feed_back[:] = False
    return out


MIXED_WRONG = {
    "state never carried": (lambda *a: mixed(*a, slip="no state"), "state never carried"),
    "free after first": (lambda *a: mixed(*a, slip="free after first"), "free running from the first fed-back step on"),
    "flag one late": (lambda *a: mixed(*a, slip="flag late"), "feed_back read one step late"),
    "fed back two ago": (lambda *a: mixed(*a, slip="two ago"), None),
    "writes the mask": (mixed_writes_mask, INPUT_WRITTEN),
    "fed-back rows only": (lambda p, x, fb: mixed(p, x, fb)[fb], None),
}


def test_mixed_rollout_right_answer_passes():
    assert pj.check_mixed_rollout(mixed).passed


@pytest.mark.parametrize("slip", MIXED_WRONG)
def test_mixed_rollout_wrong_answers(slip):
    assert_graded(pj.check_mixed_rollout, *MIXED_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 13, 14: gate gradients
# ---------------------------------------------------------------------------------------------------------------


def lstm(dh_out, c, gates, W_hh, slip=None):
    T, B, H = dh_out.shape
    dh_raw = np.zeros((T, B, 4 * H))
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    for t in reversed(range(T - 1 if slip == "from T - 2" else T)):
        i, f, g, o = np.split(gates[t], 4, axis=1)
        tanh_c = np.tanh(c[t] if slip == "tanh c_prev" else c[t + 1])
        dtanh_c = {"1 - tanh c": 1 - tanh_c, "1 - c^2": 1 - c[t + 1] ** 2}.get(slip, 1 - tanh_c**2)
        dsig = (lambda s: 1 - s**2) if slip == "dsigmoid as 1 - s^2" else (lambda s: s * (1 - s))
        dh = dh_out[t] + dh_next
        dc = dh * o * dtanh_c + dc_next
        dg = 1 - g if slip == "1 - g" else 1 - g**2
        dh_raw[t] = np.concatenate([dc * g * dsig(i), dc * c[t] * dsig(f), dc * i * dg, dh * tanh_c * dsig(o)], axis=1)
        dh_next, dc_next = dh_raw[t] @ W_hh, f * dc
    return dh_raw


LSTM_WRONG = {
    "1 - tanh c": (lambda *a: lstm(*a, slip="1 - tanh c"), "tanh′ of the cell state written as 1 − tanh c_t"),
    "1 - c^2": (lambda *a: lstm(*a, slip="1 - c^2"), "tanh′ of the cell state taken as 1 − c_t²"),
    "1 - g": (lambda *a: lstm(*a, slip="1 - g"), "tanh′ on g written as 1 − g"),
    "σ' as 1 - σ²": (lambda *a: lstm(*a, slip="dsigmoid as 1 - s^2"), "σ′ written as 1 − σ² (tanh′'s form)"),
    "tanh of c_prev": (lambda *a: lstm(*a, slip="tanh c_prev"), "tanh(c_{t−1}) where tanh(c_t) belongs"),
    "loop from T - 2": (lambda *a: lstm(*a, slip="from T - 2"), "step T left out of the loop"),
    "(B, T, 4H)": (lambda *a: lstm(*a).transpose(1, 0, 2), None),
    "summed over the batch": (lambda *a: lstm(*a).sum(axis=1), None),
}


def test_lstm_right_answers_pass():
    assert gc.check_lstm_gate_grads(lstm).passed
    assert gc.check_lstm_gate_grads(lambda *a: lstm(*(np.asarray(v, np.float64) for v in a))).passed


@pytest.mark.parametrize("slip", LSTM_WRONG)
def test_lstm_wrong_answers(slip):
    assert_graded(gc.check_lstm_gate_grads, *LSTM_WRONG[slip])


def gru(dh_out, h, gates, hn, W_hh, slip=None):
    T, B, H = dh_out.shape
    dx, dhh = np.zeros((T, B, 3 * H)), np.zeros((T, B, 3 * H))
    dh_next = np.zeros((B, H))
    for t in reversed(range(T - 1 if slip == "from T - 2" else T)):
        r, z, n = np.split(gates[t], 3, axis=1)
        dh = dh_out[t] + dh_next
        ds = (1 - n if slip == "1 - n" else 1 - n**2) * (1 - z) * dh
        dr = ds * hn[t] * r * (1 - r)
        dz = (n - h[t] if slip == "n - h" else h[t] - n) * dh * z * (1 - z)
        dx[t] = np.concatenate([dr, dz, r * ds if slip == "r on x" else ds], axis=1)
        dhh[t] = np.concatenate([dr, dz, r * ds], axis=1)
        dh_next = dhh[t] @ W_hh + ((1 - z) if slip == "leak 1 - z" else z) * dh
    return (dhh, dx) if slip == "swapped" else (dx, dhh)


GRU_WRONG = {
    "1 - n": (lambda *a: gru(*a, slip="1 - n"), "tanh′ on n written as 1 − n"),
    "n - h": (lambda *a: gru(*a, slip="n - h"), "∂h_t/∂z_t taken as n_t − h_{t−1} (sign flipped)"),
    "r on x": (lambda *a: gru(*a, slip="r on x"), "r on the input side's n block too"),
    "leak 1 - z": (lambda *a: gru(*a, slip="leak 1 - z"), "the leak carried back as (1 − z) ⊙ δ^h_t"),
    "loop from T - 2": (lambda *a: gru(*a, slip="from T - 2"), "step T left out of the loop"),
    "swapped": (lambda *a: gru(*a, slip="swapped"), "returned (dh_raw_h, dh_raw_x)"),
    "a dict": (lambda *a: dict(zip(("dh_raw_x", "dh_raw_h"), gru(*a))), None),
}


def test_gru_right_answer_passes():
    assert gc.check_gru_gate_grads(gru).passed


@pytest.mark.parametrize("slip", GRU_WRONG)
def test_gru_wrong_answers(slip):
    assert_graded(gc.check_gru_gate_grads, *GRU_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 16: softmax cross-entropy
# ---------------------------------------------------------------------------------------------------------------


def softmax_ce(logits, targets, slip=None):
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    p = np.exp(log_p)
    onehot = np.eye(logits.shape[-1])[targets]
    T, B = targets.shape
    loss = -float(np.sum(np.take_along_axis(log_p, targets[..., None], axis=-1)))
    dlogits = p - onehot
    if slip == "loss / T":
        loss /= T
    if slip == "loss / B":
        loss /= B
    if slip == "half":
        loss /= 2
    if slip == "sum over classes":
        loss = -float(np.sum(log_p))
    if slip == "binary":
        loss = -float(np.sum(onehot * log_p + (1 - onehot) * np.log(1 - p)))
    if slip == "fancy":
        loss = -float(np.sum(log_p[:, :, targets]))
    if slip == "int":
        loss = int(loss)
    if slip == "grad / B":
        dlogits = dlogits / B
    if slip == "target only":
        dlogits = np.where(onehot == 1, p - 1, 0.0)
    if slip == "extra p(1 - p)":
        dlogits = p * (1 - p) * (p - onehot)
    if slip == "log p - onehot":
        dlogits = log_p - onehot
    if slip == "swapped":
        return dlogits, loss
    return loss, dlogits


def softmax_ce_V_from_targets(logits, targets):
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    V = targets.max() + 1  # right only when the last class happens to be a target
    return -float(np.sum(np.take_along_axis(log_p, targets[..., None], axis=-1))), np.exp(log_p) - np.eye(V)[targets]


def softmax_ce_writes_targets(logits, targets):
    result = softmax_ce(logits, targets)
    targets[:] = 0
    return result


SOFTMAX_WRONG = {
    slip: ((lambda slip: lambda z, y: softmax_ce(z, y, slip))(slip), name)
    for slip, name in [
        ("loss / T", sm.DIV_T),
        ("loss / B", sm.DIV_B),
        ("half", sm.HALF),
        ("sum over classes", sm.ALL_CLASSES),
        ("binary", sm.BINARY),
        ("fancy", sm.FANCY_INDEX),
        ("int", sm.ROUNDED),
        ("grad / B", sm.DIV_B),
        ("target only", sm.TARGET_ONLY),
        ("extra p(1 - p)", sm.EXTRA_JACOBIAN),
        ("log p - onehot", sm.LOG_P_GRAD),
        ("swapped", sm.SWAPPED),
    ]
} | {
    "writes targets": (softmax_ce_writes_targets, INPUT_WRITTEN),
    "V from the targets": (softmax_ce_V_from_targets, "shape error"),
}


def test_softmax_right_answer_passes():
    assert sm.check_softmax_cross_entropy(softmax_ce).passed


@pytest.mark.parametrize("slip", SOFTMAX_WRONG)
def test_softmax_wrong_answers(slip):
    assert_graded(sm.check_softmax_cross_entropy, *SOFTMAX_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 17: one Adam step
# ---------------------------------------------------------------------------------------------------------------


def adam(p, g, m, v, t, lr, beta1, beta2, eps, slip=None):
    if slip == "defaults":
        lr = 0.001
    if slip == "eps 1e-8":
        eps = 1e-8
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    step = 1 if slip == "t = 1" else t
    m_hat = m_new / (1 - beta1**step)
    v_hat = v_new / (1 - (beta1 if slip == "beta1 twice" else beta2) ** step)
    if slip == "precedence":
        p_new = p - lr * m_hat / np.sqrt(v_hat) + eps
    elif slip == "no sqrt":
        p_new = p - lr * m_hat / (v_hat + eps)
    elif slip == "g for m_hat":
        p_new = p - lr * g / (np.sqrt(v_hat) + eps)
    else:
        p_new = p - lr * m_hat / (np.sqrt(v_hat) + eps)
    if slip == "hats returned":
        return p_new, m_hat, v_hat
    if slip == "order":
        return m_new, v_new, p_new
    if slip == "float32":
        return tuple(a.astype(np.float32) for a in (p_new, m_new, v_new))
    return p_new, m_new, v_new


ADAM_WRONG = {
    slip: ((lambda slip: lambda *a: adam(*a, slip=slip))(slip), name)
    for slip, name in [
        ("t = 1", op.T_IS_1),
        ("beta1 twice", op.BETA1_IN_BOTH),
        ("precedence", op.EPS_OUTSIDE),
        ("no sqrt", op.NO_SQRT),
        ("g for m_hat", op.G_NOT_M),
        ("hats returned", op.HAT_RETURNED),
        ("order", op.ORDER),
        ("defaults", op.DEFAULT_LR),
        ("eps 1e-8", op.DEFAULT_EPS),
    ]
}


def test_adam_right_answer_passes():
    assert op.check_adam_step(adam).passed


@pytest.mark.parametrize("slip", ADAM_WRONG)
def test_adam_wrong_answers(slip):
    assert_graded(op.check_adam_step, *ADAM_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 18: bigram perplexity and sampling
# ---------------------------------------------------------------------------------------------------------------


def bigram(train, val, V, alpha, slip=None):
    counts = np.zeros((V, V))
    if slip == "np.roll":
        np.add.at(counts, (train, np.roll(train, -1)), 1.0)
    else:
        np.add.at(counts, (train[:-1], train[1:]), 1.0)
    if slip == "alpha 1":
        alpha = 1.0
    p = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + V * alpha)
    picked = p[val, val] if slip == "no shift" else p[val[:-1], val[1:]]
    if slip == "mean loss":
        return float(-np.mean(np.log(picked)))
    if slip == "no minus":
        return float(np.exp(np.mean(np.log(picked))))
    if slip == "1 / mean p":
        return float(1 / np.mean(picked))
    if slip == "log10 with exp":
        return float(np.exp(-np.mean(np.log10(picked))))
    return float(np.exp(-np.mean(np.log(picked))))


def bigram_float32(train, val, V, alpha):
    counts = np.zeros((V, V), dtype=np.float32)
    np.add.at(counts, (train[:-1], train[1:]), np.float32(1))
    p = (counts + np.float32(alpha)) / (counts.sum(axis=1, keepdims=True) + np.float32(V * alpha))
    total = np.float32(0)
    for a, b in zip(val[:-1], val[1:]):
        total += np.log(p[a, b])  # summed in float32, one term at a time
    return np.exp(-total / np.float32(len(val) - 1))


def bigram_loops(train, val, V, alpha):
    counts = [[0] * V for _ in range(V)]
    for a, b in zip(train[:-1], train[1:]):
        counts[a][b] += 1
    total = sum(-math.log((counts[a][b] + alpha) / (sum(counts[a]) + V * alpha)) for a, b in zip(val[:-1], val[1:]))
    return math.exp(total / (len(val) - 1))


BIGRAM_WRONG = {
    slip: ((lambda slip: lambda *a: bigram(*a, slip=slip))(slip), name)
    for slip, name in [
        ("mean loss", lm.CROSS_ENTROPY),
        ("no minus", lm.MINUS_LEFT_OUT),
        ("1 / mean p", lm.MEAN_PROBABILITY),
        ("no shift", lm.NOT_SHIFTED),
        ("np.roll", lm.WRAPPED),
        ("alpha 1", lm.ALPHA_OF_YOUR_OWN),
        ("log10 with exp", lm.BASE_10),
    ]
} | {
    "float32": (bigram_float32, FLOAT32),
    "V read off the text": (lambda train, val, V, alpha: bigram(train, val, len(np.unique(train)), alpha), None),
    "α written as 0.5": (lambda train, val, V, alpha: bigram(train, val, V, 0.5), lm.ONE_ALPHA),
    "a string": (lambda *a: "13.75", None),
}


def test_bigram_right_answers_pass():
    assert lm.check_bigram_perplexity(bigram).passed
    assert lm.check_bigram_perplexity(bigram_loops).passed


@pytest.mark.parametrize("slip", BIGRAM_WRONG)
def test_bigram_wrong_answers(slip):
    assert_graded(lm.check_bigram_perplexity, *BIGRAM_WRONG[slip])


def sample(logits, temperature, u, slip=None):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    z = logits / temperature
    e = np.exp(z - z.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    if slip == "random":
        rng = np.random.default_rng(0)
        return np.array([rng.choice(len(row), p=row) for row in p])
    cdf = np.cumsum(p, axis=0 if slip == "cumsum axis 0" else 1)
    if slip == "nearest":
        return np.argmin(np.abs(cdf - u[:, None]), axis=1)
    return np.minimum((cdf <= u[:, None]).sum(axis=1), logits.shape[1] - 1)


def sample_unnormalised(logits, temperature, u):
    if temperature == 0:
        return np.argmax(logits, axis=1)
    z = logits / temperature
    cdf = np.cumsum(np.exp(z - z.max(axis=1, keepdims=True)), axis=1)  # never divided by its sum
    return np.minimum((cdf <= u[:, None]).sum(axis=1), logits.shape[1] - 1)


SAMPLE_WRONG = {
    "ignores u": (lambda *a: sample(*a, slip="random"), lm.U_IGNORED),
    "cdf not normalised": (sample_unnormalised, None),
    "a column (N, 1)": (lambda *a: sample(*a)[:, None], None),
    "argmin at τ = 0": (lambda z, tau, u: np.argmin(z, axis=1) if tau == 0 else sample(z, tau, u), lm.TAU_ZERO),
    "cumsum over rows": (lambda *a: sample(*a, slip="cumsum axis 0"), None),
    "nearest cdf": (lambda *a: sample(*a, slip="nearest"), None),
    "one-based": (lambda *a: sample(*a) + 1, None),
}


def test_sampler_right_answers_pass():
    assert lm.check_sample_characters(sample).passed
    # 1 − u draws the same distribution, cut up the other way round: also a right sampler
    assert lm.check_sample_characters(lambda z, tau, u: sample(z, tau, 1 - u)).passed
    assert lm.check_sample_characters(lambda *a: sample(*a).astype(float)).passed


@pytest.mark.parametrize("slip", SAMPLE_WRONG)
def test_sampler_wrong_answers(slip):
    assert_graded(lm.check_sample_characters, *SAMPLE_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 19: legal-set accuracy
# ---------------------------------------------------------------------------------------------------------------


def legal(probs, allowed, slip=None):
    has = allowed.any(axis=1)
    n = allowed.sum(axis=1)
    lowest = np.where(allowed, probs, np.inf).min(axis=1)
    highest_illegal = np.where(allowed, -np.inf, probs).max(axis=1)
    right = lowest > highest_illegal
    if slip == "argsort":
        order = np.argsort(-probs, axis=1, kind="stable")
        right = np.array([set(order[i, : n[i]]) == set(np.flatnonzero(allowed[i])) for i in range(len(probs))])
    if slip == "argsort ascending":
        order = np.argsort(probs, axis=1, kind="stable")
        right = np.array([k > 0 and set(order[i, -k:]) == set(np.flatnonzero(allowed[i])) for i, k in enumerate(n)])
    if slip == "mass":
        right = np.where(allowed, probs, 0).sum(axis=1) > 0.5
    if slip == "highest legal":
        right = np.where(allowed, probs, -np.inf).max(axis=1) > highest_illegal
    if slip == "legal sum":
        right = np.where(allowed, probs, 0).sum(axis=1) > highest_illegal
    value = float(right[has].mean())
    return 100 * value if slip == "percent" else value


GRAMMAR_WRONG = {
    slip: ((lambda slip: lambda p, a: legal(p, a, slip))(slip), name)
    for slip, name in [
        ("percent", gr.PERCENT),
        ("argsort", gr.SORT_ORDER),
        ("argsort ascending", gr.SORT_ORDER),
        ("mass", gr.LEGAL_MASS),
        ("highest legal", gr.HIGHEST_LEGAL),
        ("legal sum", gr.LEGAL_SUM),
    ]
} | {"a list": (lambda p, a: [legal(p, a)], None)}


def test_legal_set_right_answer_passes():
    assert gr.check_legal_set_accuracy(legal).passed


@pytest.mark.parametrize("slip", GRAMMAR_WRONG)
def test_legal_set_wrong_answers(slip):
    assert_graded(gr.check_legal_set_accuracy, *GRAMMAR_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 20: deep and bidirectional
# ---------------------------------------------------------------------------------------------------------------


def stack(dy, h1, h2, params, slip=None):
    T = dy.shape[0]
    dh_raw1, dh_raw2 = np.zeros(h1[1:].shape), np.zeros(h2[1:].shape)
    next1, next2 = np.zeros(h1.shape[1:]), np.zeros(h2.shape[1:])
    W1 = params["l1.W_hh"].T if slip in ("W1.T", "both .T") else params["l1.W_hh"]
    W2 = params["l2.W_hh"].T if slip in ("W2.T", "both .T") else params["l2.W_hh"]

    def dtanh(h):
        return 1 - h if slip == "1 - h" else 1 - h**2

    for t in range(T - 1 if slip == "from T - 1" else T, 0, -1):
        dh_raw2[t - 1] = dtanh(h2[t]) * (dy[t - 1] @ params["W_hy"] + next2)
        next2 = dh_raw2[t - 1] @ W2
        into1 = dh_raw2[t - 1] @ params["l2.W_xh"] + next1
        if slip == "dy into layer 1":
            into1 = into1 + dy[t - 1] @ params["W_hy"]
        dh_raw1[t - 1] = dtanh(h1[t]) * into1
        next1 = dh_raw1[t - 1] @ W1
    return dh_raw1, dh_raw2


STACK_WRONG = {
    slip: ((lambda slip: lambda *a: stack(*a, slip=slip))(slip), name)
    for slip, name in [
        ("W1.T", "W^1_hh not transposed (row form)"),
        ("W2.T", "W^2_hh not transposed (row form)"),
        ("both .T", "W_hh not transposed in either layer (row form)"),
        ("1 - h", "tanh′ written as 1 − h, not 1 − h²"),
        ("from T - 1", "step T left out of the loop"),
        ("dy into layer 1", "W_hyᵀ δ^y sent into layer 1 too"),
    ]
} | {"stacked": (lambda *a: np.stack(stack(*a)), None)}


def test_stack_right_answer_passes():
    assert dp.check_stack_deltas(stack).passed


@pytest.mark.parametrize("slip", STACK_WRONG)
def test_stack_wrong_answers(slip):
    assert_graded(dp.check_stack_deltas, *STACK_WRONG[slip])


def bidirectional(x, fwd, bwd, slip=None):
    T, B, _ = x.shape
    H = fwd["W_hh"].shape[0]

    def step(p, x_t, h):
        W_hh = p["W_hh"] if slip == "W_hh" else p["W_hh"].T
        bias = p["b_h"] if slip == "bias column" else p["b_h"].T
        return np.tanh(x_t @ p["W_xh"].T + h @ W_hh + bias)

    h_f, h_b = np.zeros((T + 1, B, H)), np.zeros((T + 2, B, H))
    for t in range(1, T + 1):
        h_f[t] = step(fwd, x[t - 1], h_f[t - 1])
    if slip == "from h_f":
        h_b[T + 1] = h_f[T]
    for t in range(T, 0, -1):
        h_b[t] = step(bwd, x[t - 1], h_b[t + 1])
    if slip == "added":
        return h_f[1:] + h_b[1 : T + 1]
    return np.concatenate([h_f[1:], h_b[1 : T + 1]], axis=0 if slip == "axis 0" else -1)


BI_WRONG = (
    {
        slip: ((lambda slip: lambda *a: bidirectional(*a, slip=slip))(slip), name)
        for slip, name in [
            ("W_hh", "W_hh not transposed (row form)"),
            ("from h_f", "backward direction started from h→_T"),
            ("added", "the two directions added"),
            ("axis 0", "concatenated along time (axis 0)"),
            ("bias column", None),  # B ≠ H: a shape error, explained
        ]
    }
    | {
        "bwd with fwd's W_xh": (lambda x, fwd, bwd: bidirectional(x, fwd, dict(bwd, W_xh=fwd["W_xh"])), None),
        "forward half twice": (
            lambda x, fwd, bwd: np.concatenate([bidirectional(x, fwd, bwd)[..., : len(fwd["W_hh"])]] * 2, axis=-1),
            None,
        ),
        "a list of the halves": (
            lambda x, fwd, bwd: np.split(bidirectional(x, fwd, bwd), 2, axis=-1),
            None,
        ),
    }
)


def test_bidirectional_right_answer_passes():
    assert dp.check_bidirectional_states(bidirectional).passed


@pytest.mark.parametrize("slip", BI_WRONG)
def test_bidirectional_wrong_answers(slip):
    assert_graded(dp.check_bidirectional_states, *BI_WRONG[slip])


def test_a_bias_added_as_a_column_is_explained():
    fb = dp.check_bidirectional_states(lambda *a: bidirectional(*a, slip="bias column"))
    assert "b_h.T" in fb.text


# ---------------------------------------------------------------------------------------------------------------
# 21: encoder-decoder
# ---------------------------------------------------------------------------------------------------------------


def inputs(tgt, slip=None):
    if slip == "np.roll":
        return np.roll(tgt, 1, axis=0)
    if slip == "batch axis":
        return np.concatenate([np.full((tgt.shape[0], 1), BOS, dtype=tgt.dtype), tgt[:, :-1]], axis=1)
    first = EOS if slip == "EOS first" else BOS
    return np.concatenate([np.full((1, tgt.shape[1]), first, dtype=tgt.dtype), tgt[:-1]])


def inputs_rolled_right(tgt):
    out = np.roll(tgt, 1, axis=0)
    out[0] = BOS
    return out


INPUTS_WRONG = {
    "np.roll": (lambda t: inputs(t, "np.roll"), ed.ROLLED),
    "batch axis": (lambda t: inputs(t, "batch axis"), ed.BATCH_AXIS),
    "EOS first": (lambda t: inputs(t, "EOS first"), ed.EOS_FOR_BOS),
    "transposed": (lambda t: inputs(t).T, None),
    "one row too many": (lambda t: np.concatenate([np.full((1, t.shape[1]), BOS), t]), None),
    "shifted by two": (lambda t: np.concatenate([np.full((2, t.shape[1]), BOS), t[:-2]]), None),
    "no BOS row": (lambda t: t[:-1], None),
    "reversed in time": (lambda t: inputs(t)[::-1], None),
}


def test_decoder_inputs_right_answers_pass():
    assert ed.check_decoder_inputs(inputs).passed
    assert ed.check_decoder_inputs(lambda t: np.insert(t, 0, BOS, axis=0)[:-1]).passed
    assert ed.check_decoder_inputs(inputs_rolled_right).passed


@pytest.mark.parametrize("slip", INPUTS_WRONG)
def test_decoder_inputs_wrong_answers(slip):
    assert_graded(ed.check_decoder_inputs, *INPUTS_WRONG[slip])


def masked(logits, tgt, slip=None):
    keep = tgt != (EOS if slip == "keep != EOS" else PAD)
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, tgt[..., None], axis=-1)[..., 0]
    onehot = np.eye(tgt.max() + 1 if slip == "V from tgt" else logits.shape[-1])[tgt]
    T, B = tgt.shape
    divide = T if slip == "/ T" else B
    loss = -float(np.sum(picked[keep])) / divide
    dlogits = (np.exp(log_p) - onehot) * keep[..., None] / divide
    if slip == "mean per sequence":
        loss = -float(np.mean(np.sum(picked * keep, axis=0) / keep.sum(axis=0)))
    if slip == "target only":
        dlogits = np.where(onehot == 1, dlogits, 0.0)
    if slip == "PAD class":
        dlogits = (np.exp(log_p) - onehot) / B
        dlogits[..., PAD] = 0.0
    if slip == "swapped":
        return dlogits, loss
    return loss, dlogits


LOSS_WRONG = {
    slip: ((lambda slip: lambda z, y: masked(z, y, slip))(slip), name)
    for slip, name in [
        ("/ T", ed.DIVIDED_BY_T),
        ("mean per sequence", ed.MEAN_PER_SEQUENCE),
        ("target only", ed.TARGET_ONLY),
        ("PAD class", ed.PAD_CLASS),
        ("swapped", ed.LOSS_PAIR_SWAPPED),
        ("keep != EOS", ed.MASKED_AT_EOS),
        ("V from tgt", "shape error"),
    ]
} | {"loss as an array": (lambda z, y: (np.array([masked(z, y)[0]]), masked(z, y)[1]), None)}


def test_masked_loss_right_answer_passes():
    assert ed.check_masked_loss(masked).passed


@pytest.mark.parametrize("slip", LOSS_WRONG)
def test_masked_loss_wrong_answers(slip):
    assert_graded(ed.check_masked_loss, *LOSS_WRONG[slip])


def bridge(dg0, lengths, S, slip=None):
    B, H = dg0.shape
    denc = np.zeros((S, B, H))
    if slip == "from the end":
        denc[S - lengths, np.arange(B)] = dg0
    elif slip == "longest":
        denc[lengths.max() - 1] = dg0
    elif slip == "row 0":
        denc[0] = dg0
    else:
        denc[lengths - 1, np.arange(B)] = dg0
    return denc


def bridge_chained(dg0, lengths, S):
    B, H = dg0.shape
    denc = np.zeros((S, B, H))
    denc[lengths - 1][np.arange(B)] = dg0
    return denc


def bridge_loop(dg0, lengths, S):
    denc = np.zeros((S, *dg0.shape))
    for b, length in enumerate(lengths):
        denc[length - 1, b] = dg0[b]
    return denc


BRIDGE_WRONG = {
    "from the end": (lambda *a: bridge(*a, slip="from the end"), ed.FROM_END),
    "longest": (lambda *a: bridge(*a, slip="longest"), ed.LONGEST),
    "row 0": (lambda *a: bridge(*a, slip="row 0"), ed.FIRST_ROW),
    "(B, S, H)": (lambda *a: bridge(*a).transpose(1, 0, 2), None),
    "summed over H": (lambda *a: bridge(*a).sum(axis=-1), None),
    "chained indexing": (bridge_chained, ed.DROPPED),  # denc[rows][cols] = … writes into a copy
    "lengths reversed": (lambda dg0, lengths, S: bridge(dg0, lengths[::-1], S), None),
    "dg0 transposed": (lambda dg0, lengths, S: bridge(dg0.T, lengths, S), "shape error"),
}


def test_bridge_right_answers_pass():
    assert ed.check_bridge_gradient(bridge).passed
    assert ed.check_bridge_gradient(bridge_loop).passed


@pytest.mark.parametrize("slip", BRIDGE_WRONG)
def test_bridge_wrong_answers(slip):
    assert_graded(ed.check_bridge_gradient, *BRIDGE_WRONG[slip])


# ---------------------------------------------------------------------------------------------------------------
# 22: attention
# ---------------------------------------------------------------------------------------------------------------


def scores(keys, query, slip=None):
    S, B, H_k = keys.shape
    dots = np.einsum("sbh,bh->bs", keys, query)
    scale = {"times": 1 / math.sqrt(H_k), "sqrt B": math.sqrt(B), "2": 2.0, "int sqrt": int(math.sqrt(H_k))}
    e = dots / scale.get(slip, math.sqrt(H_k))
    if slip == "softmax":
        w = np.exp(e - e.max(axis=1, keepdims=True))
        return w / w.sum(axis=1, keepdims=True)
    return e


def scores_loop(keys, query):
    S, B, H_k = keys.shape
    out = np.zeros((B, S))
    for b in range(B):
        for s in range(S):
            out[b, s] = query[b] @ keys[s, b] / H_k**0.5
    return out


SCORES_WRONG = {
    "times √H_k": (lambda k, q: scores(k, q, "times"), att.TIMES_SCALE),
    "√B": (lambda k, q: scores(k, q, "sqrt B"), att.BY_B),
    "softmax taken": (lambda k, q: scores(k, q, "softmax"), att.SOFTMAX_TAKEN),
    "/ 2 (right only for H_k = 4)": (lambda k, q: scores(k, q, "2"), None),
    "int(√H_k)": (lambda k, q: scores(k, q, "int sqrt"), None),
    "(S, B)": (lambda k, q: np.einsum("sbh,bh->sb", k, q) / np.sqrt(k.shape[2]), att.TIME_MAJOR),
    "tensordot (S, B, B)": (lambda k, q: np.tensordot(k, q, axes=([2], [1])) / np.sqrt(k.shape[2]), None),
    "√ of every query entry": (lambda k, q: np.einsum("sbh,bh->bs", k, q) / np.sqrt(q.size), None),
}


def test_scores_right_answers_pass():
    assert att.check_scaled_dot_scores(scores).passed
    assert att.check_scaled_dot_scores(scores_loop).passed


@pytest.mark.parametrize("slip", SCORES_WRONG)
def test_scores_wrong_answers(slip):
    assert_graded(att.check_scaled_dot_scores, *SCORES_WRONG[slip])


def softmax_masked(scores, mask, slip=None):
    fill = {"NaN": np.nan, "zero": 0.0}.get(slip, -np.inf)
    z = np.where(mask, scores, fill)
    w = np.exp(z - z.max(axis=1, keepdims=True))
    return w / w.sum(axis=1, keepdims=True)


def softmax_masked_after_renormalised(scores, mask):
    # mask after the softmax, then renormalised: right on moderate scores, 0/0 where the largest score is masked
    w = np.exp(scores - scores.max(axis=1, keepdims=True)) * mask
    return w / w.sum(axis=1, keepdims=True)


def softmax_masked_unshifted(scores, mask):
    w = np.exp(np.where(mask, scores, -np.inf))
    return w / w.sum(axis=1, keepdims=True)


def softmax_masked_axis0(scores, mask):
    z = np.where(mask, scores, -np.inf)
    w = np.exp(z - z.max(axis=0, keepdims=True))
    return w / w.sum(axis=0, keepdims=True)


MASKED_WRONG = {
    "NaN fill": (lambda e, m: softmax_masked(e, m, "NaN"), None),
    "zero fill": (lambda e, m: softmax_masked(e, m, "zero"), att.FINITE_PENALTY),
    "after, renormalised": (softmax_masked_after_renormalised, att.SHIFT_MASKED),
    "sigmoid": (lambda e, m: m / (1 + np.exp(-e)), None),
    "(S, B)": (lambda e, m: softmax_masked(e, m).T, None),
    "no max shift": (softmax_masked_unshifted, att.NO_SHIFT),
    "log of the weights": (lambda e, m: np.log(softmax_masked(e, m)), None),
    "over the batch axis": (softmax_masked_axis0, att.WRONG_AXIS),
}


def test_masked_softmax_right_answers_pass():
    assert att.check_masked_softmax(softmax_masked).passed
    assert att.check_masked_softmax(lambda e, m: softmax_masked(e, m.astype(float) > 0)).passed


@pytest.mark.parametrize("slip", MASKED_WRONG)
def test_masked_softmax_wrong_answers(slip):
    assert_graded(att.check_masked_softmax, *MASKED_WRONG[slip])


def attention_backward(keys, query, weights, dcontext, slip=None):
    H_k = keys.shape[2]
    scale = H_k if slip == "/ H_k" else np.sqrt(H_k)
    dweights = np.einsum("bh,sbh->bs", dcontext, keys)
    average = np.sum(weights * dweights, axis=0 if slip == "batch sum" else 1, keepdims=True)
    if slip == "sum without α":
        average = np.sum(dweights, axis=1, keepdims=True)
    dscores = weights * ((average - dweights) if slip == "sign" else (dweights - average))
    dquery = np.einsum("bs,sbh->bh", weights if slip == "α for de" else dscores, keys) / scale
    direct = np.einsum("bs,bh->sbh", weights, dcontext) / (scale if slip == "direct scaled" else 1.0)
    dkeys = direct + np.einsum("bs,bh->sbh", dscores, query) / scale
    return (dquery, dkeys) if slip == "swapped" else (dkeys, dquery)


def attention_backward_unmasked(keys, query, weights, dcontext):
    scores = np.einsum("sbh,bh->bs", keys, query) / np.sqrt(keys.shape[2])
    mine = np.exp(scores - scores.max(axis=1, keepdims=True))
    return attention_backward(keys, query, mine / mine.sum(axis=1, keepdims=True), dcontext)


BACKWARD_WRONG = {
    slip: ((lambda slip: lambda *a: attention_backward(*a, slip=slip))(slip), name)
    for slip, name in [
        ("sign", att.JACOBIAN_SIGN),
        ("batch sum", att.JACOBIAN_BATCH),
        ("sum without α", att.JACOBIAN_NO_ALPHA),
        ("α for de", att.WEIGHTS_FOR_DE),
        ("direct scaled", att.DIRECT_SCALED),
        ("/ H_k", att.BACKWARD_BY_H),
        ("swapped", att.PAIR_SWAPPED),
    ]
} | {"weights recomputed without the mask": (attention_backward_unmasked, att.UNMASKED_WEIGHTS)}


def test_attention_backward_right_answer_passes():
    assert att.check_dot_attention_backward(attention_backward).passed


@pytest.mark.parametrize("slip", BACKWARD_WRONG)
def test_attention_backward_wrong_answers(slip):
    assert_graded(att.check_dot_attention_backward, *BACKWARD_WRONG[slip])
