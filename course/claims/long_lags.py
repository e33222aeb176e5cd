"""Notebook 15: holding one sign over 100 steps (experiments/long_lags_memory.py) and the latching control
(experiments/long_lags_latch.py).

The memory claims read the table "runs" (one row per run: solved_at, the update at which the validation MSE first
fell to 0.1 of the baseline's, 0 if not within the budget) and "lags" (‖∂L_T/∂x_{T−k}‖ at update 0 and at the run's
end).  Every claim names the budget, 300 updates of 16 sequences at T = 100, because most of them are about it.
"""

from . import EVERY, OVERALL, about, at_least, at_most, claim

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
    sentence="with the task's inputs (values in [−1, 1), a ±1 sign, a marker 1) and batches of 16, the GRU with "
    "update-gate bias 3 holds a sign given at a random step 2-50 until step 100, and solves the latching task (the sign "
    "at step 1) too (first stated without the inputs' scale or the batch: with every input × 0.1 it solved neither in "
    "any seed; with batches of 4 it missed the latching task in 1 of 10 seeds)",
)
def gru_with_bias_3_remembers(tables):
    anywhere, first = _all_solve(tables, "remember_random", ("gru_bz3",)), _all_solve(tables, "remember", ("gru_bz3",))
    return {s: anywhere[s] and first[s] for s in anywhere}


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=EVERY,
    sentence="with the task's inputs, no other network holds a sign given at a random step within the budget of 300 "
    "updates: not the vanilla tanh network, not the LSTM with forget bias 1 or 3, not the GRU with update-gate bias 0 "
    "(the budget decides this for the LSTM with forget bias 3: within 3000 updates it solves the task in most seeds, "
    "section 3's last claims; so do the inputs: with every input × 3 it held the sign in 2 of 10 seeds)",
)
def only_the_biased_gru_remembers_a_late_sign(tables):
    return _none_solve(tables, "remember_random", ("tanh_orth", "lstm_fb1", "lstm_fb3", "gru"))


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=about(0.6),
    sentence="with the task's inputs and batches of 16, the LSTM with forget bias 3 solves the latching task within "
    "the budget in about 6 of 10 seeds (most of them within 100 updates at the base's H = 31 and clip 1, fewer with "
    "another H or clip 10; with every input × 0.1 in none, × 3 in 8; with batches of 4 in 5, of 64 in 9)",
)
def lstm_with_bias_3_latches_in_some_seeds(tables):
    solved = _solved(tables, "remember", "lstm_fb3")
    return {s: t is not None for s, t in solved.items()}


@claim(
    notebook="15",
    experiment=MEMORY,
    tables=("runs",),
    budget=BUDGET,
    rule=at_least(0.7),
    sentence="at its searched rate (η = 0.003), with the task's inputs and H = 64, the vanilla tanh network with an "
    "orthogonal W_hh fails the latching task within the budget in most seeds (first stated for every seed: 10 of 10 "
    "stored and 5 of 5 on seeds 200-204 failed, 4 of 5 on 500-504; at the same rate W_hh ~ N(0, 1/H) failed in 5 of "
    "10, the IRNN in 7 of 10; with every input × 0.1 it latched in every seed, with H = 128 in 5 of 10)",
)
def vanilla_at_its_searched_rate_does_not_latch(tables):
    return _none_solve(tables, "remember", ("tanh_orth",))


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
    sentence="at the start, at T = 100, the error reaching x_1 (relative to x_T) is ordered by the gate bias, by at "
    "least three decades a step: LSTM bias 3 ≥ 1e3 × bias 1 ≥ 1e9 × bias 0, and GRU bias 3 ≥ 1e10 × bias 0 (first "
    "stated without T: at T = 50 the order holds, but bias 1 is only ≥ 2e6 × bias 0 and GRU bias 3 ≥ 6e7 × bias 0)",
)
def gate_bias_sets_the_reach_at_the_start(tables):
    fb0, fb1, fb3 = (_start_reach(tables, v) for v in ("lstm_fb0", "lstm_fb1", "lstm_fb3"))
    bz0, bz3 = _start_reach(tables, "gru"), _start_reach(tables, "gru_bz3")
    return {s: fb3[s] >= 1e3 * fb1[s] and fb1[s] >= 1e9 * fb0[s] and bz3[s] >= 1e10 * bz0[s] for s in fb1}


