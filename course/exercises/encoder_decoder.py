"""Checkers for notebook 21: the encoder–decoder's teacher-forcing shift, its masked loss and the bridge gradient.

Tokens as in ``rnn_lib.data.reversal_task``: PAD = 0, BOS = 1, EOS = 2, digits from 3; targets tgt (T, B), each
column the answer's tokens, EOS, then PAD.

1. ``decoder_inputs(tgt)`` → (T, B) int: what the decoder reads under teacher forcing, BOS at step 1 and y_{t−1}
   at step t.  Only the steps whose target is not PAD are compared (what the decoder reads after its EOS has no
   loss).  Named: no shift, shifted the wrong way, BOS missing, BOS in place of y_1, float tokens, tgt written
   into (passed read-only), np.roll without BOS, a shift along the batch axis, EOS in place of BOS.
2. ``masked_loss(logits, tgt)`` → (loss, dlogits): the mean over sequences of the summed cross-entropy up to and
   including each EOS, dlogits (T, B, V) zero at PAD steps (``rnn_lib.seq2seq.loss``).  Named: PAD counted, mean
   per token, sum over sequences, mean over every step, EOS left out, the gradient not masked, the sign,
   divided by T, each sequence's mean, the gradient at the target only, the PAD class masked, (dlogits, loss)
   returned, and lengths from np.argmax(tgt == PAD), 0 for the string that fills all T steps.
3. ``bridge_gradient(dg0, lengths, S)`` → (S, B, H): ∂L/∂h^e_s for the encoder's states when its only output is
   the bridge g_0 = h^e_{len_b}: dg0[b] at row lengths[b] − 1 of column b, zero elsewhere.  Named: dropped, at the
   last row whatever the length, a step late or early, copied to every (real) step, rows indexed without np.arange(B),
   counted from the end, at the longest string's step, at row 0.
"""

from __future__ import annotations

import numpy as np

from rnn_lib.data import BOS, EOS, PAD
from rnn_lib.seq2seq import loss as seq2seq_loss

from ..i18n import N_, tr
from ._feedback import (
    Feedback,
    as_real_array,
    combine,
    confirmed,
    diagnose,
    guarded,
    read_only,
    run_learner,
    split_pair,
)

INPUTS_EXERCISE, LOSS_EXERCISE, BRIDGE_EXERCISE = "decoder_inputs", "masked_loss", "bridge_gradient"

# decoder_inputs
NO_SHIFT = N_("no shift: the decoder reads the token it must predict")
WRONG_WAY = N_("shifted the wrong way")
NO_BOS = N_("BOS missing")
BOS_REPLACES_Y1 = N_("BOS in place of y_1")
FLOAT_TOKENS = N_("float tokens")
ROLLED = N_("np.roll without BOS (the last row wraps round)")
BATCH_AXIS = N_("shifted along the batch axis")
EOS_FOR_BOS = N_("EOS in place of BOS")
# masked_loss
PAD_COUNTED = N_("PAD steps counted")
PER_TOKEN = N_("mean per token, not per sequence")
SUM_OVER_SEQUENCES = N_("sum over sequences, not the mean")
MEAN_EVERY_STEP = N_("mean over every step")
NO_EOS = N_("EOS left out of the loss")
SIGN = N_("gradient sign flipped")
DIVIDED_BY_T = N_("divided by T, not B")
MEAN_PER_SEQUENCE = N_("each sequence's mean, not its sum")
TARGET_ONLY = N_("gradient at the target class only")
PAD_CLASS = N_("the PAD class masked, not the PAD steps")
LOSS_PAIR_SWAPPED = N_("returned (dlogits, loss)")
MASKED_AT_EOS = N_("masked where tgt == EOS, not where tgt == PAD")
ARGMAX_LENGTH = N_("length 0 for a string without PAD (np.argmax of a column with no PAD)")
# bridge_gradient
DROPPED = N_("bridge gradient dropped")
LAST_ROW = N_("at row S whatever the length")
LATE = N_("one step late")
EARLY = N_("one step early")
EVERY_STEP = N_("copied to every step")
EVERY_REAL_STEP = N_("copied to every real step")
NO_ARANGE = N_("rows indexed without np.arange(B)")
FROM_END = N_("counted from the end (row S − len)")
LONGEST = N_("at the longest string's last step")
FIRST_ROW = N_("at row 0, the first step")


# ---------------------------------------------------------------------------
# 1. decoder_inputs
# ---------------------------------------------------------------------------


