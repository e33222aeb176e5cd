"""rnn_lib.seq2seq: the GRU encoder–decoder, with and without attention (notebooks 21, 22).

Every gradient is checked against centred finite differences in float64, the bridge from decoder to encoder included;
the mask keeps padding out of the loss and out of the attention; greedy decoding runs free.
"""

import sys

import numpy as np
import pytest

from course import decoding
from rnn_lib import attention as attn
from rnn_lib import data, gru, seq2seq
from rnn_lib.gradcheck import numerical_gradient, relative_error

V = data.REVERSAL_V
KINDS = seq2seq.ATTENTION


def problem(attention, seed=0, H=4):
    """A small model with weights large enough for every gradient to be well above rounding, and a padded batch."""
    rng = np.random.default_rng(seed)
    params = seq2seq.init_params(V, H, attention=attention, A=3, rng=rng)
    params = {k: 2.0 * v + 0.1 * rng.standard_normal(v.shape) for k, v in params.items()}
    batch = data.reversal_task(3, 1, 4, rng=seed)
    assert len(set(batch.lengths.tolist())) > 1  # sequences of different lengths: padding everywhere
    return params, batch


@pytest.mark.parametrize("attention", KINDS)
def test_every_gradient_matches_centred_differences(attention):
    params, (src, tgt, _) = problem(attention)
    logits, cache = seq2seq.forward(params, src, tgt, attention)
    _, dlogits = seq2seq.loss(logits, tgt)
    grads = seq2seq.backward(params, cache, dlogits)
    assert set(grads) == set(params)

    def L():
        return seq2seq.loss(seq2seq.forward(params, src, tgt, attention)[0], tgt)[0]

    for name, array in params.items():
        # eps = 1e-4: the loss sums a dozen terms of size 1, whose rounding at eps = 1e-6 reaches 1e-7 relative on
        # the small gradient of att.W_q; at 1e-4 every error is below 1e-8 (truncation, not rounding)
        err = relative_error(grads[name], numerical_gradient(L, array, eps=1e-4))
        assert err < 1e-7, f"attention={attention}: {name} relative error {err:.1e}"


def test_without_attention_the_encoder_learns_only_across_the_bridge():
    params, (src, tgt, lengths) = problem(None)
    logits, cache = seq2seq.forward(params, src, tgt)
    dlogits = seq2seq.loss(logits, tgt)[1]
    grads = seq2seq.backward(params, cache, dlogits)
    # The encoder's only output is its state after each sequence's last digit, the decoder's h_0: the decoder's
    # ∂L/∂h_0, sent into the encoder at that step and nowhere else, gives the encoder's whole gradient.
    identity = {"W_hy": np.eye(4), "b_y": np.zeros((4, 1))}
    dec, enc = ({k: params[f"{part}.{k}"] for k in seq2seq.CELL} | identity for part in ("dec", "enc"))
    dh0 = gru.backward(dec, cache.dec, dlogits @ params["W_out"])["h0"]
    assert np.all(np.abs(dh0) > 0)
    bridge = np.zeros(cache.enc.h[1:].shape)
    bridge[lengths - 1, np.arange(3)] = dh0
    expected = gru.backward(enc, cache.enc, bridge)
    for k in seq2seq.CELL:
        np.testing.assert_allclose(grads[f"enc.{k}"], expected[k], rtol=1e-12, err_msg=k)


