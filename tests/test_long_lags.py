"""course.long_lags: the networks of notebook 15 are as the protocol states (gate biases in the entries named),
the tasks are as documented, and the sweep's learning rates are the ones its search chose."""

import sys

import numpy as np
import pytest

from course import long_lags
from course.results import load_results
from rnn_lib import data as rnn_lib_data
from rnn_lib import gru
from rnn_lib.training import TrainingDiverged
from tests.notebook_files import ROOT

sys.path.insert(0, str(ROOT / "experiments"))
import long_lags_budget as budget  # noqa: E402  (experiments/long_lags_budget.py)
import long_lags_memory as sweep  # noqa: E402  (experiments/long_lags_memory.py)
import long_lags_search as search  # noqa: E402


def count(params):
    return sum(v.size for v in params.values())


def test_parameter_counts_agree_within_half_a_percent():
    counts = {v: count(long_lags.network(v, 0, "adding")[0]) for v in long_lags.VARIANTS}
    assert counts["tanh_random"] == 4353 and counts["lstm_fb0"] == 4372 and counts["gru"] == 4357
    assert max(counts.values()) / min(counts.values()) < 1.005


@pytest.mark.parametrize("task", long_lags.TASKS)
@pytest.mark.parametrize("variant", long_lags.VARIANTS)
def test_every_network_starts_at_the_baseline_answer(variant, task):
    params, _ = long_lags.network(variant, 3, task)
    assert np.all(params["b_y"] == long_lags.TASKS[task][1])


def test_the_orthogonal_variant_differs_from_the_random_one_in_w_hh_only_and_is_orthogonal():
    rand, _ = long_lags.network("tanh_random", 4, "adding")
    orth, _ = long_lags.network("tanh_orth", 4, "adding")
    np.testing.assert_allclose(orth["W_hh"].T @ orth["W_hh"], np.eye(64), atol=1e-12)
    assert all(np.array_equal(rand[k], orth[k]) for k in ("W_xh", "W_hy", "b_h", "b_y"))
    assert 0.9 < np.max(np.abs(np.linalg.eigvals(rand["W_hh"]))) < 1.3  # N(0, 1/H): spectral radius about 1


def test_the_two_lstms_differ_in_the_forget_bias_only():
    fb0, _ = long_lags.network("lstm_fb0", 5, "remember")
    fb1, _ = long_lags.network("lstm_fb1", 5, "remember")
    assert all(np.array_equal(fb0[k], fb1[k]) for k in fb0 if k != "b_ih")
    assert np.array_equal(fb1["b_ih"] - fb0["b_ih"], np.r_[np.zeros(31), np.ones(31), np.zeros(62)][:, None])


def test_the_irnn_starts_with_the_identity():
    params, cell = long_lags.network("irnn", 6, "adding")
    assert cell.name == "IRNN" and np.array_equal(params["W_hh"], np.eye(64))


def test_the_lstms_differ_in_the_forget_gate_block_of_b_ih_only():
    fb0, _ = long_lags.network("lstm_fb0", 5, "remember")
    fb3, _ = long_lags.network("lstm_fb3", 5, "remember")
    assert all(np.array_equal(fb0[k], fb3[k]) for k in fb0 if k != "b_ih")
    assert np.array_equal(fb3["b_ih"] - fb0["b_ih"], np.r_[np.zeros(31), 3 * np.ones(31), np.zeros(62)][:, None])


def test_the_grus_differ_in_the_update_gate_block_of_b_ih_only_and_keep_95_percent():
    bz0, _ = long_lags.network("gru", 7, "remember_random")
    bz3, _ = long_lags.network("gru_bz3", 7, "remember_random")
    assert all(np.array_equal(bz0[k], bz3[k]) for k in bz0 if k != "b_ih")
    assert np.array_equal(bz3["b_ih"] - bz0["b_ih"], np.r_[np.zeros(36), 3 * np.ones(36), np.zeros(36)][:, None])
    _, gates, _ = gru.gates_forward(bz3["b_ih"][:, 0], bz3["b_hh"][:, 0], np.zeros(36))  # x = 0, h_0 = 0
    np.testing.assert_allclose(gates[36:72], 1 / (1 + np.exp(-3.0)))  # z_t = σ(3) ≈ 0.95 in every unit


