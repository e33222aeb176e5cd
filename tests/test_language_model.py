"""The character language model's trainer and measurements (course.language_model), against loops written out here."""

import numpy as np
import pytest

import rnn_lib
from course import language_model
from course.language_model import (
    count_parameters,
    decaying_count,
    evaluate,
    hidden_states,
    init_language_model,
    math_mode,
    train_language_model,
)
from course.text import next_character_streams, one_hot
from rnn_lib import cells, lstm
from rnn_lib.clipping import clip_by_global_norm
from rnn_lib.losses import softmax_cross_entropy
from rnn_lib.optim import Adam

V = 6
CELLS = ["RNN", "LSTM", "GRU"]


def text(n=200, seed=0):
    return np.random.default_rng(seed).integers(0, V, size=n)


def full_forward(params, indices, cell):
    """Logits (N, V) of one forward pass over the whole text, one-hot all at once."""
    logits, _ = cells.check_cell(cell).forward(params, one_hot(indices[:, None], V))
    return logits[:, 0]


# ---------------------------------------------------------------------------
# Initialisation.
# ---------------------------------------------------------------------------


def test_the_rnn_and_lstm_of_notebook_18_have_the_parameter_counts_it_states():
    # RNN: W_xh (H, V) + W_hh (H, H) + W_hy (V, H) + b_h + b_y; LSTM: 4H(V + H) + 2·4H + V·H + V.
    assert count_parameters(init_language_model("RNN", 114, 128)) == 128 * 114 * 2 + 128 * 128 + 128 + 114 == 45810
    assert count_parameters(init_language_model("LSTM", 114, 64)) == 256 * (114 + 64) + 512 + 114 * 64 + 114 == 53490


def test_the_rnn_starts_with_weights_of_variance_one_over_H_and_zero_biases():
    params = init_language_model("RNN", 50, 400, rng=1)
    assert np.std(params["W_hh"]) == pytest.approx(1 / np.sqrt(400), rel=0.01)
    assert not params["b_h"].any() and not params["b_y"].any()


def test_the_lstm_starts_with_forget_bias_one_and_is_seeded():
    params = init_language_model("LSTM", V, 4, rng=3)
    np.testing.assert_array_equal(params["b_ih"][4:8], 1.0)
    assert not np.delete(params["b_ih"], np.s_[4:8]).any()
    np.testing.assert_array_equal(params["W_hh"], init_language_model("LSTM", V, 4, rng=3)["W_hh"])


# ---------------------------------------------------------------------------
# Reading a text chunk by chunk is reading it whole.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell", CELLS)
def test_evaluate_in_chunks_equals_the_mean_loss_of_one_forward_pass(cell):
    params = init_language_model(cell, V, 5, rng=0)
    idx = text(101)
    loss, _ = softmax_cross_entropy(full_forward(params, idx[:-1], cell), idx[1:])
    assert evaluate(params, idx, cell=cell, k=7) == pytest.approx(loss / 100, rel=1e-12)


def test_evaluate_with_streams_reads_each_stream_from_zero_states():
    params = init_language_model("RNN", V, 5, rng=0)
    idx = text(101)
    halves = [idx[:51], idx[50:101]]  # stream b covers characters 50b … 50b + 50 (50 predictions each)
    losses = [softmax_cross_entropy(full_forward(params, h[:-1], "RNN"), h[1:])[0] for h in halves]
    assert evaluate(params, idx, n_streams=2, k=9) == pytest.approx(sum(losses) / 100, rel=1e-12)


@pytest.mark.parametrize("cell", CELLS)
def test_hidden_states_are_those_of_one_forward_pass(cell):
    params = init_language_model(cell, V, 5, rng=2)
    idx = text(40)
    _, cache = cells.check_cell(cell).forward(params, one_hot(idx[:, None], V))
    np.testing.assert_allclose(hidden_states(params, idx, cell=cell, k=6), cache.h[1:, 0], rtol=1e-12, atol=1e-14)


