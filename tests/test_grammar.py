"""Learning the embedded Reber grammar (course.grammar): encoding, the legal-set score, masked training."""

import numpy as np
import pytest

from course.grammar import (
    V,
    encode_strings,
    legal_set_hits,
    legal_set_scores,
    memory_positions,
    score_logits,
    train_on_strings,
)
from course.language_model import init_language_model
from rnn_lib import cells
from rnn_lib.data import REBER_SYMBOLS, reber_strings
from rnn_lib.losses import softmax_cross_entropy
from rnn_lib.optim import SGD, Adam


def test_encoding_is_time_major_one_hot_with_next_symbol_targets_and_a_mask():
    strings = ["BTBTXSETE", "BPBPVVEPE"[:9], "BTBPTVPSETE"]
    x, targets, mask = encode_strings(strings)
    assert x.shape == (10, 3, V) and targets.shape == mask.shape == (10, 3)
    for b, s in enumerate(strings):
        n = len(s) - 1
        assert mask[:, b].sum() == n and mask[:n, b].all()
        assert "".join(REBER_SYMBOLS[i] for i in x[:n, b].argmax(-1)) == s[:-1]
        assert "".join(REBER_SYMBOLS[i] for i in targets[:n, b]) == s[1:]
        assert not x[n:, b].any()  # padded steps read nothing


def test_allowed_holds_the_legal_sets_and_the_memory_position_allows_only_the_second_symbol():
    strings, legal = reber_strings(50, rng=3)
    _, targets, mask, allowed = encode_strings(strings, legal)
    for b, (s, sets) in enumerate(zip(strings, legal)):
        for t in range(len(s) - 1):
            assert "".join(REBER_SYMBOLS[i] for i in np.flatnonzero(allowed[t, b])) == sets[t]
            assert allowed[t, b, targets[t, b]]  # the symbol that came was legal
        t = memory_positions(strings)[b]
        assert s[t] == "E" and np.flatnonzero(allowed[t, b]).tolist() == [REBER_SYMBOLS.index(s[1])]
    assert not allowed[~mask].any()


def test_a_position_is_right_only_when_every_legal_symbol_beats_every_illegal_one():
    allowed = np.array([[True, True, False, False]] * 5)
    logits = np.array(
        [
            [2.0, 1.0, 0.0, 0.5],  # the legal pair on top: right
            [2.0, 0.0, 1.0, -1.0],  # the argmax is legal, the other legal symbol is below an illegal one: wrong
            [2.0, 1.0, 1.0, 0.0],  # a tie between legal and illegal: wrong
            [0.0, 0.0, 3.0, -1.0],  # an illegal symbol on top: wrong
            [1.0, 1.0, 0.0, 0.0],  # two legal symbols tied with each other, above the rest: right
        ]
    )
    np.testing.assert_array_equal(legal_set_hits(logits, allowed), [True, False, False, False, True])
    assert not legal_set_hits(np.zeros((1, 4)), np.zeros((1, 4), dtype=bool)).any()  # no legal symbol: padding


def oracle_logits(strings, legal, memory=True):
    """Logits 0 on the legal symbols, −10 elsewhere; without memory, T and P tied after the inner E."""
    _, _, _, allowed = encode_strings(strings, legal)
    logits = np.where(allowed, 0.0, -10.0)
    if not memory:
        rows = memory_positions(strings)
        logits[rows, np.arange(len(strings)), REBER_SYMBOLS.index("T")] = 0.0
        logits[rows, np.arange(len(strings)), REBER_SYMBOLS.index("P")] = 0.0
    return logits


def test_the_grammar_itself_scores_one_everywhere_and_without_memory_fails_exactly_the_memory_positions():
    strings, legal = reber_strings(200, rng=5)
    scores = score_logits(oracle_logits(strings, legal), strings, legal)
    assert scores["positions"] == scores["memory"] == scores["other"] == scores["strings"] == 1.0
    forgetful = score_logits(oracle_logits(strings, legal, memory=False), strings, legal)
    assert forgetful["memory"] == forgetful["strings"] == 0.0 and forgetful["other"] == 1.0
    n_positions = sum(len(s) - 1 for s in strings)
    assert forgetful["positions"] == pytest.approx(1 - 200 / n_positions, rel=1e-12)


