"""Build a static site of the executed notebooks: ``_site/index.html`` and one page per notebook, in each language.

    python tools/build_site.py [OUT_DIR]          (default: _site)

The English pages are OUT_DIR/*.html, the Chinese ones OUT_DIR/zh/*.html (generated from the catalogues on the way,
tools/editions.py); every page has a link to the same page in the other language.

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

from jinja2 import DictLoader, pass_context
from latex2mathml.converter import convert
from latex2mathml.symbols_parser import convert_symbol
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

sys.path.insert(0, str(Path(__file__).resolve().parent))
import editions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BODY = re.compile(r"<body[^>]*>")
HTML_LANG = re.compile(r'<html lang="[^"]*">')
LINK = re.compile(r'href="([0-9]{2}_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')

# latex2mathml knows `align*`, not its inner form `aligned`; both lay out the same two-column table.
ALIASES = {r"\begin{aligned}": r"\begin{align*}", r"\end{aligned}": r"\end{align*}"}
# After a size command (\big\lVert, \Big\lfloor) latex2mathml leaves the delimiter as its LaTeX name.
NAMED_DELIMITER = re.compile(r"(<mo[^>]*>)(\\[A-Za-z]+|\\\|)(</mo>)")

# The lab template without what it would fetch from a CDN: MathJax, require.js (for widgets) and mermaid.
# Math fonts with stretchy braces that the common systems have (macOS, Windows, TeX, Linux), the browser's last;
# the Chinese pages' prose in a CJK font each of those systems has;
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
nav.language-switch { position: absolute; top: 0.5em; right: 1em; font-size: 0.95em; z-index: 10; }
html[lang="zh-CN"] {
  --jp-content-font-family: system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei",
    "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif;
}
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


def language_switch(stem: str, lang: str, languages) -> str:
    """The links from page ``stem`` in ``lang`` to the same page in the site's other languages."""
    here = editions.SITE_SUBDIRS[lang]
    links = []
    for other in languages:
        if other == lang:
            continue
        there = editions.SITE_SUBDIRS[other]
        up = "../" if here else ""
        href = f"{up}{there + '/' if there else ''}{stem}.html"
        code = editions.HTML_LANG[other]
        links.append(f'<a href="{href}" hreflang="{code}" lang="{code}">{editions.LANGUAGE_NAMES[other]}</a>')
    return f'<nav class="language-switch">{" · ".join(links)}</nav>' if links else ""


def build(out_dir: Path, languages=editions.LANGUAGES) -> list:
    """Write the pages of every language of ``languages`` (English in ``out_dir``, Chinese in ``out_dir/zh``);
    returns them."""
    exporter = OfflineHTMLExporter()
    pages = []
    for lang in languages:
        folder = out_dir / editions.SITE_SUBDIRS[lang]
        folder.mkdir(parents=True, exist_ok=True)
        for stem, nb in editions.edition(lang).items():
            body, _ = exporter.from_notebook_node(nb)
            body = LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
            body = HTML_LANG.sub(f'<html lang="{editions.HTML_LANG[lang]}">', body, count=1)
            switch = language_switch(stem, lang, languages)
            body = BODY.sub(lambda m: m.group(0) + switch, body, count=1)
            page = folder / f"{stem}.html"
            page.write_text(body, encoding="utf-8")
            pages.append(page)
        shutil.copyfile(folder / "00_index.html", folder / "index.html")
    return pages


def size_of(out_dir: Path) -> int:
    """Bytes of every file in the site."""
    return sum(p.stat().st_size for p in out_dir.rglob("*") if p.is_file())


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_site"
    pages = build(out)
    print(f"{len(pages)} pages ({size_of(out) / 1e6:.1f} MB) written to {out}; open {out / 'index.html'}")
    print(f"Chinese pages: {out / 'zh' / 'index.html'}")
