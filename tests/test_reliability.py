"""Nothing a learner or an adversary does corrupts a model, fools the gradient check or hangs the course.

Each section is one class of trouble: updates that could land half-way (read-only arrays, Ctrl-C at a
random moment), parameters that share memory or are not plain arrays, the gradient check on the
course's own model, numbers too large or too small, and unchecked corners of the public functions.
(Hostile files are tested in test_save_load.py, the exercise checkers in test_checker_robustness.py.)
"""

from __future__ import annotations

import _thread
import random
import signal
import threading
import time
import warnings

import numpy as np
import pytest

import rnn_lib
from course.stateful import train_tbptt
from rnn_lib import SimpleRNN, clipping, data, gradcheck
from rnn_lib.training import train

D, H, O, T = 4, 4, 1, 5  # D = H, so that W_xh and W_hh could be one array


@pytest.fixture(autouse=True)
def ctrl_c_raises_keyboard_interrupt():
    """Python's own SIGINT handler while each test runs: a test run in the background, or an event loop a kernel
    test left behind, may have installed another (or ignore SIGINT), and these tests send Ctrl-C themselves."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def case(seed=0):
    rng = np.random.default_rng(seed)
    model = SimpleRNN(D, H, O, rng=np.random.default_rng(seed))
    x, y = rng.standard_normal((T, D)), rng.standard_normal((T, O))
    model.forward(x)
    return model, x, y


def matrix(a):
    """np.matrix of ``a`` (numpy warns that the class is not recommended: that is the point here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(a)


def snapshot(params):
    return {k: v.copy() for k, v in params.items()}


def same(params, saved):
    return all(np.array_equal(params[k], saved[k]) for k in saved)


# -- 1. No half-updated model -------------------------------------------------------------------------


@pytest.mark.parametrize("name", rnn_lib.PARAM_NAMES)
def test_a_read_only_parameter_is_refused_before_any_parameter_changes(name):
    model, x, y = case()
    setattr(model, name, np.broadcast_to(getattr(model, name).copy(), getattr(model, name).shape))
    before = snapshot(model.params)
    with pytest.raises(ValueError, match=rf"SimpleRNN\.{name} is read-only"):
        model.backward(x, y, 0.1)
    assert same(model.params, before)


def test_after_a_refused_update_the_cached_forward_still_gives_the_right_step():
    model, x, y = case()
    twin, _, _ = case()
    good_b_y = model.b_y
    model.b_y = np.broadcast_to(good_b_y.copy(), good_b_y.shape)
    with pytest.raises(ValueError):
        model.backward(x, y, 0.1)
    model.b_y = good_b_y
    model.backward(x, y, 0.1)  # the forward pass cached before the error is still there
    twin.backward(x, y, 0.1)
    assert all(np.array_equal(model.params[k], twin.params[k]) for k in rnn_lib.PARAM_NAMES)


def test_a_failed_train_step_keeps_the_cached_forward_pass():
    model, x, y = case()
    good_b_y = model.b_y
    model.b_y = np.broadcast_to(good_b_y.copy(), good_b_y.shape)
    with pytest.raises(ValueError):
        model.train_step(x, y, 0.1)
    model.b_y = good_b_y
    model.backward(x, y, 0.1)  # no CallOrderError: the forward of case() survived


@pytest.mark.parametrize("trainer", ["train", "train_tbptt"])
def test_the_trainers_refuse_a_read_only_parameter_before_any_update(trainer):
    params = rnn_lib.init_params(2, 3, 1, rng=np.random.default_rng(1))
    params["W_hy"] = np.broadcast_to(params["W_hy"].copy(), params["W_hy"].shape)
    before = snapshot(params)
    x = np.random.default_rng(2).standard_normal((6, 4, 2))
    y = np.random.default_rng(3).standard_normal((6, 4, 1))
    with pytest.raises(ValueError, match=r"params\['W_hy'\] is read-only"):
        if trainer == "train":
            train(params, x, y, epochs=2, batch_size=2, learning_rate=0.1)
        else:
            train_tbptt(params, x, y, k1=2, learning_rate=0.1)
    assert same(params, before)


def with_interrupt(run, delay):
    """Call ``run()`` while another thread sends a Ctrl-C (SIGINT) after ``delay`` seconds; swallow the interrupt."""
    timer = threading.Timer(delay, _thread.interrupt_main)
    try:
        timer.start()
        try:
            run()
        finally:
            timer.cancel()
            timer.join()  # the interrupt, if sent, is now pending and lands below, inside this try
        for _ in range(1000):  # a few bytecodes for a pending handler to run on
            pass
        time.sleep(0.001)
    except KeyboardInterrupt:
        pass


def interrupt_repeatedly(run, params, rounds, seed):
    """Run ``run()`` ``rounds`` times, each time with a Ctrl-C (SIGINT) sent at a random moment inside it.

    The moments are drawn over the time one uninterrupted run takes here and now (a loaded machine is
    slower), so they land all along it.  Returns the (before, after) states of each interrupted run:
    every ``after`` must be a state some whole number of updates produced, never a mix.
    """
    rng = random.Random(seed)
    saved = snapshot(params)
    started = time.perf_counter()
    run()
    duration = time.perf_counter() - started
    for k in params:
        params[k][...] = saved[k]
    states = []
    for _ in range(rounds):
        start = snapshot(params)
        with_interrupt(run, rng.uniform(0.0, duration))
        states.append((start, snapshot(params)))
    return states


@pytest.mark.parametrize("model_class", [SimpleRNN, rnn_lib.LSTMModel, rnn_lib.GRUModel], ids=lambda c: c.__name__)
def test_ctrl_c_during_backward_leaves_all_old_or_all_new_parameters(model_class):
    model = model_class(3, 16, 2, rng=np.random.default_rng(4))
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((30, 3)), rng.standard_normal((30, 2))

    def step():
        model.forward(x)
        model.backward(x, y, 0.01)

    mixed = 0
    for before, after in interrupt_repeatedly(step, model.params, 300, seed=6):
        changed = [not np.array_equal(before[k], after[k]) for k in model.PARAM_NAMES]
        mixed += 0 < sum(changed) < len(changed)  # a step moves all five or none (b_y's gradient is never 0 here)
    assert mixed == 0


def test_ctrl_c_during_training_leaves_the_parameters_of_a_whole_number_of_updates():
    # One update per epoch (the whole set as one batch, no shuffling), so the state after u updates is
    # what train(..., epochs=u) gives: an interrupted run must have stopped on one of those states.
    start = rnn_lib.init_params(1, 24, 1, rng=np.random.default_rng(7), scale=0.3)
    x, y = data.sine_wave(32, 40, rng=8)
    settings = {"batch_size": 32, "learning_rate": 0.05, "shuffle": False, "progress": False}
    epochs = 6
    after_u = [snapshot(start)]
    for u in range(1, epochs + 1):
        params = snapshot(start)
        train(params, x, y, epochs=u, **settings)
        after_u.append(params)

    params = snapshot(start)

    def run():
        params.update(snapshot(start))
        train(params, x, y, epochs=epochs, **settings)

    outcomes = []
    for _, after in interrupt_repeatedly(run, params, 120, seed=9):
        matches = [u for u, state in enumerate(after_u) if same(after, state)]
        outcomes.append(matches[0] if matches else None)
    assert None not in outcomes
    assert len(set(outcomes)) > 1  # the interrupts did land at different points of the run


def test_commit_is_all_or_nothing_under_interrupts():
    from rnn_lib.updates import commit

    targets = {f"p{i}": np.zeros(20000) for i in range(5)}
    mixed = 0
    rng = random.Random(10)
    for r in range(200):
        new = {k: np.full(20000, float(r + 1)) for k in targets}
        with_interrupt(lambda: commit(targets, new), rng.uniform(0.0, 0.0005))
        firsts = {float(v[0]) for v in targets.values()} | {float(v[-1]) for v in targets.values()}
        mixed += len(firsts) > 1
    assert mixed == 0


def test_an_interrupt_during_commit_is_delivered_after_it():
    from course.interrupts import interrupts_deferred

    with pytest.raises(KeyboardInterrupt):
        with interrupts_deferred():
            _thread.interrupt_main()
            time.sleep(0.01)
            reached_the_end_of_the_block = True
    assert reached_the_end_of_the_block


# -- 2. No silently wrong training: shared memory, array subclasses, byte order -------------------------


def test_two_parameters_that_are_one_array_are_refused():
    model, x, y = case()
    model.W_xh = model.W_hh
    before = snapshot(model.params)
    for call in (lambda: model.backward(x, y, 0.1), lambda: model.train_step(x, y, 0.1)):
        with pytest.raises(ValueError, match=r"SimpleRNN\.W_xh and SimpleRNN\.W_hh are the same array"):
            call()
    assert same(model.params, before)


def test_a_parameter_that_is_a_view_of_another_is_refused():
    model, x, y = case()
    model.b_h = model.W_hh[:, :1]
    with pytest.raises(ValueError, match=r"W_hh and SimpleRNN\.b_h share memory"):
        model.train_step(x, y, 0.1)


def test_parameters_carved_from_one_flat_buffer_without_overlap_are_fine():
    model, x, y = case()
    flat = np.zeros(sum(p.size for p in model.params.values()))
    start = 0
    for name, p in model.params.items():
        view = flat[start : start + p.size].reshape(p.shape)
        view[...] = p
        setattr(model, name, view)
        start += p.size
    model.train_step(x, y, 0.1)  # no overlap: accepted, and updated in place
    assert np.any(flat != 0)


def test_the_trainer_refuses_shared_parameters():
    params = rnn_lib.init_params(3, 3, 1, rng=np.random.default_rng(11))
    params["W_xh"] = params["W_hh"]
    x, y = np.zeros((4, 2, 3)), np.zeros((4, 2, 1))
    with pytest.raises(ValueError, match="same array"):
        train(params, x, y, epochs=1, batch_size=2)


@pytest.mark.parametrize(
    "make, message",
    [
        (matrix, "numpy.matrix"),
        (lambda p: np.ma.masked_array(p, mask=np.zeros(p.shape, bool)), "masked array"),
        (lambda p: p.astype(">f8"), "native byte order"),
    ],
    ids=["matrix", "masked", "big-endian"],
)
def test_parameters_that_are_not_plain_native_arrays_are_refused(make, message):
    model, x, y = case()
    model.W_hh = make(model.W_hh)
    with pytest.raises(TypeError, match=message):
        model.forward(x)
    params = rnn_lib.init_params(D, H, O, rng=np.random.default_rng(0))
    params["W_hh"] = make(params["W_hh"])
    with pytest.raises(TypeError, match=message):
        rnn_lib.forward(params, x)


@pytest.mark.parametrize(
    "make, error, message",
    [
        (matrix, TypeError, "numpy.matrix"),
        (lambda a: np.ma.masked_array(a, mask=np.ones(a.shape, bool)), TypeError, "mask would be ignored"),
    ],
    ids=["matrix", "masked"],
)
def test_inputs_that_are_array_subclasses_are_refused(make, error, message):
    model, x, _ = case()
    with pytest.raises(error, match=message):
        model.forward(make(x))


def test_big_endian_inputs_give_the_same_predictions_as_native_ones():
    model, x, _ = case()
    np.testing.assert_array_equal(model.forward(x.astype(">f8")), model.forward(x))


def test_forward_never_returns_a_matrix():
    params = rnn_lib.init_params(D, H, O, rng=np.random.default_rng(0))
    y_hat, _ = rnn_lib.forward(params, np.ones((T, D)))
    assert type(y_hat) is np.ndarray


# -- 3. The gradient check trusts the course's own gradients --------------------------------------------


@pytest.mark.parametrize("seed", range(25))
def test_the_gradient_check_passes_the_problems_model_on_the_toy_task(seed):
    np.random.seed(seed)
    report = gradcheck.check_rnn(SimpleRNN(1, 5, 1).params, *data.toy_task())
    assert report.ok, str(report)


@pytest.mark.parametrize("seed", range(5))
def test_the_gradient_check_still_catches_a_wrong_gradient_on_the_toy_task(seed):
    np.random.seed(seed)
    params = SimpleRNN(1, 5, 1).params
    x, y = data.toy_task()
    from course import bugs

    for name in ("h_t_in_dW_hh", "drop_dh_next", "sign_of_dy", "forward_in_time"):
        assert max(bugs.signature(params, x, y, bugs.BUGS[name][0]).values()) > 1e-5, name


def test_numerical_gradient_refuses_an_integer_array():
    x = np.arange(6).reshape(2, 3)
    with pytest.raises(TypeError, match="must hold floats"):
        gradcheck.numerical_gradient(lambda: float(np.sum(x**2)), x)


@pytest.mark.parametrize(
    "eps, error", [(0, ValueError), (-1e-6, ValueError), (float("nan"), ValueError), ("1e-6", TypeError)]
)
def test_numerical_gradient_refuses_a_step_that_is_not_positive(eps, error):
    x = np.ones(3)
    with pytest.raises(error, match="eps"):
        gradcheck.numerical_gradient(lambda: float(np.sum(x**2)), x, eps=eps)


@pytest.mark.parametrize("exc", [RuntimeError, KeyboardInterrupt])
def test_numerical_gradient_restores_x_when_f_raises_or_is_interrupted(exc):
    x = np.linspace(0.1, 0.9, 6)
    before = x.copy()
    calls = []

    def f():
        calls.append(1)
        if len(calls) == 4:  # in the middle of the second entry's pair of evaluations
            raise exc("stop")
        return float(np.sum(x**2))

    with pytest.raises(exc):
        gradcheck.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_explains_a_function_that_returns_no_number():
    x = np.ones(3)
    with pytest.raises(TypeError, match="f must return one real number"):
        gradcheck.numerical_gradient(lambda: x * 2, x)


# -- 6. Numbers and corners ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda: rnn_lib.init_params(3, 8, 2, rng=0), TypeError, "Generator"),
        (lambda: rnn_lib.init_params(3, 8, 2, dtype=np.float16), TypeError, "float16"),
        (lambda: rnn_lib.init_params(3, 8, 2, scale=float("nan")), ValueError, "scale"),
        (lambda: rnn_lib.init_params(3, 1.5, 2), TypeError, "H"),
        (lambda: rnn_lib.init_params(3, -1, 2), ValueError, "H"),
        (lambda: rnn_lib.init_params(True, 8, 2), TypeError, "D"),
        (lambda: SimpleRNN(1, 5, 1, dtype=np.float16), TypeError, "float16"),
        (lambda: data.sine_wave(4, 10, dt=float("nan")), ValueError, "dt"),
        (lambda: data.sine_wave(4, 10, freq_range=(0.5, float("inf"))), ValueError, "freq_range"),
        (lambda: data.sine_wave(4, 10, noise=float("nan")), ValueError, "noise"),
        (lambda: data.counting_task(4, low=5, high=5), ValueError, "low"),
        (lambda: data.counting_task(4, low=0.5), TypeError, "low"),
        (lambda: data.toy_task(start=float("inf")), ValueError, "start"),
        (lambda: data.adding_problem(0), ValueError, "n_sequences"),
    ],
    ids=lambda v: None,
)
def test_unchecked_corners_get_precise_errors(call, error, words):
    state = np.random.get_state()
    with pytest.raises(error, match=words):
        call()
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]  # the global RNG did not move