def test_the_noise_control_targets_do_not_depend_on_the_inputs():
    x, y = long_lags.remember_noise(4000, 10, rng=3)
    x_first, sign = rnn_lib_data.remember_first(4000, 10, rng=3)
    assert np.array_equal(x, x_first)
    assert abs(np.mean(y[:, 0] * sign[:, 0])) < 0.05 and set(np.unique(y)) == {-1.0, 1.0}


def test_first_sign_readout_is_perfect_on_a_state_that_holds_the_sign_and_chance_on_one_that_does_not():
    params, cell = long_lags.network("tanh_orth", 0, "remember")
    x, sign = rnn_lib_data.remember_first(512, 5, rng=1)
    assert long_lags.first_sign_readout(params, cell, x, sign) > 0.95  # 4 steps: the sign is still in h_T
    shuffled = np.random.default_rng(0).permutation(sign)
    assert 0.35 < long_lags.first_sign_readout(params, cell, x, shuffled) < 0.65
    with pytest.raises(ValueError, match="even number of sequences"):
        long_lags.first_sign_readout(params, cell, x[:, :5], sign[:5])


def test_choose_learning_rate_prefers_the_rate_that_solves_soonest_then_the_one_that_learns_early():
    solved_late = ([0, 100, 200, 300], [1.0, 0.5, 0.2, 0.05])
    solved_early = ([0, 100], [1.0, 0.05])
    never_low = ([0, 100, 200], [1.0, 0.3, 0.2])
    never_high = ([0, 100, 200], [1.0, 0.9, 0.9])
    assert long_lags.choose_learning_rate({0.01: [solved_late], 0.001: [solved_early]}, 200) == 0.001
    assert long_lags.choose_learning_rate({0.01: [never_high], 0.003: [never_low]}, 200) == 0.003
    assert long_lags.choose_learning_rate({0.01: [solved_early], 0.001: [solved_early]}, 200) == 0.001


def test_the_sweep_uses_the_learning_rates_its_search_chose():
    chosen = search.choose(load_results("long_lags_search"), budget=sweep.UPDATES)  # the rule at the sweep's budget
    assert sweep.LEARNING_RATES == {key: chosen[key] for key in sweep.LEARNING_RATES}
    run = {(c["task"], c["variant"]) for c in sweep.EXPERIMENT.cases}
    assert run <= set(sweep.LEARNING_RATES) and set(chosen) == set(search.choose(load_results("long_lags_search")))
    assert set(chosen) == {(t, v) for t in search.TASKS for v in search.NETWORKS}
    assert set(load_results("long_lags_search").values("seed")) == set(search.PILOT_SEEDS)
    assert all(100 <= s < 200 for s in search.PILOT_SEEDS)  # the pilot range, never judged


def test_the_budget_curve_uses_the_rates_the_search_chose_at_the_notebooks_budget():
    assert budget.RATE_BUDGET == sweep.UPDATES and budget.UPDATES == 10 * sweep.UPDATES
    chosen = search.choose(load_results("long_lags_search"), budget=budget.RATE_BUDGET)
    assert budget.LEARNING_RATES == {(t, v): chosen[t, v] for t in budget.TASKS for v in budget.NETWORKS}
    assert set(budget.NETWORKS) == set(search.NETWORKS) == set(long_lags.VARIANTS)
    runs = load_results("long_lags_budget_runs")
    assert all(r["lr"] == budget.LEARNING_RATES[r["task"], r["variant"]] for r in runs.rows)


