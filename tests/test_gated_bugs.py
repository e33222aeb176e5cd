"""The LSTM/GRU bug gallery: each bug is the right piece with one thing changed, and the gradient check tells them apart.

A planted piece (element-wise backward, step backward or init_params) differs from the library's right piece in
exactly the outputs and gate blocks its mistake touches, and nowhere else.  A signature is the set of columns (gate
blocks, W_hy, b_y, x, h0, c0) whose relative error exceeds 1e-7, on the whole problem (T = 5) and on its first two
steps and first step alone.  Every backward-pass bug has its own signature; the forget bias on the wrong gate is not
a gradient bug, and the check cannot see it.
"""

import ast
import inspect

import numpy as np
import pytest

from course import bugs, gated_bugs
from course.gated_bugs import BUGS, GRU_MISTAKES, LSTM_MISTAKES, MODULES
from rnn_lib import gru, lstm

TOL = 1e-7
EVERYTHING_BUT_READOUT = {"LSTM": {"i", "f", "g", "o", "x", "h0", "c0"}, "GRU": {"r", "z", "n", "x", "h0"}}
LSTM_ALL, GRU_ALL = EVERYTHING_BUT_READOUT["LSTM"], EVERYTHING_BUT_READOUT["GRU"]

# Which columns fail, on T = 5, T = 2 and T = 1 (random_problem, seed 0).
EXPECTED = {
    "lstm_sigma_prime_missing_on_f": (LSTM_ALL, LSTM_ALL, {"f", "x", "h0"}),
    "lstm_dc_not_accumulated": (LSTM_ALL, LSTM_ALL - {"o"}, set()),
    "lstm_dc_carried_without_f": (LSTM_ALL, LSTM_ALL - {"o"}, {"c0"}),
    "lstm_dh_not_carried": (LSTM_ALL, LSTM_ALL, {"h0"}),
    "lstm_blocks_g_o_swapped": (LSTM_ALL, LSTM_ALL, {"g", "o", "x", "h0"}),
    "lstm_forget_bias_on_input_gate": (set(), set(), set()),
    "gru_r_times_h_prev": (GRU_ALL, GRU_ALL, {"r", "x", "h0"}),
    "gru_r_missing_on_hn_path": (GRU_ALL, GRU_ALL, {"n", "h0"}),
    "gru_z_and_1_minus_z_swapped": (GRU_ALL, GRU_ALL, {"r", "n", "x", "h0"}),
    "gru_z_path_drops_h_prev": (GRU_ALL, GRU_ALL, {"z", "x", "h0"}),
    "gru_leak_not_carried": (GRU_ALL, GRU_ALL, {"h0"}),
}

# What each planted element-wise backward changes: output → the gate blocks that differ from the right function's
# (an output not named is equal).  LSTM outputs: dh_raw (blocks i, f, g, o), dc_prev; GRU: dh_raw_x, dh_raw_h
# (blocks r, z, n), dh_leak.
LSTM_CHANGES = {
    "σ′ missing on the forget gate": {"dh_raw": {"f"}},
    "σ′ missing on the input gate": {"dh_raw": {"i"}},
    "σ′ missing on the output gate": {"dh_raw": {"o"}},
    "tanh′ missing on g": {"dh_raw": {"g"}},
    "dc not accumulated (the path from c_{t+1} is lost)": {"dh_raw": {"i", "f", "g"}, "dc_prev": {"all"}},
    "the path from h_t into c_t is missing": {"dh_raw": {"i", "f", "g"}, "dc_prev": {"all"}},
    "tanh′ of the cell state missing": {"dh_raw": {"i", "f", "g"}, "dc_prev": {"all"}},
    "dc carried back without f (∂c_t/∂c_{t−1} taken as the identity)": {"dc_prev": {"all"}},
    "gate blocks in the wrong order (i, f, o, g)": {"dh_raw": {"g", "o"}},
}
GRU_CHANGES = {
    "z and 1 − z swapped": {"dh_raw_x": {"r", "n"}, "dh_raw_h": {"r", "n"}},
    "the h_{t−1} term of ∂h_t/∂z_t is dropped": {"dh_raw_x": {"z"}, "dh_raw_h": {"z"}},
    "r placed on h_{t−1} in ∂L/∂r": {"dh_raw_x": {"r"}, "dh_raw_h": {"r"}},
    "r missing on the recurrent n block": {"dh_raw_h": {"n"}},
    "σ′ missing on z": {"dh_raw_x": {"z"}, "dh_raw_h": {"z"}},
    "σ′ missing on r": {"dh_raw_x": {"r"}, "dh_raw_h": {"r"}},
    "tanh′ missing on n": {"dh_raw_x": {"r", "n"}, "dh_raw_h": {"r", "n"}},
    "the leak z ⊙ δ^h_t not carried back": {"dh_leak": {"all"}},
}
OUTPUTS = {"LSTM": ("dh_raw", "dc_prev"), "GRU": ("dh_raw_x", "dh_raw_h", "dh_leak")}