def test_only_one_chunk_is_ever_one_hot(monkeypatch):
    shapes = []

    def recording_one_hot(indices, V, dtype=np.float64):
        shapes.append(np.shape(indices))
        return one_hot(indices, V, dtype)

    monkeypatch.setattr(language_model, "one_hot", recording_one_hot)
    params = init_language_model("RNN", V, 4, rng=0)
    inputs, targets = next_character_streams(text(1000), 4)
    train_language_model(params, inputs, targets, k=16, updates=20, optimizer=Adam(params), validation=text(300),
                         checkpoints=(0, 20))  # fmt: skip
    assert shapes and max(s[0] for s in shapes) <= 256  # evaluate's chunks: 256 steps of one stream
    assert all(s[0] * s[1] <= 256 for s in shapes)


# ---------------------------------------------------------------------------
# Training: the loop written out by hand.
# ---------------------------------------------------------------------------


def hand_trained(cell, params, inputs, targets, k, updates, lr, clip):
    """Stateful BPTT(k, k) with Adam, written out: states carried, reset at the start of each pass over the streams.

    Changes params; returns the gradient norm of every update (before clipping)."""
    cell = cells.check_cell(cell)
    opt = Adam(params, lr=lr)
    B, H = inputs.shape[1], cell.sizes(params)[1]
    starts = list(range(0, inputs.shape[0], k))
    norms = []
    for u in range(updates):
        c = starts[u % len(starts)]
        if c == 0:
            states = {name: np.zeros((B, H)) for name in cell.state_names}
        logits, cache = cell.forward(params, one_hot(inputs[c : c + k], V), **states)
        _, dlogits = softmax_cross_entropy(logits, targets[c : c + k])
        grads = cell.backward(params, cache, dlogits)
        grads, norm = clip_by_global_norm({n: grads[n] / B for n in cell.param_names}, clip, names=cell.param_names)
        opt.step(grads)
        states = cell.last_states(cache)
        norms.append(norm)
    return norms


@pytest.mark.parametrize("cell", CELLS)
def test_training_is_stateful_tbptt_with_adam_and_clipping_restarting_each_epoch(cell):
    inputs, targets = next_character_streams(text(300), 3)  # 99 steps: chunks of 20, 20, 20, 20, 19
    ours = init_language_model(cell, V, 5, rng=4)
    theirs = {k: v.copy() for k, v in ours.items()}
    history = train_language_model(ours, inputs, targets, cell=cell, k=20, updates=7,
                                   optimizer=Adam(ours, lr=0.05), clip=("norm", 0.5))  # fmt: skip
    norms = hand_trained(cell, theirs, inputs, targets, 20, 7, 0.05, 0.5)
    for name in ours:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(history.step_grad_norm, norms, rtol=1e-12)  # the gradient of the loss / B
    assert len(history.step_loss) == 7 and len(history.loss) == 2  # one epoch of 5 chunks, then 2 of the next


def test_history_records_per_character_losses_and_the_validation_curve_at_the_checkpoints():
    inputs, targets = next_character_streams(text(400), 4)
    params = init_language_model("RNN", V, 5, rng=0)
    start = {k: v.copy() for k, v in params.items()}
    val = text(60, seed=9)
    history = train_language_model(params, inputs, targets, k=10, updates=12, optimizer=Adam(params, lr=0.01),
                                   validation=val, checkpoints=(12, 0, 5))  # fmt: skip
    assert history.val_updates == [0, 5, 12]
    assert history.val_loss[0] == pytest.approx(evaluate(start, val), rel=1e-14)
    assert history.val_loss[-1] == pytest.approx(evaluate(params, val), rel=1e-14)
    batch = sum(softmax_cross_entropy(full_forward(start, inputs[:10, b], "RNN"), targets[:10, b])[0] for b in range(4))
    assert history.step_loss[0] == pytest.approx(batch / 40, rel=1e-12)  # per character: 10 steps × 4 streams


def test_clip_fraction_counts_the_updates_whose_norm_exceeded_the_limit():
    inputs, targets = next_character_streams(text(400), 4)
    params = init_language_model("RNN", V, 5, rng=0)
    history = train_language_model(params, inputs, targets, k=10, updates=9, optimizer=Adam(params),
                                   clip=("norm", 1e-9))  # fmt: skip
    assert history.clip_fraction == [1.0]


