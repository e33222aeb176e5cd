"""Checkers of notebook 20 (stack_deltas, bidirectional_states): the right answer passes, each named slip is named."""

import numpy as np
import pytest

from course.exercises import deep as ex
from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.deep import check_bidirectional_states, check_stack_deltas
from rnn_lib import deep

# -- stack_deltas: a learner's loop, written out, with one switch per slip ---------------------------------------


def learner_stack(dy, h1, h2, params, slip=None):
    T = dy.shape[0]
    W_hy, W_xh2, W_hh1, W_hh2 = params["W_hy"], params["l2.W_xh"], params["l1.W_hh"], params["l2.W_hh"]
    dh_raw1, dh_raw2 = np.zeros(h1[1:].shape), np.zeros(h2[1:].shape)
    next1, next2 = np.zeros(h1.shape[1:]), np.zeros(h2.shape[1:])
    steps = range(1, T + 1) if slip == "forwards" else range(T, 0, -1)
    for t in steps:
        dh2 = dy[t - 1] @ W_hy + (0 if slip in ("no carry 2", "no carry") else next2)
        dh_raw2[t - 1] = (1 - h2[t - 1 if slip == "h_{t-1}" else t] ** 2) * dh2
        next2 = dh_raw2[t - 1] @ W_hh2
    for t in steps:
        if slip == "nothing down":
            down = 0.0
        elif slip == "dh down":
            down = (dh_raw2[t - 1] / (1 - h2[t] ** 2)) @ W_xh2
        elif slip == "transposed":
            down = dh_raw2[t - 1] @ W_xh2.T
        elif slip == "W_hh down":
            down = dh_raw2[t - 1] @ W_hh2
        elif slip == "t + 1":
            down = dh_raw2[t] @ W_xh2 if t < T else 0.0
        else:
            down = dh_raw2[t - 1] @ W_xh2
        dh1 = down + (0 if slip in ("no carry 1", "no carry") else next1)
        dh_raw1[t - 1] = (1 - h1[t - 1 if slip == "h_{t-1}" else t] ** 2) * dh1
        next1 = dh_raw1[t - 1] @ W_hh1
    return (dh_raw2, dh_raw1) if slip == "swapped" else (dh_raw1, dh_raw2)


def stack_right(dy, h1, h2, params):
    return learner_stack(dy, h1, h2, params)


def test_the_right_stack_deltas_passes():
    assert check_stack_deltas(stack_right).status == "correct"


def test_the_reference_is_what_rnn_lib_deep_backward_computes():
    dy, h1, h2, params = ex._stack_problem()
    dh_raw1, dh_raw2 = ex.stack_deltas(dy, h1, h2, params)
    x = np.random.default_rng(2020)  # the problem's x is drawn after the weights: redraw it the same way
    params2 = deep.init_params(2, 4, 2, layers=2, rng=x, scale=0.5)
    params2 = {k: v + (0.2 * x.standard_normal(v.shape) if k.endswith("b_h") else 0.0) for k, v in params2.items()}
    inputs = x.standard_normal((5, 3, 2))
    grads = deep.backward(params, deep.forward(params, inputs)[1], dy)
    assert np.allclose(grads["l1.b_h"][:, 0], dh_raw1.sum(axis=(0, 1)), rtol=1e-12, atol=1e-12)
    assert np.allclose(grads["l2.W_xh"], np.einsum("tbi,tbj->ij", dh_raw2, h1[1:]), rtol=1e-12, atol=1e-12)
    assert np.allclose(grads["x"], dh_raw1 @ params["l1.W_xh"], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("nothing down", "nothing sent down from layer 2"),
        ("dh down", "δ^h of layer 2 sent down instead of δ^a (tanh′ skipped)"),
        ("transposed", "W^2_xh not transposed (row form)"),
        ("W_hh down", "layer 2's recurrent weights used on the way down"),
        ("t + 1", "layer 2's δ of step t + 1 sent to step t"),
        ("no carry 1", "W_hhᵀ δ^a_{t+1} dropped in layer 1"),
        ("no carry 2", "W_hhᵀ δ^a_{t+1} dropped in layer 2"),
        ("no carry", "W_hhᵀ δ^a_{t+1} dropped in both layers"),
        ("h_{t-1}", "1 − h_{t−1}² where 1 − h_t² belongs"),
        ("forwards", "ran forwards in time"),
    ],
)
def test_each_stack_slip_is_named(slip, mistake):
    fb = check_stack_deltas(lambda *args: learner_stack(*args, slip=slip))
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text


def test_the_layers_returned_in_the_wrong_order_are_named():
    fb = check_stack_deltas(lambda *args: learner_stack(*args, slip="swapped"))
    assert fb.status == "wrong" and "the two layers swapped" in fb.mistake, fb.text


def test_every_stack_mistake_gives_arrays_of_its_own():
    args = ex._stack_problem()
    made = [ex.stack_deltas(*args)] + [ex.stack_deltas(*args, **sw) for sw, _ in ex.STACK_MISTAKES.values()]
    for i, a in enumerate(made):
        for b in made[:i]:
            assert not all(np.allclose(p, q, rtol=1e-7, atol=0) for p, q in zip(a, b))