def test_a_model_too_large_for_memory_is_refused_and_the_global_rng_does_not_move():
    np.random.seed(123)
    state = np.random.get_state()
    with pytest.raises(ValueError, match="would not fit in this machine's memory"):
        SimpleRNN(1, 10**6, 1)  # W_hh alone would be 8 TB
    after = np.random.get_state()
    assert np.array_equal(state[1], after[1]) and state[2] == after[2]


def test_a_generator_passed_in_does_not_move_when_the_call_is_refused():
    gen = np.random.default_rng(5)
    state = gen.bit_generator.state
    with pytest.raises(ValueError):
        data.sine_wave(4, 10, noise=float("nan"), rng=gen)
    with pytest.raises(TypeError):
        SimpleRNN(1, 2.5, 1, rng=gen)
    assert gen.bit_generator.state == state


@pytest.mark.parametrize("where", ["backward", "train_step", "train", "train_tbptt", "clip_norm", "clip_value"])
def test_a_learning_rate_or_threshold_of_10_to_the_400_is_a_value_error(where):
    model, x, y = case()
    params = rnn_lib.init_params(D, H, O, rng=np.random.default_rng(0))
    xb, yb = np.zeros((T, 2, D)), np.zeros((T, 2, O))
    huge = 10**400
    calls = {
        "backward": lambda: model.backward(x, y, huge),
        "train_step": lambda: model.train_step(x, y, huge),
        "train": lambda: train(params, xb, yb, epochs=1, batch_size=2, learning_rate=huge),
        "train_tbptt": lambda: train_tbptt(params, xb, yb, k1=2, learning_rate=huge),
        "clip_norm": lambda: clipping.clip_by_global_norm(model.gradients(x, y), huge),
        "clip_value": lambda: clipping.clip_by_value(model.gradients(x, y), huge),
    }
    with pytest.raises(ValueError, match="finite positive number"):
        calls[where]()