@pytest.mark.parametrize("attention", KINDS)
def test_padding_changes_neither_the_loss_nor_the_gradients(attention):
    params, (src, tgt, lengths) = problem(attention)
    logits, cache = seq2seq.forward(params, src, tgt, attention)
    loss, dlogits = seq2seq.loss(logits, tgt)
    grads = seq2seq.backward(params, cache, dlogits)
    # One more column of PAD on both sides (a batch padded to a longer length) computes the same.
    pad = np.full((1, 3), data.PAD)
    logits2, cache2 = seq2seq.forward(params, np.vstack([src, pad]), np.vstack([tgt, pad]), attention)
    loss2, dlogits2 = seq2seq.loss(logits2, np.vstack([tgt, pad]))
    grads2 = seq2seq.backward(params, cache2, dlogits2)
    assert loss2 == pytest.approx(loss, rel=1e-13)
    assert np.all(dlogits2[-1] == 0.0)
    for name in grads:
        np.testing.assert_allclose(grads2[name], grads[name], rtol=1e-11, atol=1e-14, err_msg=name)


def test_the_loss_is_the_mean_over_sequences_of_the_cross_entropy_up_to_eos():
    _, (_, tgt, lengths) = problem(None)
    logits = np.random.default_rng(1).standard_normal(tgt.shape + (V,))
    loss, _ = seq2seq.loss(logits, tgt)
    log_p = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    per_sequence = [-sum(log_p[t, b, tgt[t, b]] for t in range(lengths[b] + 1)) for b in range(3)]
    assert loss == pytest.approx(np.mean(per_sequence), rel=1e-13)


@pytest.mark.parametrize("attention", ["additive", "dot"])
def test_the_attention_never_looks_at_padding(attention):
    params, (src, _, lengths) = problem(attention)
    _, maps = seq2seq.greedy_decode(params, src, 5, attention)
    assert maps.shape == (5, 3, src.shape[0])
    for b in range(3):
        assert np.all(maps[:, b, lengths[b] :] == 0.0)
    np.testing.assert_allclose(maps.sum(axis=-1), 1.0, rtol=1e-13)


@pytest.mark.parametrize("attention", KINDS)
def test_greedy_decoding_fed_the_targets_own_guesses_equals_teacher_forcing(attention):
    params, (src, _, _) = problem(attention)
    tokens, _ = seq2seq.greedy_decode(params, src, 5, attention)
    # Teacher forcing with the decoder's own output as the target must reproduce the same argmax at every step.
    logits, _ = seq2seq.forward(params, src, tokens, attention)
    np.testing.assert_array_equal(np.argmax(logits, axis=-1), tokens)


def test_exact_match_compares_up_to_and_including_eos_only():
    tgt = np.array([[5, 6], [data.EOS, 7], [data.PAD, data.EOS]])
    right = np.array([[5, 6], [data.EOS, 7], [9, data.EOS]])  # anything after EOS is ignored
    assert seq2seq.exact_match(right, tgt).tolist() == [True, True]
    wrong = np.array([[5, 6], [4, 7], [data.EOS, 8]])  # no EOS where it belongs; a wrong digit
    assert seq2seq.exact_match(wrong, tgt).tolist() == [False, False]


def test_training_on_reversal_lowers_the_loss_and_decodes_short_strings():
    params = seq2seq.init_params(V, 32, attention="dot", rng=np.random.default_rng(0))
    losses = seq2seq.train(
        params, lambda step: data.reversal_task(32, 1, 3, rng=step)[:2], steps=150, lr=0.01, attention="dot"
    )
    assert np.mean(losses[-10:]) < 0.3 * np.mean(losses[:10])
    test = data.reversal_task(200, 1, 3, rng=10_000)
    tokens, _ = seq2seq.greedy_decode(params, test.src, 4, "dot")
    assert seq2seq.exact_match(tokens, test.tgt).mean() > 0.5


