"""Notebook 10, section 4: how close truncated BPTT comes to the full gradient (experiments/tbptt_cosine.py)."""

from . import EVERY, about, at_least, claim

EXPERIMENT = "tbptt_cosine"
# The waves' size and H move the per-radius thresholds (tbptt_cosine_choices, course/claims/choices.py): the budget
# names them.
BUDGET = (
    "no training: gradients at the initial weights, H = 16, T = 128, sine waves of amplitude 1 (inputs and targets)"
)


def _cos(tables, seed, rho, k, scheme="k,k"):
    return tables["by_k"].where(seed=seed, rho=rho, scheme=scheme, k=k).rows[0]["cosine"]


def _per_seed(tables, test):
    return {s: bool(test(s)) for s in tables["by_k"].values("seed")}


def _reach(tables, seed, rho, lag):
    return tables["reach"].where(seed=seed, rho=rho, lag=lag).rows[0]["grad_norm"]


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("by_k",),
    budget=BUDGET,
    rule=EVERY,
    sentence="BPTT(T, T) is the full gradient: cosine 1 to 1e-12 at every ρ",
)
def truncation_at_T_is_exact(tables):
    return _per_seed(tables, lambda s: all(abs(_cos(tables, s, rho, 128) - 1) < 1e-12 for rho in (0.5, 0.9, 1.5)))


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("by_k",),
    budget=BUDGET,
    rule=EVERY,
    sentence="ρ = 0.5: 8 steps suffice, cosine above 0.99",
)
def contracting_network_needs_8_steps(tables):
    return _per_seed(tables, lambda s: _cos(tables, s, 0.5, 8) > 0.99)


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("by_k",),
    budget=BUDGET,
    rule=about(0.7),
    sentence="ρ = 0.9: BPTT(8, 8) is above cosine 0.99 in about 14 of 20 seeds",
)
def rho_0_9_eight_steps_in_most_seeds(tables):
    return _per_seed(tables, lambda s: _cos(tables, s, 0.9, 8) > 0.99)


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("by_k",),
    budget=BUDGET,
    rule=EVERY,
    sentence="ρ = 0.9: BPTT(16, 16) is above cosine 0.989",
)
def rho_0_9_sixteen_steps_suffice(tables):
    return _per_seed(tables, lambda s: _cos(tables, s, 0.9, 16) > 0.989)


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("by_k",),
    budget=BUDGET,
    rule=at_least(0.9),
    sentence="ρ = 0.9: BPTT(1, 8) comes closer to the full gradient than BPTT(8, 8) in most seeds (20 of 20 stored; "
    "first stated for every seed: held-out seed 637 did not)",
)
def one_step_k1_beats_k_k_at_8(tables):
    return _per_seed(tables, lambda s: _cos(tables, s, 0.9, 8, "1,k") > _cos(tables, s, 0.9, 8))


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("by_k",),
    budget=BUDGET,
    rule=about(0.4),
    sentence="ρ = 1.5: even BPTT(64, 64) is above cosine 0.99 in only about 8 of 20 seeds",
)
def rho_1_5_unreliable_at_64(tables):
    return _per_seed(tables, lambda s: _cos(tables, s, 1.5, 64) > 0.99)


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("by_k",),
    budget=BUDGET,
    rule=about(0.1),
    sentence="ρ = 1.5: BPTT(64, 64) points away from the full gradient (cosine below 0) in a few seeds",
)
def rho_1_5_can_point_away_at_64(tables):
    return _per_seed(tables, lambda s: _cos(tables, s, 1.5, 64) < 0)


@claim(
    notebook="10",
    experiment=EXPERIMENT,
    tables=("reach",),
    budget=BUDGET,
    rule=about(1 / 3),
    sentence="ρ = 1.5: the gradient 64 steps back is larger than at T in about a third of the seeds (9 of 20 stored, "
    "4 of 20 on held-out seeds 620-639; first stated as about 9 of 20)",
)
def rho_1_5_gradient_grows_with_the_lag_in_about_half(tables):
    return {s: _reach(tables, s, 1.5, 64) > _reach(tables, s, 1.5, 0) for s in tables["reach"].values("seed")}
