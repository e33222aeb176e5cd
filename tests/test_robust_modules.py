"""The modules added since the core's robustness pass hold its standard (issue 24's probe, case by case).

Each row of ``CASES`` is one mistake: the call, the exception it must raise, and a pattern its message must
match, which names the argument.  After every row the arrays, dicts and random generators the call was given, and
numpy's global RNG, are exactly as they were: nothing was changed before the error.
"""

from __future__ import annotations

import copy
import signal
import sys

import numpy as np
import pytest

import rnn_lib
from course import diagnostics, forecasting, grammar, language_model, results, text
from course.interrupts import interrupts_deferred
from rnn_lib import data, gradcheck
from rnn_lib.optim import SGD, Adagrad, Adam, Momentum

V = 5
HUGE_VIEW = np.broadcast_to(np.zeros(3), (10**6, 10**6, 3))  # 3·10^12 numbers, no memory of its own


def rnn(D=1, H=3, O=1, seed=0):
    return rnn_lib.init_params(D, H, O, rng=np.random.default_rng(seed), scale=0.5)


def quadratic_grad(params):
    return {k: 2 * params[k] for k in rnn_lib.PARAM_NAMES}


def nan_grad(params):
    return {k: np.full_like(params[k], np.nan) for k in rnn_lib.PARAM_NAMES}


def lm_case():
    params = language_model.init_language_model("RNN", V, 4, rng=0)
    inputs, targets = text.next_character_streams(np.arange(41) % V, 2)
    return params, inputs, targets


