"""The checkers speak the learner's language (COURSE_LANG=zh), and the language never changes a verdict.

- Every checker call the existing checker tests make (their right answers and the wrong variants they feed each
  checker: tests/test_exercises_*.py, test_checker_wrong_variants.py, test_wrong_answers_*.py, and under `make test-zh`
  test_checker_robustness.py) runs in English
  and in Chinese (tests/checker_language_plugin.py): the same status and mistake, the mistake named in Chinese, no
  sentence of the course left in English, and :func:`course.i18n.translate_output` of the English text is the
  Chinese text, character for character.
- course.po is complete (nothing fuzzy or untranslated) and up to date with the sources (extraction gives the same
  messages), every translation keeps its placeholders, formulas, code and braces, and one English text has one
  translation.
- Every checker output stored in notebooks/*.ipynb translates fully, and a notebook run under COURSE_LANG=zh prints
  exactly the translation of its stored English outputs.
- Grading (tools/grade.py) gives the same points in both languages and the feedback in the lecturer's.
"""

from __future__ import annotations

import ast
import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import numpy as np
import polib
import pytest

from course import i18n
from course.exercises import _feedback
from course.exercises.loss import check_weighted_loss_and_grad, weighted_loss_and_grad
from tests.notebook_files import NOTEBOOK_PATHS, read
from tools import checker_messages, nbgrader_cells

ROOT = Path(__file__).resolve().parent.parent
# The hostile inputs of test_checker_robustness.py (no named mistakes; 26 s of the 30 s these files take) and the
# red teams' further wrong answers (tests/test_wrong_answers_*.py, about 700 calls) run in both languages under
# `make test-zh` (CHECKER_LANGUAGE_FULL=1), which CI runs whenever course/ or locale/ change; `make test` runs every
# checker's named mistakes of its own tests, so that it stays within about five minutes on two cores.
FULL = os.environ.get("CHECKER_LANGUAGE_FULL") == "1"
CHECKER_TESTS = sorted(
    str(p.relative_to(ROOT))
    for p in [*ROOT.glob("tests/test_exercises_*.py"), ROOT / "tests/test_checker_wrong_variants.py",
              *([*ROOT.glob("tests/test_wrong_answers_*.py"), ROOT / "tests/test_checker_robustness.py"] if FULL else [])]
)  # fmt: skip

_CODE = re.compile(r"`[^`\n]*`")
_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ ,;:]+[A-Za-z][A-Za-z'’]*){3,}")  # four English words or more


def catalogue() -> polib.POFile:
    return polib.pofile(str(i18n.catalogue_path("zh")), wrapwidth=0)


def _pieces(entry) -> list[str]:
    """The literal text of a message (a template's placeholders cut out)."""
    if "python-brace-format" in entry.flags:
        return [text for text, *_ in string.Formatter().parse(entry.msgid)]
    return [entry.msgid]


# Runs of four or more English words the course wrote (code spans aside), and the translations: what a translation
# keeps in Latin letters (a JupyterLab menu name, code in prose such as `for name in rnn_lib.PARAM_NAMES`) is no
# untranslated sentence.
ENGLISH = {run for e in catalogue() for piece in _pieces(e) for run in _RUN.findall(_CODE.sub(" ", piece))}
KEPT = " ".join(e.msgstr for e in catalogue())


def untranslated(text: str) -> list[str]:
    """The course's English sentences (four words or more) left in ``text`` (wrapped lines joined first)."""
    flat = _CODE.sub(" ", " ".join(line.strip() for line in text.split("\n")))
    runs = [run for run in _RUN.findall(flat) if run not in KEPT]
    return [run for run in runs if any(run in en or en in run for en in ENGLISH)]


@pytest.fixture(autouse=True)
def english_unless_told(monkeypatch):
    monkeypatch.delenv("COURSE_LANG", raising=False)


# ---------------------------------------------------------------------------
# Every checker on the tests' own answers, in both languages.
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def calls(tmp_path_factory):
    """One record per checker call the checker tests make: (checker, test, English and Chinese verdicts and texts)."""
    path = tmp_path_factory.mktemp("language") / "calls.jsonl"
    env = {**os.environ, "CHECKER_LANGUAGE_RECORD": str(path), "OPENBLAS_NUM_THREADS": "1"}
    env.pop("COURSE_LANG", None)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "tests.checker_language_plugin", "-p", "no:cacheprovider",
         *CHECKER_TESTS],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def every_checker() -> set:
    import importlib
    import pkgutil

    import course.exercises

    found = set()
    for info in pkgutil.iter_modules(course.exercises.__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"course.exercises.{info.name}")
            found |= {f"{module.__name__}.{n}" for n, v in vars(module).items()
                      if n.startswith("check_") and callable(v) and v.__module__ == module.__name__}  # fmt: skip
    return found