# ---------------------------------------------------------------------------
# Bad input: a clear error, nothing changed.
# ---------------------------------------------------------------------------


def good_args():
    params = init_language_model("RNN", V, 4, rng=0)
    inputs, targets = next_character_streams(text(200), 2)
    return params, inputs, targets


@pytest.mark.parametrize(
    "change, error, words",
    [
        (lambda a: a.update(optimizer=None), TypeError, "optimizer must be"),
        (lambda a: a.update(optimizer=Adam({"p": np.zeros(2)})), ValueError, "other arrays"),
        (lambda a: a.update(targets=a["targets"][:-1]), ValueError, "targets"),
        (lambda a: a.update(inputs=a["inputs"][:, 0]), ValueError, r"shape \(L, B\)"),
        (lambda a: a.update(inputs=a["inputs"] + V), ValueError, "inputs"),
        (lambda a: a.update(updates=0), ValueError, "updates"),
        (lambda a: a.update(checkpoints=(0, 99)), ValueError, "checkpoints"),
        (lambda a: a.update(checkpoints=(5,)), ValueError, "validation"),
        (lambda a: a.update(validation=np.array([0])), ValueError, "validation"),
        (lambda a: a.update(cell="LSTM"), ValueError, "missing W_ih"),
    ],
)
def test_training_refuses_bad_arguments_before_changing_anything(change, error, words):
    params, inputs, targets = good_args()
    before = {k: v.copy() for k, v in params.items()}
    args = {"inputs": inputs, "targets": targets, "updates": 5, "optimizer": Adam(params), "k": 8}
    change(args)
    with pytest.raises(error, match=words):
        train_language_model(params, args.pop("inputs"), args.pop("targets"), **args)
    for name in params:
        np.testing.assert_array_equal(params[name], before[name])


def test_a_model_that_reads_and_predicts_different_sizes_is_refused():
    params = rnn_lib.init_params(V, 4, V + 1)
    with pytest.raises(ValueError, match="D = O"):
        evaluate(params, text(20))


# ---------------------------------------------------------------------------
# Math mode.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a $x$ b", "0011000"),
        ("$$y$$ z", "1110000"),
        (r"\$ $q$", "000110"),
        ("no math", "0000000"),
    ],
)
def test_math_mode_is_true_from_an_opening_dollar_to_before_the_closing_one(text, expected):
    assert "".join("1" if m else "0" for m in math_mode(text)) == expected


def test_decaying_count_adds_one_per_counted_character_and_fades_by_the_decay():
    # c_t = d c_{t−1} + [x_t counted]: "a" 1; "$" 0.5; "b" 0.25 + 1; "a" 0.625 + 1
    assert np.allclose(decaying_count("a$ba", "ab", 0.5), [1.0, 0.5, 1.25, 1.625], rtol=0, atol=1e-15)


@pytest.mark.parametrize("decay", [1.0, -0.1, True, "0.5"])
def test_decaying_count_refuses_a_decay_outside_0_to_1(decay):
    with pytest.raises(ValueError, match="decay must be a number in \\[0, 1\\)"):
        decaying_count("abc", "a", decay)


def test_lstm_layout_is_the_gated_modules():
    assert init_language_model("LSTM", V, 3)["W_ih"].shape == lstm.param_shapes(V, 3, V)["W_ih"]


@pytest.mark.parametrize("cell", CELLS)
def test_the_trainer_asks_the_gated_cells_for_no_input_gradient(cell):
    cell = cells.check_cell(cell)
    params = init_language_model(cell, V, 4, rng=5)
    logits, cache = cell.forward(params, one_hot(text(12)[:, None], V))
    dlogits = softmax_cross_entropy(logits, text(12, seed=1)[:, None])[1]
    grads = language_model.parameter_backward(cell)(params, cache, dlogits)
    assert ("x" in grads) == (cell.name == "RNN")  # the fast LSTM and GRU skip ∂L/∂x; the RNN's engine always has it
    full = cell.backward(params, cache, dlogits)
    for name in cell.param_names:
        np.testing.assert_array_equal(grads[name], full[name])
