"""The long-lag comparison of notebook 15: eight networks, three tasks, one training protocol.

The stored sweeps (``experiments/long_lags_search.py``, ``long_lags_memory.py``, ``long_lags_budget.py``,
``long_lags_reach.py``, ``long_lags_latch.py``) and the notebook's live slice all build their runs here, so they
cannot drift apart.  The eight networks, for D = 2 inputs and O = 1 output::

    variant       cell   H    parameters   at the start
    tanh_random   RNN    64   4353         W_xh ~ N(0, 1/D), W_hh ~ N(0, 1/H) (spectral radius ≈ 1), W_hy ~ N(0, 1/H)
    tanh_orth     RNN    64   4353         the same draws, W_hh replaced by a random orthogonal matrix
    irnn          IRNN   64   4353         ReLU units, W_hh = I, other weights ~ N(0, 0.001²) (Le et al. 2015)
    lstm_fb0      LSTM   31   4372         PyTorch's U(−1/√H, 1/√H) weights, forget-gate bias 0
    lstm_fb1      LSTM   31   4372         the same draws, forget-gate bias 1
    lstm_fb3      LSTM   31   4372         the same draws, forget-gate bias 3
    gru           GRU    36   4357         PyTorch's U(−1/√H, 1/√H) weights
    gru_bz3       GRU    36   4357         the same draws, update-gate bias 3

The hidden sizes make the parameter counts agree within 0.5 % (the LSTM's count includes both bias vectors, as
PyTorch's does), so no network wins by having more weights.  Every network starts with b_y at the task's mean
target, i.e. at the constant-prediction baseline, and with zero hidden biases except the gate biases named.

The gate biases sit in the gate's block of ``b_ih`` (``b_hh`` stays zero; only their sum acts): the LSTM's
forget gate is block f, rows H … 2H − 1 of the blocks i, f, g, o, so f_t ≈ σ(b) at the start (0.5, 0.73, 0.95 for
b = 0, 1, 3); the GRU's update gate is block z, rows H … 2H − 1 of the blocks r, z, n, and since
h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}, a bias of 3 makes every unit keep σ(3) ≈ 0.95 of its state per step at the
start instead of σ(0) = 0.5.

Training (:func:`training_run`): Adam, batches of 16 sequences drawn fresh for every update (no sequence is seen
twice), gradient clipping by global norm at 1, loss at the last step only.  The validation MSE, divided by the
baseline's, is measured on 256 held-out sequences: 1 means "learned nothing", 0 a perfect answer.
"""

from __future__ import annotations

import numpy as np

from rnn_lib import cells, data, gru, irnn, lstm
from rnn_lib.functional import init_params
from rnn_lib.optim import Adam
from rnn_lib.training import TrainingDiverged, evaluate, train
from rnn_lib.validation import as_generator, check_clip, check_integer, check_positive, check_size

VARIANTS = {  # name → (cell, hidden size H)
    "tanh_random": (cells.RNN, 64),
    "tanh_orth": (cells.RNN, 64),
    "irnn": (cells.IRNN, 64),
    "lstm_fb0": (cells.LSTM, 31),
    "lstm_fb1": (cells.LSTM, 31),
    "lstm_fb3": (cells.LSTM, 31),
    "gru": (cells.GRU, 36),
    "gru_bz3": (cells.GRU, 36),
}
FORGET_BIAS = {"lstm_fb0": 0.0, "lstm_fb1": 1.0, "lstm_fb3": 3.0}
UPDATE_BIAS = {"gru": 0.0, "gru_bz3": 3.0}


def remember_random(n_sequences, T, *, rng):
    """The memory task with the sign at a random step 2 … ⌊T/2⌋ (:func:`rnn_lib.data.remember_at`)."""
    return data.remember_at(n_sequences, T, step=None, rng=rng)


def remember_noise(n_sequences, T, *, rng):
    """The control of the latching task: remember_first's inputs, but targets that are independent random signs.

    Nothing in the inputs predicts the target, so no training can beat the baseline; whatever the network's state
    comes to hold about the first sign, it holds without having been asked to.
    """
    g = as_generator(rng)
    x, _ = data.remember_first(n_sequences, T, rng=g)
    return x, g.choice([-1.0, 1.0], size=(n_sequences, 1))


