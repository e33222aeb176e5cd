"""Checkers for notebook 18's exercises: a bigram baseline's perplexity, and sampling with a temperature.

**bigram_perplexity(train, val, V, alpha) → float.**  The add-α bigram model estimated on the encoded text
``train`` (N,), p(b | a) = (n_ab + α) / (n_a + V α) with n_ab the number of times b follows a in train and
n_a = Σ_b n_ab, scored on ``val``: exp(−(1/(M − 1)) Σ_t log p(val[t+1] | val[t])).  :func:`check_bigram_perplexity`
names: the mean left out (exp of the sum), logs in base 2 with exp (and 2 to the mean loss in nats), the mean
of the per-character perplexities instead of exp of the mean, no smoothing (an unseen pair gives log 0), α only
in the numerator, rows normalised over the wrong axis, the pairs counted or read reversed, the context counts taken
from all of train (its last character too), and counts taken from the validation text.

**sample_characters(logits, temperature, u) → int array (N,).**  For logits (N, V), draw row n's character from
p = softmax(z_n / τ) with the uniform number u[n] ∈ [0, 1) by the inverse CDF: the first index whose cumulative
probability exceeds u[n]; τ = 0 means the most likely character.  :func:`check_sample_characters` passes the same
logits in every row and a fine grid of u, so the answer shows the distribution it samples from; it names: the
temperature applied after the softmax (τ has no effect), z · τ instead of z / τ, the argmax at every τ, p / τ not
normalised, the index off by one, τ = 0 not handled, and no max shift (overflow at a small τ).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ._feedback import Feedback, as_real_array, diagnose_number, guarded, run_learner

BIGRAM = "bigram_perplexity"
NO_MEAN = "mean left out"
BASE_2 = "log in base 2"
MIXED = "2 to the mean loss in nats"
MEAN_OF_EXP = "mean of per-character perplexities"
NO_SMOOTHING = "no smoothing"
NUMERATOR_ONLY = "α only in the numerator"
WRONG_AXIS = "normalised over the wrong axis"
REVERSED = "pairs counted reversed"
LOOKUP_REVERSED = "table read as [next, previous]"
UNIGRAM_CONTEXT = "context counts include the last character"
FROM_VAL = "counts from the validation text"

V_BIGRAM, ALPHA = 5, 0.5


def bigram_data():
    """An encoded training text of 300 characters over V = 5 that never has 3 after 4, and a validation text of 40 that has."""
    rng = np.random.default_rng(18)
    train = rng.integers(0, V_BIGRAM, size=300)
    for t in range(1, len(train)):
        if train[t - 1] == 4 and train[t] == 3:
            train[t] = 0  # the pair (4, 3) never occurs in training …
    val = rng.integers(0, V_BIGRAM, size=40)
    val[10:12] = (4, 3)  # … but once in validation
    return train, val


def _pair_counts(text, V):
    counts = np.zeros((V, V))
    np.add.at(counts, (text[:-1], text[1:]), 1.0)
    return counts


def _perplexity(table, val, how="right"):
    """Perplexity of val under the conditional table p[a, b] = p(b | a), or one of the classic slips."""
    with np.errstate(divide="ignore"):
        log_p = np.log(table[val[:-1], val[1:]])
    if how == NO_MEAN:
        return math.exp(-log_p.sum())
    if how == MIXED:
        return 2.0 ** (-log_p.mean())
    if how == MEAN_OF_EXP:
        return float(np.mean(np.exp(-log_p)))
    return math.exp(-log_p.mean())


def _bigram_answers(train, val, V, alpha):
    """The right perplexity and every named mistake's value: name → (value, advice)."""
    counts = _pair_counts(train, V)
    right_table = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + V * alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        unsmoothed = counts / counts.sum(axis=1, keepdims=True)
    val_counts = _pair_counts(val, V)
    mistakes = {
        NO_MEAN: (
            _perplexity(right_table, val, NO_MEAN),
            "Perplexity is exp of the *mean* loss per character: divide the summed −log p by the number of predictions.",
        ),
        BASE_2: (
            math.exp(-np.mean(np.log2(right_table[val[:-1], val[1:]]))),
            "Keep one base: exp of the mean loss in nats (np.log), or 2 to the mean loss in bits (np.log2).",
        ),
        MIXED: (
            _perplexity(right_table, val, MIXED),
            "Keep one base: np.log goes with np.exp, np.log2 with 2 ** (…).",
        ),
        MEAN_OF_EXP: (
            _perplexity(right_table, val, MEAN_OF_EXP),
            "Average the losses first, then take exp once: exp(mean(−log p)), not mean(exp(−log p)) = mean(1/p).",
        ),
        NUMERATOR_ONLY: (
            _perplexity((counts + alpha) / counts.sum(axis=1, keepdims=True), val),
            "Each row must sum to 1: add V·α to the denominator, (n_ab + α) / (n_a + V·α).",
        ),
        WRONG_AXIS: (
            _perplexity((counts + alpha) / (counts.sum(axis=0, keepdims=True) + V * alpha), val),
            "p(b | a) normalises over the next character b for a fixed a: sum the counts over axis=1 (rows).",
        ),
        REVERSED: (
            _perplexity(((counts.T + alpha) / (counts.T.sum(axis=1, keepdims=True) + V * alpha)), val),
            "counts[a, b] must count b *after* a (a = text[t], b = text[t + 1]); yours counts them the other way.",
        ),
        LOOKUP_REVERSED: (
            _perplexity(right_table.T, val),
            "The probability of val[t+1] after val[t] is in row val[t], column val[t+1]: table[val[:-1], val[1:]].",
        ),
        UNIGRAM_CONTEXT: (
            _perplexity((counts + alpha) / (np.bincount(train, minlength=V)[:, None] + V * alpha), val),
            "n_a counts the pairs that start with a: the row sums of the pair counts (the last character of train "
            "starts no pair).",
        ),
        FROM_VAL: (
            _perplexity((val_counts + alpha) / (val_counts.sum(axis=1, keepdims=True) + V * alpha), val),
            "Count the pairs of the *training* text; the validation text only scores the model.",
        ),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        no_smoothing = _perplexity(unsmoothed, val)
    return _perplexity(right_table, val), mistakes, no_smoothing


@guarded(BIGRAM)
def check_bigram_perplexity(fn) -> Feedback:
    """Check ``fn(train, val, V, alpha) -> float``: the validation perplexity of an add-α bigram model."""
    if not callable(fn):
        return Feedback(BIGRAM, "wrong", [f"Pass your function itself, got {type(fn).__name__}."])
    train, val = bigram_data()
    right, mistakes, _ = _bigram_answers(train, val, V_BIGRAM, ALPHA)
    given = [train.copy(), val.copy()]
    for text in given:
        text.flags.writeable = False  # the texts are read, never written (and integers cannot take `+= 0.5`)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        result, not_written = run_learner(BIGRAM, fn, *given, V_BIGRAM, ALPHA)
    if not_written:
        return not_written
    value, problem = as_real_array(result, "your perplexity")
    if problem is not None and "NaN or inf" in problem:
        return Feedback(
            BIGRAM,
            "wrong",
            [
                "Your perplexity is inf or NaN. The validation text has the pair (4, 3), which never occurs in "
                "training: without smoothing its probability is 0 and log 0 = −inf.",
                "Add α to every count (and V·α to every row's total) before dividing.",
            ],
            NO_SMOOTHING,
        )
    fb = diagnose_number(BIGRAM, result, right, name="your perplexity", what="the perplexity", known_mistakes=mistakes)
    if not fb.passed and fb.mistake is None and fb.messages[-1].startswith("Expected"):
        fb.messages[-1] += f" (add-α with α = {ALPHA}, V = {V_BIGRAM})"
    return fb


# ---------------------------------------------------------------------------
# Sampling with a temperature.
# ---------------------------------------------------------------------------

SAMPLE = "sample_characters"
AFTER_SOFTMAX = "temperature applied after the softmax"
TIMES_TAU = "z · τ instead of z / τ"
ARGMAX = "the argmax instead of a sample"
NOT_NORMALISED = "p / τ not normalised"
OFF_BY_ONE = "index off by one"
TAU_ZERO = "τ = 0 not handled"
NO_SHIFT = "no max shift"

GRID = 2000  # values of u per temperature
Z = np.array([1.0, 2.5, 0.0, -1.0, 2.0, 0.5])  # V = 6; the most likely is index 1
TEMPERATURES = (1.0, 0.5, 2.0)


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _draws(weights, u):
    """Inverse-CDF draws of indices from non-negative weights (not necessarily summing to 1), for each u."""
    cdf = np.cumsum(weights)
    return np.minimum((cdf[None, :] <= u[:, None]).sum(axis=1), len(weights) - 1)


def _u_grid():
    return (np.arange(GRID) + 0.5) / GRID


def _expected(z, tau):
    """The right draws for every u of the grid."""
    u = _u_grid()
    return np.full(GRID, np.argmax(z)) if tau == 0 else _draws(_softmax(z / tau), u)


def _sample_mistakes(z, tau):
    """name → (draws that mistake makes on the grid, advice), for τ > 0."""
    u, p = _u_grid(), _softmax(z)
    right = _draws(_softmax(z / tau), u)
    return {
        AFTER_SOFTMAX: (
            _draws(p, u),
            "Dividing the probabilities by τ and normalising again gives the same probabilities: τ must divide "
            "the logits, before the softmax: softmax(z / τ).",
        ),
        TIMES_TAU: (_draws(_softmax(z * tau), u), "Divide by τ: softmax(z / τ); τ < 1 should sharpen, τ > 1 flatten."),
        ARGMAX: (
            np.full(GRID, np.argmax(z)),
            "That is always the most likely character (τ = 0). Sample: the first index whose cumulative probability "
            "exceeds u.",
        ),
        NOT_NORMALISED: (
            _draws(p / tau, u),
            "p / τ does not sum to 1. Compute softmax(z / τ) instead, which is normalised.",
        ),
        OFF_BY_ONE: (
            np.clip(right - 1, 0, len(z) - 1),
            "Index off by one: return the first index whose cumulative probability is above u (index 0 when u < p_0).",
        ),
    }


def _as_indices(result, n, V):
    """(int array (n,), None) or (None, message)."""
    arr, problem = as_real_array(result, "your result")
    if problem is not None:
        return None, problem
    if arr.shape != (n,):
        return None, f"your result has shape {arr.shape}, expected ({n},): one character index per row of logits."
    if np.any(arr != np.round(arr)) or arr.min() < 0 or arr.max() > V - 1:
        return None, f"your result must hold character indices, whole numbers in 0 … {V - 1}; got {arr[:5]} …"
    return arr.astype(np.int64), None


def _run_sampler(fn, z, tau):
    logits = np.tile(z, (GRID, 1))
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return run_learner(SAMPLE, fn, logits, tau, _u_grid())


def _frequencies(draws, V):
    return np.bincount(draws, minlength=V) / GRID


@guarded(SAMPLE)
def check_sample_characters(fn) -> Feedback:
    """Check ``fn(logits, temperature, u) -> indices`` at τ = 1, 0.5, 2, then τ = 0, then logits of size 1000."""
    if not callable(fn):
        return Feedback(SAMPLE, "wrong", [f"Pass your function itself, got {type(fn).__name__}."])
    V = len(Z)
    for tau in TEMPERATURES:
        result, not_written = _run_sampler(fn, Z, tau)
        if not_written:
            return not_written
        draws, problem = _as_indices(result, GRID, V)
        if problem is not None:
            return Feedback(SAMPLE, "wrong", [f"At τ = {tau}: {problem}"])
        expected = _expected(Z, tau)
        if np.array_equal(draws, expected):
            continue
        freq = _frequencies(draws, V)
        if np.max(np.abs(freq - _frequencies(expected, V))) <= 1.5 / GRID:
            continue  # the right distribution, cut up in another order of the characters: also right
        for name, (wrong, advice) in _sample_mistakes(Z, tau).items():
            if np.array_equal(draws, wrong) or np.max(np.abs(freq - _frequencies(wrong, V))) <= 1.5 / GRID:
                return Feedback(SAMPLE, "wrong", [f"At τ = {tau}: this is exactly what the mistake '{name}' gives.",
                                                  advice], name)  # fmt: skip
        right = _frequencies(expected, V)
        return Feedback(
            SAMPLE,
            "wrong",
            [
                f"At τ = {tau}, over a fine grid of u your function draws the characters with frequencies "
                f"{np.round(freq, 3).tolist()}; softmax(z / τ) gives {np.round(right, 3).tolist()}.",
            ],
        )
    result, not_written = _run_sampler(fn, Z, 0.0)
    if not_written is not None:
        if not_written.status == "not implemented":
            return not_written
        return Feedback(SAMPLE, "wrong", ["At τ = 0 your function failed:", *not_written.messages,
                                          "τ = 0 means: always the most likely character, np.argmax(z)."], TAU_ZERO)  # fmt: skip
    draws, problem = _as_indices(result, GRID, V)
    if problem is not None or not np.array_equal(draws, _expected(Z, 0.0)):
        return Feedback(
            SAMPLE,
            "wrong",
            [
                f"At τ = 0: {problem or 'not always the most likely character'}.",
                "z / 0 is not a number: treat τ = 0 apart, as the limit τ → 0, the argmax of z.",
            ],  # fmt: skip
            TAU_ZERO,
        )
    big = Z * 400.0  # logits up to 1000; at τ = 0.5 the exponents reach 2000: exp overflows without the shift
    result, not_written = _run_sampler(fn, big, 0.5)
    draws, problem = (None, None) if not_written else _as_indices(result, GRID, V)
    if not_written or problem is not None or not np.array_equal(draws, _expected(big, 0.5)):
        return Feedback(
            SAMPLE,
            "wrong",
            [
                "Right for moderate logits, but not for logits of size 1000 at τ = 0.5: exp(2000) overflows to inf.",
                "Subtract the largest z / τ before exp (notebook 16): softmax is unchanged, nothing overflows.",
            ],
            NO_SHIFT,
        )
    return Feedback(SAMPLE, "correct")
