"""rnn_lib.data: the tasks have their documented shapes and contents, and a seed fixes them."""

import numpy as np
import pytest

from rnn_lib import data

SEEDED_TASKS = {
    "counting": lambda rng: data.counting_task(5, T=6, rng=rng),
    "sine": lambda rng: data.sine_wave(5, T=30, noise=0.1, rng=rng),
    "adding": lambda rng: data.adding_problem(5, T=12, rng=rng),
    "remember": lambda rng: data.remember_first(5, T=12, rng=rng),
    "reversal": lambda rng: data.reversal_task(5, 2, 7, rng=rng),
    "remember_at": lambda rng: data.remember_at(5, T=12, rng=rng),
    "window_sum": lambda rng: data.window_sum(5, T=12, ahead=3, rng=rng),
}


def same_arrays(first, second):
    return all(np.array_equal(a, b) for a, b in zip(first, second))


# -- the problem's toy task -----------------------------------------------------------------


def test_toy_task_is_exactly_1234_to_2345():
    x, y = data.toy_task()
    assert x.tolist() == [[1.0], [2.0], [3.0], [4.0]] and y.tolist() == [[2.0], [3.0], [4.0], [5.0]]


def test_toy_task_arrays_are_4_by_1_floats():
    x, y = data.toy_task()
    assert (x.shape, x.dtype, y.shape, y.dtype) == ((4, 1), np.float64, (4, 1), np.float64)


# -- seeding, for every random task ---------------------------------------------------------


@pytest.mark.parametrize("task", SEEDED_TASKS)
def test_same_seed_gives_same_data(task):
    assert same_arrays(SEEDED_TASKS[task](7), SEEDED_TASKS[task](7))


@pytest.mark.parametrize("task", SEEDED_TASKS)
def test_different_seeds_give_different_inputs(task):
    assert not np.array_equal(SEEDED_TASKS[task](7)[0], SEEDED_TASKS[task](8)[0])


@pytest.mark.parametrize("task", SEEDED_TASKS)
def test_int_seed_means_default_rng_of_that_seed(task):
    assert same_arrays(SEEDED_TASKS[task](7), SEEDED_TASKS[task](np.random.default_rng(7)))


@pytest.mark.parametrize("task", SEEDED_TASKS)
def test_tasks_leave_the_global_rng_untouched(task):
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    SEEDED_TASKS[task](3)
    assert np.random.random() == expected


# -- counting_task --------------------------------------------------------------------------


def test_counting_task_shapes_are_T_B_1():
    x, y = data.counting_task(5, T=6)
    assert (x.shape, y.shape) == ((6, 5, 1), (6, 5, 1))


def test_counting_task_targets_are_the_next_integers():
    x, y = data.counting_task(5, T=6)
    assert np.array_equal(y, x + 1.0)


def test_counting_task_sequences_count_up_by_one():
    x, _ = data.counting_task(5, T=6)
    assert np.all(np.diff(x, axis=0) == 1.0)


def test_counting_task_starts_lie_in_low_to_high():
    x, _ = data.counting_task(200, T=3, low=2, high=5)
    assert set(x[0, :, 0].tolist()) == {2.0, 3.0, 4.0}


# -- sine_wave ------------------------------------------------------------------------------


def test_sine_wave_shapes_are_T_B_1():
    x, y = data.sine_wave(4, T=25)
    assert (x.shape, y.shape) == ((25, 4, 1), (25, 4, 1))


def test_sine_wave_targets_are_inputs_shifted_by_one_step():
    x, y = data.sine_wave(4, T=25, noise=0.0)
    assert np.array_equal(y[:-1], x[1:])


def test_sine_wave_noise_changes_inputs_only():
    clean_x, clean_y = data.sine_wave(4, T=25, noise=0.0, rng=3)
    noisy_x, noisy_y = data.sine_wave(4, T=25, noise=0.1, rng=3)
    assert np.array_equal(noisy_y, clean_y) and not np.array_equal(noisy_x, clean_x)


