"""Notebook 12: forecasting a sine wave (experiments/sine_forecast.py) and the adding problem's budget against its
length (experiments/adding_budget.py)."""

import numpy as np

from . import EVERY, OVERALL, about, at_least, at_most, claim

FORECAST, BUDGET_RUN = "sine_forecast", "adding_budget"
# η, the initial scale and the waves' size decide these results (sine_forecast_choices): the budget names them.
FORECAST_BUDGET = (
    "320 updates of 16 waves, SGD η = 0.02 clipped at global norm 1, H = 16 from initial weights of scale 0.3, sine "
    "waves of amplitude 1 as inputs; 80 free-running steps after a warm-up of 40"
)
ADDING_BUDGET = "25,600 updates of 32, recorded every 256"  # judged only by FULL=1 holdouts: ~3 CPU-min a seed
LENGTHS = (5, 10, 20, 30, 40, 60)


@claim(
    notebook="12",
    experiment=FORECAST,
    tables=("baselines",),
    budget=FORECAST_BUDGET,
    rule=EVERY,
    sentence="one step ahead, the RNN beats AR(2), and AR(2) beats persistence, on the validation waves, with H = "
    "16, η = 0.02, clipping at 1, initial weights of scale 0.3 and waves of amplitude 1 (first stated without them: "
    "changed one at a time, AR(2) wins in some or all seeds at η = 0.005, scale 1, amplitude 0.3, H = 32, clipping "
    "at 0.25 or none)",
)
def rnn_beats_ar2_beats_persistence(tables):
    rows = tables["baselines"]
    loss = {(r["seed"], r["model"]): r["val_loss"] for r in rows.rows}
    return {s: loss[s, "RNN"] < loss[s, "AR(2)"] < loss[s, "persistence"] for s in rows.values("seed")}


def _forecasts(tables):
    return {(r["seed"], r["wave"]): r for r in tables["free"].rows}


@claim(
    notebook="12",
    experiment=FORECAST,
    tables=("free",),
    budget=FORECAST_BUDGET,
    rule=at_least(0.4),
    sentence="free running, steps 41-80 are worse than 3 × steps 1-10 in at least 40 % of the forecasts (121 of 200 "
    "stored; first stated as about 60 %: 197 of 400 on held-out seeds 620-639)",
)
def free_running_error_grows(tables):
    return {k: r["err_41_80"] > 3 * r["err_1_10"] for k, r in _forecasts(tables).items()}


@claim(
    notebook="12",
    experiment=FORECAST,
    tables=("free",),
    budget=FORECAST_BUDGET,
    rule=at_most(0.35),
    sentence="the forecast keeps the wave's frequency to within 0.05 in a minority of forecasts, at most about a third "
    "(35 of 200 stored; first stated as 'about 35 of 200': held-out seeds 680-684 had 28 of 100)",
)
def forecast_seldom_keeps_the_frequency(tables):
    return {k: abs(r["free_freq"] - r["freq"]) < 0.05 for k, r in _forecasts(tables).items()}


@claim(
    notebook="12",
    experiment=FORECAST,
    tables=("free",),
    budget=FORECAST_BUDGET,
    rule=about(0.3),
    sentence="about 3 networks in 10 oscillate at their own frequency whatever the wave (spread < 0.15 over 20 waves)",
)
def some_networks_have_their_own_frequency(tables):
    rows = tables["free"]
    return {s: np.ptp(rows.where(seed=s).column("free_freq")) < 0.15 for s in rows.values("seed")}


@claim(
    notebook="12",
    experiment=FORECAST,
    tables=("free",),
    budget=FORECAST_BUDGET,
    rule=about(0.2),
    sentence="in about 2 networks in 10 the free oscillation dies down (median amplitude < 0.3)",
)
def some_free_oscillations_die(tables):
    rows = tables["free"]
    return {s: np.median(rows.where(seed=s).column("free_amplitude")) < 0.3 for s in rows.values("seed")}


@claim(
    notebook="12",
    experiment=FORECAST,
    tables=("free",),
    budget=FORECAST_BUDGET,
    rule=OVERALL,
    sentence="far ahead (steps 41-80) the median error is close to that of unrelated phases, 8/π² ≈ 0.81: within "
    "0.15 (0.75 on the stored seeds; first stated within 0.1, which held-out seeds 500-504 missed at 0.71)",
)
def far_forecast_is_no_better_than_a_random_phase(tables):
    return abs(np.median(tables["free"].column("err_41_80")) - 8 / np.pi**2) < 0.15


def _needed(rows, T, seed, level=0.5):
    run = rows.where(T=T, seed=seed)
    below = np.flatnonzero(run.column("mse_ratio") < level)
    return float(run.column("update")[below[0]]) if len(below) else np.nan


