"""`make html` builds a self-contained page per notebook, linked to each other."""

import re

import pytest

from tests.notebook_files import NOTEBOOK_PATHS
from tools.build_site import build


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build(out)
    return out


def test_one_page_per_notebook_and_an_index(site):
    assert {p.stem for p in NOTEBOOK_PATHS} | {"index"} == {p.stem for p in site.glob("*.html")}


def test_links_between_notebooks_point_to_pages(site):
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'href="\d\d_\w+\.ipynb', text), f"{page.name} still links to a .ipynb"


def test_figures_are_embedded_not_linked(site):
    text = (site / "01_forward_pass.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in text
