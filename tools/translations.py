"""The Chinese edition's notebooks: English source + gettext catalogue → translated notebook.

    python tools/translations.py update            # refresh every catalogue from the English notebooks
    python tools/translations.py update 13_lstm    # one notebook's catalogue
    python tools/translations.py status            # per catalogue: translated / fuzzy / untranslated
    python tools/translations.py check 13_lstm     # every translated message whose maths, code or links changed
    python tools/translations.py build             # the Chinese edition, zh/notebooks/ (tools/editions.py build)

The English notebooks in notebooks/ are the one source.  Each markdown cell is cut into *blocks* (paragraphs,
headings, list items, tables, fenced code, display maths: see :func:`blocks`), and each block is one message of
``locale/zh_CN/LC_MESSAGES/<notebook>.po``::

    msgctxt "76c29796"            ← the cell's id: a block is found again in its cell wherever it moves
    msgid "The forget gate ..."   ← the English block, character for character
    msgstr "遗忘门 ..."            ← its translation

Why this keying: an unchanged block keeps its translation whatever else changes; a block whose English changes
no longer matches its msgid, so :func:`merge` pairs it with the old message of the same cell it replaced, keeps
the old translation marked **fuzzy** with the old English as ``#| msgid`` (what translation platforms show as the
diff), and the tests fail until a translator has looked at it.  Exactly the edited blocks become fuzzy.

A block with nothing to translate (only maths, code or a link list: :func:`needs_translation`) is not a message;
it is copied as it is.  :func:`translate_notebook` builds the Chinese notebook: every code cell, output, cell id,
attachment and metadata copied, every markdown block replaced by its translation (the English block where a
message is missing or fuzzy, so a half-translated notebook still runs and reads).
"""

from __future__ import annotations

import copy
import difflib
import re
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
LOCALE_DIR = ROOT / "locale"
LANGUAGES = {"zh": "zh_CN"}  # COURSE_LANG value → gettext locale folder

# Cells generated from tools/syllabus.py (navigation, course map): the Chinese edition generates them from the
# syllabus's own catalogue, so they are not messages of a notebook's catalogue.
GENERATED_TAGS = {"nav-header", "nav-footer", "course-map"}

_FENCE = re.compile(r"^\s*(```|~~~)")


def catalogue_path(stem: str, lang: str = "zh") -> Path:
    """Where a notebook's catalogue lives: locale/zh_CN/LC_MESSAGES/<stem>.po."""
    return LOCALE_DIR / LANGUAGES[lang] / "LC_MESSAGES" / f"{stem}.po"


def blocks(markdown: str) -> list[str]:
    """Cut a markdown cell into blocks separated by blank lines, never inside a code fence or a $$ … $$ display.

    ``"\\n\\n".join(blocks(s)) == s`` for every cell whose blocks are separated by exactly one blank line (the
    course's style; sync_notebooks and ruff keep them so); other runs of blank lines are normalised to one.
    """
    out, current, fenced, display = [], [], False, False
    for line in markdown.split("\n"):
        if not line.strip() and not fenced and not display:
            if current:
                out.append("\n".join(current))
                current = []
            continue
        current.append(line)
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and line.count("$$") % 2 == 1:
            display = not display
    if current:
        out.append("\n".join(current))
    return out


# Inline maths and code may wrap onto the next line of a block (the English is wrapped at 120 columns); code is
# removed before maths is looked for, so a `$` inside code never opens a formula.
_MATH = re.compile(r"\$\$.+?\$\$|\$[^$]+?\$", re.S)
_CODE = re.compile(r"```.*?```|`[^`]*`", re.S)
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_LETTERS = re.compile(r"[A-Za-z]{2,}")


def needs_translation(block: str) -> bool:
    """True when a block has words outside maths, code, link targets and HTML tags (a heading, a sentence)."""
    prose = _LINK_TARGET.sub("]", _MATH.sub(" ", _CODE.sub(" ", block)))
    prose = re.sub(r"<[^>]+>", " ", prose)
    return bool(_LETTERS.search(prose))


def formulas(text: str) -> list[str]:
    """Every $…$ and $$…$$ of a text outside code, in order."""
    return _MATH.findall(_CODE.sub(" ", text))


def problems(msgid: str, msgstr: str) -> list[str]:
    """What a translation changed that it must copy: formulas, code spans, link targets, the heading level.

    An empty list means the message keeps them all.  (Words are the translator's; these are not.)
    """
    found = []
    source_math, target_math = formulas(msgid), formulas(msgstr)
    missing = [f for f in source_math if f not in target_math]
    extra = [f for f in target_math if f not in source_math]
    if missing:
        found.append(f"formulas of the English missing from the translation: {missing}")
    if extra:
        found.append(f"formulas in the translation that the English does not have: {extra}")
    code_src, code_dst = _CODE.findall(msgid), _CODE.findall(msgstr)
    if sorted(code_src) != sorted(code_dst):
        found.append(
            f"code spans differ: English {sorted(set(code_src) - set(code_dst))}, "
            f"translation {sorted(set(code_dst) - set(code_src))}"
        )
    targets_src, targets_dst = _LINK_TARGET.findall(msgid), _LINK_TARGET.findall(msgstr)
    if sorted(targets_src) != sorted(targets_dst):
        found.append(f"link targets differ: English {targets_src}, translation {targets_dst}")
    level = re.match(r"#*", msgid).group()
    if level and re.match(r"#*", msgstr).group() != level:
        found.append(f"heading level differs: English {level!r}")
    return found