@pytest.mark.parametrize("size", [1e200, 1e-200])
def test_the_global_norm_neither_overflows_nor_underflows(size):
    grads = {k: np.full(s, size) for k, s in rnn_lib.param_shapes(2, 3, 1).items()}
    n = sum(np.prod(s) for s in rnn_lib.param_shapes(2, 3, 1).values())
    assert clipping.global_norm(grads) == pytest.approx(size * np.sqrt(n), rel=1e-12)
    clipped, norm = clipping.clip_by_global_norm(grads, 1.0)
    assert norm == pytest.approx(size * np.sqrt(n), rel=1e-12)
    expected_norm = 1.0 if size > 1 else size * np.sqrt(n)  # the short one is left alone
    assert clipping.global_norm(clipped) == pytest.approx(expected_norm, rel=1e-12)


def test_the_cosine_of_huge_gradients_is_one_not_nan():
    grads = {k: np.full(s, 1e200) for k, s in rnn_lib.param_shapes(2, 3, 1).items()}
    assert clipping.cosine(grads, grads) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("value", [1e300, -1e160])
def test_inputs_too_large_to_compute_with_are_refused(value):
    model, x, _ = case()
    x = x.copy()
    x[2, 1] = value
    with pytest.raises(ValueError, match="too large to compute with"):
        model.forward(x)
    with pytest.raises(ValueError, match="too large to compute with"):
        rnn_lib.forward(model.params, x)