def _latch(tables, task, update, column, lr):
    rows = tables[""].where(task=task, update=update, lr=lr)
    return {r["seed"]: r[column] for r in rows.rows}


@claim(
    notebook="15",
    experiment=LATCH,
    budget="at the initial weights",
    rule=EVERY,
    sentence="the untrained vanilla network's last state does not hold the first sign: a linear read-out is at "
    "chance (accuracy below 0.6)",
)
def untrained_state_does_not_hold_the_sign(tables):
    return {s: acc < 0.6 for s, acc in _latch(tables, "remember_noise", 0, "readout", 0.01).items()}


@claim(
    notebook="15",
    experiment=LATCH,
    budget=LATCH_BUDGET + ", Adam η = 0.01",
    rule=at_least(0.7),
    sentence="trained at η = 0.01 on random targets that carry no information, with the task's inputs (values in "
    "[−1, 1), a ±1 sign), the vanilla network's last state comes to hold the first sign in most seeds: a linear "
    "read-out recovers it in 90 % or more of held-out sequences (first stated without the inputs' scale: with every "
    "input × 0.1 or × 3 it did in 2 and 3 of 10 seeds)",
)
def latch_forms_on_random_targets(tables):
    return {s: acc >= 0.9 for s, acc in _latch(tables, "remember_noise", 300, "readout", 0.01).items()}


@claim(
    notebook="15",
    experiment=LATCH,
    budget="100 updates of 16 sequences, T = 100, Adam η = 0.01",
    rule=EVERY,
    sentence="at η = 0.01, within 100 updates W_hh's spectral radius grows from 1 to above 1.5, with informative and "
    "with random targets alike (first stated as above 2: held-out seed 626 reached 1.83 with informative targets)",
)
def training_inflates_w_hh(tables):
    real, noise = _latch(tables, "remember", 100, "rho", 0.01), _latch(tables, "remember_noise", 100, "rho", 0.01)
    return {s: real[s] > 1.5 and noise[s] > 1.5 for s in real}


@claim(
    notebook="15",
    experiment=LATCH,
    budget=LATCH_BUDGET + ", Adam η = 0.003",
    rule=at_most(0.5),
    sentence="at the searched η = 0.003, with the task's inputs, the latch forms more slowly: after 300 updates on "
    "random targets the read-out recovers the first sign in at most about half of the seeds (with every input × 0.1 "
    "it did in 4 of 10 at η = 0.003 and in 2 at η = 0.01: not more slowly there)",
)
def latch_is_slower_at_the_searched_rate(tables):
    return {s: acc >= 0.9 for s, acc in _latch(tables, "remember_noise", 300, "readout", 0.003).items()}


# ---------------------------------------------------------------------------
# Ten times the budget (experiments/long_lags_budget.py): remember_random, every network, at most 3000 updates.
# ---------------------------------------------------------------------------

BUDGET_CURVE = "long_lags_budget"
LONG_BUDGET = "at most 3000 updates of 16 sequences (ten times the budget), T = 100, Adam at the searched η"


def _solved_by(tables, variant, within):
    """seed → whether ``variant`` solved remember_random within ``within`` updates (long_lags_budget's runs)."""
    rows = tables["runs"].where(task="remember_random", variant=variant)
    return {r["seed"]: 0 < r["solved_at"] <= within for r in rows.rows}