def messages(nb: dict) -> list[tuple[str, str]]:
    """(cell id, block) of every block to translate, in reading order."""
    found = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown" or generated(cell):
            continue
        for block in blocks(_source(cell)):
            if needs_translation(block):
                found.append((cell["id"], block))
    return found


def generated(cell) -> bool:
    """True for the cells tools/sync_notebooks.py writes (see GENERATED_TAGS)."""
    return bool(GENERATED_TAGS & set(cell.get("metadata", {}).get("tags", [])))


def _source(cell) -> str:
    src = cell["source"]
    return src if isinstance(src, str) else "".join(src)


def merge(stem: str, nb: dict, old: polib.POFile | None) -> polib.POFile:
    """The catalogue for ``nb``: old translations kept where the English is unchanged, fuzzy where it changed.

    For a block with no exact old message (same cell, same English), the old messages of the same cell that no
    longer match any block are candidates; the most similar (difflib ratio ≥ 0.5) lends its translation, marked
    fuzzy, with the old English kept as ``previous_msgid``.  Old messages that match nothing are dropped (git
    keeps them).
    """
    wanted = [
        (cell_id, block, (f"notebooks/{stem}.ipynb", str(index + 1)))
        for index, (cell_id, block) in enumerate(messages(nb))
    ]
    return merge_messages(f"rnn-bptt-course {stem}", wanted, old)