def test_a_mistake_in_one_layer_only_is_named_for_that_layer():
    def one_layer_wrong(*args):
        wrong = learner_stack(*args, slip="h_{t-1}")
        return wrong[0], stack_right(*args)[1]

    fb = check_stack_deltas(one_layer_wrong)
    assert fb.status == "wrong" and "dh_raw2: correct." in fb.text and "dh_raw1:" in fb.text


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda *a: None, "Return two arrays"),
        (lambda *a: stack_right(*a)[0], "Return two arrays"),
        (lambda *a: (np.full((5, 3, 4), np.nan), np.zeros((5, 3, 4))), "NaN"),
        (lambda *a: (np.zeros((4, 3, 5)), np.zeros((5, 3, 4))), "shape"),
        (lambda *a: ("one", "two"), "array of numbers"),
        (lambda *a: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_unusable_stack_answers_get_words_not_tracebacks(answer, words):
    fb = check_stack_deltas(answer)
    assert fb.status == "wrong" and words in fb.text, fb.text


def test_the_stack_checker_grades_copies():
    # the learner's writes reach neither the checker's data nor its verdict on the next answer; the writes
    # themselves are named (the caller's dy and parameters are used again)
    def edits_then_answers(dy, h1, h2, params):
        result = stack_right(dy, h1, h2, params)
        dy[:] = 0
        params["W_hy"][:] = 0
        return result

    fb = check_stack_deltas(edits_then_answers)
    assert fb.status == "wrong" and fb.mistake == INPUT_WRITTEN, fb.text
    assert check_stack_deltas(stack_right).status == "correct"


# -- bidirectional_states -------------------------------------------------------------------------------------


def learner_bi(x, fwd, bwd, slip=None):
    T, B, _ = x.shape
    H = fwd["W_hh"].shape[0]

    def run(p, order):
        states, h = {}, np.zeros((B, H))
        for t in order:
            h = np.tanh(x[t - 1] @ p["W_xh"].T + h @ p["W_hh"].T + p["b_h"][:, 0])
            states[t] = h
        return states

    h_f = run(fwd, range(1, T + 1))
    h_b = run(fwd if slip == "same weights" else bwd, range(1, T + 1) if slip == "read forwards" else range(T, 0, -1))
    rows = []
    for t in range(1, T + 1):
        back = h_b[t]
        if slip == "reading order":
            back = h_b[T + 1 - t]
        elif slip == "off by one":
            back = h_b[t + 1] if t < T else np.zeros((B, H))
        rows.append(np.concatenate([back, h_f[t]] if slip == "swapped" else [h_f[t], back], axis=-1))
    if slip == "stacked":
        return np.stack([np.array([h_f[t] for t in range(1, T + 1)]), np.array([h_b[t] for t in range(1, T + 1)])])
    return np.array(rows)


def bi_right(x, fwd, bwd):
    return learner_bi(x, fwd, bwd)


def test_the_right_bidirectional_states_pass():
    assert check_bidirectional_states(bi_right).status == "correct"


def test_the_reference_states_are_rnn_lib_deeps():
    x, fwd, bwd = ex._bi_problem()
    params = {f"l1.{k}": v for k, v in fwd.items()} | {f"l1r.{k}": v for k, v in bwd.items()}
    params |= {"W_hy": np.eye(6), "b_y": np.zeros((6, 1))}  # the identity read-out: y_hat is the states
    assert np.allclose(deep.forward(params, x)[0], ex.bidirectional_states(x, fwd, bwd), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    "slip, mistake",
    [
        ("reading order", "backward states left in reading order"),
        ("read forwards", "backward direction read the sequence forwards"),
        ("swapped", "the two halves swapped"),
        ("off by one", "off by one step (h←_{t+1} in row t − 1)"),
        ("same weights", "one set of weights for both directions"),
        ("stacked", "stacked on a new axis"),
    ],
)
def test_each_bidirectional_slip_is_named(slip, mistake):
    fb = check_bidirectional_states(lambda *args: learner_bi(*args, slip=slip))
    assert fb.status == "wrong" and fb.mistake == mistake, fb.text


def test_the_backward_direction_run_forwards_then_flipped_is_named():
    def flips_only_the_states(x, fwd, bwd):
        H = fwd["W_hh"].shape[0]
        states_read_forwards = learner_bi(x, fwd, bwd, slip="read forwards")[..., H:]
        return np.concatenate([bi_right(x, fwd, bwd)[..., :H], states_read_forwards[::-1]], axis=-1)

    fb = check_bidirectional_states(flips_only_the_states)
    assert fb.mistake == "backward direction read forwards, its states then flipped", fb.text


def test_every_bidirectional_mistake_gives_states_of_its_own():
    args = ex._bi_problem()
    made = [ex.bidirectional_states(*args)] + [
        ex.bidirectional_states(*args, **sw) for sw, _ in ex.BI_MISTAKES.values()
    ]
    for i, a in enumerate(made):
        assert all(not np.allclose(a, b, rtol=1e-7, atol=0) for b in made[:i])


@pytest.mark.parametrize(
    "answer, words",
    [
        (lambda *a: None, "None"),
        (lambda *a: (bi_right(*a), bi_right(*a)), "one array"),
        (lambda *a: np.full((5, 3, 6), np.inf), "NaN or inf"),
        (lambda *a: bi_right(*a)[:, :, :3], "shape"),
        (lambda *a: "states", "array of numbers"),
        (lambda *a: a[3], "IndexError"),
    ],
)
def test_unusable_bidirectional_answers_get_words_not_tracebacks(answer, words):
    fb = check_bidirectional_states(answer)
    assert fb.status == "wrong" and words in fb.text, fb.text


def test_an_unnamed_wrong_answer_says_which_steps_are_wrong():
    def last_step_wrong(*args):
        states = bi_right(*args)
        states[-1] += 0.1
        return states

    fb = check_bidirectional_states(last_step_wrong)
    assert fb.status == "wrong" and fb.mistake is None and "t = 5" in fb.text, fb.text
