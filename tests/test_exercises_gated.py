"""The checkers of notebooks 13 and 14 accept the right answer and name each known mistake.

Every mistake below is planted the way a learner would write it, in a loop over time of their own (not
through the checker's switches or the library's functions).
"""

import numpy as np
import pytest

from course.exercises import gated_cells
from course.exercises.gated_cells import check_gru_gate_grads, check_lstm_gate_grads
from course.gated_bugs import random_problem
from rnn_lib import gru, lstm


def sig_prime(s, skip, tanh_form=False):
    return 1.0 if skip else 1 - s**2 if tanh_form else s * (1 - s)


def learner_lstm(dh_out, c, gates, W_hh, *, mistake=None):
    """A learner's LSTM recursion in row form; ``mistake`` plants one error."""
    T, B, H = dh_out.shape
    da = np.zeros((T, B, 4 * H))
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))
    steps = range(T) if mistake == "forwards" else reversed(range(T - 1 if mistake == "from T - 2" else T))
    for t in steps:
        i, f, g, o = (gates[t][:, k * H : (k + 1) * H] for k in range(4))
        tanh_c = np.tanh(c[t] if mistake == "tanh c_prev" else c[t + 1])
        c_prev = c[t + 1] if mistake == "c_t for c_prev" else c[t]
        dh = dh_out[t] + (0.0 if mistake == "no dh_next" else dh_next)
        dtanh_c = {"no tanh' of c": 1.0, "1 - tanh c": 1 - tanh_c, "1 - c^2": 1 - c[t + 1] ** 2}.get(
            mistake, 1 - tanh_c**2
        )
        from_h = dh * o * dtanh_c
        tanh_form = mistake == "σ' as 1 - σ²"
        if mistake == "dc overwritten":
            dc = from_h
        elif mistake == "no path from h":
            dc = dc_next
        elif mistake == "f_t on the way in":  # dc_next holds δ^c_{t+1} itself, multiplied here by this step's f
            dc = f * dc_next + from_h
        else:
            dc = dc_next + from_h
        blocks = [
            dc * g * sig_prime(i, mistake == "no σ' on i", tanh_form),
            dc * c_prev * sig_prime(f, mistake == "no σ' on f", tanh_form),
            dc * i * {"no tanh' on g": 1.0, "1 - g": 1 - g}.get(mistake, 1 - g**2),
            dh * tanh_c * sig_prime(o, mistake == "no σ' on o", tanh_form),
        ]
        if mistake == "order i f o g":
            blocks = [blocks[0], blocks[1], blocks[3], blocks[2]]
        da[t] = np.concatenate(blocks, axis=1)
        dc_next = dc if mistake in ("carry without f", "f_t on the way in") else f * dc
        dh_next = da[t] @ (W_hh.T if mistake == "W_hh.T" else W_hh)
    return da


def learner_gru(dh_out, h, gates, hn, W_hh, *, mistake=None):
    """A learner's GRU recursion in row form; ``mistake`` plants one error."""
    T, B, H = dh_out.shape
    da_x, da_h = np.zeros((T, B, 3 * H)), np.zeros((T, B, 3 * H))
    dh_next = np.zeros((B, H))
    steps = range(T) if mistake == "forwards" else reversed(range(T - 1 if mistake == "from T - 2" else T))
    for t in steps:
        r, z, n = (gates[t][:, k * H : (k + 1) * H] for k in range(3))
        h_prev = h[t + 1] if mistake == "h_t for h_prev" else h[t]
        dh = dh_out[t] + (0.0 if mistake == "no dh_next" else dh_next)
        dn = dh * (z if mistake == "z swapped" else 1 - z)
        dz = -dh * n if mistake == "dz without h_prev" else dh * (n - h_prev if mistake == "n - h_prev" else h_prev - n)
        dn_pre = dn * {"no tanh' on n": 1.0, "1 - n": 1 - n}.get(mistake, 1 - n**2)
        dr = dn_pre * (h_prev if mistake == "r on h_prev" else hn[t])
        dr_pre = dr * sig_prime(r, mistake == "no σ' on r")
        dz_pre = dz * sig_prime(z, mistake == "no σ' on z")
        da_x[t] = np.concatenate([dr_pre, dz_pre, dn_pre * (r if mistake == "r on x too" else 1.0)], axis=1)
        da_h[t] = np.concatenate([dr_pre, dz_pre, dn_pre * (1.0 if mistake == "no r on hn" else r)], axis=1)
        leak = {"no leak": 0.0, "leak 1 - z": dh * (1 - z), "z_t on the way in": 0.0}.get(mistake, dh * z)
        dh_next = da_h[t] @ W_hh + leak
        if mistake == "z_t on the way in":  # δ^h_t carried back raw, multiplied by the next step's own z there
            dh_next = dh_next + (gates[t - 1][:, H : 2 * H] * dh if t > 0 else 0.0)
    return da_x, da_h


