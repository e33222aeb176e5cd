"""Every figure the notebooks make is readable on a laptop and a projector: text at least 10 px high on screen.

JupyterLab shows a PNG at its own size, shrunk to the output area when wider.  On a laptop (1366 px wide, the file
browser open) the output area of a notebook is 968 px wide, as measured in JupyterLab 4 (issue 27).  A text of f
points in a figure saved at d dots per inch is f · d / 72 px tall (its em); shrunk by 968 / (PNG width) when the
PNG is wider, and its capitals and digits are 0.73 em high (DejaVu Sans, matplotlib's font).  The smallest text
of a figure is its smallest font size: the course style's (course/plotting/style.py), or a ``fontsize=`` in the
cell or in a course.plotting function the cell calls.
"""

import base64
import re
import struct
from pathlib import Path

import matplotlib as mpl
import pytest

from course.plotting.style import use_course_style
from tests.notebook_files import NOTEBOOK_PATHS, ROOT, read

LAB_OUTPUT_WIDTH = 968  # px, JupyterLab 4's notebook output area on a 1366 px laptop screen with the file browser open
CAP_HEIGHT = 0.729  # DejaVu Sans: capitals and digits are 0.729 em high
MIN_TEXT_PX = 10.0
FONTSIZE = re.compile(r"\bfontsize\s*=\s*([0-9.]+)")


def style_sizes():
    with mpl.rc_context():
        use_course_style()
        keys = (
            "font.size",
            "axes.titlesize",
            "axes.labelsize",
            "legend.fontsize",
            "xtick.labelsize",
            "ytick.labelsize",
        )
        return {k: mpl.rcParams[k] for k in keys}, mpl.rcParams["figure.dpi"]


def plotting_function_sizes():
    """course.plotting function name → the font sizes its body sets."""
    out = {}
    for path in (ROOT / "course" / "plotting").glob("*.py"):
        source = path.read_text()
        starts = [(m.start(), m[1]) for m in re.finditer(r"^def (\w+)\(", source, re.MULTILINE)] + [(len(source), "")]
        for (begin, name), (end, _) in zip(starts, starts[1:]):
            out[name] = [float(s) for s in FONTSIZE.findall(source[begin:end])]
    return out


def figures():
    """(label, PNG width in px, smallest font size in points) for every figure in the committed notebooks."""
    sizes, _ = style_sizes()
    smallest_style = min(float(v) for v in sizes.values())
    functions = plotting_function_sizes()
    found = []
    for path in NOTEBOOK_PATHS:
        for i, cell in enumerate(read(path).cells):
            if cell.cell_type != "code":
                continue
            called = [s for name, ss in functions.items() if re.search(rf"\b{name}\(", cell.source) for s in ss]
            smallest = min([smallest_style, *map(float, FONTSIZE.findall(cell.source)), *called])
            for out in cell.get("outputs", []):
                png = out.get("data", {}).get("image/png")
                if png:
                    width = struct.unpack(">I", base64.b64decode(png[:32])[16:20])[0]
                    found.append((f"{Path(path).stem} cell {i}", width, smallest))
    return found


def text_px(width, points, dpi):
    return points * dpi / 72 * min(1.0, LAB_OUTPUT_WIDTH / width) * CAP_HEIGHT


def test_the_notebooks_make_figures():
    assert len(figures()) >= 30


@pytest.mark.parametrize("label, width, points", figures(), ids=[label for label, *_ in figures()])
def test_every_figure_has_text_at_least_10_px_high_in_jupyterlab(label, width, points):
    _, dpi = style_sizes()
    px = text_px(width, points, dpi)
    assert px >= MIN_TEXT_PX, (
        f"{label}: a {width} px wide PNG is shown {LAB_OUTPUT_WIDTH} px wide; its smallest text ({points:g} pt) is "
        f"{px:.1f} px high. Make the figure narrower (figsize) or its text larger."
    )


def test_the_measure_flags_the_strip_the_issue_measured():
    # 03's five-panel strip before the fix: 1511 px wide, ticks of 12 pt at 100 dpi -> about 8 px high.
    assert 7.5 < text_px(1511, 12, 100) < 8.0
