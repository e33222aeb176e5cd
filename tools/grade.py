"""Grade a folder of submitted notebooks with nbgrader: one table of scores, and each learner's feedback.

    python tools/grade.py SUBMISSIONS [OUT_DIR]      (make grade SUBMISSIONS=dir [GRADES=dir]; OUT_DIR: grades)

SUBMISSIONS holds one folder per learner, named by the learner's id, with that learner's notebooks in it under
their course names (``01_forward_pass.ipynb``, ...): the student edition, from ``make student`` or from
nbgrader's release, with the exercises filled in.  Each course notebook is an nbgrader assignment of its own.
OUT_DIR receives:

    scores.csv           one row per learner, one column per exercise ("01:rnn_step"), the total and the maximum
                         (an empty entry: that notebook was not submitted; it counts 0 in the total)
    feedback/LEARNER.md  every exercise's points and what its checker said
    feedback/LEARNER/    nbgrader's feedback pages: the graded notebooks as HTML
    nbgrader/            the nbgrader course folder used (gradebook.db, source, release, submitted, autograded)

Every submission is checked before anything is written; a previous OUT_DIR/nbgrader is replaced.  Needs the
lecturer's tools: ``make teach``.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbgrader_cells  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
LEARNER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]*")  # becomes a folder name and a database key in nbgrader
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FAILED = "error"  # the entry of an exercise whose notebook nbgrader could not grade (it counts 0)


@dataclass(frozen=True)
class Exercise:
    notebook: str  # stem, also the nbgrader assignment
    name: str  # the function the learner writes
    test_id: str  # nbgrader's id of the checker cell

    @property
    def column(self) -> str:
        return f"{self.notebook[:2]}:{self.name}"


def course_exercises(notebook_dir: Path = NOTEBOOK_DIR) -> dict:
    """stem → the notebook's exercises in order, for every course notebook that has exercises."""
    found = {}
    for path in sorted(notebook_dir.glob("*.ipynb")):
        cells = nbgrader_cells.exercises(nbformat.read(path, as_version=4))
        if cells:
            found[path.stem] = [Exercise(path.stem, solution, test) for *_, solution, test in cells]
    return found


def read_submissions(folder: Path, gradable) -> dict:
    """learner → {stem: path}, after checking all of ``folder``; a ValueError lists every problem found."""
    if not folder.is_dir():
        raise ValueError(f"SUBMISSIONS: {folder} is not a folder")
    problems, learners = [], {}
    for entry in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        if not entry.is_dir():
            problems.append(f"{entry.name}: put each learner's notebooks in a folder named by the learner's id")
            continue
        if not LEARNER_ID.fullmatch(entry.name):
            problems.append(f"{entry.name}/: a learner's id uses letters, digits and _ . @ - only")
            continue
        notebooks = {}
        for path in sorted(entry.glob("*.ipynb")):
            if path.stem not in gradable:
                problems.append(
                    f"{entry.name}/{path.name}: not a course notebook with exercises ({', '.join(gradable)})"
                )
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


def nbgrader(course: Path, step: str) -> bool:
    """Run one nbgrader step on every assignment of the course folder; its log goes to nbgrader/STEP.log."""
    env = dict(os.environ, JUPYTER_PREFER_ENV_PATH="1")  # the kernel "python3" is this environment's
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"  # nbgrader calls alembic
    run = subprocess.run(
        [sys.executable, "-m", "nbgrader", step, "*"], cwd=course, env=env, capture_output=True, text=True
    )
    (course / f"{step}.log").write_text(run.stdout + run.stderr, encoding="utf-8")
    return run.returncode == 0


