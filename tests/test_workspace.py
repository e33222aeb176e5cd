"""The learner's workspace (tools/workspace.py): written once, the student edition, and never overwritten."""

import shutil

import nbformat
import pytest

from tests.notebook_files import NOTEBOOK_DIR, NOTEBOOK_PATHS, read
from tools.make_student import BEGIN
from tools.workspace import write_workspace

SMALL = [p for p in NOTEBOOK_PATHS if p.stem.startswith(("00_", "01_", "02_"))]  # enough to see every case


@pytest.fixture
def course(tmp_path):
    """A course folder of three notebooks that the test may change."""
    folder = tmp_path / "course"
    folder.mkdir()
    for path in SMALL:
        shutil.copy(path, folder / path.name)
    return folder


def contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_a_fresh_workspace_holds_every_course_notebook_with_the_exercises_blank(tmp_path):
    work = tmp_path / "work"
    events = write_workspace(NOTEBOOK_DIR, work)
    assert sorted(p.name for p in work.iterdir()) == [p.name for p in NOTEBOOK_PATHS]  # no .course-lang: English
    assert [kind for kind, _ in events] == ["written"] * len(NOTEBOOK_PATHS)
    for path in NOTEBOOK_PATHS:
        text = (work / path.name).read_text(encoding="utf-8")
        assert BEGIN not in text, path.name
    solved = [p for p in NOTEBOOK_PATHS if BEGIN in p.read_text(encoding="utf-8")]
    assert solved and all("raise NotImplementedError" in (work / p.name).read_text() for p in solved)


def test_the_workspace_index_says_how_to_work_and_nothing_of_solution_markers(tmp_path):
    write_workspace(NOTEBOOK_DIR, tmp_path)
    text = "\n".join(c.source for c in read(tmp_path / "00_index.ipynb").cells)
    assert "BEGIN SOLUTION" not in text and "This is the solved edition" not in text
    for step in ("**Try.**", "**Run the checker cell**", "**Only then open the solution**", "make progress"):
        assert step in text
    assert text.index("**Try.**") < text.index("**Run the checker cell**") < text.index("**Only then open")
    solved = "\n".join(c.source for c in read(NOTEBOOK_DIR / "00_index.ipynb").cells)
    assert "This is the solved edition" in solved  # the note the student edition leaves out


def test_running_it_again_changes_nothing(course, tmp_path):
    work = tmp_path / "work"
    write_workspace(course, work)
    before = contents(work)
    assert write_workspace(course, work) == []
    assert contents(work) == before


def test_a_learners_work_is_kept_when_the_course_has_not_changed(course, tmp_path):
    work = tmp_path / "work"
    write_workspace(course, work)
    mine = work / SMALL[1].name
    nb = read(mine)
    nb.cells[-1].source += "\n\nMy notes."
    nbformat.write(nb, mine)
    mine_bytes = mine.read_bytes()
    assert write_workspace(course, work) == []
    assert mine.read_bytes() == mine_bytes
    assert not (work / mine.name.replace(".ipynb", ".new.ipynb")).exists()


@pytest.mark.parametrize("learner_edited", [False, True], ids=["untouched copy", "edited copy"])
def test_a_changed_course_notebook_goes_beside_the_learners_copy(course, tmp_path, learner_edited):
    work = tmp_path / "work"
    write_workspace(course, work)
    name = SMALL[1].name
    if learner_edited:
        nb = read(work / name)
        nb.cells[-1].source += "\n\nMy notes."
        nbformat.write(nb, work / name)
    mine = (work / name).read_bytes()
    changed = read(course / name)  # the course changes this notebook
    changed.cells[1].source += "\n\nA new paragraph."
    nbformat.write(changed, course / name)

    events = write_workspace(course, work)
    assert (work / name).read_bytes() == mine  # never overwritten, edited or not
    new = work / name.replace(".ipynb", ".new.ipynb")
    assert "A new paragraph." in read(new).cells[1].source
    assert [kind for kind, _ in events] == ["newer"]
    assert name in events[0][1] and new.name in events[0][1] and "kept" in events[0][1]

    again = write_workspace(course, work)  # the same new version is not written twice
    assert [kind for kind, _ in again] == ["newer"] and "written earlier" in again[0][1]
    assert not (work / name.replace(".ipynb", ".new2.ipynb")).exists()

    changed.cells[1].source += " And another."  # a second change while the first is unread: a third file
    nbformat.write(changed, course / name)
    new_bytes = new.read_bytes()
    write_workspace(course, work)
    assert new.read_bytes() == new_bytes
    assert "And another." in read(work / name.replace(".ipynb", ".new2.ipynb")).cells[1].source


def test_a_notebook_new_to_the_course_is_written_and_a_deleted_copy_comes_back(course, tmp_path):
    work = tmp_path / "work"
    write_workspace(course, work)
    shutil.copy(NOTEBOOK_DIR / "16_softmax_and_cross_entropy.ipynb", course)
    (work / SMALL[1].name).unlink()  # the learner starts this one afresh
    events = write_workspace(course, work)
    assert sorted(message.split(":")[0] for _, message in events) == sorted(
        [SMALL[1].name, "16_softmax_and_cross_entropy.ipynb"]
    )
    assert {kind for kind, _ in events} == {"written"}
    assert (work / "16_softmax_and_cross_entropy.ipynb").exists() and (work / SMALL[1].name).exists()


def test_a_file_the_learner_put_in_place_of_a_notebook_is_kept(course, tmp_path):
    work = tmp_path / "work"
    write_workspace(course, work)
    name = SMALL[1].name
    (work / name).write_text("not a notebook")
    events = write_workspace(course, work)
    assert (work / name).read_text() == "not a notebook"
    assert [kind for kind, _ in events] == ["newer"]
    assert (work / name.replace(".ipynb", ".new.ipynb")).exists()


def test_the_chinese_workspace_is_a_folder_of_its_own_written_from_the_chinese_edition(tmp_path, monkeypatch, capsys):
    from tools import workspace

    assert workspace.editions.WORK_DIRS["zh"] != workspace.editions.WORK_DIRS["en"]
    monkeypatch.setitem(workspace.editions.SOLVED_DIRS, "zh", tmp_path / "zh")  # the edition, generated on the way
    monkeypatch.setenv("COURSE_LANG", "zh")
    work = tmp_path / "work-zh"
    assert workspace.main([str(work)]) == 0
    assert "你的工作区" in capsys.readouterr().out
    assert sorted(p.name for p in work.iterdir()) == [".course-lang"] + [p.name for p in NOTEBOOK_PATHS]
    assert (work / ".course-lang").read_text(encoding="utf-8") == "zh\n"  # its kernels speak Chinese (Binder)
    lstm = read(work / "13_lstm.ipynb")
    assert "在 Binder 中打开" in lstm.cells[0].source and BEGIN not in work.joinpath("13_lstm.ipynb").read_text()
    mine = read(work / "01_forward_pass.ipynb")  # the learner answers; the next run keeps it and says all is well
    mine.cells[5].source += "\n# my answer"
    nbformat.write(mine, work / "01_forward_pass.ipynb")
    before = contents(work)
    assert workspace.main([str(work)]) == 0
    assert contents(work) == before and "已是最新" in capsys.readouterr().out