def test_training_without_clipping_takes_the_raw_gradient_and_a_bad_clip_changes_nothing():
    # clip=None must be the unclipped run: a threshold the gradient never reaches gives the same weights, a small
    # one other weights; a non-positive clip is refused before the first batch is drawn or a weight moves.
    def run(clip, steps=3):
        params = seq2seq.init_params(V, 6, attention="dot", rng=np.random.default_rng(1))
        drawn = []
        seq2seq.train(
            params,
            lambda step: drawn.append(step) or data.reversal_task(4, 1, 5, rng=step)[:2],
            steps=steps,
            lr=0.01,
            attention="dot",
            clip=clip,
        )
        return params, drawn

    free, never, tight = run(None)[0], run(1e300)[0], run(1e-3)[0]
    assert all(np.array_equal(free[k], never[k]) for k in free)
    assert not all(np.allclose(free[k], tight[k]) for k in free)
    params = seq2seq.init_params(V, 6, rng=np.random.default_rng(1))
    before, drawn = {k: v.copy() for k, v in params.items()}, []
    with pytest.raises(ValueError, match="clip must be a finite positive number, got 0"):
        seq2seq.train(params, lambda step: drawn.append(step), steps=2, lr=0.01, clip=0)
    assert drawn == [] and all(np.array_equal(params[k], before[k]) for k in params)


def test_float32_runs_in_float32():
    params = seq2seq.init_params(V, 4, attention="additive", rng=np.random.default_rng(0), dtype=np.float32)
    batch = data.reversal_task(3, 1, 4, rng=0)
    logits, cache = seq2seq.forward(params, batch.src, batch.tgt, "additive")
    grads = seq2seq.backward(params, cache, seq2seq.loss(logits, batch.tgt)[1])
    assert logits.dtype == np.float32 and all(g.dtype == np.float32 for g in grads.values())


@pytest.mark.parametrize(
    "change, error, words",
    [
        (dict(attention="luong"), ValueError, "attention must be None, 'additive' or 'dot'"),
        (dict(src=np.array([[3, 0, 4]])), ValueError, "must be at least one token then PAD"),
        (dict(src=np.array([[3, 4], [0, 5], [6, 0]])), ValueError, "src[:, 0] must be at least one token then PAD"),
        (dict(src=np.array([[3, 13]])), ValueError, "src must be class indices in 0 … 12"),
        (dict(src=np.array([[3.0]])), TypeError, "src must be integer class indices"),
        (dict(tgt=np.array([[3, 4]])), ValueError, "tgt must have shape (T, B = 3)"),
        (dict(params={}), ValueError, "params is missing"),
    ],
)
def test_bad_input_is_named(change, error, words):
    params, (src, tgt, _) = problem("additive")
    args = {"params": params, "src": src, "tgt": tgt, "attention": "additive"} | change
    with pytest.raises(error) as info:
        seq2seq.forward(args["params"], args["src"], args["tgt"], args["attention"])
    assert words in str(info.value)


def test_params_for_another_attention_are_refused():
    params, (src, tgt, _) = problem(None)
    with pytest.raises(ValueError, match="W_out"):
        seq2seq.forward(params, src, tgt, "dot")  # W_out (V, H) where attention needs (V, 2H)
    with pytest.raises(ValueError, match="missing att.W_q"):
        seq2seq.forward(params, src, tgt, "additive")


def test_the_model_uses_rnn_lib_attention():
    params, (src, tgt, _) = problem("additive")
    _, cache = seq2seq.forward(params, src, tgt, "additive")
    assert type(cache.att) is attn.AttentionCache and cache.att.weights.shape == (tgt.shape[0], 3, src.shape[0])


def test_the_length_sweep_uses_the_learning_rates_its_pilot_chose():
    from course.results import load_results
    from tests.notebook_files import ROOT

    sys.path.insert(0, str(ROOT / "experiments"))
    import seq2seq_lengths as sweep  # experiments/seq2seq_lengths.py

    pilot = load_results("seq2seq_lengths_lr")
    for attention, lr in sweep.LEARNING_RATES.items():
        rows = pilot.where(attention=attention)
        rows = [rows.where(update=u) for u in (500, 1000, 2000)]  # the pilot's documented checkpoints
        mean = {
            rate: np.mean([r.where(lr=rate).column("exact_match").mean() for r in rows])
            for rate in (0.001, 0.003, 0.01)
        }
        assert lr == max(mean, key=mean.get), (attention, mean)
    assert set(sweep.LEARNING_RATES) == set(sweep.ATTENTION)


