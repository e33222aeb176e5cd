"""Grade a folder of submitted notebooks, each learner's code in a sandbox, every verdict outside it.

    python tools/grade.py SUBMISSIONS [OUT_DIR] [--notebook-seconds S] [--learner-seconds S] [--memory-mb M]
                                                [--unsafe-no-sandbox] [--lang en|zh]
    (make grade SUBMISSIONS=dir [GRADES=dir] [NOTEBOOK_SECONDS=..] [LEARNER_SECONDS=..] [MEMORY_MB=..])

SUBMISSIONS holds one folder per learner, named by the learner's id, with that learner's notebooks in it under
their course names (``01_forward_pass.ipynb``, ...): the student edition (``make student``, or nbgrader's
release) with the exercises filled in.  docs/grading.md tells the whole story; in short, for each notebook:

1. the notebook to run is built here, from the learner's cells and the course's: every read-only cell of the
   course is put back as the course has it (a learner's edit of one is undone; a missing one refuses the
   notebook), the learner's solution cells and any cells the learner added are kept, and each checker cell is
   replaced by one that runs the course's checker on the learner's function while tools/grade_record.py records
   what the function answered;
2. it runs in a sandbox (tools/grade_sandbox.py): bubblewrap, the course read-only, only the learner's working
   folder writable, no network, limits on time per notebook and per learner, on memory and on file size;
3. here, outside, each checker is imported afresh and called with the record standing in for the learner's
   function: the verdict is the trusted checker's, on its own inputs.  Nothing the learner's code does in its
   kernel (environment variables, rebinding names, patching the checkers) can change it, and output on stdout or
   stderr costs nothing;
4. the learner's code is scanned (tools/grade_scan.py) for what a human should look at.

OUT_DIR (the sandbox never sees it) receives:

    scores.csv           one row per learner, one column per exercise ("01:rnn_step"), the total, the maximum and
                         the flags for a human (an empty entry: that notebook was not submitted; "error": it was
                         refused, the feedback says why; both count 0)
    feedback/LEARNER.md  every exercise's points and what its checker said
    feedback/LEARNER/    the graded notebooks as HTML pages (outputs sanitised; each checker cell shows the
                         verdict given here)

--lang (make grade passes COURSE_LANG's; default: COURSE_LANG, else English) is the language of the feedback: the
checkers' words (translate_output), the headings of feedback/LEARNER.md, and COURSE_LANG in the sandbox, whose
environment is otherwise empty.  The Chinese student edition hands in the same cells (ids, nbgrader metadata, code)
as the English one, so the same course notebooks grade both.

Every submission is checked before anything runs.  Needs bubblewrap and prlimit (Linux); without them it refuses
to run unless --unsafe-no-sandbox is given (then the learners' code runs with your rights; the verdicts are
still given outside the kernel).
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import editions  # noqa: E402
import grade_record  # noqa: E402
import grade_sandbox  # noqa: E402
import grade_scan  # noqa: E402
import nbgrader_cells  # noqa: E402

import course.exercises  # noqa: E402
from course.i18n import tr  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
LEARNER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")  # becomes a folder name and a row of the table
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ATTACHMENT = re.compile(r"attachment:([^)\s\"']+)")
FAILED = "error"  # the entry of an exercise whose notebook could not be graded (it counts 0)
MAX_NOTEBOOK_BYTES = 20 * 2**20  # a course notebook with outputs is well under 2 MB
GRADER = "__rnn_grader__"  # the name the grader's module has in the learner's kernel
UNSAFE = (
    "WARNING: grading WITHOUT the sandbox (--unsafe-no-sandbox). Every learner's code runs with your rights: it can "
    "read and change your files, other learners' hand-ins, the course and its .venv (and so the checkers for every "
    "later learner), use the network, and run as long and as large as it likes. The verdicts are still given "
    "outside the learners' kernels, so a learner cannot forge a score, but do this only with hand-ins you trust."
)


@dataclass(frozen=True)
class Exercise:
    notebook: str  # stem
    name: str  # the function the learner writes
    test_id: str  # the checker's name, and nbgrader's id of the checker cell

    @property
    def column(self) -> str:
        return f"{self.notebook[:2]}:{self.name}"


@dataclass
class Graded:
    """One learner's result: points per exercise, the checkers' words, and flags for a human."""

    points: dict = field(default_factory=dict)  # Exercise → points, FAILED, or None (not submitted)
    texts: dict = field(default_factory=dict)  # Exercise → what the checker said (or why nothing was graded)
    notes: dict = field(default_factory=dict)  # stem → sentences for the learner about the whole notebook
    flags: list = field(default_factory=list)
    seconds: float = 0.0


def course_exercises(notebook_dir: Path = NOTEBOOK_DIR) -> dict:
    """stem → the notebook's exercises in order, for every course notebook that has exercises."""
    found = {}
    for path in sorted(notebook_dir.glob("*.ipynb")):
        cells = nbgrader_cells.exercises(nbformat.read(path, as_version=4))
        if cells:
            found[path.stem] = [Exercise(path.stem, solution, test) for *_, solution, test in cells]
    return found


