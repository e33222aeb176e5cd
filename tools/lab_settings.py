"""The course's JupyterLab defaults: no "Would you like to get notified about official Jupyter news?" pop-up.

    python tools/lab_settings.py      (make lab runs it for .venv; the conda route and Binder's postBuild too)

JupyterLab reads every JSON file in ``<its application folder>/settings/overrides.d`` as default settings,
under whatever a user sets.  This writes ``SETTINGS`` there as ``rnn-course.json``: "Fetch official Jupyter
news" = Never, the setting behind the pop-up (Settings → Notifications turns it back on).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SETTINGS = {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false"}}
FILE_NAME = "rnn-course.json"


def overrides_dir(app_dir: str | Path | None = None) -> Path:
    """Where JupyterLab looks for default settings; ``app_dir`` defaults to the running Python's JupyterLab."""
    if app_dir is None:
        from jupyterlab.commands import get_app_dir

        app_dir = get_app_dir()
    return Path(app_dir) / "settings" / "overrides.d"


def install(app_dir: str | Path | None = None) -> Path:
    """Write the course's defaults for the JupyterLab in ``app_dir``; returns the file written."""
    path = overrides_dir(app_dir) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(SETTINGS, indent=2) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    written = install(sys.argv[1] if len(sys.argv) > 1 else None)
    print(f"JupyterLab defaults for the course written to {written}")
