"""The learner's language: COURSE_LANG, the lookup every checker message goes through, and stored outputs translated.

    COURSE_LANG unset, "" or "en"  → English (the source)
    COURSE_LANG=zh                 → Chinese, from locale/zh_CN/LC_MESSAGES/course.po
    anything else                  → ValueError naming the accepted values (course.check_environment says so first)

When COURSE_LANG is unset or empty, the folder the kernel runs in decides: a translated edition's folders
(zh/notebooks/, the workspace work-zh/) hold a file ``.course-lang`` that names their language (:func:`mark_folder`),
and a kernel starts in its notebook's folder.  So a Chinese notebook speaks Chinese where nobody set COURSE_LANG
(Binder, a lecturer's own Jupyter), and an English one English.

How a message is written (course/exercises/*.py, course/environment.py, tools/grade.py):

- a sentence the learner reads is an English template inside ``tr(...)``, its values as named placeholders:
  ``tr("{name} has shape {shape}, expected {expected}.").format(name=name, shape=shape, expected=expected)``.
  Numbers are formatted by the template (``{err:.1e}``), so both languages show the same digits.  Two placeholders
  never touch (a literal character between them), so a printed line can be read back into its values.  A template
  is formatted where it is looked up, ``tr("...").format(...)`` in one expression: that is how the extraction tells
  a template (its braces are placeholders) from a plain message (its braces are maths, h_{t−1}).
- a text defined before it is shown (a known mistake's name, an advice in a module-level table) is marked
  ``N_("...")``, which returns it unchanged; it is translated where it is shown (``diagnose``, ``Feedback.text``
  and the checkers call ``tr`` on it).  A mistake's name stays English in ``Feedback.mistake``: the verdict
  (status and mistake) never depends on the language, only the words do.
- a placeholder's value is translated exactly when it is itself a message (``tr(mistake)``, ``tr("your result")``);
  code names, shapes, numbers and what numpy or Python said stay as they are.

The catalogue: ``python tools/checker_messages.py update`` collects every ``tr("...")`` and ``N_("...")`` literal
from the sources (with ast) into course.po, msgctxt = the module, msgid = the English template; an English edit
makes the old translation fuzzy, and tests/test_checker_language.py fails until it is translated again.  A new
checker module (notebooks 20-22: course/exercises/deep.py, encoder_decoder.py, attention.py) is wrapped with

    python tools/checker_messages.py wrap course/exercises/deep.py    # draft: f-strings → tr(...).format(...)
    ruff check --fix course/exercises/deep.py && ruff format course/exercises/deep.py
    (review the draft: mistake names N_, a placeholder that is a message tr(...), no two placeholders touching,
    no check of a message's words, e.g. `"NaN" in problem`: ask the numbers, _feedback.has_nan_or_inf)
    python tools/checker_messages.py update                           # new messages into course.po, untranslated
    (translate them in course.po, following locale/zh_CN/TERMINOLOGY.md)
    python tools/checker_messages.py check                            # placeholders, formulas and code copied

and its module added to ``SOURCES`` there if it is not under course/exercises/.  tests/test_checker_language.py
then runs the module's own tests (tests/test_exercises_*.py) in both languages: each checker needs a test there
that feeds it a named mistake.

:func:`translate_output` turns what a checker printed in English (a stored cell output, wrapped) into what it
prints under COURSE_LANG=zh, by matching each line against the catalogue's templates: the Chinese edition's
stored outputs are generated from the English ones and agree with a live run.
"""

from __future__ import annotations

import functools
import os
import re
import string
import textwrap
import unicodedata
from pathlib import Path

LANGUAGES = ("en", "zh")
LOCALES = {"zh": "zh_CN"}  # COURSE_LANG value → gettext locale folder
CATALOGUE = Path(__file__).resolve().parent.parent / "locale"  # locale/<locale>/LC_MESSAGES/course.po
DOMAIN = "course"

# Feedback is wrapped at word boundaries to this many columns: JupyterLab breaks long output lines anywhere,
# inside words too (its CSS sets `word-break: break-all`), and 88 columns of its 13 px monospace font fit the
# output area of a notebook on a laptop with the file browser open.  A Chinese character takes two columns.
WIDTH = 88