@claim(
    notebook="15",
    experiment=BUDGET_CURVE,
    tables=("runs",),
    budget=LONG_BUDGET,
    rule=EVERY,
    sentence="ten times the budget does not help the vanilla tanh networks: with an orthogonal or a random W_hh "
    "neither holds a sign given at a random step within 3000 updates",
)
def vanilla_fails_at_ten_times_the_budget(tables):
    orth, rand = _solved_by(tables, "tanh_orth", 3000), _solved_by(tables, "tanh_random", 3000)
    return {s: not orth[s] and not rand[s] for s in orth}


@claim(
    notebook="15",
    experiment=BUDGET_CURVE,
    tables=("runs",),
    budget=LONG_BUDGET,
    rule=at_least(0.7),
    sentence="the LSTM with forget bias 3, which solved it in no seed within 300 updates, solves it within 3000 in "
    "most seeds: the budget, not the cell, decided its place in section 3's count",
)
def lstm_with_bias_3_solves_with_ten_times_the_budget(tables):
    late, early = _solved_by(tables, "lstm_fb3", 3000), _solved_by(tables, "lstm_fb3", 300)
    return {s: late[s] and not early[s] for s in late}


@claim(
    notebook="15",
    experiment=BUDGET_CURVE,
    tables=("runs",),
    budget=LONG_BUDGET,
    rule=EVERY,
    sentence="nor does it help the default gate biases: the LSTM with forget bias 0 or 1 and the GRU with update-gate "
    "bias 0 hold a sign given at a random step in no seed within 3000 updates",
    quick=False,  # these runs take all 3000 updates (15-25 s of a free core each): FULL=1 judges them
)
def default_gate_biases_fail_at_ten_times_the_budget(tables):
    per = [_solved_by(tables, v, 3000) for v in ("lstm_fb0", "lstm_fb1", "gru")]
    return {s: not any(p[s] for p in per) for s in per[0]}


@claim(
    notebook="15",
    experiment=BUDGET_CURVE,
    tables=("runs",),
    budget=LONG_BUDGET,
    rule=about(0.3),
    sentence="the IRNN, at its searched η = 0.003, solves it within 1000 updates in about 3 of 10 seeds",
)
def irnn_solves_in_some_seeds(tables):
    return _solved_by(tables, "irnn", 1000)


@claim(
    notebook="15",
    experiment=BUDGET_CURVE,
    tables=("runs",),
    budget=LONG_BUDGET,
    rule=at_least(0.9),
    sentence="the GRU with update-gate bias 3 stays first in almost every seed: it solves the task within 300 updates "
    "and no other network solves it sooner (first stated for every seed: in held-out seed 668 the IRNN solved it at "
    "100 updates, the GRU at 200)",
)
def gru_with_bias_3_stays_first(tables):
    rows = tables["runs"].where(task="remember_random")
    first = {r["seed"]: r["solved_at"] for r in rows.where(variant="gru_bz3").rows}
    others = [r for r in rows.rows if r["variant"] != "gru_bz3" and r["solved_at"]]
    return {s: 0 < t <= 300 and all(r["solved_at"] >= t for r in others if r["seed"] == s) for s, t in first.items()}


@claim(
    notebook="15",
    experiment=BUDGET_CURVE,
    tables=("runs",),
    budget=LONG_BUDGET,
    rule=OVERALL,
    sentence="the ranking below the first place does not survive ten times the budget: the LSTM with forget bias 3, "
    "which solved no seed within 300 updates, solves more seeds within 3000 than any other network but the GRU with "
    "bias 3",
)
def ranking_below_the_first_changes_with_the_budget(tables):
    variants = [v for v in tables["runs"].values("variant") if v not in ("gru_bz3", "lstm_fb3")]
    count = {v: sum(_solved_by(tables, v, 3000).values()) for v in (*variants, "lstm_fb3", "gru_bz3")}
    nothing_at_300 = not any(_solved_by(tables, "lstm_fb3", 300).values())
    return (
        nothing_at_300 and all(count["lstm_fb3"] > count[v] for v in variants) and count["gru_bz3"] >= count["lstm_fb3"]
    )
