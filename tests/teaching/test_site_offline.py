"""The handouts, read offline (`make site-test`): every page of `make html`, in both languages, in Chromium with the
network cut.

A page passes when it asks for nothing off this machine, no LaTeX source ($, \\frac, \\partial, ...) is visible
outside code cells (hidden answers opened first), and every formula is laid out as MathML.  The same page
exported the stock way (MathJax from a CDN) fails the same check, so the check can fail.
"""

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser checks: make site-test")

from nbconvert import HTMLExporter  # noqa: E402

from tests.build.test_site import formulas_in  # noqa: E402
from tests.notebook_files import NOTEBOOK_PATHS, read  # noqa: E402
from tests.teaching.browser import offline_page  # noqa: E402
from tools.build_site import build  # noqa: E402
from tools.editions import edition  # noqa: E402

VISIBLE_LATEX = r"""() => {
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const found = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('.jp-CodeCell, code, pre, script, style') || !el.checkVisibility()) continue;
    if (/\$|\\[A-Za-z]+/.test(node.textContent)) found.push(node.textContent.trim().slice(0, 80));
  }
  return found;
}"""

MATH_LAYOUT = """() => [...document.querySelectorAll('math')].map(m => {
  const box = m.getBoundingClientRect();
  return getComputedStyle(m).display.includes('math') && box.width > 0 && box.height > 0;
})"""


def read_offline(page, url):
    page.goto(url, wait_until="load")
    return page.evaluate(VISIBLE_LATEX), page.evaluate(MATH_LAYOUT)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    build(out)
    return out


@pytest.fixture(scope="module")
def playwright():
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def chinese():
    return edition("zh")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=lambda p: p.stem)
def test_every_formula_renders_offline_and_no_latex_is_visible(site, chinese, playwright, path, lang):
    blocked = []
    folder, nb = (site, read(path)) if lang == "en" else (site / "zh", chinese[path.stem])
    with offline_page(playwright, blocked) as page:
        latex, laid_out = read_offline(page, (folder / f"{path.stem}.html").as_uri())
    print(f"{lang}/{path.stem}: {len(laid_out)} formulas as MathML, {len(latex)} LaTeX left, {len(blocked)} blocked")
    assert blocked == [], "the page asked for the network"
    assert latex == []
    assert len(laid_out) == formulas_in(nb) and all(laid_out)


def test_the_check_fails_on_a_page_that_needs_mathjax_from_the_network(tmp_path, playwright):
    stock = tmp_path / "stock.html"
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(read(NOTEBOOK_PATHS[1]))
    stock.write_text(body, encoding="utf-8")
    blocked = []
    with offline_page(playwright, blocked) as page:
        latex, laid_out = read_offline(page, stock.as_uri())
    print(f"stock page: {len(latex)} LaTeX texts visible, {len(blocked)} requests blocked, e.g. {blocked[:1]}")
    assert latex and any("mathjax" in url for url in blocked) and laid_out == []
