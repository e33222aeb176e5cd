"""rnn_lib.SimpleRNN is the problem's SimpleRNN: same weights, outputs and updates as the per-step reference loop.

Sizes (T, D, H, O) are the edge cases T = 1, H = 1, D > 1, O > 1 plus a seeded random list.
Agreement means a max difference <= 1e-12 relative to the numbers' scale (see ``conftest.max_scaled_diff``).
"""

import random

import numpy as np
import pytest

import rnn_lib

PARAM_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y")
LEARNING_RATE = 0.01

EDGE_SIZES = [
    (1, 1, 1, 1),  # everything scalar
    (1, 3, 4, 2),  # T = 1: no recurrence at all
    (5, 3, 1, 2),  # H = 1
    (4, 1, 3, 1),  # the problem's own shapes
    (6, 4, 3, 3),  # D > 1 and O > 1
]
_draw = random.Random(20240601)
RANDOM_SIZES = [(_draw.randint(1, 8), _draw.randint(1, 5), _draw.randint(1, 6), _draw.randint(1, 4)) for _ in range(15)]
SIZES = EDGE_SIZES + RANDOM_SIZES
SIZE_IDS = [f"T{T}-D{D}-H{H}-O{O}" for T, D, H, O in SIZES]


def twin_models(reference_rnn, seed, D, H, O):
    """The reference and rnn_lib's model, each built right after np.random.seed(seed)."""
    np.random.seed(seed)
    ref = reference_rnn(D, H, O)
    np.random.seed(seed)
    model = rnn_lib.SimpleRNN(D, H, O)
    return ref, model


def sequence(seed, T, D, O):
    """One sequence x (T, D) and its targets y (T, O), from a generator of its own."""
    rng = np.random.default_rng(1000 + seed)
    return rng.standard_normal((T, D)), rng.standard_normal((T, O))


# -- after np.random.seed(s) --------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_initial_weights_equal_reference_after_same_seed(size, reference_rnn):
    T, D, H, O = size
    ref, model = twin_models(reference_rnn, seed=T + 7 * D, D=D, H=H, O=O)
    for name in PARAM_NAMES:
        assert np.array_equal(getattr(model, name), getattr(ref, name)), name


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_forward_returns_shape_T_O_1(size, reference_rnn):
    T, D, H, O = size
    _, model = twin_models(reference_rnn, seed=1, D=D, H=H, O=O)
    x, _ = sequence(1, T, D, O)
    assert model.forward(x).shape == (T, O, 1)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_forward_outputs_equal_reference(size, reference_rnn, assert_close):
    T, D, H, O = size
    ref, model = twin_models(reference_rnn, seed=2, D=D, H=H, O=O)
    x, _ = sequence(2, T, D, O)
    assert_close(model.forward(x), ref.forward(x))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_weights_after_one_epoch_equal_reference(size, reference_rnn, assert_close):
    T, D, H, O = size
    ref, model = twin_models(reference_rnn, seed=3, D=D, H=H, O=O)
    x, y = sequence(3, T, D, O)
    for net in (ref, model):
        net.forward(x)
        net.backward(x, y, LEARNING_RATE)
    for name in PARAM_NAMES:
        assert_close(getattr(model, name), getattr(ref, name))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_weights_after_100_epochs_equal_reference(size, reference_rnn, assert_close):
    T, D, H, O = size
    ref, model = twin_models(reference_rnn, seed=4, D=D, H=H, O=O)
    x, y = sequence(4, T, D, O)
    for _ in range(100):
        for net in (ref, model):
            net.forward(x)
            net.backward(x, y, LEARNING_RATE)
    for name in PARAM_NAMES:
        assert_close(getattr(model, name), getattr(ref, name))


def test_training_on_the_toy_task_moves_the_weights_away_from_their_start(reference_rnn):
    # Guards the 100-epoch parity test against passing vacuously (weights that never change).
    x, y = rnn_lib.data.toy_task()
    _, model = twin_models(reference_rnn, seed=0, D=1, H=3, O=1)
    start = {name: getattr(model, name).copy() for name in PARAM_NAMES}
    for _ in range(100):
        model.forward(x)
        model.backward(x, y, LEARNING_RATE)
    assert all(np.max(np.abs(getattr(model, name) - start[name])) > 1e-3 for name in PARAM_NAMES)


# -- rng=np.random.default_rng(...) ---------------------------------------------------------


def test_generator_with_same_seed_gives_same_weights():
    a = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(5))
    b = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(5))
    assert all(np.array_equal(a.params[name], b.params[name]) for name in PARAM_NAMES)