def inputs_data():
    """Targets of four strings of lengths 4, 1, 2, 3 (T = 5, B = 4): every column's EOS at its own step.

    The reversed digits of 2795, 4, 61 and 830 (token = digit + 3): no two neighbouring steps of a column agree, so
    every shift shows."""
    digits = ["5972", "4", "16", "038"]
    tgt = np.full((5, 4), PAD)
    for b, d in enumerate(digits):
        tgt[: len(d), b] = [int(c) + 3 for c in d]
        tgt[len(d), b] = EOS
    return tgt


def decoder_inputs(tgt):
    """The right answer: BOS, then the targets one step late (time-major)."""
    return np.concatenate([np.full((1, tgt.shape[1]), BOS), tgt[:-1]])


def _inputs_mistakes(tgt):
    B = tgt.shape[1]
    return {
        NO_SHIFT: (
            tgt,
            tr(
                "At step t the decoder predicts y_t, so it must not read it: it reads y_{t−1} (BOS at t = "
                "1). Fed y_t itself, training is copying, and free running has nothing to copy."
            ),
        ),
        WRONG_WAY: (
            np.concatenate([tgt[1:], np.full((1, B), PAD)]),
            tr(
                "That feeds y_{t+1}, the token after the one to predict. Shift the other way: row t − 1 "
                "holds y_{t−1}, with BOS in row 0: np.concatenate([BOS row, tgt[:-1]])."
            ),
        ),
        NO_BOS: (
            np.concatenate([np.full((1, B), PAD), tgt[:-1]]),
            tr(
                "The first input is BOS (token {bos}), which tells the decoder to begin; PAD ({pad}) means "
                "'nothing here' and the model never trains on reading it at step 1."
            ).format(bos=BOS, pad=PAD),
        ),
        ROLLED: (
            np.roll(tgt, 1, axis=0),
            tr(
                "np.roll(tgt, 1, axis=0) moves the last row of targets round to the first: row 0 must be BOS "
                "(token {bos}). Set it after rolling, or build np.concatenate([BOS row, tgt[:-1]])."
            ).format(bos=BOS),
        ),
        BATCH_AXIS: (
            np.concatenate([np.full((tgt.shape[0], 1), BOS), tgt[:, :-1]], axis=1),
            tr(
                "Arrays are time-major: tgt is (T, B), one column per string. Shift along axis 0, the steps "
                "(a BOS row on top), not along the strings."
            ),
        ),
        EOS_FOR_BOS: (
            np.concatenate([np.full((1, B), EOS), tgt[:-1]]),
            tr(
                "The first input is BOS (token {bos}), 'begin'; EOS ({eos}) is what the decoder predicts to say 'stop'."
            ).format(bos=BOS, eos=EOS),
        ),
        BOS_REPLACES_Y1: (
            np.concatenate([np.full((1, B), BOS), tgt[1:]]),
            tr(
                "BOS is added in front, not written over y_1: the inputs are BOS, y_1, …, y_{T−1} "
                "(tgt[:-1], the last target dropped), so that at step t the decoder has read y_{t−1}."
            ),
        ),
    }


def _masked(tokens, keep):
    return np.where(keep, tokens, PAD)


@guarded(INPUTS_EXERCISE)
def check_decoder_inputs(fn) -> Feedback:
    """Check ``fn(tgt) -> inputs`` (T, B) int: BOS, then tgt[:-1], compared where the target is not PAD."""
    tgt = inputs_data()
    answer, not_written = run_learner(INPUTS_EXERCISE, fn, read_only(tgt))  # shifting tgt in place is named
    if not_written:
        return not_written
    returned = answer  # before the steps that are not compared are blanked out
    keep = tgt != PAD  # what the decoder reads after its EOS has no target, no loss: not compared
    arr, problem = as_real_array(answer, tr("your inputs"))
    kind = np.asarray(answer).dtype.kind if problem is None else None  # readable: as_real_array said so
    if problem is None and arr.shape == tgt.shape:
        answer = _masked(arr, keep)
    mistakes = {name: (_masked(value, keep), advice) for name, (value, advice) in _inputs_mistakes(tgt).items()}
    fb = diagnose(
        INPUTS_EXERCISE,
        answer,
        _masked(decoder_inputs(tgt), keep),
        name=tr("your inputs"),
        known_mistakes=mistakes,
        time_axis=0,
    )
    if not fb.passed:
        if fb.mistake is None and problem is None and arr.shape == tgt.shape:
            fb.messages.append(
                tr(
                    "Only the steps whose target is not PAD are compared: what the decoder reads after its EOS "
                    "has no loss."
                )
            )
        return fb
    if kind not in ("i", "u"):
        return Feedback(
            INPUTS_EXERCISE,
            "wrong",
            [
                tr(
                    "The mistake '{float_tokens}': the values are right, but they are floats, and tokens are "
                    "integers (they index the one-hot rows). Build the array from tgt's own dtype, e.g. "
                    "np.full((1, B), BOS) and tgt[:-1], or np.zeros(..., dtype=int)."
                ).format(float_tokens=tr(FLOAT_TOKENS)),
            ],
            FLOAT_TOKENS,
        )
    return confirmed(fb, INPUTS_EXERCISE, fn, (tgt,), returned)


