"""`make grade` judges outside the learner's kernel: the record of what a function answered, replayed to the checker.

The recording half runs here in-process (in the sandbox it runs in the learner's kernel); the replay half is what
tools/grade.py does.  A verdict must follow only what the learner's function returned, raised or changed.
"""

import json
import linecache

import numpy as np
import pytest

from course.exercises import _feedback
from course.exercises._feedback import INPUT_WRITTEN
from course.exercises.finite_differences import check_centred_difference
from course.exercises.optimisers import check_adam_step
from tools import grade_record

ADAM = "course.exercises.optimisers"


@pytest.fixture(autouse=True)
def _linecache_restored():
    """A replayed exception puts the learner's line into linecache under its file's name (here: this file), so
    that the checker can quote it; put the real lines back after each test, or a later traceback in this file
    quotes the stand-in."""
    saved = dict(linecache.cache)
    yield
    linecache.cache.clear()
    linecache.cache.update(saved)


def right_adam(p, g, m, v, t, lr, beta1, beta2, eps):
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    step = lr * (m_new / (1 - beta1**t)) / (np.sqrt(v_new / (1 - beta2**t)) + eps)
    return p - step, m_new, v_new


def recorded(tmp_path, fn, checker=("check_adam_step", ADAM)):
    """Run the checker on ``fn`` as the sandboxed kernel does; return the record's entries."""
    path = tmp_path / "record.jsonl"
    grade_record.start(str(path))
    grade_record.check(checker[0], checker[1], checker[0], lambda: fn)
    return grade_record.read_records(path)


def replayed(entries, checker=check_adam_step, name="check_adam_step"):
    replay = grade_record.Replay(name, entries, _feedback.TIME_LIMIT, _feedback._TimeUp)
    return checker(replay), replay


@pytest.mark.parametrize(
    "value",
    [
        np.arange(6.0).reshape(2, 3),
        np.array([1, 2], dtype=np.int32),
        np.array([True, False]),
        np.array([1 + 2j]),
        np.float32(1.5),
        [np.zeros(2), (1, 2.5, None, "x")],
        {"W_xh": np.ones((2, 1)), "b_h": np.zeros((2, 1))},
        float("nan"),
        10**30,
        np.empty((0, 3)),
    ],
)
def test_plain_values_survive_the_record_exactly(value):
    back = grade_record.decode(json.loads(json.dumps(grade_record.encode(value))))
    assert grade_record.digest([back]) == grade_record.digest([value])


def test_a_masked_array_stays_masked():
    value = np.ma.MaskedArray([1.0, 2.0], mask=[False, True])
    back = grade_record.decode(grade_record.encode(value))
    assert isinstance(back, np.ma.MaskedArray) and back.mask.tolist() == [False, True]


def test_an_object_is_converted_in_the_sandbox_and_arrives_as_plain_data():
    class Tensor:
        def __array__(self, dtype=None, copy=None):
            return np.array([1.0, 2.0])

    class Broken:
        def __array__(self, dtype=None, copy=None):
            raise RuntimeError("requires grad")

    assert grade_record.decode(grade_record.encode(Tensor())).tolist() == [1.0, 2.0]
    broken = grade_record.decode(grade_record.encode(Broken()))
    with pytest.raises(TypeError, match="requires grad"):
        np.asarray(broken)


