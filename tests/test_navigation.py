"""Navigation is generated from tools/syllabus.py and never drifts from it."""

import base64
import re

import pytest

from tests.notebook_files import NOTEBOOK_DIR, NOTEBOOK_PATHS, read
from tools import sync_notebooks
from tools.syllabus import BINDER_BADGE, BINDER_BADGE_FILE, NOTEBOOKS, REPOSITORY, binder_url


def test_every_listed_notebook_exists():
    missing = [nb.file for nb in NOTEBOOKS if not (NOTEBOOK_DIR / nb.file).exists()]
    assert not missing, f"listed in tools/syllabus.py but not in notebooks/: {missing}"


def test_every_notebook_is_listed():
    listed = {nb.file for nb in NOTEBOOKS}
    extra = [p.name for p in NOTEBOOK_PATHS if p.name not in listed]
    assert not extra, f"notebooks missing from tools/syllabus.py: {extra}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_header_footer_map_and_slides_match_the_course_list(path):
    changes = sync_notebooks.sync(read(path), path.stem)
    assert not changes, f"{path.name}: {changes}; run `make sync`"


def test_footers_chain_every_notebook_to_the_next():
    stems = [nb.stem for nb in NOTEBOOKS]
    for here, there in zip(stems, stems[1:]):
        assert f"({there}.ipynb)" in sync_notebooks.footer_source(here)
        assert f"({here}.ipynb)" in sync_notebooks.footer_source(there)


def test_sync_repairs_a_notebook_whose_header_was_edited():
    path = NOTEBOOK_DIR / NOTEBOOKS[1].file
    nb = read(path)
    nb.cells[0].source = "# something else"
    assert sync_notebooks.sync(nb, path.stem)
    assert not sync_notebooks.sync(nb, path.stem)  # a second pass finds nothing left to fix


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_no_image_comes_from_the_network_and_the_badge_is_the_repositorys(path):
    nb = read(path)
    remote = [
        c.source for c in nb.cells if c.cell_type == "markdown" and re.search(r"!\[[^\]]*\]\(https?://", c.source)
    ]
    assert not remote, f"{path.name}: an image loaded from the network (broken offline)"
    header = nb.cells[0]
    assert f"[![Open in Binder]({BINDER_BADGE})]({binder_url(path.name)})" in header.source
    image = header.attachments[BINDER_BADGE.removeprefix("attachment:")]["image/svg+xml"]
    assert base64.b64decode(image) == BINDER_BADGE_FILE.read_bytes()


def test_every_binder_link_goes_to_the_configured_repository():
    texts = [(NOTEBOOK_DIR.parent / "README.md").read_text()] + [p.read_text() for p in NOTEBOOK_PATHS]
    links = [link for text in texts for link in re.findall(r"https://mybinder\.org/v2/gh/[^)\s\"]+", text)]
    assert links and all(link.startswith(f"https://mybinder.org/v2/gh/{REPOSITORY}/") for link in links)