def test_values_just_inside_the_limit_are_accepted_even_when_their_sum_of_squares_overflows():
    from rnn_lib.validation import as_float_array, magnitude_limit

    x = np.full((4, 3), 0.9 * magnitude_limit(np.float64))  # each square finite, their sum not
    assert as_float_array(x, "x") is x


def test_the_cache_of_forward_cannot_be_edited_and_a_hand_made_one_with_nan_is_refused():
    params = rnn_lib.init_params(D, H, O, rng=np.random.default_rng(0))
    y_hat, cache = rnn_lib.forward(params, np.ones((T, D)))
    with pytest.raises(ValueError, match="read-only"):
        cache.h[2, 0, 1] = np.nan
    with pytest.raises(ValueError, match="read-only"):
        cache.x[0, 0, 0] = np.nan
    edited = cache._replace(h=cache.h.copy())
    edited.h[2, 0, 1] = np.nan
    with pytest.raises(ValueError, match="cache holds NaN"):
        rnn_lib.backward(params, edited, y_hat)


def test_the_cosine_of_gradients_of_two_different_models_is_refused():
    a = {k: np.ones(s) for k, s in rnn_lib.param_shapes(2, 3, 1).items()}
    b = {k: np.ones(s) for k, s in rnn_lib.param_shapes(2, 4, 1).items()}
    with pytest.raises(ValueError, match="not gradients of one model"):
        clipping.cosine(a, b)


def test_a_parameter_whose_entries_share_memory_is_refused():
    model, x, y = case()
    model.W_hh = np.lib.stride_tricks.as_strided(model.W_hh.copy(), shape=(H, H), strides=(0, 8))  # every row one row
    with pytest.raises(ValueError, match=r"SimpleRNN\.W_hh has entries that share memory"):
        model.train_step(x, y, 0.1)


def test_transposed_and_strided_views_that_do_not_overlap_are_fine():
    model, x, y = case()
    model.W_hh = np.ascontiguousarray(model.W_hh.T).T  # Fortran order
    model.W_xh = np.full((H, 2 * D), 0.01)[:, ::2]  # every other column: strided, no overlap
    model.train_step(x, y, 0.1)


def test_numerical_gradient_refuses_an_eps_too_large_for_a_float():
    with pytest.raises(ValueError, match="eps"):
        gradcheck.numerical_gradient(lambda: 0.0, np.ones(3), eps=10**400)
