"""Where a learner stands: every exercise of their workspace as done ✓, wrong, or not started.

    python tools/progress.py [--work DIR] [--jobs N] [--timeout S] [NB ...]     (`make progress`, `make progress NB=13`)
    COURSE_LANG=zh python tools/progress.py                                       (the Chinese workspace, work-zh/)

NB picks notebooks by number or name (``13``, ``13_lstm``); without it, the whole course.  The workspace is never
changed: each notebook is checked on a copy, executed by a fresh kernel in a temporary folder, and the verdicts are
read from the checker cells' output, the same words the learner sees in JupyterLab.  The last line is exactly
``progress: D of N exercises done``, N counting every exercise of the notebooks checked, in every language (scripts
read it); with COURSE_LANG=zh the report above it, and a line saying the same, are in Chinese (tools/editions.py).

What keeps the verdicts the learner's own, and the check quick:

- **The course's checker.** Each checker cell of the copy gets the course's source back before it runs (and is put
  back after the exercise if the learner deleted it), so an edited checker cell cannot report ✓.  Exercises and
  checkers are found by tools/nbgrader_cells.py in the course notebook, and in the learner's copy by the nbgrader
  metadata the student edition carries (or, failing that, by ``def name(`` and ``check_name(``).
- **Everything up to the last checker runs, in order**; the cells after it cannot change a verdict and are left out.
  A cell that raises does not stop the rest (a checker further down still answers); a cell running longer than
  ``CELL_TIMEOUT`` is interrupted; a notebook running past ``--timeout`` is stopped and its unanswered exercises are
  reported wrong, saying so.
- **Untouched notebooks are not run.** A copy whose cells are still exactly those of the student edition it was
  written from (make_student.is_untouched) has every exercise not started: its checkers can only say "not
  implemented yet" (tests/test_student_edition.py runs them).
- **Figures are drawn but not rendered.** The copy starts with one cell that switches IPython's image formatters off:
  ``plt.show()`` then displays ``<Figure ...>`` as text instead of rasterising a PNG.  A checker's verdict is text
  computed from numbers, which no formatter touches.
- **Two kernels at once** (``--jobs``, default: the number of cores, at most 2), each with one BLAS thread.
- **The kernels speak English** (COURSE_LANG=en), whatever the language of the report: the verdicts are read from the
  checkers' English words, and the line of feedback shown is then put into the report's language (translate_output).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# nbformat's schema checker imports rfc3987_syntax when it is installed (JupyterLab's dependencies bring it), which
# builds a grammar for seconds on every start; nothing here validates IRIs, so the import is declined.
sys.modules.setdefault("rfc3987_syntax", None)

import ipykernel.kernelspec  # noqa: E402
import nbformat  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402
from jupyter_client.manager import AsyncKernelManager  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import editions  # noqa: E402
import nbgrader_cells  # noqa: E402
from make_student import is_untouched  # noqa: E402
from syllabus import BY_STEM  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
COURSE_DIR = ROOT / "notebooks"
WORK_DIR = editions.WORK_DIRS["en"]
ENGLISH = editions.Words("en")
CELL_TIMEOUT = 60  # seconds; the slowest cell of the course takes about 3 s on a busy 2-core machine
NOTEBOOK_TIMEOUT = 180  # seconds; the slowest notebook takes about 10 s
KERNEL = "rnn-course-progress"

# Run first in every copy: figures stay objects, never rendered (see the module's docstring).
PREAMBLE = "\n".join(
    [
        "for _format in ('image/png', 'image/jpeg', 'image/svg+xml', 'application/pdf'):",
        "    get_ipython().display_formatter.formatters[_format].enabled = False",
        "del _format",
    ]
)
DONE, WRONG, NOT_STARTED = "done", "wrong", "not started"
MARK = {DONE: "✓", WRONG: "✗", NOT_STARTED: "·"}
HEAD = re.compile(r"^(✓|✗|…) (\w+): ")  # the first line of a checker's Feedback (rnn_lib/exercises/_feedback.py)


@dataclass(frozen=True)
class Exercise:
    function: str  # the function the learner writes (nbgrader's solution id)
    checker: str  # the checker it calls (nbgrader's test id)
    checker_source: str  # the course's checker cell


@dataclass(frozen=True)
class Verdict:
    exercise: Exercise
    status: str  # DONE, WRONG or NOT_STARTED
    detail: str = ""  # for WRONG: the checker's first line of feedback


def course_exercises(path: Path) -> list:
    """The exercises of a course notebook, in order."""
    nb = nbformat.read(path, as_version=4)
    return [Exercise(fn, test, nb.cells[j].source) for _, j, fn, test in nbgrader_cells.exercises(nb)]


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def find_cell(cells, grade_id: str, pattern: re.Pattern) -> int | None:
    """Index of the code cell with nbgrader's ``grade_id``, else of the last code cell matching ``pattern``."""
    code = [i for i, c in enumerate(cells) if c.cell_type == "code"]
    for i in code:
        if _grade_id(cells[i]) == grade_id:
            return i
    matching = [i for i in code if pattern.search(cells[i].source)]
    return matching[-1] if matching else None


