"""Build a static site of the executed notebooks: ``_site/index.html`` and one page per notebook.

    python tools/build_site.py [OUT_DIR]          (default: _site)

Uses the outputs committed in the notebooks (nothing is executed).  The pages
need no network, neither to build nor to read: figures are embedded, every
formula is converted from LaTeX to MathML at build time (latex2mathml), which
browsers typeset themselves, and the page loads no script from elsewhere.
Links between notebooks are rewritten to the pages.  Good for handouts, for a
lecture hall without a network, and for reading on a phone.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat
from jinja2 import DictLoader, pass_context
from latex2mathml.converter import convert
from latex2mathml.symbols_parser import convert_symbol
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r'href="([0-9]{2}_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')

# latex2mathml knows `align*`, not its inner form `aligned`; both lay out the same two-column table.
ALIASES = {r"\begin{aligned}": r"\begin{align*}", r"\end{aligned}": r"\end{align*}"}
# After a size command (\big\lVert, \Big\lfloor) latex2mathml leaves the delimiter as its LaTeX name.
NAMED_DELIMITER = re.compile(r"(<mo[^>]*>)(\\[A-Za-z]+|\\\|)(</mo>)")

# The lab template without what it would fetch from a CDN: MathJax, require.js (for widgets) and mermaid.
# Math fonts with stretchy braces that the common systems have (macOS, Windows, TeX, Linux), the browser's last;
# Chromium's MathML has no `menclose` (\boxed) and ignores `columnalign`: CSS stands in.
TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}
<style type="text/css">
math { font-family: "STIX Two Math", "Cambria Math", "Latin Modern Math", "DejaVu Math TeX Gyre", math; }
math[display="block"] { margin: 0.6em 0; overflow-x: auto; overflow-y: hidden; }
menclose[notation="box"] { border: 1px solid currentColor; padding: 0.2em 0.3em; }
mtd[columnalign="right"] { text-align: right; }
mtd[columnalign="left"] { text-align: left; }
</style>
{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def tex_to_mathml(tex: str, display: str) -> str:
    """MathML for one formula; ``display`` is "inline" or "block"."""
    for name, alias in ALIASES.items():
        tex = tex.replace(name, alias)
    # HTML needs no namespace on <math>, and without one nbconvert's heading anchors keep the element's name.
    mathml = convert(tex, display=display).replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)
    return NAMED_DELIMITER.sub(lambda m: f"{m[1]}&#x{convert_symbol(m[2])};{m[3]}", mathml)


class OfflineRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with formulas as MathML and remote images as their alt text."""

    def block_math(self, body: str) -> str:
        return tex_to_mathml(body, "block")

    def inline_math(self, body: str) -> str:
        return tex_to_mathml(body, "inline")

    def latex_environment(self, name: str, body: str) -> str:
        return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", "block")

    def image(self, text: str, url: str, title: str | None = None) -> str:
        if url.startswith(("http://", "https://")):  # e.g. the Binder badge: its link still works online
            return self.escape_html(text)
        return super().image(text, url, title)


class OfflineHTMLExporter(HTMLExporter):
    """The lab template's pages, with nothing fetched from the network when they are read."""

    def __init__(self, **kw):
        super().__init__(template_name="lab", extra_loaders=[DictLoader({"offline.html.j2": TEMPLATE})], **kw)
        self.template_file = "offline.html.j2"

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = OfflineRenderer(escape=False, attachments=cell.get("attachments", {}), **self.lexer_options)
        return MarkdownWithMath(renderer=renderer).render(source)


def build(out_dir: Path) -> list:
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = OfflineHTMLExporter()
    pages = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
        body = LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
        page = out_dir / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    shutil.copyfile(out_dir / "00_index.html", out_dir / "index.html")
    return pages


def size_of(out_dir: Path) -> int:
    """Bytes of every file in the site."""
    return sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_site"
    pages = build(out)
    print(f"{len(pages)} pages ({size_of(out) / 1e6:.1f} MB) written to {out}; open {out / 'index.html'}")