def test_every_checker_is_run_on_its_named_mistakes_in_both_languages(calls):
    assert {c["checker"] for c in calls} == every_checker()
    named = {c["checker"] for c in calls if c["en"]["mistake"]}
    assert named == every_checker(), f"checkers no test feeds a named mistake: {every_checker() - named}"


def test_the_verdict_does_not_depend_on_the_language(calls):
    differ = [(c["test"], c["en"], c["zh"]) for c in calls
              if (c["en"]["status"], c["en"]["mistake"]) != (c["zh"].get("status"), c["zh"].get("mistake"))]  # fmt: skip
    assert not differ, differ[:3]


def test_the_chinese_feedback_names_the_same_mistake_in_chinese(calls):
    missing = []
    for c in calls:
        named = c["en"]["mistake"] or ""
        # combine joins the mistakes of several returned values with " + " (a name may hold " + " itself)
        for mistake in [named] if i18n.tr(named, "zh") != named else named.split(" + "):
            if mistake and mistake in c["en"]["text"]:
                name = i18n.tr(mistake, "zh")
                if name == mistake or name not in c["zh"]["text"]:
                    missing.append((c["test"], mistake, c["zh"]["text"]))
    assert not missing, missing[:3]


def test_the_chinese_feedback_has_no_english_sentence_of_the_course(calls):
    left = [(c["test"], untranslated(c["zh"]["text"])) for c in calls if untranslated(c["zh"]["text"])]
    assert not left, left[:5]


def test_translating_the_english_feedback_gives_exactly_what_the_checker_says_in_chinese(calls):
    differ = [c for c in calls if i18n.translate_output(c["en"]["text"], "zh") != c["zh"]["text"]]
    assert not differ, "\n\n".join(
        f"{c['test']}\n{c['en']['text']}\n--- translated:\n{i18n.translate_output(c['en']['text'], 'zh')}\n"
        f"--- the checker in Chinese:\n{c['zh']['text']}"
        for c in differ[:3]
    )


# ---------------------------------------------------------------------------
# The catalogue.
# ---------------------------------------------------------------------------


def test_the_catalogue_is_complete():
    entries = [e for e in catalogue() if not e.obsolete]
    assert not [e.msgid for e in entries if "fuzzy" in e.flags], "fuzzy: an English message changed"
    assert not [e.msgid for e in entries if not e.msgstr], "untranslated: python tools/checker_messages.py status"


def test_the_catalogue_is_up_to_date_with_the_sources():
    """Extraction from the sources gives exactly the catalogue's messages (run: python tools/checker_messages.py
    update, then translate what is new)."""
    wanted = {(module, msgid, formatted) for module, msgid, _, _, formatted in checker_messages.extract()}
    have = {(e.msgctxt, e.msgid, "python-brace-format" in e.flags) for e in catalogue() if not e.obsolete}
    assert wanted == have, f"missing: {sorted(wanted - have)[:5]}, stale: {sorted(have - wanted)[:5]}"


def test_every_translation_keeps_placeholders_formulas_code_and_braces():
    found = [(e.msgid, p) for e in catalogue() if e.msgstr
             for p in checker_messages.problems(e.msgid, e.msgstr, "python-brace-format" in e.flags)]  # fmt: skip
    assert not found, found[:5]


def test_one_english_text_has_one_translation():
    seen = {}
    for e in catalogue():
        seen.setdefault(e.msgid, set()).add(e.msgstr)
    assert not {m: t for m, t in seen.items() if len(t) > 1}


def test_no_two_placeholders_of_an_english_template_touch():
    """A printed line can be read back into its values (translate_output) only if a character separates them."""
    assert not [e.msgid for e in catalogue() if "python-brace-format" in e.flags and checker_messages.touching(e.msgid)]


def test_a_message_is_a_literal_never_an_f_string():
    """tr(f"...") would look up a text the catalogue cannot hold: values go in as named placeholders."""
    bad = []
    for path in checker_messages.source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in checker_messages.MARKERS:
                if node.args and isinstance(node.args[0], ast.JoinedStr):
                    bad.append(f"{path.name}:{node.lineno}")
    assert not bad