LSTM_MISTAKES = [
    ("no σ' on f", "σ′ missing on the forget gate"),
    ("no σ' on i", "σ′ missing on the input gate"),
    ("no σ' on o", "σ′ missing on the output gate"),
    ("no tanh' on g", "tanh′ missing on g"),
    ("dc overwritten", "dc not accumulated (the path from c_{t+1} is lost)"),
    ("no path from h", "the path from h_t into c_t is missing"),
    ("no tanh' of c", "tanh′ of the cell state missing"),
    ("carry without f", "dc carried back without f (∂c_t/∂c_{t−1} taken as the identity)"),
    ("order i f o g", "gate blocks in the wrong order (i, f, o, g)"),
    ("no dh_next", "dh not carried back (W_hhᵀ δ^a_{t+1} dropped)"),
    ("c_t for c_prev", "c_t where c_{t−1} belongs (in the f block)"),
    ("forwards", "ran forwards in time"),
    ("1 - tanh c", "tanh′ of the cell state written as 1 − tanh c_t"),
    ("1 - c^2", "tanh′ of the cell state taken as 1 − c_t²"),
    ("1 - g", "tanh′ on g written as 1 − g"),
    ("σ' as 1 - σ²", "σ′ written as 1 − σ² (tanh′'s form)"),
    ("tanh c_prev", "tanh(c_{t−1}) where tanh(c_t) belongs"),
    ("from T - 2", "step T left out of the loop"),
    ("f_t on the way in", "f_t where f_{t+1} belongs (in what c_{t+1} sends back)"),
]

GRU_MISTAKES = [
    ("z swapped", "z and 1 − z swapped"),
    ("dz without h_prev", "the h_{t−1} term of ∂h_t/∂z_t is dropped"),
    ("r on h_prev", "r placed on h_{t−1} in ∂L/∂r"),
    ("no r on hn", "r missing on the recurrent n block"),
    ("no σ' on z", "σ′ missing on z"),
    ("no σ' on r", "σ′ missing on r"),
    ("no tanh' on n", "tanh′ missing on n"),
    ("no leak", "the leak z ⊙ δ^h_t not carried back"),
    ("no dh_next", "dh not carried back at all"),
    ("h_t for h_prev", "h_t where h_{t−1} belongs"),
    ("forwards", "ran forwards in time"),
    ("1 - n", "tanh′ on n written as 1 − n"),
    ("n - h_prev", "∂h_t/∂z_t taken as n_t − h_{t−1} (sign flipped)"),
    ("r on x too", "r on the input side's n block too"),
    ("leak 1 - z", "the leak carried back as (1 − z) ⊙ δ^h_t"),
    ("from T - 2", "step T left out of the loop"),
    ("z_t on the way in", "z_t where z_{t+1} belongs (in the leak from h_{t+1})"),
]


def test_lstm_checker_accepts_the_right_loop():
    assert check_lstm_gate_grads(learner_lstm).status == "correct"


def test_gru_checker_accepts_the_right_loop():
    assert check_gru_gate_grads(learner_gru).status == "correct"


@pytest.mark.parametrize("planted, name", LSTM_MISTAKES)
def test_lstm_checker_names_the_mistake(planted, name):
    fb = check_lstm_gate_grads(lambda *args: learner_lstm(*args, mistake=planted))
    assert (fb.status, fb.mistake) == ("wrong", name), fb.text


@pytest.mark.parametrize("planted, name", GRU_MISTAKES)
def test_gru_checker_names_the_mistake(planted, name):
    fb = check_gru_gate_grads(lambda *args: learner_gru(*args, mistake=planted))
    assert (fb.status, fb.mistake) == ("wrong", name), fb.text


def test_lstm_checker_knows_every_mistake_this_test_plants():
    assert {name for _, name in LSTM_MISTAKES} == set(gated_cells.lstm_mistakes(*lstm_args()))


def test_gru_checker_knows_every_mistake_this_test_plants():
    assert {name for _, name in GRU_MISTAKES} == set(gated_cells.gru_mistakes(*gru_args()))


def lstm_args():
    cache, dh_out, W_hh = gated_cells._problem("LSTM", 1313)
    return dh_out, cache.c, cache.gates, W_hh


def gru_args():
    cache, dh_out, W_hh = gated_cells._problem("GRU", 1414)
    return dh_out, cache.h, cache.gates, cache.hn, W_hh


