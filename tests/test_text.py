"""Text pieces of the language model: corpus, vocabulary, one-hot, streams, sampling with a temperature, perplexity."""

import math
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import rnn_lib
from course.language_model import init_language_model
from course.text import (
    Vocabulary,
    generate,
    load_corpus,
    next_character_streams,
    one_hot,
    perplexity,
    sample_index,
)
from rnn_lib import cells

ROOT = pathlib.Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------
# The corpus.
# ---------------------------------------------------------------------------


def test_the_corpus_is_small_and_as_documented():
    text = load_corpus()
    assert len(text) == 125_205 and len(set(text)) == 114
    assert len(text.encode("utf-8")) <= 300_000
    readme = (ROOT / "course" / "corpora" / "README.md").read_text(encoding="utf-8")
    assert "125 205 characters" in readme and "114 distinct" in readme and "CC BY 4.0" in readme


def test_the_corpus_is_what_tools_make_corpus_makes():
    commit = subprocess.run(["git", "cat-file", "-e", "c23e719^{commit}"], cwd=ROOT, capture_output=True)
    if commit.returncode != 0:
        pytest.skip("not a git checkout with the corpus's source commit (a shallow clone?)")
    result = subprocess.run(
        [sys.executable, "tools/make_corpus.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_unknown_corpus_is_refused_with_the_names_available():
    with pytest.raises(ValueError, match="course_prose"):
        load_corpus("shakespeare")


# ---------------------------------------------------------------------------
# Vocabulary and one-hot.
# ---------------------------------------------------------------------------


def test_vocabulary_is_the_sorted_distinct_characters_and_round_trips():
    vocab = Vocabulary("hello, world")
    assert vocab.chars == " ,dehlorw" and vocab.size == len(vocab) == 9
    idx = vocab.encode("world, hello")
    assert idx.dtype == np.int64 and idx.shape == (12,)
    assert vocab.decode(idx) == "world, hello"
    assert vocab.decode(idx.reshape(3, 4)) == "world, hello"  # any shape, C order


def test_encode_names_the_first_unknown_character():
    with pytest.raises(ValueError, match=r"text\[3\] = 'x'"):
        Vocabulary("abc").encode("abcx")


@pytest.mark.parametrize("bad, error", [("", ValueError), (["a"], TypeError), (None, TypeError)])
def test_a_vocabulary_needs_a_nonempty_str(bad, error):
    with pytest.raises(error):
        Vocabulary(bad)


def test_decode_refuses_indices_out_of_range():
    with pytest.raises(ValueError, match="0 … 2"):
        Vocabulary("abc").decode([0, 3])


def test_one_hot_rows_of_the_identity_in_time_major_layout():
    idx = np.array([[0, 2], [1, 1], [2, 0]])  # (T, B) = (3, 2)
    x = one_hot(idx, 3)
    assert x.shape == (3, 2, 3) and x.dtype == np.float64
    np.testing.assert_array_equal(x, np.eye(3)[idx])
    assert one_hot([1], 4, dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize(
    "indices, V, error", [([0, 4], 4, ValueError), ([-1], 4, ValueError), ([0.0], 4, TypeError), ([0], 0, ValueError)]
)
def test_one_hot_refuses_bad_indices(indices, V, error):
    with pytest.raises(error):
        one_hot(indices, V)


def test_streams_are_contiguous_pieces_with_the_next_character_as_target():
    text = np.arange(23)  # N = 23 "characters"
    inputs, targets = next_character_streams(text, 4)  # L = (23 − 1) // 4 = 5
    assert inputs.shape == targets.shape == (5, 4)
    np.testing.assert_array_equal(inputs[:, 1], [5, 6, 7, 8, 9])  # stream 1 is text[5:10]
    np.testing.assert_array_equal(targets, inputs + 1)
    # Chunking in time keeps each column on its own piece of text: stream b continues where it stopped.
    np.testing.assert_array_equal(inputs[3:, 2], text[13:15])


def test_streams_refuse_a_text_too_short():
    with pytest.raises(ValueError, match="too short"):
        next_character_streams([1, 2, 3], 3)


# ---------------------------------------------------------------------------
# Sampling with a temperature.
# ---------------------------------------------------------------------------


def test_sampling_follows_softmax_of_logits_over_temperature():
    logits = np.log(np.array([0.5, 0.3, 0.2]))
    n = 40_000
    for tau in (1.0, 0.5, 2.0):
        draws = sample_index(np.tile(logits, (n, 1)), temperature=tau, rng=0)
        p = np.exp(logits / tau) / np.sum(np.exp(logits / tau))
        freq = np.bincount(draws, minlength=3) / n
        assert np.max(np.abs(freq - p)) < 4 * np.sqrt(0.25 / n), (tau, freq, p)  # four standard errors


def test_temperature_zero_is_the_argmax_and_a_class_of_probability_zero_is_never_drawn():
    logits = np.array([[0.0, 5.0, 1.0], [2.0, -1.0, 2.5]])
    np.testing.assert_array_equal(sample_index(logits, temperature=0, rng=0), [1, 2])
    draws = sample_index(np.tile([0.0, -800.0, 0.0], (5000, 1)), rng=1)  # exp(−800) underflows to 0
    assert 1 not in draws


def test_sampling_is_seeded_and_leaves_a_refused_generator_untouched():
    logits = np.zeros((50, 4))
    assert np.array_equal(sample_index(logits, rng=3), sample_index(logits, rng=3))
    gen = np.random.default_rng(0)
    state = gen.bit_generator.state
    with pytest.raises(ValueError, match="temperature"):
        sample_index(logits, temperature=-1, rng=gen)
    assert gen.bit_generator.state == state
    assert isinstance(sample_index(np.zeros(4), rng=0), int)


@pytest.mark.parametrize(
    "logits, kwargs, error",
    [
        (np.zeros((2, 3, 4)), {}, ValueError),
        (np.zeros(0), {}, ValueError),
        (np.array([0.0, np.nan]), {}, ValueError),
        (np.zeros(3), {"temperature": np.inf}, ValueError),
        (np.zeros(3), {"temperature": "hot"}, TypeError),
        (np.zeros(3), {"rng": 1.5}, TypeError),
    ],
)
def test_sampling_refuses_bad_arguments(logits, kwargs, error):
    with pytest.raises(error):
        sample_index(logits, **kwargs)


def char_rnn(vocab, H=8, seed=0):
    return rnn_lib.init_params(vocab.size, H, vocab.size, rng=np.random.default_rng(seed), scale=0.5)


def test_generate_reads_the_prime_and_samples_what_the_model_predicts():
    vocab = Vocabulary("abcd")
    params = char_rnn(vocab)
    text = generate(params, vocab, 30, prime="ab", temperature=0, rng=0)
    assert len(text) == 30 and set(text) <= set("abcd")
    # At τ = 0 each character is the argmax of the read-out after reading the prime and what came before.
    seen = "ab" + text
    logits, _ = rnn_lib.forward(params, one_hot(vocab.encode(seen[:-1]), vocab.size))
    np.testing.assert_array_equal(np.argmax(logits[1:], axis=1), vocab.encode(text))


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_a_gated_network_writes_too_carrying_its_states_from_step_to_step(cell):
    vocab = Vocabulary("abcde")
    params = init_language_model(cell, vocab.size, 6, rng=1)
    text = generate(params, vocab, 25, prime="cab", temperature=0, rng=0, cell=cell)
    # At τ = 0 each character is the argmax after reading everything before it in one forward pass.
    logits, _ = cells.check_cell(cell).forward(params, one_hot(vocab.encode("cab" + text[:-1]), vocab.size))
    np.testing.assert_array_equal(np.argmax(logits[2:], axis=1), vocab.encode(text))
    assert generate(params, vocab, 25, prime="cab", rng=3, cell=cell) != text  # τ = 1 samples


def test_generate_refuses_parameters_of_another_cell():
    vocab = Vocabulary("abcd")
    with pytest.raises(ValueError, match="W_ih"):
        generate(char_rnn(vocab), vocab, 5, prime="a", cell="LSTM")


def test_generate_is_seeded():
    vocab = Vocabulary("abcd")
    params = char_rnn(vocab)
    assert generate(params, vocab, 40, prime="a", rng=5) == generate(params, vocab, 40, prime="a", rng=5)
    assert generate(params, vocab, 40, prime="a", rng=5) != generate(params, vocab, 40, prime="a", rng=6)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"prime": ""}, ValueError, "prime"),
        ({"prime": "az"}, ValueError, "'z'"),
        ({"prime": "a", "n": 0}, ValueError, "n must"),
        ({"prime": "a", "temperature": -0.5}, ValueError, "temperature"),
    ],
)
def test_generate_refuses_bad_arguments(kwargs, error, words):
    vocab = Vocabulary("abcd")
    args = {"n": 5, **kwargs}
    with pytest.raises(error, match=words):
        generate(char_rnn(vocab), vocab, args.pop("n"), **args)


