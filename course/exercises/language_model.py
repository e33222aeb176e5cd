"""Checkers for notebook 18's exercises: a bigram baseline's perplexity, and sampling with a temperature.

**bigram_perplexity(train, val, V, alpha) → float.**  The add-α bigram model estimated on the encoded text
``train`` (N,), p(b | a) = (n_ab + α) / (n_a + V α) with n_ab the number of times b follows a in train and
n_a = Σ_b n_ab, scored on ``val``: exp(−(1/(M − 1)) Σ_t log p(val[t+1] | val[t])).  :func:`check_bigram_perplexity`
names: the mean left out (exp of the sum), logs in base 2 with exp (and 2 to the mean loss in nats), the mean
of the per-character perplexities instead of exp of the mean, no smoothing (an unseen pair gives log 0), α only
in the numerator, rows normalised over the wrong axis, the pairs counted or read reversed, the context counts taken
from all of train (its last character too), counts taken from the validation text, the mean loss returned without
its exp, the minus left out, 1 / mean p, each character scored as its own successor, pairs wrapped round by
np.roll, α = 1 of one's own, and base 10 with exp.

**sample_characters(logits, temperature, u) → int array (N,).**  For logits (N, V), draw row n's character from
p = softmax(z_n / τ) with the uniform number u[n] ∈ [0, 1) by the inverse CDF: the first index whose cumulative
probability exceeds u[n]; τ = 0 means the most likely character.  :func:`check_sample_characters` passes four
blocks of rows, each block one row of logits (a distribution of its own) repeated with a fine grid of u, so the
answer shows the distribution it samples each row from; it names: the temperature applied after the softmax (τ has
no effect), z · τ instead of z / τ, the argmax at every τ, p / τ not normalised, the index off by one, every row
sampled from logits[0], τ = 0 not handled, no max shift (overflow at a small τ), and the max shift taken over the
whole batch instead of each row (rows far below the batch's largest logit underflow), and u ignored for a random
draw (the draws switch characters more often along the grid of u than an inverse CDF can).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    as_real_array,
    confirmed,
    diagnose,
    diagnose_number,
    guarded,
    has_nan_or_inf,
    read_only,
    run_learner,
)

BIGRAM = "bigram_perplexity"
NO_MEAN = N_("mean left out")
BASE_2 = N_("log in base 2")
MIXED = N_("2 to the mean loss in nats")
MEAN_OF_EXP = N_("mean of per-character perplexities")
NO_SMOOTHING = N_("no smoothing")
NUMERATOR_ONLY = N_("α only in the numerator")
WRONG_AXIS = N_("normalised over the wrong axis")
REVERSED = N_("pairs counted reversed")
LOOKUP_REVERSED = N_("table read as [next, previous]")
UNIGRAM_CONTEXT = N_("context counts include the last character")
FROM_VAL = N_("counts from the validation text")
NOT_ACCUMULATED = N_("pair counts not accumulated")
DENOMINATOR_ALPHA = N_("denominator n_a + α")
MEAN_OVER_M = N_("mean over M characters, not M − 1 predictions")
TRAIN_AND_VAL = N_("counts from train and validation")
UNIGRAM = N_("a unigram model")
CROSS_ENTROPY = N_("the mean loss, not its exp")
MINUS_LEFT_OUT = N_("minus sign left out (1 / perplexity)")
MEAN_PROBABILITY = N_("1 / the mean probability")
NOT_SHIFTED = N_("each character scored as its own successor")
WRAPPED = N_("pairs wrapped round (np.roll)")
ALPHA_OF_YOUR_OWN = N_("α = 1 of your own, not the argument")
BASE_10 = N_("log in base 10 with exp")
ONE_ALPHA = N_("right for α = 0.5 only")

V_BIGRAM, ALPHA = 6, 0.5
SYMBOLS = 5  # the texts use 0 … 4: symbol 5 of the vocabulary never occurs, so V must be the argument, not read off
# the text (len(np.unique(train)) or train.max() + 1 give 5)


def bigram_data():
    """An encoded training text of 300 characters over symbols 0 … 4 that never has 3 after 4, and a validation text of
    40 that has (the vocabulary, V = 6, has one more symbol that neither text uses)."""
    rng = np.random.default_rng(18)
    # A Markov chain with unequal, non-symmetric transition probabilities: the context matters, so counting the
    # pairs reversed, normalising the wrong axis or ignoring the context (a unigram model) each give another number.
    transitions = rng.dirichlet(np.full(SYMBOLS, 0.7), size=SYMBOLS)
    train = np.zeros(300, dtype=np.int64)
    for t in range(1, len(train)):
        train[t] = rng.choice(SYMBOLS, p=transitions[train[t - 1]])
    for t in range(1, len(train)):
        if train[t - 1] == 4 and train[t] == 3:
            train[t] = 0  # the pair (4, 3) never occurs in training …
    val = rng.integers(0, SYMBOLS, size=40)
    val[10:12] = (4, 3)  # … but once in validation
    return train, val


def _pair_counts(text, V):
    counts = np.zeros((V, V))
    np.add.at(counts, (text[:-1], text[1:]), 1.0)
    return counts


def _smoothed(counts, alpha):
    """The add-α table p[a, b] = (n_ab + α) / (n_a + V α)."""
    return (counts + alpha) / (counts.sum(axis=1, keepdims=True) + counts.shape[1] * alpha)


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
    """The right perplexity and every named mistake's value: name → (value, advice).  A symbol of the vocabulary that
    train lacks has a row of zero counts, which the mistakes without smoothing divide by: numpy is not to warn."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _bigram_values(train, val, V, alpha)