def copy_to_run(learner_nb, exercises: list):
    """The copy of a learner's notebook that is executed; the index in it of each checker cell (by checker name)
    and of each exercise cell (by function name; None if not found before its checker)."""
    nb = nbformat.from_dict(json.loads(json.dumps(learner_nb)))
    cells = nb.cells
    for ex in exercises:
        at = find_cell(cells, ex.checker, re.compile(rf"\b{re.escape(ex.checker)}\("))
        if at is not None:
            cells[at].source = ex.checker_source
            cells[at].metadata.setdefault("nbgrader", {})["grade_id"] = ex.checker
            continue
        # The learner deleted the checker cell: the course's goes after their exercise (or last of all).
        own = find_cell(cells, ex.function, re.compile(rf"^def {re.escape(ex.function)}\(", re.MULTILINE))
        cell = nbformat.v4.new_code_cell(ex.checker_source, metadata={"nbgrader": {"grade_id": ex.checker}})
        cells.insert(len(cells) if own is None else own + 1, cell)
    checkers = {ex.checker: next(i for i, c in enumerate(cells) if _grade_id(c) == ex.checker) for ex in exercises}
    own = {}
    for ex in exercises:
        at = find_cell(cells, ex.function, re.compile(rf"^def {re.escape(ex.function)}\(", re.MULTILINE))
        own[ex.function] = None if at is None or at > checkers[ex.checker] else at + 1
    nb.cells = [nbformat.v4.new_code_cell(PREAMBLE)] + cells[: max(checkers.values(), default=-1) + 1]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb, {name: i + 1 for name, i in checkers.items()}, own


def output_text(output) -> str:
    if output.output_type == "stream":
        return output.text
    if output.output_type == "error":
        return f"{output.ename}: {output.evalue}"
    return output.get("data", {}).get("text/plain", "")


def first_feedback_line(lines: list, t=ENGLISH) -> str:
    """The checker's first line of feedback: its first message, skipping parts it calls correct (``t``: the report's
    words, tools/editions.py; the checker's lines are English, see the module's docstring)."""
    messages = [line.strip() for line in lines if line.strip()]
    for k, line in enumerate(messages):
        if line.endswith(": correct."):
            continue
        if line.endswith(":") and k + 1 < len(messages):  # a heading such as "dW_hh:" over its message
            return f"{line} {messages[k + 1]}"
        return line
    return t("progress", "not yet right (the checker gave no details)")


def verdict(exercise: Exercise, cell, own_cell, stopped: str | None, t=ENGLISH) -> Verdict:
    """What the checker cell's outputs say about ``exercise`` (``own_cell``: the learner's exercise cell, or None;
    ``t``: the report's words, whose language the checker's line of feedback is put into)."""
    # The checker's Feedback is the cell's result; what the learner's function prints (a stream) is never read as one.
    for output in (o for o in cell.outputs if o.output_type == "execute_result"):
        lines = output_text(output).split("\n")
        for k, line in enumerate(lines):
            head = HEAD.match(line)
            if head is None:
                continue
            if head[1] == "✓":
                return Verdict(exercise, DONE)
            if head[1] == "…":
                return Verdict(exercise, NOT_STARTED)
            detail = first_feedback_line(lines[k + 1 :], t)
            return Verdict(exercise, WRONG, editions.translate_output(detail, t.lang))
    # The checker did not answer: say why, as the learner would see it.
    own_errors = [o for o in own_cell.outputs if o.output_type == "error"] if own_cell is not None else []
    errors = [o for o in cell.outputs if o.output_type == "error"]
    if own_errors:  # e.g. a SyntaxError: the function was never defined, so the checker could not call it
        error = f"{own_errors[0].ename}: {own_errors[0].evalue}"
        return Verdict(exercise, WRONG, t("progress", "your exercise cell raised {error}").format(error=error))
    if errors:
        error = f"{errors[0].ename}: {errors[0].evalue}"
        return Verdict(exercise, WRONG, t("progress", "the checker cell raised {error}").format(error=error))
    if stopped:
        return Verdict(exercise, WRONG, stopped)
    return Verdict(exercise, WRONG, t("progress", "the checker cell printed no verdict"))