def element_wise_inputs(cell, seed=0, B=3, H=4):
    """Arguments of the cell's gates_backward at a random point: gates from a real forward of one step."""
    rng = np.random.default_rng(seed)
    G = 4 if cell == "LSTM" else 3
    a = rng.standard_normal((B, G * H))
    dh = rng.standard_normal((B, H))
    if cell == "LSTM":
        c_prev = rng.standard_normal((B, H))
        _, _, gates, tanh_c = lstm.gates_forward(a, c_prev)
        return dh, rng.standard_normal((B, H)), c_prev, gates, tanh_c
    h_prev = rng.standard_normal((B, H))
    _, gates, hn = gru.gates_forward(a, rng.standard_normal((B, G * H)), h_prev)
    return dh, h_prev, gates, hn


def changed_blocks(cell, right, planted):
    """{output: blocks that differ} between two results of gates_backward (only outputs that differ)."""
    names = dict(zip(OUTPUTS[cell], zip(right, planted)))
    gates = gated_bugs.GATE_NAMES[cell]
    found = {}
    for name, (r, p) in names.items():
        if r.shape[-1] == p.shape[-1] == len(gates) * 4:  # gate-structured (H = 4)
            bad = {
                g
                for g, rb, pb in zip(gates, MODULES[cell].gate_blocks(r), MODULES[cell].gate_blocks(p))
                if not np.allclose(rb, pb, rtol=1e-12, atol=1e-14)
            }
        else:
            bad = set() if np.allclose(r, p, rtol=1e-12, atol=1e-14) else {"all"}
        if bad:
            found[name] = bad
    return found


@pytest.mark.parametrize("cell, name", [("LSTM", n) for n in LSTM_MISTAKES] + [("GRU", n) for n in GRU_MISTAKES])
def test_each_planted_element_wise_backward_differs_from_the_right_one_exactly_where_its_mistake_is(cell, name):
    planted = (LSTM_MISTAKES if cell == "LSTM" else GRU_MISTAKES)[name]
    expected = (LSTM_CHANGES if cell == "LSTM" else GRU_CHANGES)[name]
    args = element_wise_inputs(cell)
    copies = [a.copy() for a in args]
    got = changed_blocks(cell, MODULES[cell].gates_backward(*args), planted(*args))
    assert got == expected
    for a, b in zip(args, copies):  # a planted piece changes nothing it is given
        np.testing.assert_array_equal(a, b)


def test_the_checkers_know_every_gate_bug_of_the_gallery():
    gallery = {bug.piece for bug in BUGS.values() if bug.kind == "gates"}
    assert gallery <= {*LSTM_MISTAKES.values(), *GRU_MISTAKES.values()}


def test_the_planted_step_backward_changes_only_what_it_sends_back_to_h():
    rng = np.random.default_rng(1)
    B, D, H = 3, 2, 4
    _, _, cache = lstm.lstm_step_forward(
        rng.standard_normal((B, D)),
        rng.standard_normal((B, H)),
        rng.standard_normal((B, H)),
        rng.standard_normal((4 * H, D)),
        rng.standard_normal((4 * H, H)),
        rng.standard_normal((4 * H, 1)),
        rng.standard_normal((4 * H, 1)),
    )
    dh, dc_next = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    right = lstm.lstm_step_backward(dh, dc_next, cache)
    planted = BUGS["lstm_dh_not_carried"].piece(dh, dc_next, cache)
    differ = [k for k, (r, p) in enumerate(zip(right, planted)) if not np.array_equal(r, p)]
    assert differ == [1] and not planted[1].any()  # dh_prev, and it is zero


def test_the_planted_init_puts_the_forget_bias_in_the_input_gate_and_changes_nothing_else():
    right = lstm.init_params(3, 4, 2, rng=np.random.default_rng(0), forget_bias=1.0)
    wrong = BUGS["lstm_forget_bias_on_input_gate"].piece(3, 4, 2, rng=np.random.default_rng(0), forget_bias=1.0)
    for name in right:
        if name != "b_ih":
            np.testing.assert_array_equal(wrong[name], right[name])
    i_right, f_right, *rest_right = lstm.gate_blocks(right["b_ih"].T)
    i_wrong, f_wrong, *rest_wrong = lstm.gate_blocks(wrong["b_ih"].T)
    assert (i_right == 0).all() and (f_right == 1).all() and (i_wrong == 1).all() and (f_wrong == 0).all()
    assert all(np.array_equal(a, b) for a, b in zip(rest_right, rest_wrong))