def checker_text(cell) -> str:
    """What a checker cell showed: its printed text, result, or error."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "execute_result":
            parts.append(out.data.get("text/plain", ""))
        elif out.output_type == "error":
            parts.append("\n".join(out.traceback))
    return ANSI.sub("", "".join(parts)).rstrip() or "(no output)"


def grade(submissions: Path, out_dir: Path, notebook_dir: Path = NOTEBOOK_DIR) -> dict:
    """Grade every submission; returns learner → {Exercise: points or None (not submitted)}."""
    exercises = course_exercises(notebook_dir)
    learners = read_submissions(submissions, exercises)
    from nbgrader.api import Gradebook  # the lecturer's tools (make teach), needed from here on

    stems = sorted({stem for notebooks in learners.values() for stem in notebooks})
    course = out_dir / "nbgrader"
    if course.exists():
        shutil.rmtree(course)
    course.mkdir(parents=True)
    config = ROOT / "tools" / "nbgrader_config.py"
    (course / "nbgrader_config.py").write_text(f"c = get_config()  # noqa: F821\nload_subconfig({str(config)!r})\n")
    for stem in stems:
        (course / "source" / stem).mkdir(parents=True)
        shutil.copyfile(notebook_dir / f"{stem}.ipynb", course / "source" / stem / f"{stem}.ipynb")
    for learner, notebooks in learners.items():
        for stem, path in notebooks.items():
            (course / "submitted" / learner / stem).mkdir(parents=True)
            shutil.copyfile(path, course / "submitted" / learner / stem / f"{stem}.ipynb")
    print(f"grading {len(learners)} learner(s) on {', '.join(stems)} ...", flush=True)
    if not nbgrader(course, "generate_assignment"):
        raise RuntimeError(f"nbgrader could not release the course notebooks: see {course / 'generate_assignment.log'}")
    for step in ("autograde", "generate_feedback"):  # a submission that fails is marked, the others are graded
        if not nbgrader(course, step):
            print(f"nbgrader {step} failed for some submission: see {course / f'{step}.log'}", flush=True)

    scores = {learner: {} for learner in learners}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for learner, notebooks in learners.items():
            for stem in stems:
                graded = (course / "autograded" / learner / stem / f"{stem}.ipynb").exists()
                for ex in exercises[stem]:
                    if stem not in notebooks:
                        scores[learner][ex] = None
                    else:
                        scores[learner][ex] = gb.find_grade(ex.test_id, stem, stem, learner).score if graded else FAILED
    columns = [ex for stem in stems for ex in exercises[stem]]
    write_table(out_dir / "scores.csv", scores, columns)
    for learner, notebooks in learners.items():
        write_feedback(out_dir / "feedback", course, learner, notebooks, scores[learner], exercises)
    return scores


def entry(points, blank: str = "") -> str:
    """One score as text: points, FAILED, or ``blank`` for a notebook not submitted."""
    if points is None:
        return blank
    return points if points == FAILED else f"{points:g}"


def total(points: dict) -> float:
    return sum(p for p in points.values() if p not in (None, FAILED))


def write_table(path: Path, scores: dict, columns: list) -> None:
    """scores.csv: a row per learner, a column per exercise, then the total and the maximum."""
    maximum = len(columns) * nbgrader_cells.POINTS
    with path.open("w", newline="", encoding="utf-8") as f:
        table = csv.writer(f)
        table.writerow(["learner", *(ex.column for ex in columns), "total", "max"])
        for learner, points in scores.items():
            table.writerow([learner, *(entry(points[ex]) for ex in columns), f"{total(points):g}", maximum])


def write_feedback(folder: Path, course: Path, learner: str, notebooks: dict, points: dict, exercises: dict) -> None:
    """feedback/LEARNER.md (points and each checker's text) and feedback/LEARNER/*.html (nbgrader's pages)."""
    (folder / learner).mkdir(parents=True, exist_ok=True)
    lines = [f"# Feedback for {learner}", ""]
    for stem in sorted(notebooks):
        mine = {ex: points[ex] for ex in exercises[stem]}
        if FAILED in mine.values():
            lines += [
                f"## {stem}: not graded",
                "",
                "nbgrader could not run this notebook: see nbgrader/autograde.log.",
                "",
            ]
            continue
        graded = nbformat.read(course / "autograded" / learner / stem / f"{stem}.ipynb", as_version=4)
        by_id = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in graded.cells}
        lines += [f"## {stem}: {total(mine):g} of {len(mine) * nbgrader_cells.POINTS} points", ""]
        for ex, got in mine.items():
            text = checker_text(by_id[ex.test_id]) if ex.test_id in by_id else "(the checker's cell is missing)"
            lines += [f"### {ex.name}: {got:g} of {nbgrader_cells.POINTS}", "", "```", text, "```", ""]
        page = course / "feedback" / learner / stem / f"{stem}.html"
        if page.exists():
            shutil.copyfile(page, folder / learner / f"{stem}.html")
    (folder / f"{learner}.md").write_text("\n".join(lines), encoding="utf-8")


def show(scores: dict) -> str:
    """The table of scores as aligned text ("—": not submitted)."""
    columns = list(next(iter(scores.values())))
    header = ["learner", *(ex.column for ex in columns), "total"]
    rows = [[learner, *(entry(p[ex], "—") for ex in columns), f"{total(p):g}"] for learner, p in scores.items()]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows])


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = Path(sys.argv[2]) if len(sys.argv) == 3 else ROOT / "grades"
    try:
        result = grade(Path(sys.argv[1]), out)
    except ModuleNotFoundError as err:
        sys.exit(f"{err}: the lecturer's tools are not installed; run `make teach` (or pip install -e '.[teach]').")
    except (ValueError, RuntimeError) as err:
        sys.exit(str(err))
    print(show(result))
    print(f"\nscores: {out / 'scores.csv'};  feedback: {out / 'feedback'}/LEARNER.md and LEARNER/*.html")