def checker_modules() -> dict:
    """checker name → the module that defines it (imported here, in the trusted process)."""
    found = {}
    for path in sorted(Path(course.exercises.__file__).parent.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        module = importlib.import_module(f"{course.exercises.__name__}.{path.stem}")
        for attr, value in vars(module).items():
            if attr.startswith("check_") and callable(value) and getattr(value, "__module__", "") == module.__name__:
                found[attr] = module.__name__
    return found


# --------------------------------------------------------------------------------------------------------------
# The hand-ins, checked before anything runs.
# --------------------------------------------------------------------------------------------------------------


def read_submissions(folder: Path, gradable) -> dict:
    """learner → {stem: path}, after checking all of ``folder``; a ValueError lists every problem found."""
    if not folder.is_dir():
        raise ValueError(f"SUBMISSIONS: {folder} is not a folder")
    problems, learners = [], {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            kind = "folder" if entry.is_dir() else "file"
            problems.append(f"{entry.name}: a {kind} whose name starts with a dot; rename or remove it")
            continue
        if entry.is_symlink():
            problems.append(f"{entry.name}: a symbolic link; put the learner's own folder here, not a link")
            continue
        if not entry.is_dir():
            problems.append(f"{entry.name}: put each learner's notebooks in a folder named by the learner's id")
            continue
        if not LEARNER_ID.fullmatch(entry.name):
            problems.append(f"{entry.name}/: a learner's id uses letters, digits and _ . @ - only")
            continue
        notebooks = {}
        for path in sorted(entry.iterdir()):
            if path.suffix != ".ipynb":
                continue
            if path.is_symlink():
                problems.append(f"{entry.name}/{path.name}: a symbolic link; hand in the notebook itself")
                continue
            if path.stem not in gradable or path.name.startswith("."):
                problems.append(
                    f"{entry.name}/{path.name}: not a course notebook with exercises ({', '.join(gradable)})"
                )
                continue
            if not path.is_file() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
                problems.append(f"{entry.name}/{path.name}: not a file of at most {MAX_NOTEBOOK_BYTES >> 20} MB")
                continue
            try:
                nbformat.read(path, as_version=4)
            except Exception as err:  # nbformat raises several types for a broken file
                problems.append(f"{entry.name}/{path.name}: not a readable notebook ({err.__class__.__name__})")
                continue
            notebooks[path.stem] = path
        if not notebooks and not any(p.startswith(f"{entry.name}/") for p in problems):
            problems.append(f"{entry.name}/: no notebook in it")
        learners[entry.name] = notebooks
    if not learners and not problems:
        problems.append(f"{folder}: no learner's folder in it")
    if problems:
        raise ValueError("nothing was graded; fix these submissions first:\n  " + "\n  ".join(problems))
    return learners


# --------------------------------------------------------------------------------------------------------------
# The notebook that runs: the course's read-only cells, the learner's own, the checker cells recording.
# --------------------------------------------------------------------------------------------------------------


def _grade_id(cell) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader")
    gid = meta.get("grade_id") if isinstance(meta, dict) else None
    return gid if isinstance(gid, str) else None


def setup_source(record: Path) -> str:
    """The first cell of every graded notebook: load tools/grade_record.py from the course and open the record."""
    path = str(ROOT / "tools" / "grade_record.py")
    return (
        "import importlib.util as _u\n"
        f"_s = _u.spec_from_file_location('grade_record', {path!r})\n"
        f"{GRADER} = _u.module_from_spec(_s)\n"
        f"_s.loader.exec_module({GRADER})\n"
        f"{GRADER}.start({str(record)!r})\n"
        "del _u, _s"
    )


def checker_source(cell_source: str, ex: Exercise, module: str) -> str:
    """The checker cell, its last line ``check_x(x)`` replaced by the recording call (its imports kept)."""
    lines = cell_source.rstrip().split("\n")
    if lines[-1].strip() != f"{ex.test_id}({ex.name})":
        raise ValueError(f"{ex.notebook}: the checker cell of {ex.name} must end with `{ex.test_id}({ex.name})`")
    call = f"{GRADER}.check({ex.test_id!r}, {module!r}, {ex.test_id!r}, lambda: {ex.name})"
    return "\n".join([*lines[:-1], call])


@dataclass
class Prepared:
    notebook: object  # what runs in the sandbox
    problems: list  # why the hand-in cannot be graded (empty: it can)
    learner_sources: list  # the code the learner wrote (solution cells and added cells), for the scan
    checker_cells: dict  # checker name → index of its cell in ``notebook``


def prepare(course_nb, learner_nb, exercises: list, modules: dict, record: Path) -> Prepared:
    """The notebook to run for one hand-in, built from the course's cells and the learner's (see the module doc)."""
    course = {}
    for cell in course_nb.cells:
        gid = _grade_id(cell)
        if cell.cell_type == "code" and gid is not None:
            course[gid] = cell
    solutions = {ex.name for ex in exercises}
    checkers = {ex.test_id: ex for ex in exercises}
    cells = [nbformat.v4.new_code_cell(setup_source(record), metadata={"rnn_grader": "setup"})]
    problems, sources, seen, where = [], [], set(), {}
    for cell in learner_nb.cells:
        gid = _grade_id(cell)
        if gid in course:
            if gid in seen:
                problems.append(f"the cell `{gid}` appears twice")
                continue
            seen.add(gid)
            if gid in solutions:
                source = cell.get("source") if cell.cell_type == "code" else None
                if not isinstance(source, str):
                    problems.append(f"the solution cell of `{gid}` is no longer a code cell")
                    continue
                sources.append(source)
                cells.append(nbformat.v4.new_code_cell(source, metadata={"nbgrader": course[gid].metadata.nbgrader}))
            elif gid in checkers:
                ex = checkers[gid]
                where[gid] = len(cells)
                new = checker_source(course[gid].source, ex, modules[ex.test_id])
                cells.append(nbformat.v4.new_code_cell(new, metadata={"rnn_grader": f"checker:{gid}"}))
            else:
                cells.append(nbformat.v4.new_code_cell(course[gid].source, metadata={"rnn_grader": "read-only"}))
        elif cell.cell_type == "code" and isinstance(cell.get("source"), str):
            sources.append(cell.source)  # a cell the learner added: it runs, as under nbgrader
            cells.append(nbformat.v4.new_code_cell(cell.source, metadata={"rnn_grader": "added"}))
        elif cell.cell_type == "markdown" and isinstance(cell.get("source"), str):
            cells.append(nbformat.v4.new_markdown_cell(cell.source))
            if isinstance(cell.get("attachments"), dict):  # the header's Binder badge; images a learner pasted
                cells[-1]["attachments"] = cell["attachments"]
    missing = [gid for gid in course if gid not in seen]
    if missing:
        shown = ", ".join(f"`{g}`" for g in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        problems.append(f"{len(missing)} of the course's cells are missing ({shown}): hand in the whole notebook")
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": course_nb.metadata.get("kernelspec", {})})
    return Prepared(nb, problems, sources, where)


# --------------------------------------------------------------------------------------------------------------
# Verdicts, outside the sandbox.
# --------------------------------------------------------------------------------------------------------------


def _feedback_module():
    return importlib.import_module(f"{course.exercises.__name__}._feedback")


def _stand_in(entry: dict):
    """What the checker is given when the learner's name was bound to something that is no function."""
    if entry.get("is_none"):
        return None
    name = str(entry.get("not_callable", "object"))[:100]
    return type(name if name.isidentifier() else "object", (), {})()


def judge(ex: Exercise, entries: list, module: str, outcome: str, seconds: float) -> tuple:
    """(points, text, flags) for one exercise from its record; ``outcome`` is how the notebook's run ended, within
    a limit of ``seconds``."""
    feedback_module = _feedback_module()
    mine = [e for e in entries if e.get("ex") == ex.test_id]
    undefined = next((e for e in mine if "undefined" in e), None)
    if undefined is not None:
        # one message per line, as a checker's feedback: translate_output can translate it line by line
        text = "\n  ".join(
            [
                tr("✗ {name}: not graded.").format(name=ex.name),
                tr("When the checker ran, `{name}` could not be found: {error}.").format(
                    name=ex.name, error=str(undefined["undefined"])[:300]
                ),
                tr("Run your solution cell without errors (it defines the function)."),
            ]
        )
        return 0, text, []
    if not mine:
        if outcome == "timed out":
            why = tr("the notebook's time ({seconds:g} s) ran out before this checker ran").format(seconds=seconds)
        elif outcome == "failed":
            why = tr("the run stopped (a crash, os._exit, the memory limit) before this checker ran")
        else:
            why = tr("its checker cell did not run to the point of calling your function")
        flags = [] if outcome != "finished" else [f"no record of {ex.name} (its checker cell failed)"]
        return 0, tr("✗ {name}: not graded: {why}.").format(name=ex.name, why=why), flags
    checker = getattr(importlib.import_module(module), ex.test_id)
    replay = grade_record.Replay(
        ex.test_id, entries, feedback_module.TIME_LIMIT, getattr(feedback_module, "_TimeUp", None)
    )
    not_callable = next((e for e in mine if "not_callable" in e), None)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            fb = checker(_stand_in(not_callable) if not_callable else replay)
        passed, text = bool(fb.passed), ANSI.sub("", str(fb))
    except KeyboardInterrupt:
        raise
    except BaseException as err:  # noqa: BLE001 - a checker must never stop the class's grading
        return (
            0,
            tr("✗ {name}: the checker failed on this answer ({error}).").format(name=ex.name, error=type(err).__name__),
            [f"checker error on {ex.name}"],
        )
    flags = []
    unfinished = any("value" not in call and "raised" not in call for call in replay.calls.values())
    if replay.hung and outcome == "timed out" and unfinished:
        text = "\n  ".join(
            [
                tr("✗ {name}: stopped.").format(name=ex.name),
                tr(
                    "Your function was still running when the notebook's time ({seconds:g} s) ran out: it ignored "
                    "the checker's own {limit:g} s limit, or converting what it returned to an array never ended. "
                    "Look for a loop that never ends."
                ).format(seconds=seconds, limit=feedback_module.TIME_LIMIT),
            ]
        )
        passed = False
    if replay.hung:
        flags.append(f"{ex.name} stopped: ran past the time limit")
    if replay.diverged:
        flags.append(f"{ex.name}: the checker in the kernel called the function with other inputs")
    return (nbgrader_cells.POINTS if passed else 0), text, flags


def _outputs_of(executed_path: Path, prepared: Prepared) -> list:
    """The executed notebook's outputs per cell (untrusted, for the feedback page only), or none."""
    raw = grade_sandbox.read_untrusted(executed_path, MAX_NOTEBOOK_BYTES)
    try:
        executed = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception:  # noqa: BLE001 - the learner's code may have left anything there, or nothing
        return []
    if len(executed.cells) != len(prepared.notebook.cells):
        return []
    return [c.get("outputs", []) if c.cell_type == "code" else [] for c in executed.cells]


def grade_notebook(stem, path, base, exercises, modules, limits, seconds_left, hidden, sandboxed, lang="en") -> tuple:
    """Run one hand-in in the sandbox and judge it; returns (points, texts, notes, flags, seconds, page).

    base: the learner's scratch folder: base/work is the working folder (the only one the learner's code can
    write), base/in holds the notebooks to run (read-only inside), base/logs what the sandbox printed (not
    shown inside).  Nothing the grader writes goes into base/work, where the learner's code could have put a
    link to somewhere else in its place.
    """
    work, inbox, logs = base / "work", base / "in", base / "logs"
    course_nb = nbformat.read(NOTEBOOK_DIR / f"{stem}.ipynb", as_version=4)
    learner_nb = nbformat.read(path, as_version=4)
    record = work / f"{stem}.record.jsonl"
    prepared = prepare(course_nb, learner_nb, exercises[stem], modules, record)
    solution_cells = [c.source for c in course_nb.cells if nbgrader_cells.is_exercise(c)]
    locked = [c.source for c in course_nb.cells if c.cell_type == "code" and not nbgrader_cells.is_exercise(c)]
    flags = grade_scan.scan(prepared.learner_sources, solution_cells, locked)
    if prepared.problems:
        text = "not graded: " + "; ".join(prepared.problems) + "."
        return {ex: FAILED for ex in exercises[stem]}, {ex: text for ex in exercises[stem]}, [text], flags, 0.0, None
    source, target = inbox / f"{stem}.ipynb", work / f"{stem}.executed.ipynb"
    nbformat.write(prepared.notebook, source)
    for path in (record, target):  # whatever an earlier notebook of this learner left there (a link, say)
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass  # a folder in its place: then the run cannot record, and scores nothing
    seconds = min(limits.notebook_seconds, seconds_left)
    if sandboxed:
        argv = grade_sandbox.command(work, grade_sandbox.runner(source, target), limits, hidden, inbox, lang)
        env = None
    else:  # the lecturer's own rights and environment (the learner's limits on time still hold)
        argv = grade_sandbox.runner(source, target)
        env = {**os.environ, **grade_sandbox.environment(work, lang), "PATH": os.environ.get("PATH", "")}
    outcome = grade_sandbox.run(argv, seconds, logs / f"{stem}.log", cwd=work, env=env)
    entries = grade_record.read_records(record)
    points, texts, notes = {}, {}, []
    if outcome.status == "timed out":  # the notes are for the learner, in the learner's language
        if seconds == limits.notebook_seconds:
            note = tr("Stopped after {used:.0f} s: the notebook's time limit ({limit:.0f} s) ran out.", lang)
        else:
            note = tr("Stopped after {used:.0f} s: the rest of this learner's time ({limit:.0f} s) ran out.", lang)
        notes.append(note.format(used=outcome.seconds, limit=seconds))
        flags.append(f"timed out in {stem}")
    elif outcome.status == "failed":
        notes.append(
            tr(
                "The run stopped before the end of the notebook: the kernel died (a crash, os._exit, the memory "
                "limit) or the files the grader reads were changed.",
                lang,
            )
        )
        flags.append(f"run stopped in {stem}")
    for ex in exercises[stem]:
        points[ex], texts[ex], more = judge(ex, entries, modules[ex.test_id], outcome.status, seconds)
        texts[ex] = editions.translate_output(texts[ex], lang)
        flags += more
    page = feedback_page(prepared, _outputs_of(target, prepared), exercises[stem], texts, course_nb)
    return points, texts, notes, flags, outcome.seconds, page


def grade_learner(learner, notebooks, exercises, modules, limits, scratch, hidden, sandboxed, lang="en") -> tuple:
    """Grade one learner's hand-ins, one sandbox per notebook, within the learner's time; (Graded, pages).

    exercises: stem → Exercises, for the notebooks any learner handed in (the table's columns).
    """
    base = scratch / learner
    for folder in ("work", "in", "logs"):
        (base / folder).mkdir(parents=True)
    grade_sandbox.seed_font_cache(base / "work")
    result, pages = Graded(), {}
    started = time.monotonic()
    for stem in sorted(exercises):
        if stem not in notebooks:
            result.points.update({ex: None for ex in exercises[stem]})
            continue
        left = limits.learner_seconds - (time.monotonic() - started)
        if left <= 1:
            text = tr("not graded: this learner's time ({limit:g} s for all notebooks) ran out first.", lang)
            text = text.format(limit=limits.learner_seconds)
            result.points.update({ex: 0 for ex in exercises[stem]})
            result.texts.update({ex: text for ex in exercises[stem]})
            result.notes[stem] = [text]
            result.flags.append(f"timed out before {stem}")
            continue
        points, texts, notes, flags, _, page = grade_notebook(
            stem, notebooks[stem], base, exercises, modules, limits, left, hidden, sandboxed, lang
        )
        result.points.update(points)
        result.texts.update(texts)
        result.notes[stem] = notes
        result.flags += flags
        if page is not None:
            pages[stem] = page
    result.seconds = time.monotonic() - started
    result.flags = list(dict.fromkeys(result.flags))
    return result, pages


def grade(
    submissions: Path,
    out_dir: Path,
    limits: grade_sandbox.Limits | None = None,
    sandboxed: bool = True,
    notebook_dir: Path = NOTEBOOK_DIR,
    lang: str = "en",
) -> dict:
    """Grade every submission; returns learner → Graded.  ``sandboxed=False`` runs the learners' code bare; ``lang``:
    the language of the feedback (the module's docstring)."""
    editions.check_language(lang)
    limits = limits or grade_sandbox.Limits()
    gradable = course_exercises(notebook_dir)
    learners = read_submissions(submissions, gradable)
    exercises = {stem: exs for stem, exs in gradable.items() if any(stem in nbs for nbs in learners.values())}
    if sandboxed and (missing := grade_sandbox.missing_tools()):
        raise RuntimeError(f"{missing}.\nOr, at your own risk, grade unsandboxed: make grade UNSAFE_NO_SANDBOX=1")
    if not sandboxed:
        print(UNSAFE, file=sys.stderr, flush=True)
    modules = checker_modules()
    out_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="rnn-grade-"))
    hidden = [submissions.resolve(), out_dir.resolve(), scratch]
    results = {}
    try:
        where = "each in a sandbox" if sandboxed else "WITHOUT a sandbox"
        print(f"grading {len(learners)} learner(s), {where} ...", flush=True)
        for learner, notebooks in learners.items():
            results[learner], pages = grade_learner(
                learner, notebooks, exercises, modules, limits, scratch, hidden, sandboxed, lang
            )
            write_feedback(out_dir / "feedback", learner, notebooks, results[learner], exercises, pages, lang)
            print(
                f"  {learner}: {total(results[learner].points):g} points, {results[learner].seconds:.0f} s", flush=True
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    columns = [ex for stem in sorted(exercises) for ex in exercises[stem]]
    write_table(out_dir / "scores.csv", results, columns)
    return results


# --------------------------------------------------------------------------------------------------------------
# The table and the feedback.
# --------------------------------------------------------------------------------------------------------------


def entry(points, blank: str = "") -> str:
    """One score as text: points, FAILED, or ``blank`` for a notebook not submitted."""
    if points is None:
        return blank
    return points if points == FAILED else f"{points:g}"


def total(points: dict) -> float:
    return sum(p for p in points.values() if p not in (None, FAILED))


def _graded(result) -> Graded:
    return result if isinstance(result, Graded) else Graded(points=dict(result))


def write_table(path: Path, results: dict, columns: list) -> None:
    """scores.csv: a row per learner, a column per exercise, then the total, the maximum and the flags."""
    maximum = len(columns) * nbgrader_cells.POINTS
    submitted = [ex for ex in columns if any(_graded(r).points.get(ex) is not None for r in results.values())]
    shown = submitted or columns
    with path.open("w", newline="", encoding="utf-8") as f:
        table = csv.writer(f)
        table.writerow(["learner", *(ex.column for ex in shown), "total", "max", "flags"])
        for learner, result in results.items():
            g = _graded(result)
            row = [entry(g.points.get(ex)) for ex in shown]
            table.writerow([learner, *row, f"{total(g.points):g}", maximum, "; ".join(g.flags)])


def write_feedback(
    folder: Path, learner: str, notebooks: dict, result: Graded, exercises: dict, pages: dict, lang: str = "en"
) -> None:
    """feedback/LEARNER.md (points and each checker's words) and feedback/LEARNER/*.html (the graded notebooks);
    the headings in ``lang`` (tools/editions.py)."""
    t = editions.Words(lang)
    (folder / learner).mkdir(parents=True, exist_ok=True)
    lines = [t("grade", "# Feedback for {learner}").format(learner=learner), ""]
    for stem in sorted(notebooks):
        mine = {ex: result.points[ex] for ex in exercises[stem]}
        if FAILED in mine.values():
            lines += [
                t("grade", "## {notebook}: not graded").format(notebook=stem),
                "",
                *result.notes.get(stem, []),
                "",
            ]
            continue
        maximum = len(mine) * nbgrader_cells.POINTS
        heading = t("grade", "## {notebook}: {points} of {maximum} points")
        lines += [heading.format(notebook=stem, points=f"{total(mine):g}", maximum=maximum), ""]
        lines += [*(f"{note}\n" for note in result.notes.get(stem, []))]
        for ex, got in mine.items():
            heading = t("grade", "### {exercise}: {points} of {maximum}")
            lines += [heading.format(exercise=ex.name, points=f"{got:g}", maximum=nbgrader_cells.POINTS)]
            lines += ["", "```", result.texts[ex], "```", ""]
    (folder / f"{learner}.md").write_text("\n".join(lines), encoding="utf-8")
    for stem, page in pages.items():
        (folder / learner / f"{stem}.html").write_text(page, encoding="utf-8")


SAFE_OUTPUTS = ("text/plain", "image/png")  # what a feedback page shows of the learner's outputs


def _safe(output):
    if output.get("output_type") in ("stream", "error"):
        return output
    data = {k: v for k, v in dict(output.get("data", {})).items() if k in SAFE_OUTPUTS}
    return {**output, "data": data, "metadata": {}} if data else None


def feedback_page(prepared: Prepared, outputs: list, exercises: list, texts: dict, course_nb) -> str:
    """The graded notebook as an HTML page: the learner's outputs (plain text and images only), and in each checker
    cell the checker's source and the verdict given outside the sandbox."""
    from nbconvert import HTMLExporter  # JupyterLab's nbconvert, in the course's environment

    by_test = {ex.test_id: ex for ex in exercises}
    originals = {_grade_id(c): c.source for c in course_nb.cells if _grade_id(c)}
    cells = []
    for i, cell in enumerate(prepared.notebook.cells):
        role = cell.metadata.get("rnn_grader", "")
        if role == "setup":
            continue
        cell = nbformat.from_dict(json.loads(json.dumps(cell)))
        if cell.cell_type == "markdown":  # a link to an attachment the cell does not carry would stop the export
            carried = set(cell.get("attachments") or {})
            cell.source = ATTACHMENT.sub(lambda m: m.group(0) if m.group(1) in carried else "#", cell.source)
        if role.startswith("checker:"):
            ex = by_test[role.split(":", 1)[1]]
            cell.source = originals[ex.test_id]
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=texts[ex] + "\n")]
        elif cell.cell_type == "code":
            cell.outputs = [o for o in map(_safe, outputs[i] if i < len(outputs) else []) if o is not None]
        cells.append(cell)
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": course_nb.metadata.get("kernelspec", {})})
    exporter = HTMLExporter(sanitize_html=True)
    body, _ = exporter.from_notebook_node(nb)
    return body