MARKER = ".course-lang"  # in a translated edition's folder: its language, e.g. "zh"


def mark_folder(folder, lang: str) -> None:
    """Write ``folder``/.course-lang naming ``lang``, so that a kernel started there speaks it (see language())."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    path = Path(folder) / MARKER
    if not path.is_file() or path.read_text(encoding="utf-8").strip() != lang:
        path.write_text(lang + "\n", encoding="utf-8")


def _marked_language() -> str:
    """What ./.course-lang says ("" without one, or when it cannot be read as text)."""
    try:
        return (Path.cwd() / MARKER).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def language() -> str:
    """The course's language from COURSE_LANG: "en" (unset, empty or "en") or "zh"; a ValueError for anything else.

    Unset or empty, the current folder's .course-lang decides (a translated edition's folder), else English.
    """
    value = os.environ.get("COURSE_LANG", "").strip()
    if value == "" and _marked_language():
        value = _marked_language()
        if value not in LANGUAGES:
            raise ValueError(f"{Path.cwd() / MARKER} must name one of {LANGUAGES}, got {value[:40]!r}")
    if value in ("", "en"):
        return "en"
    if value == "zh":
        return "zh"
    raise ValueError(
        f"COURSE_LANG must be one of 'en' (English, the default when unset) or 'zh' (Chinese), got {value!r}"
    )


def _current() -> str:
    """language(), or English when COURSE_LANG is invalid: a checker never fails on it (the first cell says so)."""
    try:
        return language()
    except ValueError:
        return "en"


def catalogue_path(lang: str = "zh") -> Path:
    return CATALOGUE / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> dict:
    """English text → (translation, whether it is a template), for every message translated and not fuzzy ({} for
    English, or no file).  A template is formatted with ``.format`` (its braces are placeholders); in any other
    message a brace is a character (h_{t−1}).

    The same English text means the same thing in every module, so the table is keyed by it alone (a test checks
    that no two modules translate one text differently).
    """
    if lang == "en":
        return {}
    path = catalogue_path(lang)
    if not path.exists():
        return {}
    try:
        import polib  # only for a translated edition (the course extra installs it)
    except ImportError:
        return {}

    return {
        e.msgid: (e.msgstr, "python-brace-format" in e.flags)
        for e in polib.pofile(str(path), wrapwidth=0)
        if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
    }


def reload() -> None:
    """Forget the catalogues read so far (after course.po changed in this process)."""
    translations.cache_clear()
    _templates.cache_clear()


def tr(message: str, lang: str | None = None) -> str:
    """``message`` (an English template) in the course's language; English when it has no translation.

    Leading spaces (an indented sub-message) are kept and the rest translated; a text that is not a message (a
    code name, an already translated text) comes back unchanged.
    """
    table = translations(lang or _current())
    if not table or not isinstance(message, str):
        return message
    found = table.get(message)
    if found is not None:
        return found[0]
    body = message.lstrip(" ")
    found = table.get(body)
    return message if found is None else message[: len(message) - len(body)] + found[0]


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "a message, translated where it is shown"
    """Mark ``message`` for the catalogue and return it unchanged (it is translated with ``tr`` where it is shown)."""
    return message


# ---------------------------------------------------------------------------
# Wrapping for the screen, in either language.
# ---------------------------------------------------------------------------

_KEEP = "\u00a0"  # a space no wrapping breaks at
_SHORT_PARENTHESIS = re.compile(r"\([^()\n]{1,20}\)")
# A line never starts with closing punctuation, nor ends with opening punctuation (the rule of Chinese typesetting).
_NO_START = set("，。、；：！？）》」』”’…,.;:!?)]}%")
_NO_END = set("（《「『“‘([{")


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in "WF"


def display_width(text: str) -> int:
    """Columns ``text`` takes in a monospace font: two for a Chinese character or full-width sign, one otherwise."""
    return sum(2 if _wide(ch) else 1 for ch in text)


def wrap(line: str, width: int = WIDTH, lang: str | None = None) -> str:
    """``line`` wrapped to ``width`` columns, continuation lines indented two more than the first.

    English: at spaces only, never inside a word or at a hyphen.  Chinese: at spaces and between Chinese
    characters, never before closing or after opening punctuation.  Never inside a short parenthesis such as a
    shape, (T, B, H); a word longer than the width stays whole.
    """
    indent = line[: len(line) - len(line.lstrip(" "))]
    kept = _SHORT_PARENTHESIS.sub(lambda m: m[0].replace(" ", _KEEP), line.strip(" "))
    if (lang or _current()) == "en":
        text = textwrap.fill(
            kept,
            width=width,
            initial_indent=indent,
            subsequent_indent=indent + "  ",
            break_long_words=False,
            break_on_hyphens=False,
        )
        return text.replace(_KEEP, " ")
    units, gap, current = [], "", ""  # (spaces before, unbreakable unit)
    for ch in kept:
        if ch == " ":
            if current:
                units.append((gap, current))
                gap, current = "", ""
            gap += ch
            continue
        if current and (_wide(ch) or _wide(current[-1])) and ch not in _NO_START and current[-1] not in _NO_END:
            units.append((gap, current))
            gap, current = "", ""
        current += ch
    if current:
        units.append((gap, current))
    lines, row = [], indent
    for gap, unit in units:
        if row.strip() and display_width(row + gap + unit) > width:
            lines.append(row)
            row = indent + "  " + unit
        else:
            row += (gap if row.strip() else "") + unit
    lines.append(row)
    return "\n".join(lines).replace(_KEEP, " ")


# ---------------------------------------------------------------------------
# Stored English outputs → the language's.
# ---------------------------------------------------------------------------


def fields(template: str) -> list:
    """(literal text, field name or None, format spec, conversion) of a template, as str.format reads it."""
    return list(string.Formatter().parse(template))


_NUMBER = r"[-+]?(?:inf|nan|[0-9][0-9,]*(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?%?)"


@functools.cache
def _templates(lang: str) -> list:
    """(length of the literal text, regex, translation) for every translated template with placeholders."""
    found = []
    for msgid, (msgstr, formatted) in translations(lang).items():
        if not formatted:
            continue
        parts = fields(msgid)
        if not any(name for _, name, _, _ in parts):
            continue
        pattern, seen, literal = "", set(), 0
        for text, name, spec, _ in parts:
            pattern += re.escape(text)
            literal += len(text.strip())
            if name is None:
                continue
            # a number formatted by the template is read as a number, so that "Expected 1.5.{note}" splits right
            value = _NUMBER if spec and spec[-1] in "eEfFgGd%" else ".*?"
            pattern += f"(?P={name})" if name in seen else f"(?P<{name}>{value})"
            seen.add(name)
        if literal:
            found.append((literal, re.compile(pattern + r"\Z", re.S), msgstr))
            if ".*?" in pattern:  # a value may contain the literal that follows it (numpy's ". "): also the longest
                found.append((literal, re.compile(pattern.replace(".*?)", ".*)") + r"\Z", re.S), msgstr))
    return found


def translate_line(text: str, lang: str) -> str | None:
    """One logical line (no indentation) in ``lang``, or None when it is not a message of the catalogue.

    A placeholder's value is translated when it is a message itself (a mistake's name, "your result", a nested
    sentence), as the checker translates it; anything else (code, numbers, numpy's words) is kept.  When several
    templates match, the reading that leaves the least text untranslated wins (then the most specific template).
    """
    found = _translate(text, lang, 0)
    return None if found is None else found[0]


def _translate(text: str, lang: str, depth: int):
    """(translation, characters of placeholder values kept untranslated), or None."""
    table = translations(lang)
    if text in table:
        translated, formatted = table[text]
        return (translated.replace("{{", "{").replace("}}", "}") if formatted else translated), 0
    if depth > 4:
        return None
    best = None
    for literal, regex, msgstr in _templates(lang):
        match = regex.match(text)
        if match is None:
            continue
        values, kept, out = match.groupdict(), 0, []
        for piece, name, _, _ in fields(msgstr):
            out.append(piece)
            if name is None:
                continue
            value = values[name]
            inner = _translate(value, lang, depth + 1) if value else None
            if inner is None:
                out.append(value)
                kept += len(value)
            else:
                out.append(inner[0])
                kept += inner[1]
        if best is None or (kept, -literal) < (best[1], -best[2]):
            best = ("".join(out), kept, literal)
    return None if best is None else best[:2]


def _literal_length(text: str, lang: str) -> int:
    """How much of ``text`` is the catalogue's own words: the whole of an exact message, else the literal part of the
    longest template it matches."""
    if text in translations(lang):
        return len(text)
    lengths = [literal for literal, regex, _ in _templates(lang) if regex.match(text)]
    return max(lengths, default=0)


def _unwrapped(lines: list, width: int) -> str | None:
    """The logical line that wrapping (English) turned into ``lines``, or None if they are not one wrapped line."""
    indent = lines[0][: len(lines[0]) - len(lines[0].lstrip(" "))]
    rest = lines[1:]
    if any(not line.startswith(indent + "  ") or line.startswith(indent + "   ") for line in rest):
        return None
    logical = " ".join([lines[0], *(line.strip(" ") for line in rest)])
    return logical if wrap(logical, width, "en") == "\n".join(lines) else None


# A checker's output: a head line, "✓ rnn_step: correct." (✓ ✗ … ↻, the exercise, a colon), and the lines indented
# under it; or one sentence of its own at least this long (usable()'s "This cell uses your ..."), never a short one.
_HEAD = re.compile(r"[✓✗…↻] [^\s:]+:")
_STANDALONE = 40


def _in_feedback(lines: list) -> list:
    """For each physical line, whether it belongs to a checker's feedback: a head line or a line indented under one."""
    inside, within = [], False
    for line in lines:
        within = bool(_HEAD.match(line)) or (within and line.startswith(" "))
        inside.append(within)
    return inside


def translate_output(text: str, lang: str, width: int = WIDTH) -> str:
    """What a checker printed in English (wrapped for the screen), as it prints it in ``lang``.

    Each group of physical lines that is one wrapped logical line and one message of the catalogue becomes that
    message's translation, wrapped for ``lang``, inside a checker's feedback (its head line, "✗ rnn_step: not yet
    right.", and the lines indented under it) or when it is a whole long sentence of the catalogue (usable()'s);
    anything else (a notebook's own print, "h_t:", "3 values") stays as it is, so any cell's output can be passed.
    A line longer than ``width`` was printed without wrapping (tools/grade.py's own verdicts): its translation is
    not wrapped either.  English returns ``text`` unchanged.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
    if lang == "en" or not text:
        return text
    end = "\n" if text.endswith("\n") else ""
    lines = text[: len(text) - len(end)].split("\n")
    n, inside = len(lines), _in_feedback(lines)
    # best[i]: (lines left untranslated, output lines) for lines[i:], found right to left
    best: list = [None] * n + [(0, [])]
    for i in range(n - 1, -1, -1):
        choice = (best[i + 1][0] + 1, [lines[i], *best[i + 1][1]])  # line i kept as it is
        for j in range(i + 1, min(n, i + 40) + 1):
            logical, rewrap = _unwrapped(lines[i:j], width), True
            if logical is None and j == i + 1 and display_width(lines[i]) > width:
                logical, rewrap = lines[i], False  # a line longer than the width was printed unwrapped: kept so
            if logical is None:
                continue
            body = logical.lstrip(" ")
            translated = translate_line(body, lang) if body else None
            if translated is not None and not inside[i] and _literal_length(body, lang) < _STANDALONE:
                translated = None  # a short text outside any feedback is a notebook's, not a checker's
            if translated is not None and best[j][0] < choice[0]:
                indent = logical[: len(logical) - len(body)]
                shown = wrap(indent + translated, width, lang) if rewrap else indent + translated
                choice = (best[j][0], [shown, *best[j][1]])
        best[i] = choice
    return "\n".join(best[0][1]) + end