def test_an_answer_too_large_is_recorded_by_its_shape_only():
    big = np.broadcast_to(np.zeros(1), (grade_record.MAX_ARRAY_BYTES // 8 + 1,))
    encoded = grade_record.encode(big)
    assert "too_large" in encoded and "array" not in encoded


@pytest.mark.parametrize(
    "forged",
    [
        {"array": "AAAAAAAAAAA=", "dtype": "|O", "shape": [1]},  # objects: a pickle's way in
        {"array": "AAAA", "dtype": "<f8", "shape": [100]},  # bytes that do not fit the shape
        {"array": "AAAAAAAAAAA=", "dtype": [["a", "<f8"]], "shape": [1]},  # structured
        {"eval": "__import__('os')"},
        [1, 2],
    ],
)
def test_a_forged_record_is_refused_not_trusted(forged):
    with pytest.raises((ValueError, TypeError)):
        grade_record.decode(forged)


def test_the_record_reader_skips_lines_that_are_no_entries(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"ex": "a", "done": true}\nnot json\n[1]\n{"no": "ex"}\n' + "[" * 100_000 + "\n")
    assert grade_record.read_records(path) == [{"ex": "a", "done": True}]


def test_a_right_answer_replayed_is_correct_and_a_wrong_one_wrong(tmp_path):
    fb, replay = replayed(recorded(tmp_path, right_adam))
    assert fb.passed and replay.diverged == 0

    def wrong(*args):
        p, m, v = right_adam(*args)
        return p + 1e-3, m, v

    fb, _ = replayed(recorded(tmp_path, wrong))
    assert not fb.passed


def test_what_the_kernels_checker_said_does_not_count(tmp_path, monkeypatch):
    """A patched `matches` in the kernel passes a wrong answer there; the replay to a fresh checker does not."""

    def wrong(*args):
        p, m, v = right_adam(*args)
        return 2 * p, m, v

    monkeypatch.setattr(_feedback, "matches", lambda *a, **k: True)
    path = tmp_path / "record.jsonl"
    grade_record.start(str(path))
    assert grade_record.check("check_adam_step", ADAM, "check_adam_step", lambda: wrong).passed  # fooled there
    monkeypatch.undo()
    fb, _ = replayed(grade_record.read_records(path))
    assert not fb.passed


def test_an_argument_changed_in_place_is_changed_in_the_replay_too(tmp_path):
    def in_place(p, g, m, v, t, lr, beta1, beta2, eps):
        p_new, m_new, v_new = right_adam(p, g, m, v, t, lr, beta1, beta2, eps)
        m *= beta1  # the slip the checker names
        return p_new, m_new, v_new

    fb, _ = replayed(recorded(tmp_path, in_place))
    assert not fb.passed and fb.mistake == INPUT_WRITTEN and "`m`" in fb.text and "m *= beta1" in fb.text, fb.text


def test_x_not_restored_is_seen_through_the_replay(tmp_path):
    def not_restored(f, x, eps):
        grad = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            x[i] += eps
            f_plus = f(x)
            x[i] -= 2 * eps
            grad[i] = (f_plus - f(x)) / (2 * eps)
        return grad

    checker = ("check_centred_difference", "course.exercises.finite_differences")
    fb, _ = replayed(recorded(tmp_path, not_restored, checker), check_centred_difference, checker[0])
    assert fb.mistake == "x not restored"


def test_an_exception_is_replayed_with_its_name_message_and_the_learners_line(tmp_path):
    def raises(*args):
        return np.ones((2, 3)) @ np.ones((2, 3))

    fb, _ = replayed(recorded(tmp_path, raises))
    assert "ValueError" in str(fb) and "line" in str(fb) and "np.ones((2, 3)) @ np.ones((2, 3))" in str(fb)


def test_system_exit_in_the_learners_function_does_not_stop_the_grader(tmp_path):
    def leaves(*args):
        raise SystemExit(0)

    fb, _ = replayed(recorded(tmp_path, leaves))
    assert not fb.passed and "SystemExit" in str(fb)


def test_not_implemented_stays_not_implemented(tmp_path):
    def todo(*args):
        raise NotImplementedError

    fb, _ = replayed(recorded(tmp_path, todo))
    assert fb.status == "not implemented"


def test_a_call_that_never_finished_is_stopped_not_answered(tmp_path):
    entries = recorded(tmp_path, right_adam)
    first = next(e for e in entries if "args" in e)
    cut = [e for e in entries if e.get("call") != first["call"] or "args" in e]  # the kernel was killed in call 0
    fb, replay = replayed(cut)
    assert not fb.passed and fb.mistake == "runs too long" and replay.hung == 1


def test_an_answer_for_other_inputs_is_no_answer(tmp_path):
    entries = recorded(tmp_path, right_adam)
    for e in entries:
        if "args" in e:
            e["args"] = "0" * 32  # as if the kernel's checker had used other data
    fb, replay = replayed(entries)
    assert not fb.passed and replay.diverged == 1 and "no answer" in str(fb)