def cases():
    """(id, call, watched, exception, pattern): watched are the objects that must come out unchanged."""
    gen = np.random.default_rng(7)
    vocab = text.Vocabulary("hello")
    char = rnn(len(vocab), 4, len(vocab))
    params, x = rnn(), np.ones((6, 1))
    xb = np.ones((6, 2, 1))
    strings, legal = data.reber_strings(3, rng=0)
    plain, plain_legal = data.reber_strings(3, embedded=False, rng=0)
    lm, inputs, targets = lm_case()
    v = {k: np.ones_like(p) for k, p in params.items()}
    yield "text: temperature 10**400", lambda: text.sample_index(np.zeros(3), 10**400, rng=gen), [gen], ValueError, "temperature"  # fmt: skip
    yield "text: prime outside the vocabulary", lambda: text.generate(char, vocab, 3, prime="hZ", rng=gen), [gen, char], ValueError, r"prime\[1\] = 'Z'"  # fmt: skip
    yield "text: n too large for memory", lambda: text.generate(char, vocab, 10**15, prime="h", rng=gen), [gen, char], ValueError, r"\(n\)"  # fmt: skip
    for dtype in (np.int32, complex, "float33"):
        yield f"language model: dtype {dtype}", lambda d=dtype: language_model.init_language_model("RNN", V, 4, rng=gen, dtype=d), [gen], TypeError, "dtype"  # fmt: skip
    yield "language model: V = H = 10**6", lambda: language_model.init_language_model("LSTM", 10**6, 10**6, rng=gen), [gen], ValueError, "V = 1000000 characters and H = 1000000"  # fmt: skip
    yield "language model: SGD at lr 1e200 diverges", lambda: language_model.train_language_model(lm, inputs, targets, updates=2, k=5, optimizer=SGD(lm, lr=1e200)), [lm], FloatingPointError, "diverged.*smaller learning rate"  # fmt: skip
    yield "grammar: memory_positions of 'BE'", lambda: grammar.memory_positions(["BE"]), [], ValueError, r"strings\[0\] = 'BE'"  # fmt: skip
    yield "grammar: scores of plain Reber strings", lambda: grammar.score_logits(np.zeros((max(map(len, plain)) - 1, 3, 7)), plain, plain_legal), [], ValueError, r"strings\[0\]"  # fmt: skip
    yield "forecasting: x_warm a batch", lambda: forecasting.free_running(params, np.zeros((5, 1, 1)), 3), [params], ValueError, "x_warm"  # fmt: skip
    yield "forecasting: n_steps too large for memory", lambda: forecasting.free_running(params, x, 10**15), [params], ValueError, "n_steps"  # fmt: skip
    yield "forecasting: NaN coefficient", lambda: forecasting.autoregressive([0.0, np.nan], xb), [xb], ValueError, "coef"  # fmt: skip
    yield "forecasting: complex coefficient", lambda: forecasting.autoregressive([0.0, 1j], xb), [xb], TypeError, "coef"  # fmt: skip
    yield "forecasting: no coefficients", lambda: forecasting.autoregressive([], xb), [xb], ValueError, "coef"  # fmt: skip
    yield "forecasting: order beyond T", lambda: forecasting.fit_autoregressive(xb, xb, order=9), [xb], ValueError, "order must be at most T = 6"  # fmt: skip
    yield "forecasting: dt NaN", lambda: forecasting.dominant_frequency(np.ones(9), dt=np.nan), [], ValueError, "dt"  # fmt: skip
    yield "forecasting: no frequencies", lambda: forecasting.dominant_frequency(np.ones(9), frequencies=[]), [], ValueError, "frequencies"  # fmt: skip
    yield "forecasting: 10**7 samples", lambda: forecasting.dominant_frequency(np.broadcast_to(1.0, (10**7,))), [], ValueError, r"\(s\)"  # fmt: skip
    yield "diagnostics: v missing a key", lambda: diagnostics.hessian_vector_product(quadratic_grad, params, {k: a for k, a in v.items() if k != "b_h"}), [params, v], ValueError, "v is missing b_h"  # fmt: skip
    yield "diagnostics: v NaN", lambda: diagnostics.hessian_vector_product(quadratic_grad, params, {**v, "W_hh": np.full((3, 3), np.nan)}), [params, v], ValueError, r"v\['W_hh'\]"  # fmt: skip
    yield "diagnostics: v of another shape", lambda: diagnostics.hessian_vector_product(quadratic_grad, params, {**v, "W_hh": np.ones((2, 3))}), [params, v], ValueError, r"v\['W_hh'\]"  # fmt: skip
    yield "diagnostics: eps 0", lambda: diagnostics.largest_eigenvalue(quadratic_grad, params, eps=0, rng=gen), [params, gen], ValueError, "eps"  # fmt: skip
    yield "diagnostics: NaN gradient", lambda: diagnostics.largest_eigenvalue(nan_grad, params, rng=0), [params], FloatingPointError, "grad returned NaN"  # fmt: skip
    yield "diagnostics: dy one step short", lambda: diagnostics.state_gradients(params, x, np.ones((5, 1))), [params, x], ValueError, "dy must have the shape"  # fmt: skip
    yield "diagnostics: complex dy", lambda: diagnostics.state_gradients(params, x, np.ones((6, 1), complex)), [params, x], TypeError, "dy"  # fmt: skip
    yield "diagnostics: y_last of another shape", lambda: diagnostics.gradient_by_lag(params, xb, np.ones((3, 1))), [params, xb], ValueError, "y_last"  # fmt: skip
    yield "diagnostics: norm_shares missing a key", lambda: diagnostics.norm_shares({k: a for k, a in v.items() if k != "b_y"}), [v], ValueError, "arrays is missing b_y"  # fmt: skip
    yield "diagnostics: norm_shares NaN", lambda: diagnostics.norm_shares({**v, "b_h": np.full((3, 1), np.nan)}), [v], ValueError, r"arrays\['b_h'\]"  # fmt: skip
    yield "results: name None", lambda: results.load_results(None), [], TypeError, "name"  # fmt: skip
    yield "results: a relative path", lambda: results.load_results("../../notebooks/data/adding_budget"), [], ValueError, "name"  # fmt: skip
    yield "results: an absolute path", lambda: results.load_results("/etc/passwd"), [], ValueError, "name"  # fmt: skip
    yield "core: SimpleRNN(2**62, 1, 1)", lambda: rnn_lib.SimpleRNN(2**62, 1, 1, rng=gen), [gen], ValueError, "input_size = 4611686018427387904"  # fmt: skip
    yield "core: SimpleRNN(10**400, 1, 1)", lambda: rnn_lib.SimpleRNN(10**400, 1, 1), [], ValueError, "input_size = 1000"  # fmt: skip
    yield "core: check_rnn without b_h", lambda: gradcheck.check_rnn({k: a for k, a in params.items() if k != "b_h"}, x, x), [params, x], ValueError, "params is missing b_h"  # fmt: skip
    yield "core: check_rnn y of shape (T,) for O = 2", lambda: gradcheck.check_rnn(rnn(1, 3, 2), x, np.ones(6)), [params, x], ValueError, r"y must have shape \(6, 2\)"  # fmt: skip
    yield "core: adding_problem(10**12)", lambda: data.adding_problem(10**12, rng=gen), [gen], ValueError, "n_sequences"  # fmt: skip
    yield "core: forward on a broadcast view of 3e12 numbers", lambda: rnn_lib.forward(rnn(3, 2, 1), HUGE_VIEW), [], ValueError, r"x \(shape \(1000000, 1000000, 3\)\)"  # fmt: skip