def test_sine_wave_sequences_are_sines_of_the_requested_frequencies():
    x, _ = data.sine_wave(50, T=40, dt=0.1, freq_range=(0.5, 1.5))
    s = x[:, :, 0]
    # A sampled sine satisfies s(k+1) + s(k−1) = 2 cos(2π f dt) s(k): recover f by least squares.
    ratio = np.sum((s[2:] + s[:-2]) * s[1:-1], axis=0) / np.sum(2 * s[1:-1] ** 2, axis=0)
    freq = np.arccos(np.clip(ratio, -1.0, 1.0)) / (2 * np.pi * 0.1)
    assert np.all((freq >= 0.5 - 1e-9) & (freq <= 1.5 + 1e-9))


# -- adding_problem -------------------------------------------------------------------------


@pytest.fixture
def adding():
    return data.adding_problem(200, T=11, rng=5)


def test_adding_problem_shapes_are_T_B_2_and_B_1(adding):
    x, y = adding
    assert (x.shape, y.shape) == ((11, 200, 2), (200, 1))


def test_adding_problem_has_exactly_two_markers_per_sequence(adding):
    x, _ = adding
    assert np.all(x[:, :, 1].sum(axis=0) == 2.0) and set(np.unique(x[:, :, 1])) == {0.0, 1.0}


def test_adding_problem_has_one_marker_in_each_half(adding):
    x, _ = adding
    half = x.shape[0] // 2
    assert np.all(x[:half, :, 1].sum(axis=0) == 1.0) and np.all(x[half:, :, 1].sum(axis=0) == 1.0)


def test_adding_problem_target_is_the_sum_of_the_marked_values(adding):
    x, y = adding
    assert np.allclose(y[:, 0], np.sum(x[:, :, 0] * x[:, :, 1], axis=0), rtol=0, atol=1e-15)


def test_adding_problem_values_lie_in_0_1(adding):
    x, _ = adding
    assert np.all((x[:, :, 0] >= 0.0) & (x[:, :, 0] < 1.0))


def test_adding_problem_refuses_sequences_too_short_for_two_halves():
    with pytest.raises(ValueError, match="T >= 2"):
        data.adding_problem(3, T=1)


# -- remember_first -------------------------------------------------------------------------


@pytest.fixture
def remember():
    return data.remember_first(300, T=9, rng=6)


def test_remember_first_shapes_are_T_B_2_and_B_1(remember):
    x, y = remember
    assert (x.shape, y.shape) == ((9, 300, 2), (300, 1))


def test_remember_first_marks_the_first_step_only(remember):
    x, _ = remember
    assert np.all(x[0, :, 1] == 1.0) and np.all(x[1:, :, 1] == 0.0)


def test_remember_first_target_is_the_first_value_a_sign(remember):
    x, y = remember
    assert np.array_equal(y[:, 0], x[0, :, 0]) and set(np.unique(y)) == {-1.0, 1.0}


def test_remember_first_distractors_lie_in_minus_1_1_and_vary(remember):
    x, _ = remember
    values = x[1:, :, 0]
    assert np.all((values >= -1.0) & (values < 1.0)) and values.std() > 0.5


def test_remember_first_baseline_predicting_zero_has_mse_1(remember):
    _, y = remember
    assert np.mean((y - 0.0) ** 2) == 1.0


def test_remember_first_refuses_a_single_step():
    with pytest.raises(ValueError, match="T >= 2"):
        data.remember_first(3, T=1)


# -- reversal_task ------------------------------------------------------------------------------


def test_reversal_targets_are_the_source_digits_reversed_then_eos_then_padding():
    src, tgt, lengths = data.reversal_task(300, 1, 9, rng=2)
    assert src.shape == (9, 300) and tgt.shape == (10, 300) and src.dtype == tgt.dtype == np.int64
    for b in range(300):
        n = lengths[b]
        digits = src[:n, b]
        assert np.all((digits >= data.DIGIT_0) & (digits < data.REVERSAL_V)) and np.all(src[n:, b] == data.PAD)
        assert tgt[:, b].tolist() == digits[::-1].tolist() + [data.EOS] + [data.PAD] * (9 - n)


def test_reversal_lengths_cover_the_range_and_the_digits_are_uniform():
    src, _, lengths = data.reversal_task(2000, 3, 6, rng=0)
    assert sorted(set(lengths.tolist())) == [3, 4, 5, 6]
    counts = np.bincount(src[src != data.PAD] - data.DIGIT_0, minlength=10)
    assert counts.min() > 0.8 * counts.mean()