class CurrentPython(KernelSpecManager):
    """Kernels that run with this very Python (the course's environment), whatever kernels the user installed."""

    def get_kernel_spec(self, kernel_name):
        if kernel_name == KERNEL:
            return self.kernel_spec_class(
                resource_dir=ipykernel.kernelspec.RESOURCES, **ipykernel.kernelspec.get_kernel_dict()
            )
        return super().get_kernel_spec(kernel_name)


async def run_copy(nb, timeout: float, t=ENGLISH) -> str | None:
    """Execute ``nb`` in place in a temporary folder; returns why it stopped early (in ``t``'s words), or None."""
    kernel_env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION"}  # checkers then answer as text
    kernel_env.update(OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", PYTHONHASHSEED="0")
    kernel_env["COURSE_LANG"] = "en"  # the verdicts are read from the checkers' English (the module's docstring)
    with tempfile.TemporaryDirectory(prefix="rnn-course-progress-") as folder:
        km = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=CurrentPython())
        client = NotebookClient(
            nb,
            km=km,
            timeout=CELL_TIMEOUT,
            interrupt_on_timeout=True,
            allow_errors=True,
            record_timing=False,
            resources={"metadata": {"path": folder}},
        )
        try:
            await asyncio.wait_for(client.async_execute(env=kernel_env, stderr=subprocess.DEVNULL), timeout)
        except asyncio.TimeoutError:
            return t("progress", "stopped: the notebook ran past {seconds} s (a loop that never ends?)").format(
                seconds=f"{timeout:.0f}"
            )
        except Exception as err:  # noqa: BLE001 - the kernel died (memory?) or would not start: say so, go on
            return t("progress", "stopped: {error}").format(error=f"{type(err).__name__}: {err}")
    return None


async def check_notebook(path: Path, course_path: Path, timeout: float, t=ENGLISH) -> list:
    exercises = course_exercises(course_path)
    if not exercises:
        return []
    if not path.exists():
        return [Verdict(ex, NOT_STARTED) for ex in exercises]
    try:
        learner_nb = nbformat.read(path, as_version=4)
    except Exception as err:  # noqa: BLE001 - a file JupyterLab cannot open either
        why = t("progress", "{name} cannot be read as a notebook ({error})")
        return [Verdict(ex, WRONG, why.format(name=path.name, error=type(err).__name__)) for ex in exercises]
    if is_untouched(path):
        return [Verdict(ex, NOT_STARTED) for ex in exercises]
    nb, checkers, own = copy_to_run(learner_nb, exercises)
    stopped = await run_copy(nb, timeout, t)
    cells = nb.cells
    return [
        verdict(
            ex, cells[checkers[ex.checker]], None if own[ex.function] is None else cells[own[ex.function]], stopped, t
        )
        for ex in exercises
    ]


def select(names: list) -> list:
    """The course notebooks to check: all, or those whose stem starts with one of ``names`` (``13``, ``13_lstm``)."""
    course = sorted(COURSE_DIR.glob("*.ipynb"))
    if not names:
        return course
    chosen = []
    for name in names:
        stem = Path(name).name.removesuffix(".ipynb")
        hits = [p for p in course if p.stem == stem or p.stem.startswith(f"{stem.zfill(2)}_")]
        if not hits:
            raise SystemExit(f"NB={name}: no course notebook is called that; give its number (NB=13) or name.")
        chosen += [p for p in hits if p not in chosen]
    return chosen