def test_lstm_mistakes_are_all_different_from_each_other_and_from_the_answer():
    values = [gated_cells.lstm_gate_grads(*lstm_args())]
    values += [v for v, _ in gated_cells.lstm_mistakes(*lstm_args()).values()]
    for a in range(len(values)):
        for b in range(a):
            assert not gated_cells.matches(values[a], values[b]), (a, b)


def test_gru_mistakes_are_all_different_from_each_other_and_from_the_answer():
    values = [gated_cells.gru_gate_grads(*gru_args())]
    values += [v for v, _ in gated_cells.gru_mistakes(*gru_args()).values()]
    for a in range(len(values)):
        for b in range(a):
            assert not all(gated_cells.matches(x, y) for x, y in zip(values[a], values[b])), (a, b)


def test_lstm_checker_says_which_gate_and_which_steps_counting_from_1():
    fb = check_lstm_gate_grads(lambda *args: learner_lstm(*args, mistake="carry without f"))
    # dc_prev only reaches the steps before the last: step t = 5 (row 4) stays right.
    assert "is wrong at t = 1, 2, 3, 4 (row t − 1 holds step t); the other steps are right" in fb.text


def test_lstm_checker_names_the_gate_blocks_of_an_unknown_mistake():
    def o_block_doubled(*args):
        da = learner_lstm(*args)
        da[..., 12:] *= 2.0  # an error no known mistake makes, in the o block only (H = 4)
        return da

    fb = check_lstm_gate_grads(o_block_doubled)
    assert fb.mistake is None and "the gate block(s) o only are wrong" in fb.text


def test_lstm_checker_points_at_the_block_of_a_within_step_mistake():
    fb = check_lstm_gate_grads(lambda *args: learner_lstm(*args, mistake="no σ' on f"))
    assert "At the last step, t = 5, where nothing comes back from later, the gate block(s) f only" in fb.text


def test_lstm_checker_points_between_steps_when_the_last_step_is_right():
    fb = check_lstm_gate_grads(lambda *args: learner_lstm(*args, mistake="no dh_next"))
    assert "The last step, t = 5, is right" in fb.text and "every step before t = 5 is wrong" in fb.text


def test_gru_checker_names_the_value_that_is_wrong():
    # r missing on the recurrent n block: at the last step only da_h's n block differs.
    fb = check_gru_gate_grads(lambda *args: learner_gru(*args, mistake="no r on hn"))
    assert "dh_raw_h: the same mistake" in fb.text and "gate block(s) n only" in fb.text


def test_checkers_explain_a_column_form_product():
    fb = check_lstm_gate_grads(lambda *args: learner_lstm(*args, mistake="W_hh.T"))
    assert fb.status == "wrong" and "dh_raw[t] @ W_hh" in fb.text


def test_checkers_say_not_implemented():
    def unfinished(*args):
        raise NotImplementedError

    assert check_lstm_gate_grads(unfinished).status == "not implemented"
    assert check_gru_gate_grads(unfinished).status == "not implemented"


def test_checkers_ask_for_the_right_number_of_arrays():
    assert "return dh_raw," not in (check_lstm_gate_grads(learner_lstm)).text
    assert "`return dh_raw`" in (check_lstm_gate_grads(lambda *args: (learner_lstm(*args), None))).text
    assert "`return dh_raw_x, dh_raw_h`" in (check_gru_gate_grads(lambda *args: learner_gru(*args)[0])).text


@pytest.mark.parametrize("cell", ["LSTM", "GRU"])
def test_reference_solutions_agree_with_the_library_backward(cell, assert_close):
    # Σ_t Σ_b δ^a_t is ∂L/∂b_ih (and ∂L/∂b_hh from the recurrent side), and W_hhᵀ δ^a_1 (+ the GRU's leak) is ∂L/∂h_0.
    module = lstm if cell == "LSTM" else gru
    params, x, y, states = random_problem(cell, seed=5, B=3)
    y_hat, cache = module.forward(params, x, **states)
    grads = module.backward(params, cache, y_hat - y)
    dh_out = (y_hat - y) @ params["W_hy"]
    if cell == "LSTM":
        da_x = da_h = gated_cells.lstm_gate_grads(dh_out, cache.c, cache.gates, params["W_hh"])
    else:
        da_x, da_h = gated_cells.gru_gate_grads(dh_out, cache.h, cache.gates, cache.hn, params["W_hh"])
    assert_close(da_x.sum(axis=(0, 1))[:, None], grads["b_ih"])
    assert_close(da_h.sum(axis=(0, 1))[:, None], grads["b_hh"])