def merge_messages(project: str, wanted: list, old: polib.POFile | None, lang: str = "zh", *, obsolete=False):
    """A catalogue of the messages ``wanted`` — ``(msgctxt, English, (file, line))`` in order, optionally with a
    fourth item, the message's own flags (``python-brace-format``) — merged with ``old``.

    The rule of :func:`merge`, for any catalogue keyed by context and English (the notebooks' by cell id, the
    syllabus's by notebook and field, tools/editions.py; the checkers' by module, tools/checker_messages.py): an
    exact old message keeps its translation and flags; a changed English borrows the translation of the most similar
    old message of the same context, marked fuzzy.  With ``obsolete``, a translated message nothing wants any more
    is kept as obsolete (``#~``, gettext's way) and comes back to life when wanted again: how translations written
    ahead of their checker module wait for it.
    """
    po = polib.POFile(wrapwidth=0)
    po.header = old.header if old is not None else ""  # who translated and reviewed it: kept across updates
    po.metadata = {
        "Project-Id-Version": project,
        "Language": LANGUAGES[lang],
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    old_entries = list(old) if old is not None else []
    exact = {(e.msgctxt, e.msgid): e for e in old_entries if obsolete and e.obsolete}
    exact.update({(e.msgctxt, e.msgid): e for e in old_entries if not e.obsolete})  # a live entry before an obsolete
    wanted_keys = {(item[0], item[1]) for item in wanted}
    # A notebook rebuilt with new cell ids keeps its English: an old message whose context is gone still serves the
    # same text, unchanged, under its new context.
    live = {item[0] for item in wanted}
    orphans = {e.msgid: e for e in old_entries if not e.obsolete and e.msgstr and e.msgctxt not in live}
    spare = {}  # context → old messages of that context no longer matching any wanted message
    for e in old_entries:
        if not e.obsolete and (e.msgctxt, e.msgid) not in wanted_keys and e.msgstr:
            spare.setdefault(e.msgctxt, []).append(e)
    seen, used = set(), set()
    for ctxt, text, occurrence, *own in wanted:
        if (ctxt, text) in seen:  # the same block twice in a cell: one message serves both
            continue
        seen.add((ctxt, text))
        entry = polib.POEntry(msgctxt=ctxt, msgid=text, msgstr="")
        entry.occurrences = [occurrence]
        entry.flags = list(own[0]) if own else []
        before = exact.get((ctxt, text)) or orphans.get(text)
        if before is not None:
            used.add((before.msgctxt, before.msgid))
            entry.msgstr, entry.previous_msgid, entry.tcomment = before.msgstr, before.previous_msgid, before.tcomment
            # The format flag is the source's to say (own), the others (fuzzy) the translator's.
            entry.flags += [f for f in before.flags if f not in entry.flags and not f.endswith("-format")]
        elif spare.get(ctxt):
            candidates = spare[ctxt]
            best = max(candidates, key=lambda e: difflib.SequenceMatcher(None, e.msgid, text).ratio())
            if difflib.SequenceMatcher(None, best.msgid, text).ratio() >= 0.5:
                candidates.remove(best)
                used.add((best.msgctxt, best.msgid))
                entry.msgstr, entry.previous_msgid, entry.tcomment = best.msgstr, best.msgid, best.tcomment
                entry.flags.append("fuzzy")
        po.append(entry)
    if obsolete:
        for e in old_entries:
            key = (e.msgctxt, e.msgid)
            if e.msgstr and key not in wanted_keys and key not in used:
                used.add(key)
                po.append(polib.POEntry(msgctxt=e.msgctxt, msgid=e.msgid, msgstr=e.msgstr, flags=list(e.flags),
                                        tcomment=e.tcomment, obsolete=True))  # fmt: skip
    return po


def load(stem: str, lang: str = "zh") -> polib.POFile | None:
    path = catalogue_path(stem, lang)
    return polib.pofile(str(path), wrapwidth=0) if path.exists() else None


def translation_table(po: polib.POFile | None) -> dict:
    """(cell id, English block) → translation, for the messages translated and not fuzzy."""
    if po is None:
        return {}
    return {(e.msgctxt, e.msgid): e.msgstr for e in po if e.msgstr and "fuzzy" not in e.flags and not e.obsolete}


# A line break between two wide (CJK) characters: Markdown turns it into a space, which Chromium and WebKit show
# inside a Chinese sentence (Firefox drops it); pandoc's east_asian_line_breaks removes it the same way.
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WIDE_BREAK = re.compile(f"(?<=[{_WIDE}])\n(?=[{_WIDE}])")


def join_wide_lines(text: str) -> str:
    """``text`` without the line breaks that sit between two wide characters (see _WIDE_BREAK).

    A heading's line break is kept: it ends the heading (``## 学习目标`` then the sentence below it).
    """
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        joined = out[-1] + "\n" + line
        if not out[-1].lstrip().startswith("#") and _WIDE_BREAK.search(joined[len(out[-1]) - 1 : len(out[-1]) + 2]):
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


def translate_notebook(nb: dict, po: polib.POFile | None) -> dict:
    """A copy of ``nb`` with every markdown block replaced by its translation (English where there is none)."""
    table = {key: join_wide_lines(text) for key, text in translation_table(po).items()}
    out = copy.deepcopy(nb)
    for cell in out["cells"]:
        if cell["cell_type"] != "markdown" or generated(cell):
            continue
        translated = "\n\n".join(table.get((cell["id"], b), b) for b in blocks(_source(cell)))
        cell["source"] = translated
    return out


def update(stem: str) -> polib.POFile:
    """Rewrite one notebook's catalogue from its English notebook (merge), and return it."""
    import nbformat

    nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    po = merge(stem, nb, load(stem))
    path = catalogue_path(stem)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return po


def status(po: polib.POFile) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) message counts."""
    live = [e for e in po if not e.obsolete]
    fuzzy = sum("fuzzy" in e.flags for e in live)
    done = sum(bool(e.msgstr) and "fuzzy" not in e.flags for e in live)
    return done, fuzzy, len(live) - done - fuzzy


def _stems(args) -> list[str]:
    """The notebooks named by ``args`` (a stem, a file name or a path: 15_long_lags, notebooks/15_long_lags.ipynb),
    every notebook of the syllabus when there are none; a ValueError naming an argument that is no notebook."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from syllabus import NOTEBOOKS

    known = [nb.stem for nb in NOTEBOOKS]
    stems = [Path(arg).name.removesuffix(".ipynb") for arg in args]
    unknown = [arg for arg, stem in zip(args, stems) if stem not in known]
    if unknown:
        raise ValueError(f"not a notebook of the course: {', '.join(unknown)} (expected e.g. {known[1]} or "
                         f"notebooks/{known[1]}.ipynb)")  # fmt: skip
    return stems or known


def main(argv) -> int:
    if argv and argv[0] == "build":
        import editions  # it imports this module: imported here, when it is asked for

        return editions.main(argv)
    if not argv or argv[0] not in {"update", "status", "check"}:
        print(__doc__)
        return 2
    try:
        stems = _stems(argv[1:])
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    if argv[0] == "check":
        bad = 0
        for stem in stems:
            for e in load(stem) or []:
                for problem in problems(e.msgid, e.msgstr) if e.msgstr else []:
                    bad += 1
                    print(f"{stem} {e.occurrences[0][1]} (cell {e.msgctxt}): {problem}")
        print(f"{bad} problem(s)")
        return 1 if bad else 0
    for stem in stems:
        po = update(stem) if argv[0] == "update" else load(stem)
        done, fuzzy, todo = status(po) if po is not None else (0, 0, 0)
        print(f"{stem:45s} translated {done:4d}  fuzzy {fuzzy:3d}  untranslated {todo:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