def test_reversal_of_one_length_pads_nothing():
    src, tgt, lengths = data.reversal_task(4, 5, 5, rng=1)
    assert np.all(lengths == 5) and np.all(src != data.PAD) and np.all(tgt[-1] == data.EOS)


@pytest.mark.parametrize(
    "args, error", [((0, 1, 3), ValueError), ((3, 0, 3), ValueError), ((3, 4, 3), ValueError), ((3, 1, 2.0), TypeError)]
)
def test_reversal_refuses_bad_sizes(args, error):
    with pytest.raises(error):
        data.reversal_task(*args)


# -- remember_at ----------------------------------------------------------------------------


@pytest.fixture
def remember_late():
    return data.remember_at(400, T=20, rng=6)


def test_remember_at_marks_one_step_per_sequence_in_2_to_half_T(remember_late):
    x, _ = remember_late
    marked = x[:, :, 1]
    assert np.all(marked.sum(axis=0) == 1.0)
    steps = np.argmax(marked, axis=0) + 1  # 1-based step of the sign
    assert steps.min() == 2 and steps.max() == 10  # every step 2 … T/2 occurs among 400 sequences


def test_remember_at_target_is_the_marked_value_a_sign(remember_late):
    x, y = remember_late
    marked = np.argmax(x[:, :, 1], axis=0)
    assert np.array_equal(x[marked, np.arange(400), 0], y[:, 0]) and set(np.unique(y)) == {-1.0, 1.0}


def test_remember_at_a_fixed_step_puts_the_sign_there():
    x, y = data.remember_at(50, T=15, step=11, rng=2)
    assert np.all(x[10, :, 1] == 1.0) and x[:, :, 1].sum() == 50 and np.array_equal(x[10, :, 0], y[:, 0])


def test_remember_at_step_1_gives_remember_firsts_layout():
    x, y = data.remember_at(30, T=9, step=1, rng=0)
    assert np.all(x[0, :, 1] == 1.0) and np.array_equal(x[0, :, 0], y[:, 0])


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"T": 3}, ValueError, "T >= 4"),
        ({"T": 10, "step": 10}, ValueError, r"step must be in 1 … T − 1 = 9 .*got 10"),
        ({"T": 10, "step": 0}, ValueError, "step must be in"),
        ({"T": 10, "step": 2.0}, TypeError, r"step must be None or an int .*got 2.0 \(float\)"),
        ({"T": 10, "step": True}, TypeError, "step must be None or an int"),
    ],
)
def test_remember_at_refuses_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        data.remember_at(3, **kwargs)


# -- window_sum -------------------------------------------------------------------------------


def test_window_sum_targets_are_the_sums_over_the_window_inside_the_sequence():
    x, y = data.window_sum(7, T=9, behind=2, ahead=3, rng=5)
    assert x.shape == y.shape == (9, 7, 1) and set(np.unique(x)) == {-1.0, 1.0}
    for b in range(7):
        for t in range(1, 10):  # steps counted from 1: row t − 1
            window = [x[s - 1, b, 0] for s in range(t - 2, t + 4) if 1 <= s <= 9]
            assert y[t - 1, b, 0] == sum(window)


def test_window_sum_with_nothing_ahead_is_causal():
    x, y = data.window_sum(4, T=10, behind=1, ahead=0, rng=1)
    x2 = x.copy()
    x2[6:] *= -1  # change the inputs from step 7 on: targets up to step 6 must not move
    y2 = x2[:, :, 0] + np.concatenate([np.zeros((1, 4)), x2[:-1, :, 0]])
    assert np.array_equal(y[:6, :, 0], y2[:6]) and not np.array_equal(y[6:, :, 0], y2[6:])


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"ahead": -1}, ValueError, "ahead"),
        ({"behind": 1.5}, TypeError, "behind"),
        ({"ahead": 12}, ValueError, "T − 1"),
        ({"T": 0}, ValueError, "T"),
        ({"ahead": True}, TypeError, "ahead"),
    ],
)
def test_window_sum_refuses_bad_arguments_by_name(kwargs, error, words):
    with pytest.raises(error, match=words):
        data.window_sum(3, **{"T": 12, **kwargs})


def test_window_sum_refuses_before_drawing():
    g = np.random.default_rng(3)
    state = g.bit_generator.state
    with pytest.raises(ValueError):
        data.window_sum(3, T=5, ahead=9, rng=g)
    assert g.bit_generator.state == state
