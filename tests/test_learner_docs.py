"""The documents a learner reads first agree with the repository, and stay inside it.

Figures the repository can compute (notebooks, exercises, pages of the site) are computed here and compared with
what the README and docs say; the one set of conda instructions is the same in the README and in 00_index; every
relative link resolves; `make lab` and `make lab-solutions` open what the README says, with LAB_ARGS passed on.
"""

import re
import subprocess

import pytest

from tests.notebook_files import NOTEBOOK_DIR, NOTEBOOK_PATHS, ROOT, read
from tools.progress import course_exercises
from tools.syllabus import NOTEBOOKS

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCUMENTS = [
    ROOT / "README.md",
    ROOT / "README.zh.md",
    ROOT / "CONTRIBUTING.md",
    ROOT / "benchmarks" / "README.md",
    ROOT / "experiments" / "README.md",
    *sorted((ROOT / "docs").glob("*.md")),
]


def test_the_readme_counts_the_notebooks_and_the_exercises():
    lessons = len(NOTEBOOKS) - 1  # 00_index is the map, not a lesson
    exercises = sum(len(course_exercises(p)) for p in NOTEBOOK_PATHS)
    assert re.search(r"\b(\d+) Jupyter notebooks\b", README)[1] == str(lessons)
    assert re.search(r"\b(\d+) coding exercises\b", README)[1] == str(exercises)


def test_the_site_page_count_in_the_teaching_guide_is_one_per_notebook():
    # tests/build/test_site.py (make build-test) checks that make html writes one page per notebook (and index.html,
    # a copy of 00_index).
    text = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    assert re.search(r"one page per notebook \((\d+) pages\)", text)[1] == str(len(NOTEBOOK_PATHS))


def conda_block(text):
    (block,) = re.findall(r"```bash\n(conda env create.*?)```", text, flags=re.S)
    return block


def test_one_set_of_conda_instructions():
    index = "\n".join(c.source for c in read(NOTEBOOK_DIR / "00_index.ipynb").cells if c.cell_type == "markdown")
    assert conda_block(README) == conda_block(index)
    assert "python tools/workspace.py" in conda_block(README) and "work/00_index.ipynb" in conda_block(README)


def test_the_readme_speaks_to_learners_first():
    headings = re.findall(r"^## (.+)$", README, flags=re.M)
    assert headings.index("Start") < headings.index("How to work") < headings.index("Course map")
    first_block = re.search(r"```bash\n(.*?)```", README, flags=re.S)[1]
    assert [line.split("#")[0].strip() for line in first_block.strip().split("\n")] == ["make lab", "make progress"]


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves_and_nothing_points_outside_the_repository(document):
    text = document.read_text(encoding="utf-8")
    assert "shared/STYLE.md" not in text
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue  # a web address
        path = (document.parent / target).resolve()
        assert path.is_relative_to(ROOT), f"{document.name} links outside the repository: {target}"
        assert path.exists(), f"{document.name}: {target} does not exist"


def make_dry_run(*args):
    done = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    return [line for line in done.stdout.split("\n") if "jupyter lab" in line]


def test_make_lab_opens_the_workspace_with_lab_args_and_lab_solutions_the_solved_edition():
    (lab,) = make_dry_run("lab", "LAB_ARGS=--port 8899 --no-browser")
    assert "--port 8899 --no-browser" in lab and lab.endswith("work/00_index.ipynb")
    (solutions,) = make_dry_run("lab-solutions")
    assert solutions.endswith("notebooks/00_index.ipynb")


def test_course_lang_zh_opens_the_chinese_workspace_and_edition_and_another_language_is_refused():
    (lab,) = make_dry_run("lab", "COURSE_LANG=zh")
    assert lab.endswith("work-zh/00_index.ipynb")
    (solutions,) = make_dry_run("lab-solutions", "COURSE_LANG=zh")
    assert solutions.endswith("zh/notebooks/00_index.ipynb")
    refused = subprocess.run(["make", "-n", "lab", "COURSE_LANG=fr"], cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode != 0 and "COURSE_LANG=fr" in refused.stderr and "zh" in refused.stderr


def test_the_readme_links_the_chinese_readme_which_gives_the_two_commands():
    assert "](README.zh.md)" in README
    chinese = (ROOT / "README.zh.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", chinese, flags=re.S)[1]
    commands = [line.split("#")[0].strip() for line in block.strip().split("\n")]
    assert commands == ["make lab COURSE_LANG=zh", "make progress COURSE_LANG=zh"]


def test_every_editable_install_in_the_makefile_hides_setuptools_box():
    installs = [
        line for line in (ROOT / "Makefile").read_text().split("\n") if "pip install" in line and " -e " in line
    ]
    assert installs and all('PYTHONWARNINGS="ignore:Editable installation"' in line for line in installs)


def test_the_workspace_and_the_oldest_venv_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split("\n")
    assert "work/" in ignored and ".venv-oldest/" in ignored
    assert "work-zh/" in ignored and "/zh/" in ignored  # the Chinese workspace; the generated Chinese edition
