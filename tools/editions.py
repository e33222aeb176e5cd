"""The course in each of its languages: where each edition lives, and the translated notebooks, generated.

    python tools/editions.py build [zh]     # write zh/notebooks/ from notebooks/ and locale/zh_CN (a few seconds)
    python tools/editions.py update         # refresh syllabus.po and commands.po from the English they translate
    python tools/editions.py status         # translated / fuzzy / untranslated, for every catalogue

The English notebooks in notebooks/ are the one source.  The Chinese edition is built from them and from the
gettext catalogues of locale/zh_CN/LC_MESSAGES (tools/translations.py):

- each notebook's markdown, block by block, from ``<notebook>.po`` (translations.translate_notebook);
- the cells tools/sync_notebooks.py generates (navigation header and footer, 00_index's course map) from
  tools/syllabus.py's titles and summaries and the navigation's few phrases, through ``syllabus.po``;
- every code cell, cell id, attachment and metadata copied; every output copied, its text through
  ``translate_output`` (course/i18n.py), which turns the checkers' English feedback into the language's, so the
  outputs are what a kernel with COURSE_LANG=zh prints (``make test-zh`` runs the edition under strict nbval);
- what the course's commands print (make workspace, make progress, make grade) through ``commands.po``.

``COURSE_LANG`` chooses the edition of every command (``make lab COURSE_LANG=zh``); English is the default.
Where each edition lives (everything Chinese is generated on demand and ignored by git, except the learner's work):

    what                 English            Chinese               why there
    solved notebooks     notebooks/         zh/notebooks/         two levels below the root, as notebooks/ is, so
                                                                  a relative path means the same in both; outside
                                                                  notebooks/, which make test collects whole
    student edition      student/notebooks  student/zh/notebooks  beside the English one (make student)
    learner's workspace  work/              work-zh/              a folder of its own: a copy of the other language
                                                                  would count as "changed by the course" and every
                                                                  notebook would get a NAME.new.ipynb beside it
    site                 _site/             _site/zh/             one site, a language switch on every page

A notebook's kernel starts in its folder: the stored results are found in the course's notebooks/data wherever the
folder is (course.results), the corpus in the package (course.text), links between notebooks are relative.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from course.i18n import language, mark_folder, translate_output  # noqa: F401  (language: the tools ask editions for it)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sync_notebooks  # noqa: E402
import translations  # noqa: E402
from syllabus import NOTEBOOKS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("en", "zh")
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}  # each in its own language: the site's switch
HTML_LANG = {"en": "en", "zh": "zh-CN"}
EDITION_FOLDERS = {"en": "notebooks", "zh": "zh/notebooks"}  # in the repository (what Binder's links open)
SOLVED_DIRS = {lang: ROOT / folder for lang, folder in EDITION_FOLDERS.items()}
STUDENT_DIRS = {"en": ROOT / "student" / "notebooks", "zh": ROOT / "student" / "zh" / "notebooks"}
WORK_DIRS = {"en": ROOT / "work", "zh": ROOT / "work-zh"}
SITE_SUBDIRS = {"en": "", "zh": "zh"}

# How a learner runs each command in each language (what the commands' own messages tell them to type).
COMMANDS = {
    "en": {
        "setting": "COURSE_LANG=en",
        "lab": "make lab",
        "workspace": "make workspace",
        "progress": "make progress",
        "solutions": "make lab-solutions",
    },
    "zh": {
        "setting": "COURSE_LANG=zh",
        "lab": "make lab COURSE_LANG=zh",
        "workspace": "make workspace COURSE_LANG=zh",
        "progress": "make progress COURSE_LANG=zh",
        "solutions": "make lab-solutions COURSE_LANG=zh",
    },
}


def check_language(lang) -> str:
    """``lang`` if the course has that edition, else a ValueError naming the accepted values."""
    if lang not in LANGUAGES:
        raise ValueError(f"language: expected one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


# --------------------------------------------------------------------------------------------------------------
# The phrases of the generated cells and of the commands: two catalogues besides the notebooks'.
# --------------------------------------------------------------------------------------------------------------

# The navigation's phrases (tools/sync_notebooks.py asks for each by context and English).
NAVIGATION = [
    ("navigation", sync_notebooks.COURSE_TITLE),
    ("navigation", "Open in Binder"),
    ("navigation", "Notebook {number} of {total}"),
    ("navigation", "Course map"),
    ("navigation", "**Prerequisites:** {notebooks}"),
    ("navigation", "none"),
    ("navigation: list separator", ", "),
    ("navigation", "← Previous: {notebook}"),
    ("navigation", "Next: {notebook} →"),
    ("navigation", "| # | notebook | what it covers |"),
    # Only in a translated edition, under 00_index's title: the notebooks' prose names the commands as English has them.
    (
        "navigation",
        "Every command of this edition takes `{setting}`: `{lab}`, `{progress}`, `{solutions}` (or run "
        "`export {setting}` once in your terminal, then the commands as the notebooks write them).",
    ),
]

# What make workspace, make progress and make grade print (tools/workspace.py, progress.py, grade.py).
COMMAND_PHRASES = [
    ("workspace", "Your workspace {folder} now holds the {count} notebooks of the course with every exercise blank."),
    (
        "workspace",
        "It is yours: nothing in it is ever overwritten. `{lab}` opens it; `{progress}` shows where you are.",
    ),
    ("workspace", "{name}: written, 1 exercise to do"),
    ("workspace", "{name}: written, {count} exercises to do"),
    (
        "workspace",
        "{name}: the course has changed this notebook. Your copy is kept as it is; the new version is {new}. To start "
        "it afresh, delete or rename your copy and run `{workspace}` again.",
    ),
    (
        "workspace",
        "{name}: the course has changed this notebook. Your copy is kept as it is; the new version is {new} (written "
        "earlier). To start it afresh, delete or rename your copy and run `{workspace}` again.",
    ),
    ("workspace", "Your workspace {folder} is up to date."),
    ("progress", "done"),
    ("progress", "wrong"),
    ("progress", "not started"),
    ("progress", "progress: {done} of {total} exercises done"),
    ("progress", "No workspace at {folder}: run `{workspace}` (or `{lab}`) first."),
    ("progress", "The workspace of the {language} edition is {folder}: `{progress}` checks it."),
    ("progress", "not yet right (the checker gave no details)"),
    ("progress", "your exercise cell raised {error}"),
    ("progress", "the checker cell raised {error}"),
    ("progress", "the checker cell printed no verdict"),
    ("progress", "stopped: the notebook ran past {seconds} s (a loop that never ends?)"),
    ("progress", "stopped: {error}"),
    ("progress", "{name} cannot be read as a notebook ({error})"),
    ("grade", "# Feedback for {learner}"),
    ("grade", "## {notebook}: not graded"),
    ("grade", "## {notebook}: {points} of {maximum} points"),
    ("grade", "### {exercise}: {points} of {maximum}"),
]


COMMANDS_NOTE = NAVIGATION[-1][1]


def syllabus_messages() -> list:
    """``(msgctxt, English, occurrence)`` of syllabus.po: every notebook's title and summary, then the navigation."""
    found = []
    for nb in NOTEBOOKS:
        found.append((f"{nb.stem}:title", nb.title, ("tools/syllabus.py", "")))
        found.append((f"{nb.stem}:summary", nb.summary, ("tools/syllabus.py", "")))
    return found + [(ctxt, text, ("tools/sync_notebooks.py", "")) for ctxt, text in NAVIGATION]


