"""Checkers of notebook 21 (decoder_inputs, masked_loss, bridge_gradient): the right answers pass, each slip a learner
writes first is graded wrong with its name, and the checkers' data tell every named mistake apart."""

import numpy as np
import pytest

from course.exercises import encoder_decoder as ex
from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.encoder_decoder import check_bridge_gradient, check_decoder_inputs, check_masked_loss
from rnn_lib import data, gru, seq2seq
from rnn_lib.data import BOS, EOS, PAD


def assert_named(fb, mistake):
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text
    assert mistake in fb.text  # the learner reads the name


# --- 1. decoder_inputs, written as learners write it --------------------------------------------------------------


def inputs(tgt, slip=None):
    T, B = tgt.shape
    if slip == "no shift":
        return tgt.copy()
    if slip == "wrong way":
        return np.vstack([tgt[1:], np.zeros((1, B), dtype=int)])
    if slip == "no BOS":
        return np.vstack([np.zeros((1, B), dtype=int), tgt[:-1]])
    if slip == "BOS over y1":
        out = tgt.copy()
        out[0] = BOS
        return out
    if slip == "float":
        out = np.zeros((T, B))
        out[0], out[1:] = BOS, tgt[:-1]
        return out
    if slip == "in place":
        tgt[1:] = tgt[:-1].copy()
        tgt[0] = BOS
        return tgt
    if slip == "transposed":
        return np.vstack([np.full((1, B), BOS), tgt[:-1]]).T
    if slip == "EOS as PAD":  # the steps after EOS differ; their targets are PAD, so nothing is trained on them
        out = np.vstack([np.full((1, B), BOS), tgt[:-1]])
        return np.where(out == EOS, PAD, out)
    return np.vstack([np.full((1, B), BOS), tgt[:-1]])


def inputs_right(tgt):
    return inputs(tgt)


def test_the_right_decoder_inputs_pass():
    assert check_decoder_inputs(inputs_right).passed


def test_the_right_decoder_inputs_are_what_seq2seq_forward_feeds_the_decoder():
    src, tgt, _ = data.reversal_task(5, 1, 4, rng=3)
    params = seq2seq.init_params(data.REVERSAL_V, 4, rng=np.random.default_rng(0))
    _, cache = seq2seq.forward(params, src, tgt)
    fed = np.argmax(cache.dec.x, axis=-1)  # the decoder's one-hot inputs, read back as tokens
    assert np.array_equal(fed, inputs_right(tgt))


def test_what_the_decoder_reads_after_its_eos_is_not_graded():
    assert check_decoder_inputs(lambda tgt: inputs(tgt, "EOS as PAD")).passed


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("no shift", ex.NO_SHIFT),
        ("wrong way", ex.WRONG_WAY),
        ("no BOS", ex.NO_BOS),
        ("BOS over y1", ex.BOS_REPLACES_Y1),
        ("float", ex.FLOAT_TOKENS),
        ("in place", INPUT_WRITTEN),  # tgt is passed read-only: shifting it in place raises, and is named
    ],
)
def test_each_decoder_inputs_slip_is_named(slip, mistake):
    assert_named(check_decoder_inputs(lambda tgt: inputs(tgt, slip)), mistake)


def test_transposed_decoder_inputs_are_called_a_transpose():
    fb = check_decoder_inputs(lambda tgt: inputs(tgt, "transposed"))
    assert fb.status == "wrong" and "transpose" in fb.text, fb.text


def test_the_decoder_inputs_mistakes_differ_where_graded():
    tgt = ex.inputs_data()
    keep = tgt != PAD
    values = [inputs_right(tgt)] + [v for v, _ in ex._inputs_mistakes(tgt).values()]
    masked = [np.where(keep, v, PAD) for v in values]
    assert all(not np.array_equal(a, b) for i, a in enumerate(masked) for b in masked[:i])


# --- 2. masked_loss -------------------------------------------------------------------------------------------------


def masked(logits, tgt, slip=None):
    T, B, V = logits.shape
    p = np.exp(logits - logits.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    keep = np.ones((T, B), dtype=bool) if slip == "no mask" else tgt != PAD
    if slip == "no EOS":
        keep = (tgt != PAD) & (tgt != EOS)
    divide = {"per token": keep.sum(), "sum": 1}.get(slip, B)
    ce = -np.log(p[np.arange(T)[:, None], np.arange(B), tgt])
    loss = float(np.sum(ce[keep])) / divide
    grad = (p - np.eye(V)[tgt]) / divide
    if slip == "sign":
        grad = -grad
    if slip != "grad unmasked":
        grad = grad * keep[..., None]
    if slip == "mean all":
        loss, grad = float(np.mean(ce)), (p - np.eye(V)[tgt]) / (T * B)
    return loss, grad


def masked_loss_right(logits, tgt):
    return masked(logits, tgt)


def test_the_right_masked_loss_passes_and_is_the_librarys():
    assert check_masked_loss(masked_loss_right).passed
    logits, tgt = ex.loss_data()
    L, d = seq2seq.loss(logits, tgt)
    mine = masked_loss_right(logits, tgt)
    assert abs(mine[0] - L) < 1e-12 and np.allclose(mine[1], d, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("no mask", ex.PAD_COUNTED),
        ("per token", ex.PER_TOKEN),
        ("sum", ex.SUM_OVER_SEQUENCES),
        ("mean all", ex.MEAN_EVERY_STEP),
        ("no EOS", ex.NO_EOS),
    ],
)
def test_each_masked_loss_slip_is_named(slip, mistake):
    assert_named(check_masked_loss(lambda z, y: masked(z, y, slip)), mistake)