# --- beam search (notebook 21) -------------------------------------------------------------------------------------


def trained_enough(attention=None, seed=3, H=8):
    """A model whose outputs are neither random nor certain: a few Adam steps on reversal, every row distinct."""
    params = seq2seq.init_params(V, H, attention=attention, rng=np.random.default_rng(seed))
    gen = np.random.default_rng(seed)
    seq2seq.train(
        params, lambda step: data.reversal_task(16, 1, 4, rng=gen)[:2], steps=30, lr=0.01, attention=attention
    )
    return params


@pytest.mark.parametrize("attention", KINDS)
def test_a_beam_of_one_is_greedy_decoding_up_to_its_eos(attention):
    params = trained_enough(attention)
    src, tgt, _ = data.reversal_task(12, 1, 4, rng=7)
    greedy, _ = seq2seq.greedy_decode(params, src, 5, attention)
    beam, scores = decoding.beam_search(params, src, 5, beam=1, attention=attention)
    upto = seq2seq.upto_eos(greedy)
    assert np.array_equal(np.where(upto, greedy, data.PAD), beam)
    assert np.allclose(scores, decoding.log_probs(params, src, greedy, attention), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("attention", (None, "dot"))
def test_a_beam_wide_enough_to_keep_everything_finds_the_most_probable_output(attention):
    # V = 13 tokens and T = 3 steps: 13 + 13² + 13³ outputs end in EOS at the latest at step 3; a beam of 13³ prunes
    # nothing, so the search must return the most probable of them, found here by listing them all.
    params = trained_enough(attention, seed=5, H=6)
    src = data.reversal_task(2, 2, 2, rng=1).src
    tokens, scores = decoding.beam_search(params, src, 3, beam=V**3, attention=attention)
    for b in range(2):
        candidates = [[data.EOS, data.PAD, data.PAD]]
        candidates += [[u, data.EOS, data.PAD] for u in range(V) if u != data.EOS]
        candidates += [[u, w, data.EOS] for u in range(V) for w in range(V) if data.EOS not in (u, w)]
        outs = np.array(candidates).T  # (3, n)
        many = np.repeat(src[:, b : b + 1], outs.shape[1], axis=1)
        logp = decoding.log_probs(params, many, outs, attention)
        assert np.array_equal(tokens[:, b], outs[:, np.argmax(logp)])
        assert abs(scores[b] - logp.max()) < 1e-12


def test_a_wider_beam_finds_outputs_at_least_as_probable_here_and_its_scores_are_log_probs():
    params = trained_enough(None)
    src = data.reversal_task(40, 1, 4, rng=11).src
    greedy, _ = seq2seq.greedy_decode(params, src, 5)
    tokens, scores = decoding.beam_search(params, src, 5, beam=4)
    assert np.allclose(scores, decoding.log_probs(params, src, tokens), rtol=1e-12, atol=1e-12)
    better = scores - decoding.log_probs(params, src, greedy)
    assert np.all(better >= -1e-12) and np.any(better > 1e-3)  # this model: never worse, sometimes better


def test_log_probs_is_minus_the_loss_of_each_sequence():
    params, (src, tgt, _) = problem(None)
    per_sequence = [
        seq2seq.loss(seq2seq.forward(params, src[:, [b]], tgt[:, [b]])[0], tgt[:, [b]])[0] for b in range(3)
    ]
    assert np.allclose(decoding.log_probs(params, src, tgt), -np.array(per_sequence), rtol=1e-12)


@pytest.mark.parametrize("beam", [0, -1, 2.5, "3", None])
def test_a_beam_that_is_not_a_positive_int_is_refused(beam):
    params, (src, _, _) = problem(None)
    with pytest.raises((ValueError, TypeError), match="beam"):
        decoding.beam_search(params, src, 4, beam=beam)