def command_messages() -> list:
    """``(msgctxt, English, occurrence)`` of commands.po: what the course's commands print."""
    return [(ctxt, text, (f"tools/{ctxt}.py", "")) for ctxt, text in COMMAND_PHRASES]


PHRASE_CATALOGUES = {"syllabus": syllabus_messages, "commands": command_messages}


def update_phrases(lang: str = "zh") -> dict:
    """Rewrite syllabus.po and commands.po from the English they translate (translations.merge_messages)."""
    written = {}
    for name, extract in PHRASE_CATALOGUES.items():
        po = translations.merge_messages(f"rnn-bptt-course {name}", extract(), translations.load(name, lang), lang)
        path = translations.catalogue_path(name, lang)
        path.parent.mkdir(parents=True, exist_ok=True)
        po.save(str(path))
        written[name] = po
    return written


class Words:
    """The phrases of one language: ``words(context, English)`` → the translation (the English where a message is
    missing or fuzzy, so a half-translated edition still reads).  Asking for a phrase that is in no extraction is a
    ValueError: extraction would never offer it to a translator."""

    def __init__(self, lang: str):
        self.lang = check_language(lang)
        self.known = {(ctxt, text) for extract in PHRASE_CATALOGUES.values() for ctxt, text, _ in extract()}
        self.table = {}
        if lang != "en":
            for name in PHRASE_CATALOGUES:
                self.table.update(translations.translation_table(translations.load(name, lang)))

    def __call__(self, context: str, text: str) -> str:
        if (context, text) not in self.known:
            raise ValueError(f"the phrase {text!r} (context {context!r}) is in no catalogue's extraction")
        return self.table.get((context, text), text)


