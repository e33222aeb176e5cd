"""The learner's workspace: their own copy of the course, with every exercise blank, in ``work/``.

    python tools/workspace.py [WORK_DIR]          (default: work; `make workspace`, run first by `make lab`)
    COURSE_LANG=zh python tools/workspace.py      (the Chinese edition, in work-zh: tools/editions.py)

The workspace holds the student edition (tools/make_student.py: each worked solution replaced by
``raise NotImplementedError``, the checker cells kept), one file per course notebook under the same name.
Nothing in it is ever overwritten:

- a course notebook that is not in the workspace yet is written there;
- a notebook whose copy came from the current course is left alone, whatever the learner did to it;
- when the course has changed a notebook since the learner's copy was written, the copy is kept and the new
  version is written beside it as ``NAME.new.ipynb`` (``NAME.new2.ipynb``, ... if that name is taken by
  something else), and the command says so.  The learner moves their answers over, or deletes their copy and
  runs the command again to start that notebook afresh.

Which course version a copy came from is the digest of the student edition it was written from, recorded in the
notebook's metadata (``rnn_course.digest``, written by make_student.student_edition; JupyterLab keeps it when the
learner saves).  A copy without it (the learner put another file there) counts as an older version.
"""

from __future__ import annotations

import sys
from pathlib import Path

# nbformat's schema checker imports rfc3987_syntax when it is installed (JupyterLab's dependencies bring it), which
# builds a grammar for seconds on every start; nothing here validates IRIs, so the import is declined.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import editions  # noqa: E402
from make_student import student_edition  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
WORK_DIR = ROOT / "work"


def recorded_digest(path: Path) -> str | None:
    """The digest of the student edition ``path`` was written from, or None (not ours, or unreadable)."""
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - a file the learner broke or replaced: it is kept, and counts as no version
        return None
    return nb.metadata.get("rnn_course", {}).get("digest")


def beside(target: Path, edition_digest: str) -> tuple[Path, bool]:
    """Where the new version of ``target`` goes: ``(path, already_there)``.

    The first of NAME.new.ipynb, NAME.new2.ipynb, ... that either holds this very edition already (then nothing is
    written again) or does not exist.
    """
    stem = target.name[: -len(".ipynb")]
    k = 1
    while True:
        candidate = target.with_name(f"{stem}.new{'' if k == 1 else k}.ipynb")
        if not candidate.exists():
            return candidate, False
        if recorded_digest(candidate) == edition_digest:
            return candidate, True
        k += 1


CHANGED = (
    "{name}: the course has changed this notebook. Your copy is kept as it is; the new version is {new}. To start "
    "it afresh, delete or rename your copy and run `{workspace}` again."
)
CHANGED_EARLIER = (
    "{name}: the course has changed this notebook. Your copy is kept as it is; the new version is {new} (written "
    "earlier). To start it afresh, delete or rename your copy and run `{workspace}` again."
)


def write_workspace(source_dir: Path, work_dir: Path, lang: str = "en") -> list:
    """Bring ``work_dir`` up to date with the notebooks of ``source_dir`` without overwriting anything.

    Returns ``(kind, message)`` for every notebook written: kind "written" (a notebook new to the workspace) or
    "newer" (the course changed a notebook the learner has: the new version went beside it, or was already there).
    An empty list means the workspace was up to date.  lang: the language of the messages (tools/editions.py).
    """
    t, commands = editions.Words(lang), editions.COMMANDS[lang]
    work_dir.mkdir(parents=True, exist_ok=True)
    if lang != "en":
        editions.mark_folder(work_dir, lang)  # a kernel started here speaks lang without COURSE_LANG (Binder)
    events = []
    for path in sorted(source_dir.glob("*.ipynb")):
        edition, n = student_edition(nbformat.read(path, as_version=4))
        digest = edition.metadata["rnn_course"]["digest"]
        target = work_dir / path.name
        if not target.exists():
            nbformat.write(edition, target)
            written = "{name}: written, 1 exercise to do" if n == 1 else "{name}: written, {count} exercises to do"
            events.append(("written", t("workspace", written).format(name=path.name, count=n)))
            continue
        if recorded_digest(target) == digest:
            continue  # the learner's copy is of this very version: nothing to do
        new, already = beside(target, digest)
        if not already:
            nbformat.write(edition, new)
        message = CHANGED_EARLIER if already else CHANGED
        events.append(
            ("newer", t("workspace", message).format(name=path.name, new=new.name, workspace=commands["workspace"]))
        )
    return events


def main(argv: list) -> int:
    try:
        lang = editions.language()
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    t, commands = editions.Words(lang), editions.COMMANDS[lang]
    work_dir = Path(argv[0]) if argv else editions.WORK_DIRS[lang]
    fresh = not any(work_dir.glob("*.ipynb"))
    if lang != "en":
        editions.build(lang)  # the translated edition, up to date with the English notebooks and the catalogues
    events = write_workspace(editions.SOLVED_DIRS[lang], work_dir, lang)
    try:
        shown = f"{work_dir.resolve().relative_to(Path.cwd())}/"
    except ValueError:
        shown = f"{work_dir}/"
    if fresh:
        fresh_text = "Your workspace {folder} now holds the {count} notebooks of the course with every exercise blank."
        print(t("workspace", fresh_text).format(folder=shown, count=len(events)))
        yours = "It is yours: nothing in it is ever overwritten. `{lab}` opens it; `{progress}` shows where you are."
        print(t("workspace", yours).format(**commands))
        return 0
    for _, message in events:
        print(message)
    if not events:
        print(t("workspace", "Your workspace {folder} is up to date.").format(folder=shown))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