def test_the_budget_curve_continues_the_stored_sweep_up_to_its_budget():
    # The same networks, rates and streams: the first 300 updates of each run are long_lags_memory's stored run.
    longer, stored = load_results("long_lags_budget_curves"), load_results("long_lags_memory_curves")
    shared = [v for v in sweep.NETWORKS if v in budget.NETWORKS]
    assert len(shared) == 5
    for variant in shared:
        for seed in stored.where(task="remember_random", variant=variant).values("seed"):
            old = stored.where(task="remember_random", variant=variant, seed=seed)
            new = longer.where(task="remember_random", variant=variant, seed=seed)
            head = new.column("update") <= sweep.UPDATES
            assert np.array_equal(new.column("update")[head], old.column("update"))
            np.testing.assert_allclose(new.column("mse_ratio")[head], old.column("mse_ratio"), rtol=1e-12)
    stored_runs, longer_runs = load_results("long_lags_memory_runs"), load_results("long_lags_budget_runs")
    for row in stored_runs.where(task="remember_random").rows:  # solved within 300 updates: the same update
        if row["solved_at"]:
            match = longer_runs.where(task="remember_random", variant=row["variant"], seed=row["seed"]).rows[0]
            assert match["solved_at"] == row["solved_at"]


def test_a_run_that_diverges_ends_where_it_diverged(monkeypatch):
    calls = []

    def train_then_diverge(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise TrainingDiverged("diverged", None)

    monkeypatch.setattr(long_lags, "train", train_then_diverge)
    run = long_lags.training_run("gru", "adding", 5, 0, lr=0.01, updates=500, every=100)
    assert [update for update, *_ in run] == [0, 100]


# ---------------------------------------------------------------------------
# Bad arguments: a precise error at the call (before the first value is asked for).
# ---------------------------------------------------------------------------


def run_args(**change):
    return {"variant": "gru", "task": "adding", "T": 5, "seed": 0, "lr": 0.01, "updates": 200, "every": 100, **change}


@pytest.mark.parametrize(
    "change, error, words",
    [
        ({"variant": "lstm"}, ValueError, r"variant must be one of 'tanh_random', .*'gru_bz3', got 'lstm'"),
        ({"variant": None}, TypeError, "variant must be one of"),
        (
            {"task": "add"},
            ValueError,
            r"task must be one of 'adding', 'remember', 'remember_random', 'remember_noise', got 'add'",
        ),
        ({"seed": -1}, ValueError, "seed must be a non-negative int, got -1"),
        ({"seed": 0.5}, TypeError, r"seed must be a non-negative int, got 0.5 \(float\)"),
        ({"every": 0}, ValueError, "every must be a positive integer, got 0"),
        ({"updates": -5}, ValueError, "updates must be a non-negative int, got -5"),
        ({"updates": 150}, ValueError, "updates must be a multiple of every = 100.*got 150"),
        ({"updates": 100.0}, TypeError, "updates must be a non-negative int"),
    ],
)
def test_a_training_run_refuses_bad_arguments_when_called(change, error, words):
    with pytest.raises(error, match=words):
        long_lags.training_run(**run_args(**change))  # not iterated: the call itself checks


@pytest.mark.parametrize(
    "args, error, words",
    [
        (("lstm", 0, "adding"), ValueError, "variant must be one of"),
        (("gru", 0, "remember_first"), ValueError, "task must be one of 'adding', 'remember'"),
        (("gru", -1, "adding"), ValueError, "seed must be a non-negative int"),
        (("gru", 0.5, "adding"), TypeError, "seed must be a non-negative int"),
    ],
)
def test_network_refuses_an_unknown_variant_or_task_and_a_bad_seed(args, error, words):
    with pytest.raises(error, match=words):
        long_lags.network(*args)


def test_mse_ratio_names_the_known_tasks():
    params, cell = long_lags.network("gru", 0, "adding")
    x, y = long_lags.TASKS["adding"][0](4, 5, rng=0)
    assert 0 < long_lags.mse_ratio(params, cell, x, y, "adding") < 10
    with pytest.raises(ValueError, match=r"task must be one of 'adding', .*'remember_noise', got 'sum'"):
        long_lags.mse_ratio(params, cell, x, y, "sum")


def test_a_run_of_zero_updates_yields_update_0_only():
    assert [update for update, *_ in long_lags.training_run(**run_args(updates=0))] == [0]
