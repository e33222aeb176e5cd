"""The readable reference and the fast engine compute the same numbers, on every shape family the tests use.

``rnn_lib.reference`` is the loop over the step functions the notebooks derive; ``rnn_lib.engine``
is what ``rnn_lib.forward``/``backward`` run.  Equal means: ŷ, every hidden state and every gradient
(the five parameters, x and h0) agree to 1e-12 of their scale in float64 (1e-5 in float32).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import rnn_lib
from rnn_lib import engine, reference
from rnn_lib.data import random_problem

# (T, D, H, O, B): the edge cases (T = 1, H = 1, D = O = 1, a batch of one) and ordinary ones; B None is one sequence.
SHAPES = [
    (1, 1, 1, 1, None),
    (1, 3, 4, 2, None),
    (5, 3, 1, 2, None),
    (4, 1, 5, 1, None),
    (6, 4, 3, 3, None),
    (5, 3, 4, 2, 1),
    (7, 2, 5, 3, 4),
    (12, 3, 6, 2, 9),
]
IDS = [f"T{T}-D{D}-H{H}-O{O}-B{B}" for T, D, H, O, B in SHAPES]
GRAD_NAMES = ("W_xh", "W_hh", "W_hy", "b_h", "b_y", "x", "h0")


def run(module, problem, dtype=np.float64, with_h0=True):
    params = {k: v.astype(dtype) for k, v in problem.params.items()}
    x, y = problem.x.astype(dtype), problem.y.astype(dtype)
    h0 = problem.h0.astype(dtype) if with_h0 else None
    y_hat, cache = module.forward(params, x, h0)
    return y_hat, cache, module.backward(params, cache, reference.loss_grad(y_hat, y))


def assert_same(actual, expected, dtype=np.float64):
    tol = 1e-12 if dtype == np.float64 else 1e-5
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    scale = max(1.0, float(np.max(np.abs(expected))))
    assert float(np.max(np.abs(actual - expected))) <= tol * scale


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
@pytest.mark.parametrize("with_h0", [True, False], ids=["h0", "zero-h0"])
def test_engine_forward_equals_the_reference(shape, with_h0):
    problem = random_problem(61, *shape)
    y_ref, cache_ref, _ = run(reference, problem, with_h0=with_h0)
    y_eng, cache_eng, _ = run(engine, problem, with_h0=with_h0)
    assert_same(y_eng, y_ref)
    assert_same(cache_eng.h.reshape(cache_ref.h.shape), cache_ref.h)  # h[0] = h_0 … h[T] = h_T in both


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
@pytest.mark.parametrize("name", GRAD_NAMES)
def test_engine_backward_equals_the_reference(shape, name):
    problem = random_problem(62, *shape)
    _, _, grads_ref = run(reference, problem)
    _, _, grads_eng = run(engine, problem)
    assert_same(grads_eng[name], grads_ref[name])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", GRAD_NAMES)
def test_engine_equals_the_reference_in_each_dtype(dtype, name):
    problem = random_problem(63, 8, 3, 5, 2, 4)
    y_ref, _, grads_ref = run(reference, problem, dtype)
    y_eng, _, grads_eng = run(engine, problem, dtype)
    assert_same(y_eng, y_ref, dtype)
    assert_same(grads_eng[name], grads_ref[name], dtype)


@pytest.mark.parametrize("T", [1, 2, 3, 8, 9, 17])
@pytest.mark.parametrize("name", GRAD_NAMES)
def test_backward_in_blocks_of_steps_equals_the_reference(monkeypatch, T, name):
    monkeypatch.setattr(engine, "ONE_BLOCK_BYTES", 0)  # every problem now walks back in blocks
    assert engine.steps_per_block(T, 4, 5, 8) < T or T < engine.BLOCKS + 1
    problem = random_problem(64, T, 3, 5, 2, 4)
    _, _, grads_ref = run(reference, problem)
    _, _, grads_eng = run(engine, problem)
    assert_same(grads_eng[name], grads_ref[name])


@pytest.mark.parametrize("T, expected", [(1, 1), (8, 1), (9, 2), (16, 2), (17, 3), (100, 13), (101, 13)])
def test_blocks_hold_an_eighth_of_the_steps_when_large(monkeypatch, T, expected):
    monkeypatch.setattr(engine, "ONE_BLOCK_BYTES", 0)
    assert engine.steps_per_block(T, 64, 512, 8) == expected


def test_small_problems_run_backward_in_one_block():
    assert engine.steps_per_block(100, 32, 128, 8) == 100


def test_engine_backward_accepts_a_non_contiguous_cache():
    problem = random_problem(65, 6, 3, 5, 2, 4)
    y_hat, cache, expected = run(engine, problem)
    strided = engine.ForwardCache(x=np.asfortranarray(cache.x), h=np.asfortranarray(cache.h), single=False)
    got = engine.backward(problem.params, strided, y_hat - problem.y)
    for name in expected:
        assert_same(got[name], expected[name])


@pytest.mark.parametrize("module", [reference, engine], ids=["reference", "engine"])
def test_forward_and_backward_leave_their_inputs_untouched(module):
    problem = random_problem(66, 5, 3, 6, 2, 4)
    before = {k: v.copy() for k, v in problem.params.items()}, problem.x.copy(), problem.h0.copy()
    run(module, problem)
    for k in problem.params:
        np.testing.assert_array_equal(problem.params[k], before[0][k])
    np.testing.assert_array_equal(problem.x, before[1])
    np.testing.assert_array_equal(problem.h0, before[2])


def test_reference_backward_is_the_loop_of_step_backwards_and_nothing_else():
    # The reference's backward must be readable as the notebooks derive it: it calls the two step
    # backwards and contains no matrix product of its own.
    source = inspect.getsource(reference.backward)
    assert "output_step_backward(" in source and "step_backward(dh, step_cache)" in source
    assert inspect.signature(reference.backward).parameters["step_backward"].default is reference.rnn_step_backward
    assert "@" not in source and "np.dot" not in source and "einsum" not in source


def test_backward_results_do_not_share_the_reused_block_buffers():
    # The block buffers are kept between calls: nothing returned may live in them, or the next call would change it.
    rng = np.random.default_rng(3)
    params = rnn_lib.init_params(2, 5, 1, rng=rng, scale=0.5)
    first_x, second_x = rng.standard_normal((6, 3, 2)), rng.standard_normal((6, 3, 2))
    y_hat, cache = engine.forward(params, first_x)
    first = engine.backward(params, cache, y_hat)
    kept = {k: v.copy() for k, v in first.items()}
    y_hat2, cache2 = engine.forward(params, second_x)
    engine.backward(params, cache2, y_hat2)
    assert all(np.array_equal(first[k], kept[k]) for k in kept)
    buffers = engine.block_buffers(6, 3, 5, np.float64)
    assert not any(np.shares_memory(buffers, v) for v in first.values())


def test_each_thread_has_its_own_block_buffers():
    import threading

    seen = []
    thread = threading.Thread(target=lambda: seen.append(engine.block_buffers(4, 2, 3, np.float64)))
    thread.start()
    thread.join()
    assert not np.shares_memory(seen[0], engine.block_buffers(4, 2, 3, np.float64))