def _bigram_values(train, val, V, alpha):
    """:func:`_bigram_answers`, numpy's warnings as they come."""
    counts = _pair_counts(train, V)
    right_table = (counts + alpha) / (counts.sum(axis=1, keepdims=True) + V * alpha)
    with np.errstate(divide="ignore", invalid="ignore"):
        unsmoothed = counts / counts.sum(axis=1, keepdims=True)
    val_counts = _pair_counts(val, V)
    mistakes = {
        NO_MEAN: (
            _perplexity(right_table, val, NO_MEAN),
            tr(
                "Perplexity is exp of the *mean* loss per character: divide the summed −log p by the "
                "number of predictions."
            ),
        ),
        BASE_2: (
            math.exp(-np.mean(np.log2(right_table[val[:-1], val[1:]]))),
            tr("Keep one base: exp of the mean loss in nats (np.log), or 2 to the mean loss in bits (np.log2)."),
        ),
        MIXED: (
            _perplexity(right_table, val, MIXED),
            tr("Keep one base: np.log goes with np.exp, np.log2 with 2 ** (…)."),
        ),
        MEAN_OF_EXP: (
            _perplexity(right_table, val, MEAN_OF_EXP),
            tr("Average the losses first, then take exp once: exp(mean(−log p)), not mean(exp(−log p)) = mean(1/p)."),
        ),
        NUMERATOR_ONLY: (
            _perplexity((counts + alpha) / counts.sum(axis=1, keepdims=True), val),
            tr("Each row must sum to 1: add V·α to the denominator, (n_ab + α) / (n_a + V·α)."),
        ),
        WRONG_AXIS: (
            _perplexity((counts + alpha) / (counts.sum(axis=0, keepdims=True) + V * alpha), val),
            tr("p(b | a) normalises over the next character b for a fixed a: sum the counts over axis=1 (rows)."),
        ),
        REVERSED: (
            _perplexity(((counts.T + alpha) / (counts.T.sum(axis=1, keepdims=True) + V * alpha)), val),
            tr("counts[a, b] must count b *after* a (a = text[t], b = text[t + 1]); yours counts them the other way."),
        ),
        LOOKUP_REVERSED: (
            _perplexity(right_table.T, val),
            tr("The probability of val[t+1] after val[t] is in row val[t], column val[t+1]: table[val[:-1], val[1:]]."),
        ),
        UNIGRAM_CONTEXT: (
            _perplexity((counts + alpha) / (np.bincount(train, minlength=V)[:, None] + V * alpha), val),
            tr(
                "n_a counts the pairs that start with a: the row sums of the pair counts (the last "
                "character of train starts no pair)."
            ),
        ),
        FROM_VAL: (
            _perplexity((val_counts + alpha) / (val_counts.sum(axis=1, keepdims=True) + V * alpha), val),
            tr("Count the pairs of the *training* text; the validation text only scores the model."),
        ),
        NOT_ACCUMULATED: (
            _perplexity(((counts > 0) + alpha) / ((counts > 0).sum(axis=1, keepdims=True) + V * alpha), val),
            tr(
                "Each pair was counted once however often it occurs: `counts[a, b] = 1`, or "
                "`counts[train[:-1], train[1:]] += 1`, which numpy applies once per distinct index. Count "
                "with a loop (`counts[a, b] += 1`) or np.add.at(counts, (train[:-1], train[1:]), 1)."
            ),
        ),
        DENOMINATOR_ALPHA: (
            _perplexity((counts + alpha) / (counts.sum(axis=1, keepdims=True) + alpha), val),
            tr(
                "α is added to each of the V counts of a row, so the row's total grows by V·α: (n_ab + α) "
                "/ (n_a + V·α)."
            ),
        ),
        MEAN_OVER_M: (
            math.exp(-np.log(right_table[val[:-1], val[1:]]).sum() / len(val)),
            tr(
                "A text of M characters has M − 1 predictions (the first character has no previous one): "
                "divide the summed −log p by M − 1."
            ),
        ),
        TRAIN_AND_VAL: (
            _perplexity(
                (counts + val_counts + alpha) / ((counts + val_counts).sum(axis=1, keepdims=True) + V * alpha), val
            ),
            tr(
                "Count the pairs of the training text only: a model that has seen the validation text is "
                "scored on what it memorised."
            ),
        ),
        UNIGRAM: (
            _perplexity(np.tile((np.bincount(train, minlength=V) + alpha) / (len(train) + V * alpha), (V, 1)), val),
            tr(
                "That is a unigram model, p(b) from how often b occurs: a bigram model conditions on the "
                "previous character, p(b | a) = (n_ab + α) / (n_a + V·α), a V × V table."
            ),
        ),
        CROSS_ENTROPY: (
            float(-np.log(right_table[val[:-1], val[1:]]).mean()),
            tr(
                "That is the mean loss per character, −(1/(M − 1)) Σ log p, in nats. Perplexity is its exp: "
                "np.exp(mean loss)."
            ),
        ),
        MINUS_LEFT_OUT: (
            math.exp(np.log(right_table[val[:-1], val[1:]]).mean()),
            tr("log p ≤ 0: the loss is −log p, so perplexity = exp(−mean log p), at least 1."),
        ),
        MEAN_PROBABILITY: (
            float(1 / right_table[val[:-1], val[1:]].mean()),
            tr(
                "Average the logs, not the probabilities: exp(−mean log p) (1 over the geometric mean of p), "
                "not 1 / mean(p)."
            ),
        ),
        WRAPPED: (
            _perplexity(_smoothed(_pair_counts(np.append(train, train[0]), V), alpha), val),
            tr(
                "np.roll(train, -1) pairs the last character with the first, a pair the text does not hold: "
                "count train[:-1] with train[1:]."
            ),
        ),
        ALPHA_OF_YOUR_OWN: (
            _perplexity(_smoothed(counts, 1.0), val),
            tr("Use the alpha the function is given (the checker passes {alpha}), not α = 1.").format(alpha=alpha),
        ),
        BASE_10: (
            math.exp(-np.mean(np.log10(right_table[val[:-1], val[1:]]))),
            tr("Keep one base: exp of the mean loss in nats (np.log), or 10 to the mean of −np.log10."),
        ),
        NOT_SHIFTED: (
            float(np.exp(-np.mean(np.log(right_table[val, val])))),
            tr(
                "Each prediction pairs a character with the NEXT one: p(val[t + 1] | val[t]), "
                "table[val[:-1], val[1:]], not table[val, val]."
            ),
        ),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        no_smoothing = _perplexity(unsmoothed, val)
    return _perplexity(right_table, val), mistakes, no_smoothing


@guarded(BIGRAM)
def check_bigram_perplexity(fn) -> Feedback:
    """Check ``fn(train, val, V, alpha) -> float``: the validation perplexity of an add-α bigram model."""
    if not callable(fn):
        return Feedback(BIGRAM, "wrong", [tr("Pass your function itself, got {name}.").format(name=type(fn).__name__)])
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
    value, problem = as_real_array(result, tr("your perplexity"))
    if problem is not None and has_nan_or_inf(result):
        return Feedback(
            BIGRAM,
            "wrong",
            [
                tr("The mistake '{mistake}':").format(mistake=tr(NO_SMOOTHING)),
                tr(
                    "Your perplexity is inf or NaN. The validation text has the pair (4, 3), which never "
                    "occurs in training: without smoothing its probability is 0 and log 0 = −inf."
                ),
                tr("Add α to every count (and V·α to every row's total) before dividing."),
            ],
            NO_SMOOTHING,
        )
    note = tr(" (add-α with α = {alpha}, V = {v})").format(alpha=ALPHA, v=V_BIGRAM)
    fb = diagnose_number(
        BIGRAM, result, right, name=N_("your perplexity"), what=N_("the perplexity"), known_mistakes=mistakes, note=note
    )
    fb = confirmed(fb, BIGRAM, fn, (*given, V_BIGRAM, ALPHA), result)
    if not fb.passed:
        return fb
    # Again with α = 1: an answer with α = 0.5 written in it (not the argument) fails here.
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        texts = [train.copy(), val.copy()]
        for text in texts:
            text.flags.writeable = False
        again, not_written = run_learner(BIGRAM, fn, *texts, V_BIGRAM, 1.0)
    right_again = _bigram_answers(train, val, V_BIGRAM, 1.0)[0]
    if not_written is None and diagnose(BIGRAM, again, right_again).passed:
        return fb
    value, _ = as_real_array(again)
    yours = (
        tr("your function gives {value:.6f}").format(value=float(value))
        if value is not None and value.ndim == 0
        else ""
    )
    return Feedback(
        BIGRAM,
        "wrong",
        [
            tr(
                "The mistake '{mistake}': right with α = {alpha}, but with α = 1 {yours} (expected {expected:.6f}). "
                "Use the alpha the function is given, not a number written in it."
            ).format(mistake=tr(ONE_ALPHA), alpha=ALPHA, yours=yours or tr("it fails"), expected=right_again)
        ],
        ONE_ALPHA,
    )


# ---------------------------------------------------------------------------
# Sampling with a temperature.
# ---------------------------------------------------------------------------

SAMPLE = "sample_characters"
AFTER_SOFTMAX = N_("temperature applied after the softmax")
TIMES_TAU = N_("z · τ instead of z / τ")
ARGMAX = N_("the argmax instead of a sample")
NOT_NORMALISED = N_("p / τ not normalised")
OFF_BY_ONE = N_("index off by one")
TAU_ZERO = N_("τ = 0 not handled")
NO_SHIFT = N_("no max shift")
FIRST_ROW = N_("every row sampled from logits[0]")
GLOBAL_SHIFT = N_("max shift over the whole batch")
U_IGNORED = N_("u not used (a random draw instead)")

GRID = 1000  # values of u per block of rows
# V = 6; four distributions, each row block its own: different most likely characters (1, 3, 2, 5) and shapes, so
# that a sampler reading one row for all, or mixing the rows up, draws other characters.
BLOCKS = np.array(
    [
        [1.0, 2.5, 0.0, -1.0, 2.0, 0.5],
        [-1.0, 1.0, 0.5, 2.5, 0.0, 2.0],
        [0.3, -0.5, 1.8, 1.2, -2.0, 0.0],
        [-1.0, 0.2, 0.4, 0.1, -0.3, 3.0],
    ]
)
Z = BLOCKS[0]
TEMPERATURES = (1.0, 0.5, 2.0)
BIG = 1000.0  # added to one block in the last test: exp overflows without a shift, and a shift by the whole
# batch's maximum leaves the other blocks' exponents below −745, where exp underflows to exactly 0


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
    """The right draws of one block (row z repeated) for every u of the grid."""
    u = _u_grid()
    return np.full(GRID, np.argmax(z)) if tau == 0 else _draws(_softmax(z / tau), u)


def _sample_mistakes(blocks, tau):
    """name → (draws that mistake makes, block by block (K, GRID), advice), for τ > 0."""
    u = _u_grid()

    def per_block(draw):
        return np.stack([draw(z) for z in blocks])

    right = per_block(lambda z: _draws(_softmax(z / tau), u))
    return {
        AFTER_SOFTMAX: (
            per_block(lambda z: _draws(_softmax(z), u)),
            tr(
                "Dividing the probabilities by τ and normalising again gives the same probabilities: τ "
                "must divide the logits, before the softmax: softmax(z / τ)."
            ),
        ),
        TIMES_TAU: (
            per_block(lambda z: _draws(_softmax(z * tau), u)),
            tr("Divide by τ: softmax(z / τ); τ < 1 should sharpen, τ > 1 flatten."),
        ),
        ARGMAX: (
            per_block(lambda z: np.full(GRID, np.argmax(z))),
            tr(
                "That is always the most likely character (τ = 0). Sample: the first index whose "
                "cumulative probability exceeds u."
            ),
        ),
        NOT_NORMALISED: (
            per_block(lambda z: _draws(_softmax(z) / tau, u)),
            tr("p / τ does not sum to 1. Compute softmax(z / τ) instead, which is normalised."),
        ),
        OFF_BY_ONE: (
            np.clip(right - 1, 0, blocks.shape[1] - 1),
            tr(
                "Index off by one: return the first index whose cumulative probability is above u (index 0 "
                "when u < p_0)."
            ),
        ),
        FIRST_ROW: (
            per_block(lambda z: _draws(_softmax(blocks[0] / tau), u)),
            tr(
                "Every row has logits of its own: draw row n's character from softmax(logits[n] / τ) with "
                "u[n] (keep the row axis: z.max(axis=1, keepdims=True), p.cumsum(axis=1)), not from row "
                "0's."
            ),
        ),
    }


def _as_indices(result, n, V):
    """(int array (n,), None) or (None, message)."""
    arr, problem = as_real_array(result, tr("your result"))
    if problem is not None:
        return None, problem
    if arr.shape != (n,):
        return None, tr(
            "your result has shape {shape}, expected ({n},): one character index per row of logits."
        ).format(shape=arr.shape, n=n)
    if np.any(arr != np.round(arr)) or arr.min() < 0 or arr.max() > V - 1:
        return None, tr(
            "your result must hold character indices, whole numbers in 0 … {last}; got {first_five} …"
        ).format(last=V - 1, first_five=arr[:5])
    return arr.astype(np.int64), None


def _run_sampler(fn, blocks, tau):
    """The learner's draws for every block (its row repeated GRID times, with the grid of u): ((K, GRID) or None,
    Feedback or None)."""
    logits = np.repeat(blocks, GRID, axis=0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        # read-only: `logits /= temperature` would change the caller's logits (it is named)
        result, fb = run_learner(SAMPLE, fn, read_only(logits), tau, read_only(np.tile(_u_grid(), len(blocks))))
    if fb is not None:
        return None, fb
    draws, problem = _as_indices(result, len(logits), blocks.shape[1])
    return (None, problem) if problem is not None else (draws.reshape(len(blocks), GRID), None)


def _frequencies(draws, V):
    return np.bincount(draws, minlength=V) / GRID


def _same(draws, wanted, V) -> bool:
    """The same draws, or the same distribution cut up in another order of the characters (also right)."""
    return (
        np.array_equal(draws, wanted) or np.max(np.abs(_frequencies(draws, V) - _frequencies(wanted, V))) <= 1.5 / GRID
    )


def _blocks_right(draws, blocks, tau):
    """Which blocks (row distributions) are drawn right, a bool per block."""
    V = blocks.shape[1]
    return np.array([_same(d, _expected(z, tau), V) for d, z in zip(draws, blocks)])


@guarded(SAMPLE)
def check_sample_characters(fn) -> Feedback:
    """Check ``fn(logits, temperature, u) -> indices`` at τ = 1, 0.5, 2, then τ = 0, then with one row block of
    logits near 1000 among moderate ones.  The rows come in four blocks with different distributions."""
    if not callable(fn):
        return Feedback(SAMPLE, "wrong", [tr("Pass your function itself, got {name}.").format(name=type(fn).__name__)])
    V = BLOCKS.shape[1]
    for tau in TEMPERATURES:
        draws, problem = _run_sampler(fn, BLOCKS, tau)
        if isinstance(problem, Feedback):
            return problem
        if problem is not None:
            return Feedback(SAMPLE, "wrong", [tr("At τ = {tau}: {problem}").format(tau=tau, problem=problem)])
        right = _blocks_right(draws, BLOCKS, tau)
        if right.all():
            continue
        for name, (wrong, advice) in _sample_mistakes(BLOCKS, tau).items():
            if all(_same(d, w, V) for d, w in zip(draws, wrong)):
                return Feedback(SAMPLE, "wrong", [tr("At τ = {tau}: this is exactly what the mistake '{name}' gives.").format(tau=tau, name=tr(name)),
                                                  advice], name)  # fmt: skip
        switches = np.count_nonzero(np.diff(draws, axis=1), axis=1)  # along the sorted grid of u
        if switches.max() > 2 * V:  # an inverse CDF switches at most V − 1 times in a block
            return Feedback(
                SAMPLE,
                "wrong",
                [
                    tr(
                        "At τ = {tau}: the mistake '{name}'. The u of each block rise steadily from 0 to 1, so "
                        "the inverse CDF draws one character, then the next, {most} switches at most; your "
                        "draws switch up to {switches} times, as random draws do."
                    ).format(tau=tau, name=tr(U_IGNORED), most=V - 1, switches=int(switches.max())),
                    tr(
                        "Use the u you are given (the checker's uniform numbers): the first index whose "
                        "cumulative probability exceeds u[n], not np.random.choice."
                    ),
                ],
                U_IGNORED,
            )
        k = int(np.argmin(right))
        freq, want = _frequencies(draws[k], V), _frequencies(_expected(BLOCKS[k], tau), V)
        return Feedback(
            SAMPLE,
            "wrong",
            [
                tr(
                    "At τ = {tau}, for the rows with logits {logits} your function draws the characters with "
                    "frequencies {yours} over a fine grid of u; softmax(z / τ) gives {expected}."
                ).format(
                    tau=tau,
                    logits=BLOCKS[k].tolist(),
                    yours=np.round(freq, 3).tolist(),
                    expected=np.round(want, 3).tolist(),
                ),
            ],
        )
    draws, problem = _run_sampler(fn, BLOCKS, 0.0)
    if isinstance(problem, Feedback):
        if problem.status != "wrong":
            return problem
        return Feedback(SAMPLE, "wrong", [tr("The mistake '{mistake}':").format(mistake=tr(TAU_ZERO)),
                                          tr("At τ = 0 your function failed:"), *problem.messages,
                                          tr("τ = 0 means: always the most likely character, np.argmax(z).")], TAU_ZERO)  # fmt: skip
    if problem is not None or not _blocks_right(draws, BLOCKS, 0.0).all():
        return Feedback(
            SAMPLE,
            "wrong",
            [
                tr("The mistake '{mistake}':").format(mistake=tr(TAU_ZERO)),
                tr("At τ = 0: {problem}.").format(problem=problem)
                if problem
                else tr("At τ = 0: not always the most likely character."),
                tr("z / 0 is not a number: treat τ = 0 apart, as the limit τ → 0, the argmax of z."),
            ],  # fmt: skip
            TAU_ZERO,
        )
    mixed = BLOCKS.copy()
    mixed[1] += BIG  # logits near 1000 in one block, moderate ones in the others
    draws, problem = _run_sampler(fn, mixed, 0.5)
    right = np.zeros(len(mixed), bool) if problem is not None else _blocks_right(draws, mixed, 0.5)
    if right.all():
        return Feedback(SAMPLE, "correct")
    if right[1]:
        return Feedback(
            SAMPLE,
            "wrong",
            [
                tr(
                    "The mistake '{global_shift}': right when every row has moderate logits, but when one "
                    "block of rows has logits near 1000 the other rows come out wrong. Subtracting the whole "
                    "batch's largest logit puts their exponents below −745, where exp gives exactly 0 (then 0 "
                    "/ 0)."
                ).format(global_shift=tr(GLOBAL_SHIFT)),
                tr("Shift each row by its own maximum: z - z.max(axis=1, keepdims=True)."),
            ],
            GLOBAL_SHIFT,
        )
    return Feedback(
        SAMPLE,
        "wrong",
        [
            tr("The mistake '{mistake}':").format(mistake=tr(NO_SHIFT)),
            tr(
                "Right for moderate logits, but not for rows with logits near 1000 at τ = 0.5: exp(2000) "
                "overflows to inf."
            ),
            tr("Subtract each row's largest z / τ before exp (notebook 16): softmax is unchanged, nothing overflows."),
        ],
        NO_SHIFT,
    )
