"""Notebook 15: holding one sign over 100 steps (experiments/long_lags_memory.py) and the latching control
(experiments/long_lags_latch.py).

The memory claims read the table "runs" (one row per run: solved_at, the update at which the validation MSE first
fell to 0.1 of the baseline's, 0 if not within the budget) and "lags" (‖∂L_T/∂x_{T−k}‖ at update 0 and at the run's
end).  Every claim names the budget, 300 updates of 16 sequences at T = 100, because most of them are about it.
"""

from . import EVERY, at_least, claim

MEMORY, LATCH, REACH = "long_lags_memory", "long_lags_latch", "long_lags_reach"
BUDGET = "at most 300 updates of 16 sequences, T = 100, Adam at the searched η"
LATCH_BUDGET = "300 updates of 16 sequences, T = 100"


def _solved(tables, task, variant):
    """seed → the update at which the run solved the task, or None."""
    rows = tables["runs"].where(task=task, variant=variant)
    return {r["seed"]: r["solved_at"] or None for r in rows.rows}


def _all_solve(tables, task, variants, within=None):
    """seed → whether every one of ``variants`` solved ``task`` (within ``within`` updates, if given)."""
    per = [_solved(tables, task, v) for v in variants]
    return {s: all(p[s] is not None and (within is None or p[s] <= within) for p in per) for s in sorted(per[0])}


def _none_solve(tables, task, variants):
    per = [_solved(tables, task, v) for v in variants]
    return {s: all(p[s] is None for p in per) for s in sorted(per[0])}


def _reach(tables, task, variant, at_end=False):
    """seed → ‖∂L_T/∂x_1‖ / ‖∂L_T/∂x_T‖ at update 0 (or at the run's last update); 0 where no gradient at all."""
    out = {}
    rows = tables["lags"].where(task=task, variant=variant)
    for seed in rows.values("seed"):
        run = rows.where(seed=seed)
        update = max(run.values("update")) if at_end else 0
        grads = {r["lag"]: r["grad"] for r in run.where(update=update).rows}
        out[seed] = grads[99] / grads[0] if grads[0] > 0 else 0.0
    return out


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=EVERY,
    sentence="with a gate bias of 3 (LSTM forget gate, GRU update gate) both gated networks hold a sign given at a "
    "random step 2-50 until step 100",
)
def biased_gates_remember_anywhere(tables):
    return _all_solve(tables, "remember_random", ("lstm_fb3", "gru_bz3"))


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=EVERY,
    sentence="with a gate bias of 3 both gated networks also solve the latching task (the sign at step 1)",
)
def biased_gates_solve_the_latch(tables):
    return _all_solve(tables, "remember", ("lstm_fb3", "gru_bz3"))


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=EVERY,
    sentence="with forget bias 1 the LSTM does not hold a sign given at a random step within the budget",
)
def default_lstm_fails_within_the_budget(tables):
    return _none_solve(tables, "remember_random", ("lstm_fb1",))


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=EVERY,
    sentence="the vanilla tanh network (orthogonal W_hh) never holds a sign given at a random step 2-50",
)
def vanilla_fails_when_the_sign_comes_later(tables):
    return _none_solve(tables, "remember_random", ("tanh_orth",))


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=at_least(0.8),
    sentence="the vanilla tanh network solves the latching task (the sign at step 1) in most seeds",
)
def vanilla_latches_the_first_sign(tables):
    return {s: t is not None for s, t in _solved(tables, "remember", "tanh_orth").items()}


def _start_reach(tables, variant):
    """seed → ‖∂L_T/∂x_1‖ / ‖∂L_T/∂x_T‖ at the initial weights (experiments/long_lags_reach.py)."""
    rows = tables[""].where(variant=variant)
    out = {}
    for seed in rows.values("seed"):
        grads = {r["lag"]: r["grad"] for r in rows.where(seed=seed).rows}
        out[seed] = grads[99] / grads[0]
    return out


@claim(
    notebook="15",
    experiment=REACH,
    budget="at the initial weights, before any update",
    rule=EVERY,
    sentence="at the start the error reaching x_1 is at least 1e-4 of what reaches x_T with a gate bias of 3, "
    "at most 1e-5 with forget bias 1, and at most 1e-15 with bias 0 (LSTM and GRU)",
)
def gate_bias_sets_the_reach_at_the_start(tables):
    wide = [_start_reach(tables, v) for v in ("lstm_fb3", "gru_bz3")]
    mid = _start_reach(tables, "lstm_fb1")
    shut = [_start_reach(tables, v) for v in ("lstm_fb0", "gru")]
    return {s: all(w[s] >= 1e-4 for w in wide) and mid[s] <= 1e-5 and all(z[s] <= 1e-15 for z in shut) for s in mid}


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs", "lags"),
    budget=BUDGET,
    rule=EVERY,
    sentence="every vanilla run that solved the latching task ends with the error reaching x_1 below 1e-10 of "
    "what reaches x_T: it remembers without a gradient",
)
def latched_vanilla_has_no_gradient_at_x1(tables):
    solved = _solved(tables, "remember", "tanh_orth")
    end = _reach(tables, "remember", "tanh_orth", at_end=True)
    return {s: solved[s] is None or end[s] < 1e-10 for s in solved}


def _latch(tables, task, update, column, lr):
    rows = tables[""].where(task=task, update=update, lr=lr)
    return {r["seed"]: r[column] for r in rows.rows}


@claim(
    notebook="15",
    experiment=LATCH,
    budget=LATCH_BUDGET,
    rule=at_least(0.8),
    sentence="trained on random targets that carry no information, the vanilla network's last state still holds "
    "the first sign: a linear read-out recovers it in 90 % or more of held-out sequences",
)
def latch_forms_on_random_targets(tables):
    return {s: acc >= 0.9 for s, acc in _latch(tables, "remember_noise", 300, "readout", 0.01).items()}


@claim(
    notebook="15",
    experiment=LATCH,
    budget=LATCH_BUDGET,
    rule=EVERY,
    sentence="within 100 updates W_hh's spectral radius grows from 1 to above 2, with informative and with random "
    "targets alike",
)
def training_inflates_w_hh(tables):
    real, noise = _latch(tables, "remember", 300, "rho", 0.01), _latch(tables, "remember_noise", 300, "rho", 0.01)
    return {s: real[s] > 2 and noise[s] > 2 for s in real}
