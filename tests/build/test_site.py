"""`make html` builds a self-contained page per notebook in each language, linked to each other, readable with no network.

`make site-test` opens every page in a browser with the network blocked; these are the checks that need none, run by
`make build-test` (CI: .github/workflows/build.yml, on every change of the notebooks or the site's tools): building
both languages' sites takes 20-30 s, too long for `make test`.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from tests.notebook_files import NOTEBOOK_PATHS, read
from tools.build_site import build, tex_to_mathml
from tools.editions import edition

LATEX = re.compile(r"\$|\\[A-Za-z]+")  # a dollar sign or a control word: LaTeX source left for the reader
REMOTE = re.compile(r"\s*(https?:)?//")
LOADS = {"script": "src", "img": "src", "iframe": "src", "source": "src", "link": "href"}  # what a page fetches
VOID = {"br", "img", "meta", "link", "input", "hr", "mspace", "source", "wbr"}


class Page(HTMLParser):
    """What a reader's browser would fetch, the formulas, and the text outside code."""

    def __init__(self, text):
        super().__init__()
        self.open, self.fetched, self.formulas, self.latex = [], [], 0, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        url = dict(attrs).get(LOADS.get(tag, ""), "") or ""
        if REMOTE.match(url) and (tag != "link" or "stylesheet" in (dict(attrs).get("rel") or "")):
            self.fetched.append(url)
        self.formulas += tag == "math"
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data):
        if not {"code", "pre", "script", "style"} & set(self.open) and LATEX.search(data):
            self.latex.append(data.strip()[:80])


def formulas_in(nb) -> int:
    """How many formulas the notebook's markdown holds, as nbconvert's markdown parser finds them."""
    found = []

    class Count(IPythonRenderer):
        def block_math(self, body):
            found.append(body)
            return ""

        inline_math = block_math

        def latex_environment(self, name, body):
            return self.block_math(body)

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            renderer = Count(escape=False, attachments=cell.get("attachments", {}))  # the header's badge image
            MarkdownWithMath(renderer=renderer).render(cell.source)
    return len(found)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build(out)
    return out


@pytest.fixture(scope="module")
def chinese():
    return edition("zh")


def test_one_page_per_notebook_and_an_index_in_each_language(site):
    for folder in (site, site / "zh"):
        assert {p.stem for p in NOTEBOOK_PATHS} | {"index"} == {p.stem for p in folder.glob("*.html")}


def test_every_page_links_to_itself_in_the_other_language(site):
    for page in [*site.glob("*.html"), *(site / "zh").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        (target,) = re.findall(r'<nav class="language-switch"><a href="([^"]+)"', text)
        assert (page.parent / target).resolve().exists(), f"{page}: the language switch points to {target}"
        assert Path(target).stem in (page.stem, "00_index"), f"{page}: the switch leads to another page, {target}"
        lang = "zh-CN" if page.parent.name == "zh" else "en"
        assert f'<html lang="{lang}">' in text


def test_the_chinese_pages_are_the_chinese_edition(site, chinese):
    text = (site / "zh" / "13_lstm.html").read_text(encoding="utf-8")
    header = chinese["13_lstm"].cells[0].source
    title = re.search(r"^# (.+)$", header, flags=re.M)[1]
    assert title in text and "在 Binder 中打开" in header


def test_links_between_notebooks_point_to_pages(site):
    for page in [*site.glob("*.html"), *(site / "zh").glob("*.html")]:
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'href="\d\d_\w+\.ipynb', text), f"{page.name} still links to a .ipynb"


def test_figures_are_embedded_not_linked(site):
    text = (site / "01_forward_pass.html").read_text(encoding="utf-8")
    assert "data:image/png;base64," in text


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_formula_is_mathml_and_nothing_is_fetched(site, chinese, path):
    for folder, nb in ((site, read(path)), (site / "zh", chinese[path.stem])):
        page = Page((folder / f"{path.stem}.html").read_text(encoding="utf-8"))
        assert page.fetched == [], "a page must not need the network"
        assert page.formulas == formulas_in(nb)
        assert page.latex == [], "LaTeX source left in the text"


def test_the_checks_see_latex_left_for_mathjax():
    page = Page(
        '<p>the gradient $\\partial L$</p><pre>$ok$</pre><script src="https://cdn.example/mathjax.js"></script>'
    )
    assert page.latex == ["the gradient $\\partial L$"] and page.fetched == ["https://cdn.example/mathjax.js"]


def test_aligned_and_sized_named_delimiters_convert_without_latex_left():
    aligned = tex_to_mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", "block")
    assert "<mtable" in aligned and "&amp;" not in aligned and "&</mi>" not in aligned
    norm = tex_to_mathml(r"\big\lVert x \big\rVert_2 \Big\lfloor y \Big\rfloor", "inline")
    assert "\\" not in norm and "&#x02016;" in norm and "&#x0230A;" in norm
    assert 'xmlns="' not in norm  # so nbconvert's heading anchors keep <math> a MathML element
