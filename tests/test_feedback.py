"""diagnose() counts time steps as the maths does, and names a sign flip only where the checker says where to look."""

import numpy as np

from course.exercises._feedback import SIGN_FLIPPED, diagnose, diagnose_number, name_shape_mistake, steps_message

EXPECTED = np.arange(1.0, 13.0).reshape(4, 3)  # one row per step t = 1 … 4


def test_rows_of_a_per_step_array_are_steps_counted_from_1():
    answer = EXPECTED.copy()
    answer[0] += 1.0
    text = (diagnose("ex", answer, EXPECTED, name="dy", time_axis=0)).text
    assert "dy is wrong at t = 1 (row t − 1 holds step t)" in text and "0-based" not in text


def test_rows_of_the_states_count_h_0_as_t_0():
    answer = EXPECTED.copy()
    answer[0] += 1.0
    answer[3] += 1.0
    text = (diagnose("ex", answer, EXPECTED, name="h", time_axis=0, first_step=0)).text
    assert "h is wrong at t = 0, 3 (row t holds h_t, row 0 is h_0)" in text


def test_every_step_wrong_is_said_once_with_the_range():
    assert steps_message([0, 1, 2, 3], 4, name="dh") == "dh is wrong at every step, t = 1 … 4 (row t − 1 holds step t)."


def test_a_sign_flip_is_named_with_the_checkers_own_advice():
    fb = diagnose("ex", -EXPECTED, EXPECTED, sign_advice="look at the tanh.")
    assert fb.mistake == SIGN_FLIPPED and "look at the tanh." in fb.text and "ŷ − y" not in fb.text


def test_a_sign_flip_without_advice_gets_a_generic_sentence_and_no_name():
    fb = diagnose("ex", -EXPECTED, EXPECTED)
    assert fb.mistake is None and "wrong sign everywhere" in fb.text


def test_a_mistake_of_another_shape_is_named_first():
    fb = diagnose("ex", EXPECTED.sum(axis=0), EXPECTED, name="dW")
    fb = name_shape_mistake(fb, EXPECTED.sum(axis=0), [("summed over time", EXPECTED.sum(axis=0), "keep t.")])
    assert fb.mistake == "summed over time" and fb.messages[:2] == [
        "This is exactly what the mistake 'summed over time' gives.",
        "keep t.",
    ]


def test_a_one_number_answer_is_judged_as_a_number_and_told_what_to_aim_for():
    assert diagnose_number("ex", np.float64(2.5), 2.5, name="p", what="the perplexity").passed
    wrapped = diagnose_number("ex", np.array([[2.5]]), 2.5, name="p", what="the perplexity")
    assert not wrapped.passed and "shape (1, 1) (take float(...) of it)" in wrapped.text
    several = diagnose_number("ex", [2.5, 2.5], 2.5, name="p", what="the perplexity")
    assert not several.passed and "Return one number, the perplexity" in str(several)
    off = diagnose_number("ex", 2.6, 2.5, name="p", what="the perplexity")
    assert off.messages[-1] == "Expected 2.500000." and off.mistake is None
    named = diagnose_number("ex", 5.0, 2.5, name="p", what="x", known_mistakes={"doubled": (5.0, "halve it")})
    assert named.mistake == "doubled" and "Expected" not in str(named)


def test_feedback_is_wrapped_at_word_boundaries_only():
    # JupyterLab breaks long output lines inside words; the Feedback wraps itself, at spaces, to WIDTH columns.
    from course.exercises._feedback import WIDTH, Feedback

    long = "Transpose the whole product, (W_hyᵀ v)ᵀ = vᵀ W_hy: a row vector meets W_hy, " * 4
    fb = Feedback("ex", "wrong", [long, "short", "x" * 120])
    lines = str(fb).split("\n")
    assert all(len(line) <= WIDTH or " " not in line.strip() for line in lines)
    assert str(fb).split() == fb.text.split()  # the same words, none cut in two
    assert "    " + "x" * 120 not in str(fb) and "  " + "x" * 120 in str(fb)  # a long word stays whole


def test_a_shape_error_is_told_in_words_first_and_numpys_message_last():
    import numpy as np

    from course.exercises._feedback import run_learner

    _, fb = run_learner("ex", lambda a: np.ones((2, 3)) @ a, np.ones((2, 2)))
    assert fb.mistake == "shape error" and fb.messages[0].startswith("Two arrays in your function do not fit")
    assert "numpy" not in fb.messages[0] and fb.messages[-1].startswith("(numpy's message: ValueError: matmul")


def test_a_shape_is_never_cut_in_two():
    from course.exercises._feedback import Feedback

    fb = Feedback(
        "output_layer_backward", "wrong", ["a row of δ^y meets W_hy, (B, O)(O, H) = (B, H), not W_hy.T. " * 3]
    )
    assert "(O, H)" in str(fb) and "(B, H)" in str(fb) and str(fb).split() == fb.text.split()