def test_generate_needs_a_model_of_the_vocabularys_size():
    with pytest.raises(ValueError, match="V = 4"):
        generate(char_rnn(Vocabulary("abc")), Vocabulary("abcd"), 5, prime="a")


# ---------------------------------------------------------------------------
# Perplexity.
# ---------------------------------------------------------------------------


def test_perplexity_of_uniform_predictions_is_V_and_of_certain_ones_is_1():
    assert perplexity(np.zeros((10, 3, 65)), np.zeros((10, 3), dtype=int)) == pytest.approx(65, rel=1e-13)
    certain = np.where(np.eye(5, dtype=bool)[[0, 1, 2]], 50.0, -50.0)  # probability 1 − 4e-43 on the target
    assert perplexity(certain, [0, 1, 2]) == pytest.approx(1.0, rel=1e-12)


def test_perplexity_is_exp_of_the_mean_loss():
    rng = np.random.default_rng(0)
    z, y = rng.standard_normal((6, 2, 7)), rng.integers(0, 7, size=(6, 2))
    loss, _ = rnn_lib.losses.softmax_cross_entropy(z, y)
    assert perplexity(z, y) == pytest.approx(math.exp(loss / 12), rel=1e-14)


def test_one_hot_vectors_too_large_for_memory_are_a_value_error():
    with pytest.raises(ValueError, match=r"one-hot vectors of shape \(1000, 1000000000000\) would not fit"):
        one_hot(np.arange(1000), 10**12)
