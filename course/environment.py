"""The check every notebook's first cell runs, so an outdated setup explains itself."""

from __future__ import annotations

import sys
from importlib import metadata

from .i18n import N_, language, tr

# Oldest versions the course is tested against; keep in step with pyproject.toml.
MINIMUM = {"numpy": "1.24", "matplotlib": "3.7"}
HOW_TO_FIX = N_(
    "From the repository root run `make lab` (it installs everything into .venv), or `pip install -e '.[course]'`."
)


def _as_tuple(version: str) -> tuple:
    parts = []
    for piece in version.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_environment() -> None:
    """Raise a RuntimeError that says what to do if Python or a dependency is too old or missing.

    Prints nothing when all is well (notebook outputs must not depend on versions).  A COURSE_LANG the course does
    not know is a ValueError here, in the first cell, rather than English feedback nobody asked for.
    """
    language()
    if sys.version_info < (3, 10):  # noqa: UP036 -- the point is to explain an old kernel, not to run on it
        raise RuntimeError(
            tr("This course needs Python 3.10 or newer; this kernel runs {version}. {how_to_fix}").format(
                version=sys.version.split()[0], how_to_fix=tr(HOW_TO_FIX)
            )
        )
    for package, oldest in MINIMUM.items():
        try:
            found = metadata.version(package)
        except metadata.PackageNotFoundError:
            raise RuntimeError(
                tr("{package} is not installed in this kernel. {how_to_fix}").format(
                    package=package, how_to_fix=tr(HOW_TO_FIX)
                )
            ) from None
        if _as_tuple(found) < _as_tuple(oldest):
            raise RuntimeError(
                tr("{package} {found} is too old: the course needs {package} >= {oldest}. {how_to_fix}").format(
                    package=package, found=found, oldest=oldest, how_to_fix=tr(HOW_TO_FIX)
                )
            )
