"""course.long_lags: the six networks of notebook 15 are as the protocol states, and the sweep's learning rates
are the ones its pilot chose."""

import sys

import numpy as np
import pytest

from course import long_lags
from course.results import load_results
from rnn_lib.training import TrainingDiverged
from tests.notebook_files import ROOT

sys.path.insert(0, str(ROOT / "experiments"))
import long_lags as sweep  # noqa: E402  (experiments/long_lags.py)


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


def test_the_sweep_uses_the_learning_rates_its_pilot_chose():
    pilot = load_results("long_lags_lr")
    assert pilot.values("T") == [20, 50]
    for (task, variant), lr in sweep.LEARNING_RATES.items():
        rows = pilot.where(task=task, variant=variant)  # both lengths: the mean over the two runs' 42 measurements
        mean_ratio = {rate: rows.where(lr=rate).column("mse_ratio").mean() for rate in rows.values("lr")}
        assert lr == min(mean_ratio, key=mean_ratio.get), (task, variant)
    assert set(sweep.LEARNING_RATES) == {(t, v) for t in long_lags.TASKS for v in long_lags.VARIANTS}


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
        ({"variant": "lstm"}, ValueError, r"variant must be one of 'tanh_random', .*'gru', got 'lstm'"),
        ({"variant": None}, TypeError, "variant must be one of"),
        ({"task": "add"}, ValueError, r"task must be one of 'adding', 'remember', got 'add'"),
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
    with pytest.raises(ValueError, match=r"task must be one of 'adding', 'remember', got 'sum'"):
        long_lags.mse_ratio(params, cell, x, y, "sum")


def test_a_run_of_zero_updates_yields_update_0_only():
    assert [update for update, *_ in long_lags.training_run(**run_args(updates=0))] == [0]