def test_the_loss_is_the_mean_cross_entropy_over_the_real_positions():
    strings, legal = reber_strings(20, rng=1)
    logits = np.random.default_rng(0).standard_normal((max(map(len, strings)) - 1, 20, V))
    _, targets, mask = encode_strings(strings)
    expected = sum(softmax_cross_entropy(logits[: len(s) - 1, b], targets[: len(s) - 1, b])[0] for b, s in
                   enumerate(strings)) / mask.sum()  # fmt: skip
    assert score_logits(logits, strings, legal)["loss"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("cell", ["RNN", "LSTM"])
def test_scores_read_each_string_from_zero_states_whatever_else_is_in_the_batch(cell):
    params = init_language_model(cell, V, 4, rng=0)
    strings, legal = reber_strings(6, rng=2)
    together = legal_set_scores(params, strings, legal, cell=cell)
    apart = [legal_set_scores(params, [s], [g], cell=cell) for s, g in zip(strings, legal)]
    assert together["strings"] == pytest.approx(np.mean([a["strings"] for a in apart]), abs=1e-12)
    assert together["memory"] == pytest.approx(np.mean([a["memory"] for a in apart]), abs=1e-12)


@pytest.mark.parametrize("cell", ["RNN", "LSTM"])
def test_a_padded_batch_gives_the_gradient_of_its_strings_each_trained_alone(cell):
    # One SGD step with lr 1 moves the parameters by minus the batch's gradient: compare it with the strings' own.
    params = init_language_model(cell, V, 4, rng=1)
    start = {k: v.copy() for k, v in params.items()}
    train_on_strings(params, updates=1, optimizer=SGD(params, lr=1.0), batch_size=5, cell=cell, rng=7)
    strings, _ = reber_strings(5, rng=7)  # the batch the update drew
    c = cells.check_cell(cell)
    total = {k: np.zeros_like(v) for k, v in start.items()}
    for s in strings:
        x, targets, _ = encode_strings([s])
        logits, cache = c.forward(start, x)
        _, d = softmax_cross_entropy(logits, targets)
        grads = c.backward(start, cache, d)
        for k in total:
            total[k] += grads[k] / 5
    for k in start:
        np.testing.assert_allclose(start[k] - params[k], total[k], rtol=1e-10, atol=1e-14)


def test_training_calls_evaluate_at_the_checkpoints_and_learns_the_inner_grammar():
    params = init_language_model("RNN", V, 16, rng=0)
    history, results = train_on_strings(params, updates=300, optimizer=Adam(params, lr=0.01), rng=1,
                                        evaluate=((0, 300), lambda p: legal_set_scores(p, *reber_strings(200, rng=9))))  # fmt: skip
    assert [u for u, _ in results] == [0, 300] and len(history.step_loss) == 300
    assert results[0][1]["other"] < 0.5 and results[1][1]["other"] > 0.95


def test_a_model_of_another_alphabet_is_refused_before_anything_changes():
    params = init_language_model("RNN", 5, 4, rng=0)
    before = {k: v.copy() for k, v in params.items()}
    with pytest.raises(ValueError, match="7 symbols"):
        train_on_strings(params, updates=2, optimizer=Adam(params))
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


# ---------------------------------------------------------------------------
# Bad arguments: a precise error, raised before anything changes.
# ---------------------------------------------------------------------------


def never_called(params):
    raise AssertionError("evaluate's fn ran although the arguments were refused")


@pytest.mark.parametrize(
    "evaluate, error, words",
    [
        (((2,), None), TypeError, "needs a function fn"),
        ("yes", TypeError, "pair"),
        (((0, 3), never_called), ValueError, r"checkpoints must be update numbers in 0 … updates = 2"),
        ((2, never_called), TypeError, "checkpoints"),
        (((1.0,), never_called), TypeError, "checkpoints"),
    ],
)
def test_a_bad_evaluate_is_refused_before_the_first_update(evaluate, error, words):
    params = init_language_model("RNN", V, 4, rng=0)
    before = {k: v.copy() for k, v in params.items()}
    gen = np.random.default_rng(3)
    state = gen.bit_generator.state
    with pytest.raises(error, match=words):
        train_on_strings(params, updates=2, optimizer=Adam(params), rng=gen, evaluate=evaluate)
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])
    assert gen.bit_generator.state == state  # no string was drawn


@pytest.mark.parametrize(
    "strings, legal, error, words",
    [
        ([], None, ValueError, "strings is empty"),
        (["BTZE"], None, ValueError, r"strings\[0\] = 'BTZE' holds 'Z' \(symbol 3\).*BTSXPVE"),
        ("BTSE", None, TypeError, r"strings must be a list of strings.*pass \['BTSE'\]"),
        (["BTSE", ("B", "T")], None, TypeError, r"strings\[1\] must be a str"),
        (["BTSXSE", "B"], None, ValueError, r"strings\[1\] must have at least 2 symbols"),
        (["BTXSE", "BPVVE"], [["TP", "B", "XS", "SE", ""]], ValueError, r"one entry per string \(2 strings\), got 1"),
        (["BTXSE"], [["TP", "B", "XS", "SE"]], ValueError, r"legal\[0\] must hold 5 legal sets.*got 4 entries"),
        (["BTXSE"], [["TP", "B", "XQ", "SE", ""]], ValueError, r"legal\[0\]\[2\] must be a str of symbols"),
        (["BTXSE"], "TP", TypeError, "legal must be a list"),
    ],
)
def test_encoding_refuses_what_is_not_a_list_of_reber_strings_with_their_legal_sets(strings, legal, error, words):
    with pytest.raises(error, match=words):
        encode_strings(strings, legal)


def test_scores_refuse_logits_of_another_shape_than_the_strings():
    strings, legal = reber_strings(4, rng=0)
    T = max(map(len, strings)) - 1
    with pytest.raises(ValueError, match=rf"logits must have shape \(T, N, 7\) = \({T}, 4, 7\).*got shape \(3, 4, 7\)"):
        score_logits(np.zeros((3, 4, V)), strings, legal)
    with pytest.raises(ValueError, match=r"logits must have shape \(T, N, 7\)"):
        score_logits(np.zeros((T, 4, 5)), strings, legal)


def test_legal_set_hits_refuses_an_allowed_mask_of_another_shape_or_kind():
    with pytest.raises(ValueError, match=r"allowed must have the logits' shape \(3, 2, 7\), got shape \(3, 2, 6\)"):
        legal_set_hits(np.zeros((3, 2, V)), np.ones((3, 2, 6), dtype=bool))
    with pytest.raises(TypeError, match="allowed must be a bool array"):
        legal_set_hits(np.zeros((3, 2, V)), np.ones((3, 2, V)))


def test_scoring_a_model_of_another_alphabet_names_the_seven_symbols():
    params = init_language_model("RNN", 5, 4, rng=0)
    with pytest.raises(ValueError, match=r"7 symbols BTSXPVE \(D = O = 7\), got D = 5, O = 5"):
        legal_set_scores(params, *reber_strings(3, rng=0))
