"""Build a static site of the executed notebooks: ``_site/index.html`` and one page per notebook.

    python tools/build_site.py [OUT_DIR]          (default: _site)

Uses the outputs committed in the notebooks (nothing is executed) and needs no
network at build time: figures are embedded in the pages.  Links between
notebooks are rewritten to the pages.  Math is typeset by MathJax in the
reader's browser.  Good for handouts and for reading on a phone.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r'href="([0-9]{2}_[A-Za-z0-9_]+)\.ipynb(#[^"]*)?"')


def build(out_dir: Path) -> list:
    out_dir.mkdir(parents=True, exist_ok=True)
    exporter = HTMLExporter(template_name="lab")
    pages = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
        body = LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)
        page = out_dir / f"{path.stem}.html"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    shutil.copyfile(out_dir / "00_index.html", out_dir / "index.html")
    return pages


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "_site"
    pages = build(out)
    print(f"{len(pages)} pages written to {out}; open {out / 'index.html'}")
