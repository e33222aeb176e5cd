"""The mini-batch trainer: it learns, records a history, is reproducible, clips, and fails cleanly."""

import math

import numpy as np
import pytest

import rnn_lib
from rnn_lib import engine, reference
from rnn_lib.gradcheck import check_gradients
from rnn_lib.training import TrainingDiverged, evaluate, loss_and_gradients, train

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")


def sine_setup(seed=0, N=32, T=20, H=8):
    x, y = rnn_lib.data.sine_wave(N, T, rng=seed)
    params = rnn_lib.init_params(1, H, 1, rng=np.random.default_rng(seed), scale=0.3)
    return params, x, y


def copy(params):
    return {k: v.copy() for k, v in params.items()}


@pytest.mark.parametrize("last_step_only", [False, True])
def test_batch_gradient_passes_a_finite_difference_check(make_problem, last_step_only):
    prob = make_problem(0, T=5, D=2, H=3, O=2, B=4)
    y = prob.y[-1] if last_step_only else prob.y
    _, grads = loss_and_gradients(prob.params, prob.x, y)
    arrays = copy(prob.params)
    check_gradients(lambda: loss_and_gradients(arrays, prob.x, y)[0], arrays, grads).assert_ok()


def test_batch_loss_is_the_mean_per_sequence_loss(make_problem):
    prob = make_problem(1, T=5, D=2, H=3, O=2, B=4)
    y_hat, _ = engine.forward(prob.params, prob.x)
    assert evaluate(prob.params, prob.x, prob.y) == pytest.approx(reference.loss(y_hat, prob.y) / 4, rel=1e-13)


def test_last_step_targets_score_only_the_last_step(make_problem):
    prob = make_problem(2, T=5, D=2, H=3, O=2, B=4)
    y_hat, _ = engine.forward(prob.params, prob.x)
    expected = 0.5 * np.sum((y_hat[-1] - prob.y[-1]) ** 2) / 4
    assert evaluate(prob.params, prob.x, prob.y[-1]) == pytest.approx(expected, rel=1e-13)


def test_training_reduces_the_loss_on_sine_waves():
    params, x, y = sine_setup()
    history = train(params, x, y, epochs=40, batch_size=8, learning_rate=0.02, progress=False)
    assert history.loss[-1] < 0.3 * history.loss[0]


def test_training_learns_the_adding_problem_baseline():
    # Predicting the mean sum (≈ 1) already beats the untrained network; the trainer must get there.
    x, y = rnn_lib.data.adding_problem(64, T=10, rng=0)
    params = rnn_lib.init_params(2, 8, 1, rng=np.random.default_rng(0), scale=0.3)
    history = train(params, x, y, epochs=30, batch_size=16, learning_rate=0.1, progress=False)
    assert history.loss[-1] < 0.5 * history.loss[0]


def test_history_has_one_entry_per_epoch_and_per_update():
    params, x, y = sine_setup(N=10)
    h = train(params, x, y, epochs=3, batch_size=4, validation=(x, y), progress=False)
    assert (len(h.loss), len(h.grad_norm), len(h.clip_fraction), len(h.val_loss)) == (3, 3, 3, 3)
    assert len(h.step_loss) == len(h.step_grad_norm) == 3 * 3  # batches of 4, 4 and 2


def test_validation_loss_is_the_loss_after_the_epoch():
    params, x, y = sine_setup(N=10)
    h = train(params, x, y, epochs=2, batch_size=5, validation=(x[:, :3], y[:, :3]), progress=False)
    assert h.val_loss[-1] == pytest.approx(evaluate(params, x[:, :3], y[:, :3]), rel=1e-13)


def test_same_seed_same_result():
    runs = []
    for _ in range(2):
        params, x, y = sine_setup()
        train(params, x, y, epochs=3, batch_size=8, rng=7, progress=False)
        runs.append(params)
    assert all(np.array_equal(runs[0][k], runs[1][k]) for k in PARAM_NAMES)


def test_another_seed_another_order():
    results = []
    for seed in (1, 2):
        params, x, y = sine_setup()
        train(params, x, y, epochs=1, batch_size=8, rng=seed, progress=False)
        results.append(params["W_hh"])
    assert not np.array_equal(results[0], results[1])