def show(results: dict) -> str:
    """The table of scores as aligned text ("—": not submitted)."""
    columns = list(_graded(next(iter(results.values()))).points)
    header = ["learner", *(ex.column for ex in columns), "total", "flags"]
    rows = []
    for learner, result in results.items():
        g = _graded(result)
        rows.append(
            [learner, *(entry(g.points[ex], "—") for ex in columns), f"{total(g.points):g}", "; ".join(g.flags)]
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("submissions", type=Path)
    parser.add_argument("out_dir", type=Path, nargs="?", default=ROOT / "grades")
    defaults = grade_sandbox.Limits()
    parser.add_argument("--notebook-seconds", type=float, default=defaults.notebook_seconds)
    parser.add_argument("--learner-seconds", type=float, default=defaults.learner_seconds)
    parser.add_argument("--memory-mb", type=float, default=defaults.memory_bytes / 2**20)
    parser.add_argument("--unsafe-no-sandbox", action="store_true", help="run learners' code with your rights")
    parser.add_argument("--lang", help="the feedback's language: en or zh (default: COURSE_LANG, else en)")
    args = parser.parse_args(argv)
    try:
        lang = editions.check_language(args.lang) if args.lang is not None else editions.language()
        limits = grade_sandbox.Limits(args.notebook_seconds, args.learner_seconds, int(args.memory_mb * 2**20))
        results = grade(args.submissions, args.out_dir, limits, sandboxed=not args.unsafe_no_sandbox, lang=lang)
    except (ValueError, RuntimeError) as err:
        print(err, file=sys.stderr)
        return 2
    print(show(results))
    print(
        f"\nscores: {args.out_dir / 'scores.csv'};  feedback: {args.out_dir / 'feedback'}/LEARNER.md and LEARNER/*.html"
    )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