class ProgressLine:
    """How far the check has got, on stderr: one line rewritten in place on a terminal, else a line per notebook."""

    def __init__(self, total: int):
        self.total, self.done, self.start = total, 0, time.perf_counter()
        self.tty = sys.stderr.isatty()

    def started(self, running: list) -> None:
        if self.tty:
            text = f"checking your notebooks: {self.done} of {self.total} done, now {', '.join(running)}"
            print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)

    def finished(self, stem: str, running: list) -> None:
        self.done += 1
        elapsed = time.perf_counter() - self.start
        if self.tty:
            now = f", now {', '.join(running)}" if running else ""
            text = f"checking your notebooks: {self.done} of {self.total} done ({elapsed:.0f} s){now}"
            print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
        else:
            print(f"checked {stem} ({self.done} of {self.total}, {elapsed:.0f} s)", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty:
            print("\r\033[K", end="", file=sys.stderr, flush=True)


async def check_all(course_paths: list, work_dir: Path, jobs: int, timeout: float, t=ENGLISH) -> dict:
    """Verdicts for every notebook of ``course_paths`` that has exercises, by course notebook path."""
    course_paths = [p for p in course_paths if course_exercises(p)]
    line = ProgressLine(len(course_paths))
    gate = asyncio.Semaphore(jobs)
    running: list = []

    async def one(course_path: Path):
        async with gate:
            running.append(course_path.stem)
            line.started(running)
            try:
                return await check_notebook(work_dir / course_path.name, course_path, timeout, t)
            finally:
                running.remove(course_path.stem)
                line.finished(course_path.stem, running)

    # Later notebooks take longer: started first, they do not leave one kernel running alone at the end (the
    # report keeps the course's order).
    try:
        results = await asyncio.gather(*(one(p) for p in reversed(course_paths)))
    finally:
        line.close()
    by_path = dict(zip(reversed(course_paths), results))
    return {path: by_path[path] for path in course_paths}


def report(results: dict, t=ENGLISH) -> tuple[list, int, int]:
    """The lines to print, the exercises done and their number (``t``: the report's words; the last line is
    English in every language, with a line in the report's language before it)."""
    lines, done, total = [], 0, 0
    for path, verdicts in results.items():
        if not verdicts:
            continue
        known = BY_STEM.get(path.stem)
        lines.append(f"{known.number} · {t(f'{path.stem}:title', known.title)}" if known else path.stem)
        for v in verdicts:
            text = f"  {MARK[v.status]} {v.exercise.function}: {t('progress', v.status)}"
            lines.append(f"{text} — {v.detail}" if v.detail else text)
        done += sum(v.status == DONE for v in verdicts)
        total += len(verdicts)
    last = "progress: {done} of {total} exercises done"
    if t.lang != "en":
        lines.append(t("progress", last).format(done=done, total=total))
    lines.append(last.format(done=done, total=total))
    return lines, done, total


def main(argv: list) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", metavar="NB", help="number or name of a notebook (default: all)")
    parser.add_argument("--work", type=Path, help="the workspace (default: work/, with COURSE_LANG=zh work-zh/)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="kernels at once")
    parser.add_argument("--timeout", type=float, default=NOTEBOOK_TIMEOUT, help="seconds per notebook")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error(f"--jobs must be 1 or more, got {args.jobs}")
    try:
        lang = editions.language()
    except ValueError as err:
        parser.error(str(err))
    t, work = editions.Words(lang), args.work or editions.WORK_DIRS[lang]
    if not work.is_dir():
        missing = t("progress", "No workspace at {folder}: run `{workspace}` (or `{lab}`) first.")
        print(missing.format(folder=work, **editions.COMMANDS[lang]), file=sys.stderr)
        for other in (o for o in editions.LANGUAGES if o != lang and args.work is None):
            if editions.WORK_DIRS[other].is_dir():  # the learner works in the other language: say how to check it
                hint = t("progress", "The workspace of the {language} edition is {folder}: `{progress}` checks it.")
                folder = f"{editions.WORK_DIRS[other].name}/"
                name = editions.LANGUAGE_NAMES[other]
                print(
                    hint.format(language=name, folder=folder, progress=editions.COMMANDS[other]["progress"]),
                    file=sys.stderr,
                )
        return 2
    results = asyncio.run(check_all(select(args.notebooks), work, args.jobs, args.timeout, t))
    lines, _, _ = report(results, t)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