def test_no_message_is_translated_at_import():
    """tr() outside a function would fix the language when the module is imported: N_ there, tr where shown."""
    found = []
    for path in checker_messages.source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.Lambda)) for n in ast.walk(f)}
        found += [f"{path.name}:{n.lineno}" for n in ast.walk(tree)
                  if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "tr" and id(n) not in inside]  # fmt: skip
    assert not found


def test_the_draft_wrap_turns_f_strings_into_templates_and_names_into_marks(tmp_path):
    source = tmp_path / "new_checker.py"
    source.write_text(
        "from __future__ import annotations\n\n"
        'OFF_BY_ONE = "index off by one"\n\n\n'
        "def message(name, n):\n"
        '    return f"{name} has {n:d} rows, one too many."\n',
        encoding="utf-8",
    )
    assert checker_messages.wrap_file(source) == 2
    text = source.read_text(encoding="utf-8")
    assert 'OFF_BY_ONE = N_("index off by one")' in text
    assert 'tr("{name} has {n:d} rows, one too many.").format(name=name, n=n)' in text
    found = {(msgid, formatted) for _, msgid, _, formatted in checker_messages.extract_file(source)}
    assert found == {("index off by one", False), ("{name} has {n:d} rows, one too many.", True)}


def test_an_english_edit_makes_the_old_translation_fuzzy():
    old = polib.POFile()
    old.append(
        polib.POEntry(msgctxt="m", msgid="Return one array of shape (T, B).", msgstr="请返回形状为 (T, B) 的数组。")
    )
    old.append(polib.POEntry(msgctxt="m", msgid="Kept as it is.", msgstr="保持原样。"))
    wanted = [
        ("m", "Return one array of shape (T, B, H).", 1, "f.py", False),
        ("m", "Kept as it is.", 2, "f.py", False),
    ]
    new = {e.msgid: e for e in checker_messages.merge(wanted, old)}
    edited, kept = new["Return one array of shape (T, B, H)."], new["Kept as it is."]
    assert "fuzzy" in edited.flags and edited.previous_msgid == "Return one array of shape (T, B)."
    assert kept.msgstr == "保持原样。" and "fuzzy" not in kept.flags


def test_a_translation_no_source_uses_waits_as_obsolete_and_comes_back_with_its_message():
    old = polib.POFile()
    old.append(polib.POEntry(msgctxt="m", msgid="Written ahead.", msgstr="提前写好。", obsolete=True))
    old.append(polib.POEntry(msgctxt="m", msgid="Gone.", msgstr="没了。"))
    waiting = {e.msgid: e for e in checker_messages.merge([], old)}
    assert waiting["Written ahead."].obsolete and waiting["Gone."].obsolete
    back = {e.msgid: e for e in checker_messages.merge([("m", "Written ahead.", 1, "f.py", False)], old)}
    assert not back["Written ahead."].obsolete and back["Written ahead."].msgstr == "提前写好。"


# ---------------------------------------------------------------------------
# The lookup.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("value, expected", [(None, "en"), ("", "en"), ("en", "en"), ("zh", "zh")])
def test_the_language_comes_from_course_lang(monkeypatch, value, expected):
    if value is not None:
        monkeypatch.setenv("COURSE_LANG", value)
    assert i18n.language() == expected


@pytest.mark.parametrize("value", ["zh_CN", "ZH", "fr", "chinese"])
def test_an_unknown_language_is_refused_in_the_first_cell_but_never_breaks_a_checker(monkeypatch, value):
    monkeypatch.setenv("COURSE_LANG", value)
    with pytest.raises(ValueError, match=r"COURSE_LANG must be one of 'en'.*'zh'.*got '" + re.escape(value)):
        i18n.language()
    import course

    with pytest.raises(ValueError, match="COURSE_LANG"):
        course.check_environment()
    fb = check_weighted_loss_and_grad(weighted_loss_and_grad)  # a learner's kernel may set anything: English
    assert fb.passed and "correct" in str(fb)