# ---------------------------------------------------------------------------
# 2. masked_loss
# ---------------------------------------------------------------------------


def loss_data():
    """Logits (T = 5, B = 3, V = 7) ~ N(0, 1.5²) and targets of lengths 4, 2, 1 (PAD after each EOS).

    The last class, 6, is never a target: V must be read from the logits (a V taken as tgt.max() + 1 is 6).
    """
    rng = np.random.default_rng(210)
    tgt = np.array([[5, 4, 3], [3, 5, EOS], [4, EOS, PAD], [3, PAD, PAD], [EOS, PAD, PAD]])
    return 1.5 * rng.standard_normal((5, 3, 7)), tgt


def _cross_entropy(logits, tgt):
    """−log softmax(z_{t,b})[y_{t,b}] (T, B), and p − onehot (T, B, V), at every step."""
    z = logits - logits.max(axis=-1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    ce = -np.log(np.take_along_axis(p, tgt[..., None], axis=-1))[..., 0]
    return ce, p - np.eye(logits.shape[-1])[tgt]


def _loss_mistakes(logits, tgt):
    """Name → ((loss, dlogits) that mistake gives, advice for the loss, advice for dlogits)."""
    ce, g = _cross_entropy(logits, tgt)
    T, B = tgt.shape
    keep, no_eos = tgt != PAD, (tgt != PAD) & (tgt != EOS)
    n_real = keep.sum()

    def masked(k, divide):
        return float(np.sum(ce * k)) / divide, g * k[..., None] / divide

    lengths = keep.sum(axis=0)
    pad_class = g * 1.0 / B
    pad_class[..., PAD] = 0.0
    first_pad = np.arange(T)[:, None] < np.argmax(tgt == PAD, axis=0)  # 0 where a column has no PAD
    return {
        ARGMAX_LENGTH: (
            masked(first_pad, B),
            tr(
                "A string that fills all T steps has no PAD, and np.argmax(tgt == PAD, axis=0) of a column with no "
                "True is 0: that string got length 0 and left the loss. Mask with keep = tgt != PAD itself, or "
                "count the real steps, (tgt != PAD).sum(axis=0)."
            ),
            tr("dlogits is (p − onehot) / B at every real step, those of a string with no PAD too: keep = tgt != PAD."),
        ),
        MASKED_AT_EOS: (
            masked(tgt != EOS, B),
            tr(
                "The steps to leave out are the padding, tgt == PAD ({pad}); EOS ({eos}) is a target the model "
                "must learn: keep = tgt != PAD."
            ).format(pad=PAD, eos=EOS),
            tr("dlogits is 0 at the PAD steps and (p − onehot) / B at every other step, the EOS steps included."),
        ),
        DIVIDED_BY_T: (
            masked(keep, T),
            tr("The mean is over the B sequences (tgt.shape[1]), not the T steps (tgt.shape[0])."),
            tr("Divide by B = tgt.shape[1], the number of sequences, not by T."),
        ),
        MEAN_PER_SEQUENCE: (
            (float(np.mean(np.sum(ce * keep, axis=0) / lengths)), g * keep[..., None] / (B * lengths[:, None])),
            tr(
                "Each sequence's loss is the SUM of its steps' cross-entropies (up to EOS), and the loss the "
                "mean of those over the B sequences: divide by B only, not by each string's length."
            ),
            tr("With the loss a mean over sequences of each one's sum, dlogits is (p − onehot) / B at the real steps."),
        ),
        TARGET_ONLY: (
            (float(np.sum(ce * keep)) / B, np.where(np.eye(logits.shape[-1])[tgt] > 0, g, 0.0) * keep[..., None] / B),
            "",
            tr(
                "Every class's logit moves the loss: ∂L/∂z_j = (p_j − [j = y]) / B, so the classes that are "
                "not the target get p_j / B, not 0."
            ),
        ),
        PAD_CLASS: (
            (float(np.sum(ce * keep)) / B, pad_class),
            "",
            tr(
                "The mask is over the steps, not the classes: dlogits[t, b] is 0 for every class where "
                "tgt[t, b] == PAD (keep[..., None]), and left alone (the PAD class included) at real steps."
            ),
        ),
        PAD_COUNTED: (
            masked(np.ones_like(keep), B),
            tr("PAD steps are not part of any answer: sum −log p only where tgt != PAD (each string up to its EOS)."),
            tr("dlogits must be 0 at PAD steps: they are not in the loss, so nothing may flow back from them."),
        ),
        PER_TOKEN: (
            masked(keep, n_real),
            tr(
                "Divide by the number of sequences B, not of real tokens: the course's objective is the "
                "mean loss per sequence (so a long string weighs more than a short one, as it holds more "
                "to get right)."
            ),
            tr("Divide by B, the number of sequences, not by the number of real tokens."),
        ),
        SUM_OVER_SEQUENCES: (
            masked(keep, 1),
            tr("The loss is the mean over the B sequences of each one's summed cross-entropy: divide by B."),
            tr("The gradient of a mean over B sequences carries the 1/B: (p − onehot) / B."),
        ),
        MEAN_EVERY_STEP: (
            (float(np.mean(ce)), g / (T * B)),
            tr(
                "np.mean over all T·B steps counts PAD steps and divides by the wrong number: sum where "
                "tgt != PAD, then divide by B."
            ),
            tr("Mask the PAD steps to 0 and divide by B, not by T·B."),
        ),
        NO_EOS: (
            masked(no_eos, B),
            tr(
                "EOS is a target like the digits: a model that never learns to stop is wrong. Keep every "
                "step up to and including EOS (tgt != PAD), not only the digits."
            ),
            tr("The EOS step is in the loss, so its dlogits is (p − onehot(EOS)) / B, not 0."),
        ),
    }


@guarded(LOSS_EXERCISE)
def check_masked_loss(fn) -> Feedback:
    """Check ``fn(logits, tgt) -> (loss, dlogits)``: mean per sequence, up to each EOS, PAD masked."""
    logits, tgt = loss_data()
    result, not_written = run_learner(LOSS_EXERCISE, fn, read_only(logits), read_only(tgt))
    if not_written:
        return not_written
    bad_return = split_pair(LOSS_EXERCISE, result, ("loss", "dlogits"))
    if bad_return:
        return bad_return
    loss, dlogits = result
    if np.ndim(loss) == logits.ndim and np.ndim(dlogits) == 0:
        return Feedback(
            LOSS_EXERCISE,
            "wrong",
            [
                tr(
                    "The mistake '{swapped}': the first value you returned is an array like the logits and the "
                    "second a single number. Return the loss first: `return loss, dlogits`."
                ).format(swapped=tr(LOSS_PAIR_SWAPPED))
            ],
            LOSS_PAIR_SWAPPED,
        )
    L, grad = seq2seq_loss(logits, tgt)
    mistakes = _loss_mistakes(logits, tgt)
    loss_mistakes = {k: (v[0], a) for k, (v, a, _) in mistakes.items() if not np.isclose(v[0], L, rtol=1e-9)}
    loss_fb = diagnose(LOSS_EXERCISE, loss, L, name="loss", known_mistakes=loss_mistakes, float64=True)
    if not loss_fb.passed and np.size(loss) > 1:
        loss_fb.messages.append(tr("The loss is one number: the mean over sequences of each one's sum."))
    grad_mistakes = {k: (v[1], a) for k, (v, _, a) in mistakes.items()}
    grad_mistakes[SIGN] = (-grad, tr("∂L/∂z = (p − onehot) / B at the real steps: prediction minus target."))
    grad_fb = diagnose(
        LOSS_EXERCISE, dlogits, grad, name="dlogits", known_mistakes=grad_mistakes, time_axis=0, float64=True
    )
    fb = combine(LOSS_EXERCISE, {"loss": loss_fb, "dlogits": grad_fb})
    return confirmed(fb, LOSS_EXERCISE, fn, (logits, tgt), result)


# ---------------------------------------------------------------------------
# 3. bridge_gradient
# ---------------------------------------------------------------------------


def bridge_data():
    """dg0 (B = 4, H = 3) ~ N(0, 1), lengths (3, 1, 5, 2), S = 6: no sequence fills the padded source."""
    rng = np.random.default_rng(2121)
    return rng.standard_normal((4, 3)), np.array([3, 1, 5, 2]), 6


def bridge_gradient(dg0, lengths, S):
    """The right answer: dg0[b] at row lengths[b] − 1 of column b (step len_b), zero everywhere else."""
    B, H = dg0.shape
    denc = np.zeros((S, B, H))
    denc[lengths - 1, np.arange(B)] = dg0
    return denc


def _bridge_mistakes(dg0, lengths, S):
    B, H = dg0.shape
    real = (np.arange(S)[:, None] < lengths)[..., None]  # (S, B, 1): the steps of each string
    late, early, no_arange = np.zeros((S, B, H)), np.zeros((S, B, H)), np.zeros((S, B, H))
    late[lengths, np.arange(B)] = dg0
    early[lengths - 2, np.arange(B)] = dg0  # a string of length 1 wraps round to the last row, as numpy does
    no_arange[lengths - 1] = dg0
    last = np.zeros((S, B, H))
    last[S - 1] = dg0
    from_end, longest, first = np.zeros((S, B, H)), np.zeros((S, B, H)), np.zeros((S, B, H))
    from_end[S - lengths, np.arange(B)] = dg0
    longest[lengths.max() - 1] = dg0
    first[0] = dg0
    return {
        DROPPED: (
            np.zeros((S, B, H)),
            tr(
                "All zeros: the encoder would never learn. Without attention the decoder starts from g_0 = "
                "h^e_{len}, so ∂L/∂g_0 is the encoder's whole gradient: put dg0 at the last real step of "
                "each string."
            ),
        ),
        LAST_ROW: (
            last,
            tr(
                "Row S − 1 is step S, which is padding for every shorter string: its state is not the one "
                "the decoder starts from. Put dg0[b] at row lengths[b] − 1 (step len_b, the last digit of "
                "string b)."
            ),
        ),
        LATE: (
            late,
            tr(
                "Row lengths[b] is the step after the last digit (its first PAD). Rows count from step 1: "
                "step len_b is row lengths[b] − 1."
            ),
        ),
        EARLY: (
            early,
            tr(
                "One row too early: step len_b, the last digit, is row lengths[b] − 1 (and a string of "
                "length 1 wrapped round to the last row)."
            ),
        ),
        EVERY_STEP: (
            np.broadcast_to(dg0, (S, B, H)).copy(),
            tr(
                "Only one state of the encoder is used, g_0 = h^e_{len}: the other steps get no direct "
                "gradient (BPTT through the encoder carries dg0 back to them)."
            ),
        ),
        EVERY_REAL_STEP: (
            np.broadcast_to(dg0, (S, B, H)) * real,
            tr(
                "Only the last real step's state is the decoder's start; the earlier steps get their "
                "gradient through the encoder's own backward pass, not from dg0 directly."
            ),
        ),
        FROM_END: (
            from_end,
            tr(
                "The strings start at row 0 and are padded at the end: step len_b is row lengths[b] − 1, "
                "counted from the top, not S − lengths[b] (that holds for padding at the start)."
            ),
        ),
        LONGEST: (
            longest,
            tr(
                "Each string ends at a step of its own: dg0[b] goes to row lengths[b] − 1 of column b, not to "
                "the longest string's last step."
            ),
        ),
        FIRST_ROW: (
            first,
            tr(
                "Row 0 is step 1, the first digit read. The decoder starts from the state after the LAST "
                "digit: row lengths[b] − 1 of column b."
            ),
        ),
        NO_ARANGE: (
            no_arange,
            tr(
                "denc[lengths - 1] = dg0 picks whole rows, (B, B, H), and writes all of dg0 into each: "
                "every chosen step gets every string's gradient. Pair each row with its column: "
                "denc[lengths - 1, np.arange(B)]."
            ),
        ),
    }


@guarded(BRIDGE_EXERCISE)
def check_bridge_gradient(fn) -> Feedback:
    """Check ``fn(dg0, lengths, S) -> denc`` (S, B, H): dg0[b] at row lengths[b] − 1 of column b, else 0."""
    dg0, lengths, S = bridge_data()
    answer, not_written = run_learner(BRIDGE_EXERCISE, fn, read_only(dg0), read_only(lengths), S)
    if not_written:
        return not_written
    fb = diagnose(
        BRIDGE_EXERCISE,
        answer,
        bridge_gradient(dg0, lengths, S),
        name="denc",
        known_mistakes=_bridge_mistakes(dg0, lengths, S),
        time_axis=0,
        float64=True,
    )
    return confirmed(fb, BRIDGE_EXERCISE, fn, (dg0, lengths, S), answer)