# name → (the data function, the best constant prediction (the mean target), its mean squared error)
TASKS = {
    "adding": (data.adding_problem, 1.0, 1.0 / 6.0),
    "remember": (data.remember_first, 0.0, 1.0),
    "remember_random": (remember_random, 0.0, 1.0),
    "remember_noise": (remember_noise, 0.0, 1.0),
}
BATCH_SIZE, N_VALIDATION, CLIP = 16, 256, ("norm", 1.0)
SOLVED = 0.1  # a run has solved its task at the first measurement with mse_ratio ≤ 0.1 (90 % of the variance)


def _check_choice(value, known: dict, name: str) -> str:
    """One of the names in ``known`` (a str), or a TypeError/ValueError listing them."""
    if not isinstance(value, str) or value not in known:
        error = ValueError if isinstance(value, str) else TypeError
        raise error(f"{name} must be one of {', '.join(map(repr, known))}, got {value!r}")
    return value


def network(variant, seed, task, D=2, O=1, *, H=None, recurrent_scale=1.0):
    """The parameters of one variant, drawn from ``np.random.default_rng(seed)``, and its cell: ``(params, cell)``.

    variant: a name in VARIANTS; seed: a non-negative int; task: a name in TASKS; D, O: positive sizes.  For the
    ledger of arbitrary choices (experiments/long_lags_*_choices.py): H, another hidden size than the variant's
    (None: VARIANTS'), and recurrent_scale, a factor on W_hh after it is drawn (1: as drawn).
    """
    cell, default_H = VARIANTS[_check_choice(variant, VARIANTS, "variant")]
    seed, task = check_integer(seed, "seed"), _check_choice(task, TASKS, "task")
    D, O = check_size(D, "D"), check_size(O, "O")
    H = default_H if H is None else check_size(H, "H")
    recurrent_scale = check_positive(recurrent_scale, "recurrent_scale")
    rng = np.random.default_rng(seed)
    if cell is cells.RNN:
        params = init_params(D, H, O, rng=rng, scale=1.0)
        params["W_xh"] /= np.sqrt(D)  # N(0, 1/fan-in) for each weight matrix
        params["W_hh"] /= np.sqrt(H)
        params["W_hy"] /= np.sqrt(H)
        if variant == "tanh_orth":
            q, r = np.linalg.qr(params["W_hh"])
            params["W_hh"] = q * np.sign(np.diag(r))  # the signs make Q uniformly distributed (Haar)
    elif cell is cells.IRNN:
        params = irnn.init_params(D, H, O, rng=rng)
    elif cell is cells.LSTM:
        params = lstm.init_params(D, H, O, rng=rng, forget_bias=FORGET_BIAS[variant])
    else:
        params = gru.init_params(D, H, O, rng=rng)
        params["b_ih"][H : 2 * H] = UPDATE_BIAS[variant]  # the z block: z_t ≈ σ(b), the share of h_{t−1} kept
    if recurrent_scale != 1.0:
        params["W_hh"] *= recurrent_scale
    params["b_y"][:] = TASKS[task][1]  # start at the baseline's answer
    return params, cell


def mse_ratio(params, cell, x, y, task) -> float:
    """Validation MSE divided by the baseline's: 1 = no better than the best constant, 0 = perfect."""
    baseline_mse = TASKS[_check_choice(task, TASKS, "task")][2]  # checked before the network runs
    return 2 * evaluate(params, x, y, cell=cell) / baseline_mse  # the loss has the ½, the MSE does not