def test_a_gradient_left_unmasked_is_named_on_dlogits_alone():
    fb = check_masked_loss(lambda z, y: masked(z, y, "grad unmasked"))
    assert_named(fb, ex.PAD_COUNTED)
    assert "loss: correct." in fb.text and "dlogits must be 0 at PAD steps" in fb.text


def test_a_flipped_gradient_sign_is_named():
    assert_named(check_masked_loss(lambda z, y: masked(z, y, "sign")), ex.SIGN)


def test_the_masked_loss_mistakes_give_values_of_their_own():
    logits, tgt = ex.loss_data()
    L, grad = seq2seq.loss(logits, tgt)
    # a mistake of the gradient alone (no advice for the loss) leaves the loss right; every other one changes it
    losses = [L] + [v[0] for v, loss_advice, _ in ex._loss_mistakes(logits, tgt).values() if loss_advice]
    assert all(
        abs(v[0] - L) < 1e-12 for v, loss_advice, _ in ex._loss_mistakes(logits, tgt).values() if not loss_advice
    )
    grads = [grad] + [v[1] for v, _, _ in ex._loss_mistakes(logits, tgt).values()]
    assert min(abs(a - b) for i, a in enumerate(losses) for b in losses[:i]) > 1e-3
    assert min(np.abs(a - b).max() for i, a in enumerate(grads) for b in grads[:i]) > 1e-3


# --- 3. bridge_gradient ---------------------------------------------------------------------------------------------


def bridge(dg0, lengths, S, slip=None):
    B, H = dg0.shape
    denc = np.zeros((S, B, H))
    if slip == "dropped":
        return denc
    for b in range(B):
        if slip == "last row":
            denc[S - 1, b] = dg0[b]
        elif slip == "late":
            denc[lengths[b], b] = dg0[b]
        elif slip == "early":
            denc[lengths[b] - 2, b] = dg0[b]
        elif slip == "every step":
            denc[:, b] = dg0[b]
        elif slip == "every real step":
            denc[: lengths[b], b] = dg0[b]
        else:
            denc[lengths[b] - 1, b] = dg0[b]
    if slip == "no arange":
        denc = np.zeros((S, B, H))
        denc[lengths - 1] = dg0
    return denc


def bridge_right(dg0, lengths, S):
    return bridge(dg0, lengths, S)


def test_the_right_bridge_gradient_passes():
    assert check_bridge_gradient(bridge_right).passed


def test_the_right_bridge_gradient_gives_the_encoders_gradients_of_seq2seq_backward():
    src, tgt, lengths = data.reversal_task(4, 1, 5, rng=8)
    params = seq2seq.init_params(data.REVERSAL_V, 5, rng=np.random.default_rng(1))
    logits, cache = seq2seq.forward(params, src, tgt)
    dlogits = seq2seq.loss(logits, tgt)[1]
    identity = {"W_hy": np.eye(5), "b_y": np.zeros((5, 1))}
    dec, enc = ({k: params[f"{p}.{k}"] for k in seq2seq.CELL} | identity for p in ("dec", "enc"))
    dg0 = gru.backward(dec, cache.dec, dlogits @ params["W_out"])["h0"]
    g_enc = gru.backward(enc, cache.enc, bridge_right(dg0, lengths, src.shape[0]))
    grads = seq2seq.backward(params, cache, dlogits)
    for k in seq2seq.CELL:
        assert np.allclose(g_enc[k], grads[f"enc.{k}"], rtol=1e-10, atol=1e-14), k


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("dropped", ex.DROPPED),
        ("last row", ex.LAST_ROW),
        ("late", ex.LATE),
        ("early", ex.EARLY),
        ("every step", ex.EVERY_STEP),
        ("every real step", ex.EVERY_REAL_STEP),
        ("no arange", ex.NO_ARANGE),
    ],
)
def test_each_bridge_slip_is_named(slip, mistake):
    assert_named(check_bridge_gradient(lambda g, n, S: bridge(g, n, S, slip)), mistake)


def test_the_bridge_mistakes_give_values_of_their_own():
    args = ex.bridge_data()
    values = [bridge_right(*args)] + [v for v, _ in ex._bridge_mistakes(*args).values()]
    assert min(np.abs(a - b).max() for i, a in enumerate(values) for b in values[:i]) > 1e-3


# --- every checker: no traceback, whatever comes -------------------------------------------------------------------


@pytest.mark.parametrize("check", [check_decoder_inputs, check_masked_loss, check_bridge_gradient])
@pytest.mark.parametrize(
    "answer",
    [
        None,
        "text",
        np.nan,
        (1, 2, 3),
        lambda *a: None,
        lambda *a: np.full((5, 4), np.nan),
        lambda *a: (np.nan, np.zeros((5, 3, 6))),
        lambda *a: {"loss": 1},
        lambda *a: [[1, 2], [3]],
        lambda *a: 1 / 0,
    ],
)
def test_no_answer_crashes_a_checker(check, answer):
    fb = check(answer)
    assert fb.status == "wrong" and fb.messages, fb.text


@pytest.mark.parametrize("check", [check_decoder_inputs, check_masked_loss, check_bridge_gradient])
def test_an_unwritten_exercise_is_not_implemented(check):
    def blank(*args):
        raise NotImplementedError

    assert check(blank).status == "not implemented"


def test_inputs_changed_in_place_are_named():
    def loss_in_place(logits, tgt):
        out = masked_loss_right(logits, tgt)
        logits -= logits.max(axis=-1, keepdims=True)
        return out

    def bridge_in_place(dg0, lengths, S):
        out = bridge_right(dg0, lengths, S)
        lengths -= 1
        return out

    assert_named(check_masked_loss(loss_in_place), INPUT_WRITTEN)  # passed read-only: the write raises, named
    assert_named(check_bridge_gradient(bridge_in_place), INPUT_WRITTEN)