def test_generator_weights_differ_from_global_rng_weights():
    np.random.seed(5)
    global_path = rnn_lib.SimpleRNN(3, 4, 2)
    np.random.seed(5)  # same global state for both: only the generator can make them differ
    generator_path = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(5))
    assert not np.array_equal(generator_path.W_xh, global_path.W_xh)


def test_generator_weights_are_its_standard_normal_draws_times_001_in_problem_order():
    rng = np.random.default_rng(9)
    expected = {
        "W_xh": rng.standard_normal((4, 3)) * 0.01,
        "W_hh": rng.standard_normal((4, 4)) * 0.01,
        "W_hy": rng.standard_normal((2, 4)) * 0.01,
    }
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(9))
    assert all(np.array_equal(getattr(model, name), value) for name, value in expected.items())


def test_generator_leaves_global_rng_state_untouched():
    np.random.seed(11)
    before = np.random.get_state()[1].copy(), np.random.get_state()[2]
    rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    after = np.random.get_state()[1], np.random.get_state()[2]
    assert np.array_equal(before[0], after[0]) and before[1] == after[1]


# -- loss, gradients, params --------------------------------------------------------------


@pytest.mark.parametrize("size", EDGE_SIZES, ids=SIZE_IDS[: len(EDGE_SIZES)])
def test_loss_is_half_sum_of_squared_errors_of_reference_outputs(size, reference_rnn):
    T, D, H, O = size
    ref, model = twin_models(reference_rnn, seed=6, D=D, H=H, O=O)
    x, y = sequence(6, T, D, O)
    expected = 0.5 * float(np.sum((ref.forward(x)[:, :, 0] - y) ** 2))
    assert abs(model.loss(x, y) - expected) <= 1e-12 * max(1.0, expected)


def test_loss_returns_a_python_float():
    model = rnn_lib.SimpleRNN(2, 3, 1, rng=np.random.default_rng(0))
    x, y = sequence(0, 4, 2, 1)
    assert type(model.loss(x, y)) is float


@pytest.mark.parametrize("size", EDGE_SIZES, ids=SIZE_IDS[: len(EDGE_SIZES)])
def test_gradients_equal_reference_gradients(size, reference_rnn, assert_close):
    T, D, H, O = size
    ref, model = twin_models(reference_rnn, seed=7, D=D, H=H, O=O)
    x, y = sequence(7, T, D, O)
    ref.forward(x)
    expected = ref.gradients(x, y)
    grads = model.gradients(x, y)
    for name in PARAM_NAMES:
        assert_close(grads[name], expected[name])


def test_gradients_returns_a_dict_of_the_five_parameter_names():
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    x, y = sequence(0, 5, 3, 2)
    assert sorted(model.gradients(x, y)) == sorted(PARAM_NAMES)


def test_gradients_have_the_parameter_shapes():
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    x, y = sequence(0, 5, 3, 2)
    grads = model.gradients(x, y)
    assert {name: g.shape for name, g in grads.items()} == {name: p.shape for name, p in model.params.items()}


def test_gradients_leave_parameters_bit_identical():
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    x, y = sequence(0, 5, 3, 2)
    before = {name: p.tobytes() for name, p in model.params.items()}
    model.gradients(x, y)
    assert {name: p.tobytes() for name, p in model.params.items()} == before


def test_gradients_between_forward_and_backward_do_not_change_the_update(reference_rnn, assert_close):
    ref, model = twin_models(reference_rnn, seed=8, D=3, H=4, O=2)
    x, y = sequence(8, 5, 3, 2)
    other_x, other_y = sequence(9, 7, 3, 2)
    ref.forward(x)
    ref.backward(x, y, LEARNING_RATE)
    model.forward(x)
    model.gradients(other_x, other_y)  # must not replace the cached forward pass of x
    model.backward(x, y, LEARNING_RATE)
    for name in PARAM_NAMES:
        assert_close(getattr(model, name), getattr(ref, name))


def test_loss_leaves_parameters_bit_identical():
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    x, y = sequence(0, 5, 3, 2)
    before = {name: p.tobytes() for name, p in model.params.items()}
    model.loss(x, y)
    assert {name: p.tobytes() for name, p in model.params.items()} == before


def test_params_maps_the_five_names_in_order():
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    assert tuple(model.params) == PARAM_NAMES


def test_params_are_the_attribute_objects_themselves():
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    assert all(model.params[name] is getattr(model, name) for name in PARAM_NAMES)


def test_params_stay_the_attribute_objects_after_a_training_step():
    model = rnn_lib.SimpleRNN(3, 4, 2, rng=np.random.default_rng(0))
    held = model.params
    x, y = sequence(0, 5, 3, 2)
    model.forward(x)
    model.backward(x, y, LEARNING_RATE)
    assert all(held[name] is getattr(model, name) for name in PARAM_NAMES)