def training_run(
    variant,
    task,
    T,
    seed,
    *,
    lr,
    updates,
    every=100,
    batch=BATCH_SIZE,
    input_scale=1.0,
    clip=CLIP,
    H=None,
    recurrent_scale=1.0,
):
    """Train one network on one task; yield ``(update, params, cell, x_val, y_val)`` at update 0 and every ``every``.

    The network is :func:`network` (variant, seed); the training sequences come from
    ``np.random.default_rng(1000 + seed)``, ``every`` batches at a time; the 256 validation sequences from
    rng 2000 + seed.  ``updates`` must be a multiple of ``every`` (0 included: update 0 only), so that the last
    value is update ``updates``.  A run stopped early (fewer ``updates``) yields the same values as the full run
    up to there.  A run that diverges (``TrainingDiverged``: a non-finite loss, gradient or parameter) ends
    there: the caller sees fewer values than it asked for.  Every argument is checked by this call, before the
    first value is asked for.

    The protocol's other choices, for the ledger of arbitrary choices (experiments/long_lags_*_choices.py), default
    as above: ``batch`` (sequences per update), ``input_scale`` (a factor on every input, training and validation;
    the targets stay ±1), ``clip`` (as ``rnn_lib.train`` takes it; None: no clipping), and :func:`network`'s ``H``
    and ``recurrent_scale``.
    """
    every = check_size(every, "every")
    updates = check_integer(updates, "updates")
    if updates % every:
        raise ValueError(
            f"updates must be a multiple of every = {every} (the run yields every {every} updates), got {updates}"
        )
    batch, input_scale = check_size(batch, "batch"), check_positive(input_scale, "input_scale")
    clip = check_clip(clip)
    params, cell = network(variant, seed, task, H=H, recurrent_scale=recurrent_scale)
    make, _, _ = TASKS[task]
    x_val, y_val = make(N_VALIDATION, T, rng=2000 + seed)
    if input_scale != 1.0:
        x_val = input_scale * x_val
    optimizer = Adam(params, lr=lr)
    stream = np.random.default_rng(1000 + seed)

    def run():  # a generator inside: the checks above run at the call, not at the first next()
        yield 0, params, cell, x_val, y_val
        for done in range(every, updates + 1, every):
            x, y = make(every * batch, T, rng=stream)
            if input_scale != 1.0:
                x = input_scale * x
            try:
                train(
                    params,
                    x,
                    y,
                    epochs=1,
                    batch_size=batch,
                    optimizer=optimizer,
                    clip=clip,
                    shuffle=False,
                    cell=cell,
                    progress=False,
                )
            except TrainingDiverged:
                return
            yield done, params, cell, x_val, y_val

    return run()


def first_sign_readout(params, cell, x, sign) -> float:
    """How well a linear read-out of the last state h_T recovers a sign: its accuracy on held-out sequences.

    x (T, B, 2) and sign (B, 1): sequences and the sign to recover (B even, at least 4).  A least-squares read-out
    [h_T, 1] → sign is fitted on the first half of the sequences and scored on the second half: 0.5 is chance,
    1 means the state separates the two signs.  Returns the accuracy, a float in [0, 1].
    """
    B = x.shape[1]
    if B < 4 or B % 2:
        raise ValueError(f"first_sign_readout needs an even number of sequences, at least 4, got B = {B}")
    _, cache = cell.forward(params, x)
    features = np.hstack([cell.last_states(cache)["h0"], np.ones((B, 1))])  # h_T and a constant, (B, H + 1)
    half = B // 2
    weights, *_ = np.linalg.lstsq(features[:half], sign[:half], rcond=None)
    return float(np.mean(np.sign(features[half:] @ weights) == sign[half:]))


def updates_to_solve(ratios, updates) -> int | None:
    """The first update whose mse_ratio is at most SOLVED, or None (not within the run).

    ratios, updates: 1-D sequences of the same length, one measurement each, in order.
    """
    for update, ratio in zip(updates, ratios):
        if ratio <= SOLVED:
            return int(update)
    return None


def choose_learning_rate(runs, budget, every=100) -> float:
    """The learning-rate search's rule: the rate whose pilot runs solved soonest on average.

    runs: {lr: [(updates, ratios), …]}, one pair of 1-D sequences per pilot run (a run may stop when it solved).
    A run that did not solve within ``budget`` updates counts as budget + every; ties go to the smaller mean of
    every measured ratio (a rate that learns early), then to the smaller rate.  Returns the chosen lr.
    """

    def score(lr):
        times, ratios = [], []
        for updates, values in runs[lr]:
            solved = updates_to_solve(values, updates)
            times.append(budget + every if solved is None else solved)
            ratios.extend(values)
        return float(np.mean(times)), float(np.mean(ratios)), lr

    return min(runs, key=score)
