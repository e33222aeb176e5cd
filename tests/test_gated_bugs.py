"""The LSTM/GRU bug gallery: each bug is one line of the library, and the gradient check tells them apart.

A signature is the set of columns (gate blocks, W_hy, b_y, x, h0, c0) whose relative error exceeds 1e-7,
on the whole problem (T = 5) and on its first two steps and first step alone.  Every backward-pass bug has
its own signature; the forget bias on the wrong gate is not a gradient bug, and the check cannot see it.
"""

import inspect

import numpy as np
import pytest

from course import gated_bugs
from course.gated_bugs import BUGS, MODULES
from rnn_lib import lstm

TOL = 1e-7
EVERYTHING_BUT_READOUT = {"LSTM": {"i", "f", "g", "o", "x", "h0", "c0"}, "GRU": {"r", "z", "n", "x", "h0"}}
LSTM_ALL = EVERYTHING_BUT_READOUT["LSTM"]

# Which columns fail, on T = 5, T = 2 and T = 1 (random_problem, seed 0).
EXPECTED = {
    "lstm_sigma_prime_missing_on_f": (LSTM_ALL, LSTM_ALL, {"f", "x", "h0"}),
    "lstm_dc_not_accumulated": (LSTM_ALL, LSTM_ALL - {"o"}, set()),
    "lstm_dc_carried_without_f": (LSTM_ALL, LSTM_ALL - {"o"}, {"c0"}),
    "lstm_dh_not_carried": (LSTM_ALL, LSTM_ALL, set()),
    "lstm_blocks_g_o_swapped": (LSTM_ALL, LSTM_ALL, {"g", "o", "x", "h0"}),
    "lstm_forget_bias_on_input_gate": (set(), set(), set()),
    "gru_r_times_h_prev": (EVERYTHING_BUT_READOUT["GRU"], EVERYTHING_BUT_READOUT["GRU"], {"r", "x", "h0"}),
    "gru_r_missing_on_hn_path": (EVERYTHING_BUT_READOUT["GRU"], EVERYTHING_BUT_READOUT["GRU"], {"n", "h0"}),
    "gru_z_and_1_minus_z_swapped": (
        EVERYTHING_BUT_READOUT["GRU"],
        EVERYTHING_BUT_READOUT["GRU"],
        {"r", "n", "x", "h0"},
    ),
    "gru_z_path_drops_h_prev": (EVERYTHING_BUT_READOUT["GRU"], EVERYTHING_BUT_READOUT["GRU"], {"z", "x", "h0"}),
    "gru_leak_not_carried": (EVERYTHING_BUT_READOUT["GRU"], EVERYTHING_BUT_READOUT["GRU"], {"h0"}),
}


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


@pytest.mark.parametrize("name", sorted(BUGS))
def test_each_bug_names_a_line_that_stands_once_in_the_library(name):
    bug = BUGS[name]
    assert inspect.getsource(MODULES[bug.cell]).count(bug.line) == 1
    assert bug.buggy != bug.line and bug.what and bug.fix


@pytest.mark.parametrize("name", sorted(BUGS))
def test_planted_module_differs_from_the_library_in_one_line(name):
    bug = BUGS[name]
    original = inspect.getsource(MODULES[bug.cell]).splitlines()
    planted = inspect.getsource(MODULES[bug.cell]).replace(bug.line, bug.buggy).splitlines()
    changed = [i for i, (a, b) in enumerate(zip(original, planted)) if a != b]
    assert len(original) == len(planted) and len(changed) == 1
    module = gated_bugs.planted(name)
    assert module.backward is not MODULES[bug.cell].backward  # a separate module, the library untouched


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
    planted = gated_bugs.planted("lstm_forget_bias_on_input_gate")
    x = np.zeros((1, 3))
    right = lstm.forward(lstm.init_params(3, 4, 2, rng=np.random.default_rng(0), forget_bias=1.0), x)[1]
    wrong = planted.forward(planted.init_params(3, 4, 2, rng=np.random.default_rng(0), forget_bias=1.0), x)[1]
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
    before = gated_bugs.gradients(MODULES[cell], *problem)
    for name, bug in BUGS.items():
        if bug.cell == cell:
            gated_bugs.planted(name)
    after = gated_bugs.gradients(MODULES[cell], *problem)
    for name in before:
        np.testing.assert_array_equal(after[name], before[name])