def test_one_full_batch_epoch_is_one_gradient_step():
    params, x, y = sine_setup(N=6)
    expected = copy(params)
    _, grads = loss_and_gradients(expected, x, y)
    for k in PARAM_NAMES:
        expected[k] -= 0.1 * grads[k]
    train(params, x, y, epochs=1, batch_size=6, learning_rate=0.1, progress=False)
    assert all(np.allclose(params[k], expected[k], rtol=1e-13, atol=1e-15) for k in PARAM_NAMES)


def step_of(clip):
    params, x, y = sine_setup(N=6)
    before = copy(params)
    h = train(params, x, y, epochs=1, batch_size=6, learning_rate=1.0, clip=clip, progress=False)
    return {k: params[k] - before[k] for k in PARAM_NAMES}, h


def test_norm_clipping_bounds_the_step_length():
    step, h = step_of(("norm", 1e-3))
    length = math.sqrt(sum(float(np.sum(s * s)) for s in step.values()))
    assert h.step_grad_norm[0] > 1e-3 and length == pytest.approx(1e-3, rel=1e-9)
    assert h.clip_fraction == [1.0]


def test_value_clipping_bounds_every_entry_of_the_step():
    step, h = step_of(("value", 1e-3))
    assert max(float(np.max(np.abs(s))) for s in step.values()) <= 1e-3 * (1 + 1e-12)
    assert h.clip_fraction == [1.0]


def test_a_simple_rnn_is_trained_in_place():
    x, y = rnn_lib.data.sine_wave(8, 10, rng=0)
    model = rnn_lib.SimpleRNN(1, 4, 1, rng=np.random.default_rng(0))
    before = model.W_hh.copy()
    train(model, x, y, epochs=1, batch_size=4, learning_rate=0.1, progress=False)
    assert not np.array_equal(model.W_hh, before)


def test_divergence_raises_and_leaves_the_parameters_as_before_the_bad_step():
    params, x, y = sine_setup(N=4)
    before = copy(params)
    with pytest.raises(FloatingPointError, match="clip") as info:
        train(params, x, y, epochs=1, batch_size=4, learning_rate=1e308, progress=False)
    assert all(np.array_equal(params[k], before[k]) for k in PARAM_NAMES)
    err = info.value
    assert isinstance(err, TrainingDiverged) and err.history.steps == 0
    assert err.update == 1 and err.quantity in ("the loss", "the gradient", "a parameter")
    assert f"{err.quantity} became non-finite at update 1" in str(err)


def test_divergence_reports_the_update_that_failed():
    params, x, y = sine_setup(N=32)  # notebook 09's unclipped run: it overflows within a few hundred updates
    with pytest.raises(TrainingDiverged) as info:
        train(params, x, y, epochs=60, batch_size=8, learning_rate=0.1, progress=False)
    err = info.value
    assert err.update == err.history.steps + 1 > 1  # some updates succeeded before the failing one
    assert len(err.history.step_loss) == err.history.steps
    assert f"at update {err.update}" in str(err) and err.quantity in str(err)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"batch_size": 0}, "batch_size"),
        ({"epochs": 1.5}, "epochs"),
        ({"learning_rate": -1}, "learning_rate"),
        ({"clip": ("l2", 1.0)}, "clip"),
        ({"clip": ("norm", 0)}, "max_norm"),
        ({"progress": "yes"}, "progress"),
        ({"rng": "seed"}, "rng"),
    ],
)
def test_bad_arguments_are_named_and_change_nothing(kwargs, name):
    params, x, y = sine_setup(N=4)
    before = copy(params)
    args = {"epochs": 1, "batch_size": 2, **kwargs}
    with pytest.raises((TypeError, ValueError), match=name):
        train(params, x, y, **args)
    assert all(np.array_equal(params[k], before[k]) for k in PARAM_NAMES)


def test_targets_of_the_wrong_shape_are_refused():
    params, x, y = sine_setup(N=4)
    with pytest.raises(ValueError, match="y must have shape"):
        train(params, x, y[:, :3], epochs=1, batch_size=2)


def test_quiet_run_prints_nothing(capsys):
    params, x, y = sine_setup(N=4)
    train(params, x, y, epochs=2, batch_size=2, progress="auto")
    assert capsys.readouterr() == ("", "")


def test_progress_goes_to_stdout(capsys):
    params, x, y = sine_setup(N=4)
    train(params, x, y, epochs=2, batch_size=2, progress=True)
    out, err = capsys.readouterr()
    assert out.startswith("epoch 1/2  loss") and err == ""