def test_without_course_lang_the_folders_mark_decides_and_course_lang_overrides_it(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COURSE_LANG", raising=False)
    assert i18n.language() == "en"  # no mark: English
    i18n.mark_folder(tmp_path, "zh")
    assert (tmp_path / ".course-lang").read_text(encoding="utf-8") == "zh\n"
    assert i18n.language() == "zh"
    monkeypatch.setenv("COURSE_LANG", "")
    assert i18n.language() == "zh"
    monkeypatch.setenv("COURSE_LANG", "en")
    assert i18n.language() == "en"
    monkeypatch.delenv("COURSE_LANG")
    (tmp_path / ".course-lang").write_text("fr\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\.course-lang must name one of .*got 'fr'"):
        i18n.language()
    assert i18n._current() == "en"  # a checker never fails on it
    (tmp_path / ".course-lang").write_bytes(b"\xff\xfe\x00")
    assert i18n.language() == "en"  # not text: no mark
    with pytest.raises(ValueError, match="lang must be one of"):
        i18n.mark_folder(tmp_path, "zh_CN")


def test_a_kernel_started_in_a_marked_folder_without_course_lang_gives_chinese_feedback(tmp_path):
    i18n.mark_folder(tmp_path, "zh")  # what tools/editions.py does to zh/notebooks/ and work-zh/
    env = {k: v for k, v in os.environ.items() if k != "COURSE_LANG"}
    code = (
        "from course.exercises.loss import check_weighted_loss_and_grad as c\n"
        "print(c(lambda *a, **k: None).text.splitlines()[0])"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    english = check_weighted_loss_and_grad(lambda *a, **k: None).text.splitlines()[0]
    assert done.stdout.strip() == i18n.translate_output(english, "zh").strip() != english.strip()


def test_a_missing_or_fuzzy_translation_falls_back_to_english(monkeypatch, tmp_path):
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Right.", msgstr="对。"))
    po.append(polib.POEntry(msgid="Wrong.", msgstr="错。", flags=["fuzzy"]))
    (tmp_path / "zh_CN" / "LC_MESSAGES").mkdir(parents=True)
    po.save(str(tmp_path / "zh_CN" / "LC_MESSAGES" / "course.po"))
    monkeypatch.setattr(i18n, "CATALOGUE", tmp_path)
    i18n.reload()
    try:
        assert [i18n.tr(m, "zh") for m in ("Right.", "Wrong.", "Unknown.")] == ["对。", "Wrong.", "Unknown."]
        assert i18n.tr("  Right.", "zh") == "  对。"  # an indented sub-message keeps its indent
    finally:
        monkeypatch.undo()
        i18n.reload()


def test_english_output_is_left_as_it_is():
    text = str(check_weighted_loss_and_grad(lambda y_hat, y, w: None))
    assert i18n.translate_output(text, "en") == text
    with pytest.raises(ValueError, match="lang"):
        i18n.translate_output(text, "fr")


def test_chinese_lines_fit_the_width_and_never_start_with_closing_punctuation():
    line = "  " + "你的函数在第 t = 3 步返回的隐状态 h_t 的形状是 (T, B, H)，应为 (T + 1, B, H)。" * 4
    wrapped = i18n.wrap(line, 88, "zh").split("\n")
    assert all(i18n.display_width(row) <= 88 for row in wrapped)
    assert all(row.strip()[0] not in "，。：；）" for row in wrapped)
    assert "".join(wrapped).replace(" ", "") == line.replace(" ", "")  # nothing lost, nothing added
    assert "(T, B, H)" in i18n.wrap(line, 88, "zh")  # a short parenthesis is never cut


def test_a_learner_cannot_turn_a_wrong_answer_right_with_the_language(monkeypatch):
    wrong = lambda y_hat, y, w: (0.0, y_hat - y)  # noqa: E731
    verdicts = []
    for lang in ("en", "zh", "klingon"):
        monkeypatch.setenv("COURSE_LANG", lang)
        fb = check_weighted_loss_and_grad(wrong)
        verdicts.append((fb.status, fb.mistake))
    assert len(set(verdicts)) == 1 and verdicts[0][0] == "wrong"


# ---------------------------------------------------------------------------
# The notebooks' stored outputs.
# ---------------------------------------------------------------------------


def _output_text(cell) -> str:
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.get("outputs", []))


def checker_outputs(nb) -> list[str]:
    return [_output_text(nb.cells[test]) for _, test, _, _ in nbgrader_cells.exercises(nb)]


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_stored_checker_output_translates_fully(path):
    for text in checker_outputs(read(path)):
        zh = i18n.translate_output(text, "zh")
        assert zh != text or not text.strip(), text
        assert not untranslated(zh), (text, zh)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_other_stored_output_is_left_as_it_is_unless_a_checker_printed_it(path):
    """The Chinese edition passes every output through translate_output: a notebook's own prints must come out as
    they went in (they print the same under COURSE_LANG=zh), a checker's feedback shown anywhere fully translated."""
    nb = read(path)
    checkers = {test for _, test, _, _ in nbgrader_cells.exercises(nb)}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or i in checkers:
            continue
        for out in cell.get("outputs", []):
            for text in (out.get("text"), out.get("data", {}).get("text/plain")):
                if not isinstance(text, str):
                    continue
                zh = i18n.translate_output(text, "zh")
                if any(re.match(r"[✓✗…↻] [^\s:]+:", line) for line in text.split("\n")):
                    assert not untranslated(zh), (i, text, zh)
                else:
                    assert zh == text, (i, text, zh)


SAMPLE = ["02_loss_and_output_gradient", "16_softmax_and_cross_entropy"]  # quick notebooks, checkers that combine


@pytest.mark.parametrize("stem", SAMPLE)
def test_a_notebook_run_in_chinese_prints_the_translation_of_its_stored_outputs(stem, monkeypatch):
    from tests.wrong_answers import execute

    nb = read(ROOT / "notebooks" / f"{stem}.ipynb")
    english = checker_outputs(nb)
    monkeypatch.setenv("COURSE_LANG", "zh")  # the kernel inherits it
    run = execute(read(ROOT / "notebooks" / f"{stem}.ipynb"), timeout=300)
    assert checker_outputs(run) == [i18n.translate_output(text, "zh") for text in english]


# ---------------------------------------------------------------------------
# Grading.
# ---------------------------------------------------------------------------


def test_grading_gives_the_same_points_in_both_languages_and_feedback_in_the_lecturers(tmp_path, monkeypatch):
    from tools import grade, grade_record

    exercise = grade.Exercise("02_loss_and_output_gradient", "weighted_loss_and_grad", "check_weighted_loss_and_grad")
    module = "course.exercises.loss"

    def half_missing(y_hat, y, w):
        loss, dy = weighted_loss_and_grad(y_hat, y, w)
        return 2 * loss, dy

    def raising(y_hat, y, w):
        raise RuntimeError("a slip")

    results = {}
    for name, fn in {"right": weighted_loss_and_grad, "missing ½": half_missing, "raising": raising}.items():
        path = tmp_path / f"{name}.jsonl"
        grade_record.start(str(path))
        grade_record.check(exercise.test_id, module, exercise.test_id, lambda fn=fn: fn)
        entries = grade_record.read_records(path)
        for lang in ("en", "zh"):
            monkeypatch.setenv("COURSE_LANG", lang)
            results[name, lang] = grade.judge(exercise, entries, module, "finished", 60)
    for name in ("right", "missing ½", "raising"):
        (points_en, text_en, flags_en), (points_zh, text_zh, flags_zh) = results[name, "en"], results[name, "zh"]
        assert (points_en, flags_en) == (points_zh, flags_zh)
        assert text_zh == i18n.translate_output(text_en, "zh") and text_zh != text_en
    assert results["right", "zh"][0] > 0 == results["missing ½", "zh"][0]
    assert "缺少 ½" in results["missing ½", "zh"][1]
    for entries, outcome in (([], "timed out"), ([{"ex": exercise.test_id, "undefined": "NameError: x"}], "finished")):
        said = {}
        for lang in ("en", "zh"):
            monkeypatch.setenv("COURSE_LANG", lang)
            said[lang] = grade.judge(exercise, entries, module, outcome, 9)
        assert said["zh"][0] == said["en"][0] == 0 and "未评分" in said["zh"][1] and not untranslated(said["zh"][1])
        # either way to Chinese gives the same words (grade.py's own lines are not wrapped for the screen)
        assert "".join(said["zh"][1].split()) == "".join(i18n.translate_output(said["en"][1], "zh").split())


def test_feedback_under_nbgrader_keeps_its_channels_in_chinese(monkeypatch, capsys):
    """nbgrader reads the channel (stdout: points, stderr: none), never the words."""
    monkeypatch.setenv("COURSE_LANG", "zh")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    fb = check_weighted_loss_and_grad(lambda y_hat, y, w: (0.0, np.zeros_like(y_hat)))
    with pytest.raises(NotImplementedError):
        fb._repr_pretty_(None, False)
    out, err = capsys.readouterr()
    assert out == "" and "还不对" in err
    assert _feedback.Feedback("x", "correct").head == "✓ x：正确。"