CASES = list(cases())


def snapshot(obj):
    if isinstance(obj, np.random.Generator):
        return obj.bit_generator.state
    return copy.deepcopy(obj)


def same(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return a == b


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_mistake_gets_one_precise_error_and_changes_nothing(case):
    _, call, watched, error, pattern = case
    before = [snapshot(w) for w in watched]
    global_rng = np.random.get_state()
    with pytest.raises(error, match=pattern):
        call()
    assert all(same(snapshot(w), b) for w, b in zip(watched, before))
    after = np.random.get_state()
    assert np.array_equal(global_rng[1], after[1]) and global_rng[2:] == after[2:]


# ---------------------------------------------------------------------------
# What is accepted works.
# ---------------------------------------------------------------------------


def test_a_memmap_input_is_read_as_the_array_it_is(tmp_path):
    params = rnn(2, 3, 1)
    x = np.random.default_rng(0).standard_normal((5, 2))
    stored = np.memmap(tmp_path / "x.dat", dtype=np.float64, mode="w+", shape=x.shape)
    stored[:] = x
    np.testing.assert_array_equal(rnn_lib.forward(params, stored)[0], rnn_lib.forward(params, x)[0])


def test_a_memmap_parameter_is_refused_because_an_update_would_write_to_its_file(tmp_path):
    params = rnn()
    params["W_hh"] = np.memmap(tmp_path / "W_hh.dat", dtype=np.float64, mode="w+", shape=(3, 3))
    with pytest.raises(TypeError, match=r"params\['W_hh'\] must be a plain numpy array, got numpy.memmap .* file"):
        rnn_lib.forward(params, np.ones((4, 1)))
    del params


def test_check_rnn_takes_targets_of_shape_T_when_O_is_1():
    params, x = rnn(), np.linspace(-1, 1, 6)[:, None]
    assert gradcheck.check_rnn(params, x, np.ones(6)).ok


def test_fit_autoregressive_of_order_T_and_predictions_of_a_higher_order_than_the_series_is_long():
    x = np.random.default_rng(0).standard_normal((4, 3, 1))
    assert forecasting.fit_autoregressive(x, x, order=4).shape == (5,)
    coef = np.array([0.1, 0.5, 0.0, 0.0, 0.0, 0.0, 0.2])  # lags beyond T = 4 see only the zeros before step 1
    np.testing.assert_allclose(forecasting.autoregressive(coef, x), 0.1 + 0.5 * x)


# ---------------------------------------------------------------------------
# Results tables.
# ---------------------------------------------------------------------------

ODD = ["#1", "1_000", "a\nb", "", " x", "a,b", 'say "hi"', "x\r\ny", "01", "1e3", "Infinity", "+1", "é ∑"]


def test_every_value_a_table_accepts_reads_back_as_itself(tmp_path):
    rows = [{"name": s, "n": i, "x": i / 7, "flag": bool(i % 2)} for i, s in enumerate(ODD)]
    rows.append({"name": "last", "n": -(10**30), "x": float("nan"), "flag": False})
    table = results.read_table(results.write_table(tmp_path / "t.csv", rows, "a\nprotocol"))
    assert [dict(r) for r in table.rows] == [dict(r, flag=int(r["flag"])) for r in rows[:-1]] + [table.rows[-1]]
    assert table.rows[-1]["n"] == -(10**30) and np.isnan(table.rows[-1]["x"])
    assert [type(r["name"]) for r in table.rows] == [str] * len(rows)


@pytest.mark.parametrize("value", ["1", "0.5", "nan", "-3", None, [1], 1j], ids=repr)
def test_a_value_that_would_read_back_as_something_else_is_refused_before_writing(tmp_path, value):
    with pytest.raises(ValueError, match=r"rows\[1\]\['v'\] = .* would be read back as"):
        results.write_table(tmp_path / "t.csv", [{"v": "ok"}, {"v": value}], "p")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_no_temporary_file_and_the_target_as_it_was(tmp_path):
    (tmp_path / "t.csv").mkdir()  # a folder where the table should go: the final rename fails
    with pytest.raises(OSError):
        results.write_table(tmp_path / "t.csv", [{"a": 1}], "p")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"] and not any((tmp_path / "t.csv").iterdir())


@pytest.mark.parametrize(
    "content, message",
    [
        ("# only a protocol\n# and nothing else\n", "no header row"),
        ("# p\na,b\n1,2\n3\n", r"line 4: 1 values for the 2 columns"),
        ("# p\na,b\n1,2\n3,4", "truncated"),
        ("a,a\n1,2\n", "distinct columns"),
    ],
    ids=["comment only", "short row", "cut mid-row", "repeated column"],
)
def test_a_damaged_file_is_a_clear_error_naming_it(tmp_path, content, message):
    (tmp_path / "t.csv").write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        results.load_results("t", folder=tmp_path)


def test_rows_of_a_selection_cannot_change_the_table(tmp_path):
    table = results.read_table(results.write_table(tmp_path / "t.csv", [{"a": 1, "b": 2}, {"a": 2, "b": 3}], "p"))
    with pytest.raises(TypeError, match="cannot be changed"):
        table.where(a=1).rows[0]["b"] = 99
    with pytest.raises(TypeError, match="cannot be changed"):
        table.rows[0].update(b=99)
    assert table.column("b").tolist() == [2, 3] and dict(table.rows[0]) == {"a": 1, "b": 2}


# ---------------------------------------------------------------------------
# Interrupts: an exception at any point of a step leaves all old or all new, and SIGINT's handler as it was.
# ---------------------------------------------------------------------------


def interrupted_at_every_trace_point(make, step):
    """For k = 1, 2, …: a fresh ``make()``, then ``step(made)`` with a KeyboardInterrupt raised at its k-th trace
    event (as a tracer or another signal's handler raises it); yields each ``made`` until a step runs through."""
    k = 1
    while True:
        made, count = make(), [0]

        def tracer(frame, event, arg):
            count[0] += 1
            if count[0] == k:
                raise KeyboardInterrupt
            return tracer

        sys.settrace(tracer)
        try:
            step(made)
        except KeyboardInterrupt:
            pass
        else:
            return
        finally:
            sys.settrace(None)
        yield made
        k += 1


@pytest.mark.parametrize("kind", [SGD, Momentum, Adagrad, Adam], ids=lambda k: k.__name__)
def test_an_optimiser_step_cut_anywhere_leaves_parameters_buffers_and_step_count_all_old_or_all_new(kind):
    start = rnn(2, 3, 2)

    def make():
        params = copy.deepcopy(start)
        return params, kind(params, lr=0.1)

    grads = {k: np.ones_like(p) for k, p in start.items()}
    outcomes = []
    for params, opt in interrupted_at_every_trace_point(make, lambda m: m[1].step(grads)):
        moved = [not np.array_equal(params[k], start[k]) for k in start]
        buffers = [bool(b) for b in opt.state.values()]
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        if all(moved):
            assert opt.steps == 1 and (kind is SGD or all(buffers))
            outcomes.append("new")
        else:
            assert not any(moved) and opt.steps == 0 and not any(buffers)
            outcomes.append("old")
    assert {"old", "new"} <= set(outcomes)  # the interrupts landed on both sides of the commit


def test_a_model_step_cut_anywhere_leaves_all_old_or_all_new_and_the_forward_pass_in_step():
    x, y = np.ones((4, 2)), np.zeros((4, 1))

    def make():
        model = rnn_lib.SimpleRNN(2, 3, 1, rng=np.random.default_rng(0))
        model.forward(x)
        return model, {k: p.copy() for k, p in model.params.items()}

    for model, before in interrupted_at_every_trace_point(make, lambda m: m[0].backward(x, y, 0.1)):
        moved = [not np.array_equal(model.params[k], before[k]) for k in before]
        assert all(moved) or not any(moved)
        assert (model._forwarded is None) == all(moved)  # a step uses up its forward pass, and only a step does


def test_interrupts_deferred_puts_the_handler_back_or_hands_the_next_ctrl_c_to_it():
    def block(_):
        with interrupts_deferred():
            pass

    points = left = 0
    for _ in interrupted_at_every_trace_point(lambda: None, block):
        points += 1
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            left += 1  # cut before __exit__ could run: the held-back handler knows the block is over
            with pytest.raises(KeyboardInterrupt):
                signal.raise_signal(signal.SIGINT)
                sum(range(10))  # a few bytecodes: the handler runs here
            assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # Left replaced only when cut between installing and the block's start, or between its end and __exit__'s first
    # line (__enter__'s return, the with statement's lines, __exit__'s call and first line): 5 of about 30 points.
    assert points > 20 and left <= 5


def test_a_ctrl_c_inside_interrupts_deferred_arrives_after_the_block_and_the_handler_is_restored():
    reached = []
    with pytest.raises(KeyboardInterrupt):
        with interrupts_deferred():
            signal.raise_signal(signal.SIGINT)
            reached.append("end of block")
    assert reached == ["end of block"] and signal.getsignal(signal.SIGINT) is signal.default_int_handler
