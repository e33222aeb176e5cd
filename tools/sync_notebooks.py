"""Generate every notebook's navigation and slide metadata from ``tools/syllabus.py``.

    python tools/sync_notebooks.py           # rewrite what is out of date
    python tools/sync_notebooks.py --check   # list disagreements, exit 1 if any (tests do this)

What it owns, and nothing else (code cells and outputs are never touched, so
notebooks need no re-execution afterwards):

- the first cell, tagged ``nav-header``: title, position, Binder badge (its image attached to the cell, from
  tools/binder_badge.svg, so it shows offline), prerequisites;
- the last cell, tagged ``nav-footer``: previous / course map / next;
- in 00_index.ipynb, the cell tagged ``course-map``;
- the README's course map, between its ``course-map`` markers;
- slide metadata for RISE: a heading cell (``#``/``##``) starts a slide, ``###`` a
  sub-slide, everything else continues the current one;
- nbgrader's metadata (solution, autograded test and read-only cells), from the
  exercises' markers: see ``tools/nbgrader_cells.py``.
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import nbgrader_cells  # noqa: E402
from syllabus import BINDER_BADGE, BINDER_BADGE_FILE, BY_STEM, NOTEBOOKS, binder_url  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
README = ROOT / "README.md"
MAP_START, MAP_END = "<!-- course-map:start -->", "<!-- course-map:end -->"
TOTAL = len(NOTEBOOKS) - 1  # the index is notebook 00, not counted as a lesson


def english(context: str, text: str) -> str:
    """The words of the English edition: each phrase as written here (tools/editions.py's Words translates them)."""
    return text


def link(stem: str, t=english) -> str:
    nb = BY_STEM[stem]
    return f"[{nb.number} · {t(f'{stem}:title', nb.title)}]({nb.file})"


COURSE_TITLE = "Recurrent neural networks and backpropagation through time, from scratch in numpy"


def header_source(stem: str, t=english, folder: str = "notebooks") -> str:
    """The ``nav-header`` cell; ``t(context, English)`` gives each phrase in the edition's language (see
    :func:`english`), ``folder`` is where the edition lives for the Binder link."""
    nb = BY_STEM[stem]
    badge = f"[![{t('navigation', 'Open in Binder')}]({BINDER_BADGE})]({binder_url(nb.file, folder)})"
    if stem == "00_index":
        return f"{badge}\n\n# {t('navigation', COURSE_TITLE)}"
    separator = t("navigation: list separator", ", ")
    prereq = separator.join(link(p, t) for p in nb.prerequisites) or t("navigation", "none")
    position = t("navigation", "Notebook {number} of {total}").format(number=int(nb.number), total=TOTAL)
    return (
        f"{badge} &nbsp; {position} · [{t('navigation', 'Course map')}](00_index.ipynb)\n\n"
        f"# {nb.number} · {t(f'{stem}:title', nb.title)}\n\n"
        f"*{t(f'{stem}:summary', nb.summary)}*\n\n"
        f"{t('navigation', '**Prerequisites:** {notebooks}').format(notebooks=prereq)}"
    )


def header_attachments() -> dict:
    """The header cell's attachments: the Binder badge's image, from the repository (tools/binder_badge.svg)."""
    image = base64.b64encode(BINDER_BADGE_FILE.read_bytes()).decode("ascii")
    return {BINDER_BADGE.removeprefix("attachment:"): {"image/svg+xml": image}}


def footer_source(stem: str, t=english) -> str:
    """The ``nav-footer`` cell (``t``: see :func:`header_source`)."""
    i = [nb.stem for nb in NOTEBOOKS].index(stem)
    parts = []
    if i > 0:
        parts.append(t("navigation", "← Previous: {notebook}").format(notebook=link(NOTEBOOKS[i - 1].stem, t)))
    if i > 1:  # from 01 the previous notebook already is the map
        parts.append(f"[{t('navigation', 'Course map')}](00_index.ipynb)")
    if i + 1 < len(NOTEBOOKS):
        parts.append(t("navigation", "Next: {notebook} →").format(notebook=link(NOTEBOOKS[i + 1].stem, t)))
    return "---\n\n" + " · ".join(parts)


def course_map_source(t=english) -> str:
    """00_index's ``course-map`` cell (``t``: see :func:`header_source`)."""
    columns = t("navigation", "| # | notebook | what it covers |")
    lines = [f"## {t('navigation', 'Course map')}", "", columns, "|---|---|---|"]
    for nb in NOTEBOOKS[1:]:
        title, summary = t(f"{nb.stem}:title", nb.title), t(f"{nb.stem}:summary", nb.summary)
        lines.append(f"| {nb.number} | [{title}]({nb.file}) | {summary} |")
    return "\n".join(lines)


def readme_with_map(text: str) -> str:
    """The README text with the course map between the markers regenerated (links into notebooks/)."""
    start, end = text.index(MAP_START) + len(MAP_START), text.index(MAP_END)
    table = course_map_source().split("\n", 2)[2].replace("](", "](notebooks/")
    return text[:start] + "\n" + table + "\n" + text[end:]


def slide_type(cell, tags) -> str:
    if "nav-header" in tags:
        return "slide"
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith("### "):
            return "subslide"
        if first.startswith("# ") or first.startswith("## "):
            return "slide"
    return "-"


def tagged(cell, tag) -> bool:
    return tag in cell.metadata.get("tags", [])


def new_cell(source, tag):
    cell = nbformat.v4.new_markdown_cell(source)
    cell.metadata["tags"] = [tag]
    return cell


def sync(nb, stem: str) -> list:
    """Bring ``nb`` in line with the course list; return descriptions of what differed."""
    changes = []
    cells = nb.cells

    def ensure(position, tag, source):  # position 0 (first cell) or -1 (last cell)
        cell = cells[position] if cells else None
        if cell is None or not tagged(cell, tag):
            changes.append(f"missing {tag} cell")
            cells.insert(0 if position == 0 else len(cells), new_cell(source, tag))
        elif cell.source != source:
            changes.append(f"{tag} differs from tools/syllabus.py")
            cell.source = source

    ensure(0, "nav-header", header_source(stem))
    if cells[0].get("attachments") != header_attachments():
        changes.append("the header's badge image differs from tools/binder_badge.svg")
        cells[0]["attachments"] = header_attachments()
    ensure(-1, "nav-footer", footer_source(stem))
    if stem == "00_index":
        maps = [c for c in cells if tagged(c, "course-map")]
        if not maps:
            changes.append("00_index has no cell tagged course-map")
        elif maps[0].source != course_map_source():
            changes.append("course map differs from tools/syllabus.py")
            maps[0].source = course_map_source()
    for cell in cells:
        want = slide_type(cell, cell.metadata.get("tags", []))
        if cell.metadata.get("slideshow", {}).get("slide_type") != want:
            cell.metadata["slideshow"] = {"slide_type": want}
            if "slide metadata" not in changes:
                changes.append("slide metadata")
    if nbgrader_cells.apply(nb):
        changes.append("nbgrader metadata")
    return changes


def main(check: bool) -> int:
    found, refused = [], False
    listed = {nb.file for nb in NOTEBOOKS}
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        if path.name not in listed:
            found.append(f"{path.name}: not in tools/syllabus.py's NOTEBOOKS")
            continue
        nb = nbformat.read(path, as_version=4)
        try:
            changes = sync(nb, path.stem)
        except ValueError as err:  # an exercise off the pattern: nothing is written until it is fixed
            found.append(f"{path.name}: {err}")
            refused = True
            continue
        if changes:
            found.append(f"{path.name}: {'; '.join(changes)}")
            if not check:
                nbformat.write(nb, path)
    readme = README.read_text(encoding="utf-8")
    if readme_with_map(readme) != readme:
        found.append("README.md: course map differs from tools/syllabus.py")
        if not check:
            README.write_text(readme_with_map(readme), encoding="utf-8")
    for line in found:
        print(line)
    if check and found:
        print("Run `make sync` (python tools/sync_notebooks.py) to regenerate navigation.")
        return 1
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
