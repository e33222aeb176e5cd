"""JupyterLab opens without the news pop-up: a default setting, installed for every route into the course.

`make lab-test` shows in a browser that the pop-up is gone with the setting and there without it.
"""

import json
import os
import re
from pathlib import Path

from tests.notebook_files import ROOT
from tools import lab_settings

NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def test_install_writes_the_setting_where_jupyterlab_reads_defaults(tmp_path):
    path = lab_settings.install(tmp_path)
    assert path == tmp_path / "settings" / "overrides.d" / "rnn-course.json"
    assert json.loads(path.read_text(encoding="utf-8")) == {NOTIFICATION: {"fetchNews": "false"}}


def test_the_setting_is_one_the_installed_jupyterlab_accepts():
    from jupyterlab.commands import get_app_dir

    plugin, name = NOTIFICATION.split(":")
    schema = Path(get_app_dir()) / "schemas" / plugin / f"{name}.json"
    fetch_news = json.loads(schema.read_text(encoding="utf-8"))["properties"]["fetchNews"]
    # JupyterLab 4.0 (the floor, make test-oldest) lists the values as an enum; later versions as oneOf with titles
    allowed = fetch_news["enum"] if "enum" in fetch_news else [choice["const"] for choice in fetch_news["oneOf"]]
    assert lab_settings.SETTINGS[NOTIFICATION]["fetchNews"] in allowed


def test_make_lab_installs_it_into_the_venvs_jupyterlab():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^LAB_SETTINGS := (.+)$", makefile, re.MULTILINE).group(1).replace("$(VENV)", ".venv")
    assert ROOT / target == lab_settings.overrides_dir(ROOT / ".venv/share/jupyter/lab") / lab_settings.FILE_NAME
    assert re.search(r"^lab: .*\$\(LAB_SETTINGS\)", makefile, re.MULTILINE)


def test_binder_runs_it_from_a_postbuild_that_stops_on_errors():
    post_build = ROOT / "postBuild"
    lines = post_build.read_text(encoding="utf-8").splitlines()
    assert os.access(post_build, os.X_OK) and lines[0].startswith("#!")
    assert "set -e" in lines and lines.index("set -e") < next(
        i for i, l in enumerate(lines) if "tools/lab_settings.py" in l
    )
    assert not (ROOT / "binder").exists(), "a binder/ folder makes repo2docker ignore environment.yml and postBuild"


def test_the_conda_route_in_the_readme_runs_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    conda = readme[readme.index("**With conda or mamba**") :].split("```")[1]
    assert "python tools/lab_settings.py" in conda