@pytest.fixture(scope="module")
def signatures():
    """{bug or cell name: {probe: {column: error}}} on each cell's seeded problem."""
    problems = {cell: gated_bugs.random_problem(cell, seed=0) for cell in MODULES}
    names = [*BUGS, *MODULES]
    return {
        name: gated_bugs.probe_signatures(name, *problems[name if name in MODULES else BUGS[name].cell])
        for name in names
    }


def test_gallery_has_the_bugs_this_test_expects():
    assert set(BUGS) == set(EXPECTED)
    assert all(bug.what and bug.fix and bug.kind in ("gates", "step", "init") for bug in BUGS.values())


@pytest.mark.parametrize("cell", MODULES)
def test_the_library_passes_every_probe(signatures, cell):
    for probe, errors in signatures[cell].items():
        assert max(errors.values()) < 1e-8, (probe, errors)


@pytest.mark.parametrize("name", sorted(BUGS))
def test_bug_fails_exactly_its_expected_columns_on_each_probe(signatures, name):
    got = tuple(set(gated_bugs.failing(errors, TOL)) for errors in signatures[name].values())
    assert got == EXPECTED[name], {p: {k: f"{v:.0e}" for k, v in e.items()} for p, e in signatures[name].items()}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_bug_is_clearly_wrong_where_it_fails_and_clean_elsewhere(signatures, name):
    for errors in signatures[name].values():
        bad = gated_bugs.failing(errors, TOL)
        assert all(errors[k] > 1e-4 for k in bad) and all(errors[k] < 1e-8 for k in errors.keys() - bad)


@pytest.mark.parametrize("cell", MODULES)
def test_every_backward_bug_has_its_own_signature(signatures, cell):
    patterns = {
        name: tuple(gated_bugs.failing(e, TOL) for e in signatures[name].values())
        for name, bug in BUGS.items()
        if bug.cell == cell and bug.in_backward
    }
    assert len(set(patterns.values())) == len(patterns), patterns
    assert all(any(p) for p in patterns.values())  # and none looks like the correct backward


def test_forget_bias_on_the_wrong_gate_shows_in_the_gates_at_init_not_in_a_gradient_check():
    x = np.zeros((1, 3))
    right = lstm.forward(lstm.init_params(3, 4, 2, rng=np.random.default_rng(0), forget_bias=1.0), x)[1]
    planted_init = BUGS["lstm_forget_bias_on_input_gate"].piece
    wrong = lstm.forward(planted_init(3, 4, 2, rng=np.random.default_rng(0), forget_bias=1.0), x)[1]
    f_right, f_wrong = lstm.gate_blocks(right.gates)[1], lstm.gate_blocks(wrong.gates)[1]
    i_wrong = lstm.gate_blocks(wrong.gates)[0]
    assert (
        np.allclose(f_right, 0.731, atol=1e-3) and np.allclose(f_wrong, 0.5) and np.allclose(i_wrong, 0.731, atol=1e-3)
    )


def test_signature_leaves_the_problem_unchanged():
    params, x, y, states = gated_bugs.random_problem("GRU", seed=3)
    before = {k: v.copy() for k, v in {**params, "x": x, "y": y, **states}.items()}
    gated_bugs.signature("gru_leak_not_carried", params, x, y, states)
    for name, value in {**params, "x": x, "y": y, **states}.items():
        np.testing.assert_array_equal(value, before[name])


@pytest.mark.parametrize("cell", MODULES)
def test_planting_leaves_the_library_alone(cell):
    problem = gated_bugs.random_problem(cell, seed=4)
    before = gated_bugs.gradients(MODULES[cell].backward, cell, *problem)
    for name, bug in BUGS.items():
        if bug.cell == cell:
            gated_bugs.gradients(gated_bugs.planted_backward(name), cell, *problem)
    after = gated_bugs.gradients(MODULES[cell].backward, cell, *problem)
    for name in before:
        np.testing.assert_array_equal(after[name], before[name])


@pytest.mark.parametrize("module", [gated_bugs, bugs])
def test_no_gallery_runs_or_compiles_source_text(module):
    calls = {
        node.func.id
        for node in ast.walk(ast.parse(inspect.getsource(module)))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not calls & {"exec", "eval", "compile"}