def _all_needed(tables):
    """T → the updates each seed needed; a run not halved within its budget needs more: inf, so that a median of
    seeds most of which halved is still their median (NaN would void it), and a median beyond the budget is inf."""
    rows = tables[""]
    return {T: np.array([np.nan_to_num(_needed(rows, T, s), nan=np.inf) for s in rows.values("seed")]) for T in LENGTHS}


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget=ADDING_BUDGET,
    rule=EVERY,
    sentence="at every length T = 5 … 60 the validation MSE falls below half the baseline's within the budget",
)
def adding_halved_within_the_budget(tables):
    rows = tables[""]
    return {s: all(np.isfinite(_needed(rows, T, s)) for T in LENGTHS) for s in rows.values("seed")}


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget=ADDING_BUDGET,
    rule=OVERALL,
    sentence="the median number of updates to halve the error grows with T, with the first marker uniform in the first "
    "half (changed one at a time on seeds 0-4, adding_budget_choices, it grew at η 0.05 and 0.2, ρ(W_hh) 1, inputs × "
    "0.5, batches of 16 and without clipping, a median beyond the budget counted as larger; with the first marker "
    "always at step 1, T = 5 and T = 10 both halved at the first record, 256 updates)",
)
def adding_median_grows_with_length(tables):
    medians = [np.median(v) for v in _all_needed(tables).values()]
    return bool(np.all(np.diff(medians) > 0))


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget=ADDING_BUDGET,
    rule=OVERALL,
    sentence="from T = 10 on, each doubling (10→20, 20→40, 30→60) multiplies the median updates by 1.5 to 4, on ten "
    "seeds at η = 0.1, ρ(W_hh) 0.8, inputs of size 1, the first marker uniform in the first half, batches of 32 and "
    "clipping at 1 (changed one at a time on seeds 0-4, adding_budget_choices: a factor left the band with the first "
    "marker at step 1 (4.2-5.0), batches of 16 (5.8), no clipping (4.6) and inputs × 0.5 (T = 60 beyond the budget), "
    "and stayed inside at η 0.05, 0.2 and ρ 1; the law '2 to 3 times for every doubling, 5→10 included' failed on new "
    "seeds: 5→10 is set by the grid)",
)
def adding_doubling_factor_from_t10(tables):
    needed = _all_needed(tables)
    return all(1.5 < np.median(needed[2 * T]) / np.median(needed[T]) < 4 for T in (10, 20, 30))


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget=ADDING_BUDGET,
    rule=EVERY,
    sentence="T = 5 is halved at the first or the second record (256 or 512 updates): its count is known only to "
    "the recording grid's 256 updates",
)
def adding_t5_set_by_the_grid(tables):
    rows = tables[""]
    return {s: _needed(rows, 5, s) in (256.0, 512.0) for s in rows.values("seed")}


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget="768 updates (the record nearest the old 800)",
    rule=EVERY,
    sentence="within 768 updates, T = 5 is halved in every seed and T ≥ 20 in none, with inputs of size 1 and the first "
    "marker uniform in the first half (changed one at a time on seeds 0-4, adding_budget_choices: it held in 5 of 5 at "
    "η 0.05 and 0.2, ρ(W_hh) 1, batches of 16 and without clipping, in 4 of 5 with inputs × 0.5, where T = 5 took "
    "1,024 updates in one seed, and in 3 of 5 with the first marker at step 1, where T = 20 halved within 768 twice)",
)
def adding_old_budget_enough_only_for_short(tables):
    rows = tables[""]
    return {
        s: _needed(rows, 5, s) <= 768 and all(not _needed(rows, T, s) <= 768 for T in LENGTHS if T >= 20)
        for s in rows.values("seed")
    }


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget="768 updates (the record nearest the old 800)",
    rule=about(0.5),
    sentence="within 768 updates, T = 10 is halved in about half the seeds at η = 0.1, ρ(W_hh) 0.8, inputs of size 1 "
    "and the first marker uniform in the first half (changed one at a time on seeds 0-4, adding_budget_choices: 2 of 5 "
    "here, 4 of 5 at η 0.05 and 0.2, 5 of 5 at ρ 1 and with the first marker at step 1, 0 of 5 with inputs × 0.5, "
    "3 of 5 with batches of 16 or no clipping)",
)
def adding_old_budget_halves_t10_in_half(tables):
    rows = tables[""]
    return {s: _needed(rows, 10, s) <= 768 for s in rows.values("seed")}


def _first(run, column, test):
    return run.column("update")[np.flatnonzero(test(run.column(column)))[0]]


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget=ADDING_BUDGET,
    rule=at_least(0.9),
    sentence="the gradient reaching x_1 passes 1 % of the last input's no later than the MSE falls below half the "
    "baseline's in almost every run (length and seed; 60 of 60 stored; first stated for every seed and with 'ends "
    "above 1 %': held-out seed 302 halved at T = 60 with 0.2 %, seed 301 ended at 0.5 %)",
)
def adding_reach_opens_before_learning(tables):
    rows = tables[""]

    def held(run):
        if not np.any(run.column("mse_ratio") < 0.5) or not np.any(run.column("input_reach") > 1e-2):
            return False
        return _first(run, "input_reach", lambda g: g > 1e-2) <= _first(run, "mse_ratio", lambda r: r < 0.5)

    return {(T, s): held(rows.where(T=T, seed=s)) for T in LENGTHS for s in rows.values("seed")}


@claim(
    notebook="12",
    experiment=BUDGET_RUN,
    quick=False,
    budget=ADDING_BUDGET,
    rule=at_least(0.9),
    sentence="after 25,600 updates the gradient reaching x_1 is above 1 % of the last input's in almost every run "
    "(length and seed; 60 of 60 stored)",
)
def adding_reach_ends_above_1_percent(tables):
    rows = tables[""]
    return {
        (T, s): rows.where(T=T, seed=s).rows[-1]["input_reach"] > 1e-2 for T in LENGTHS for s in rows.values("seed")
    }