# --------------------------------------------------------------------------------------------------------------
# The translated notebooks.
# --------------------------------------------------------------------------------------------------------------


def translate_outputs(outputs: list, lang: str) -> list:
    """The outputs with every text (streams, ``text/plain``) through translate_output; images and the rest as
    they are."""
    for output in outputs:
        if output.get("output_type") == "stream":
            output["text"] = translate_output(output["text"], lang)
        elif "text/plain" in output.get("data", {}):
            output["data"]["text/plain"] = translate_output(output["data"]["text/plain"], lang)
    return outputs


def translated_notebook(stem: str, nb, lang: str, words: Words | None = None, po=None):
    """The ``lang`` edition of one course notebook (``nb``, read from notebooks/); see the module's docstring.

    words: the language's phrases (read from the catalogues if not given); po: the notebook's catalogue (likewise).
    """
    check_language(lang)
    if lang == "en":
        return nbformat.from_dict(nb)
    words = words or Words(lang)
    po = po if po is not None else translations.load(stem, lang)
    out = nbformat.from_dict(translations.translate_notebook(nb, po))
    folder = EDITION_FOLDERS[lang]
    for cell in out.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if "nav-header" in tags:
            cell.source = sync_notebooks.header_source(stem, words, folder)
            if stem == "00_index":
                cell.source += "\n\n" + words("navigation", COMMANDS_NOTE).format(**COMMANDS[lang])
        elif "nav-footer" in tags:
            cell.source = sync_notebooks.footer_source(stem, words)
        elif "course-map" in tags:
            cell.source = sync_notebooks.course_map_source(words)
        if cell.cell_type == "code":
            translate_outputs(cell.get("outputs", []), lang)
    return out


def edition(lang: str, source_dir: Path = SOLVED_DIRS["en"]) -> dict:
    """stem → the ``lang`` edition of every notebook of ``source_dir``, in the course's order."""
    words = Words(lang) if lang != "en" else None
    return {
        path.stem: translated_notebook(path.stem, nbformat.read(path, as_version=4), lang, words)
        for path in sorted(source_dir.glob("*.ipynb"))
    }


def build(lang: str, out_dir: Path | None = None) -> list:
    """Write the ``lang`` edition's notebooks to ``out_dir`` (default SOLVED_DIRS[lang]); returns the files that
    changed.  A file whose text is already right is not touched (JupyterLab keeps it open undisturbed); a notebook
    the English edition no longer has is removed, so the folder is the edition and nothing else."""
    check_language(lang)
    if lang == "en":
        raise ValueError("language: the English edition is notebooks/ itself; build makes a translated one (zh)")
    out_dir = out_dir or SOLVED_DIRS[lang]
    out_dir.mkdir(parents=True, exist_ok=True)
    mark_folder(out_dir, lang)  # a kernel started here speaks lang without COURSE_LANG (Binder)
    changed = []
    notebooks = edition(lang)
    for stem, nb in notebooks.items():
        path = out_dir / f"{stem}.ipynb"
        text = nbformat.writes(nb) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    for path in out_dir.glob("*.ipynb"):
        if path.stem not in notebooks:
            path.unlink()
    return changed


def main(argv: list) -> int:
    if not argv or argv[0] not in {"build", "update", "status"}:
        print(__doc__)
        return 2
    if argv[0] == "build":
        lang = argv[1] if len(argv) > 1 else "zh"
        try:
            changed = build(lang)
        except ValueError as err:
            print(err, file=sys.stderr)
            return 2
        print(f"The {lang} edition is in {EDITION_FOLDERS[lang]}/ ({len(changed)} notebook(s) rewritten).")
        return 0
    catalogues = update_phrases() if argv[0] == "update" else {n: translations.load(n) for n in PHRASE_CATALOGUES}
    for name, po in catalogues.items():
        done, fuzzy, todo = translations.status(po) if po is not None else (0, 0, 0)
        print(f"{name:45s} translated {done:4d}  fuzzy {fuzzy:3d}  untranslated {todo:4d}")
    if argv[0] == "status":
        return translations.main(["status"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
