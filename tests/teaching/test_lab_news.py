"""`make lab` opens without JupyterLab's news pop-up (`make lab-test`), and without the course's setting it shows.

Each case starts JupyterLab on 127.0.0.1 as `make lab` does, for a user who never answered the question (fresh
user settings), and opens the course map in Chromium with every request off this machine blocked.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the browser checks: make lab-test")

from tests.notebook_files import NOTEBOOK_DIR  # noqa: E402
from tests.teaching.browser import offline_page  # noqa: E402
from tools import lab_settings  # noqa: E402

QUESTION = "Would you like to get notified about official Jupyter news?"
TOKEN = "course-lab-test"
NOTIFICATION = "@jupyterlab/apputils-extension:notification"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(tmp_path, *extra):
    port = free_port()
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "user-settings"),  # nobody answered the question yet
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ServerApp.ip=127.0.0.1"]
    command += [f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={NOTEBOOK_DIR}"]
    command += ["--allow-root"] * (os.getuid() == 0) + list(extra)
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
            return server, base
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise RuntimeError("JupyterLab did not start")


def stop(server) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:  # a server busy shutting down its kernels: do not leave it behind
        server.kill()
        server.wait()


def fetch_news_setting(base) -> str:
    """The value JupyterLab uses: the user's own setting, else the default (where overrides.d lands)."""
    url = f"{base}/lab/api/settings/{NOTIFICATION}?token={TOKEN}"
    served = json.load(urllib.request.urlopen(url, timeout=10))
    return served["settings"].get("fetchNews", served["schema"]["properties"]["fetchNews"]["default"])


def seconds_until_the_question(tmp_path, wait, *extra):
    """(fetchNews as the server serves it, seconds from the notebook's display to the pop-up or None)."""
    server, base = start_lab(tmp_path, *extra)
    try:
        setting = fetch_news_setting(base)
        blocked = []
        with sync_api.sync_playwright() as p, offline_page(p, blocked) as page:
            page.goto(f"{base}/lab/tree/00_index.ipynb?token={TOKEN}")
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
            shown = time.monotonic()
            try:
                page.get_by_text(QUESTION).wait_for(timeout=wait * 1000)
                return setting, time.monotonic() - shown
            except sync_api.TimeoutError:
                return setting, None
    finally:
        stop(server)


@pytest.fixture(scope="module")
def without_setting(tmp_path_factory):
    empty = tmp_path_factory.mktemp("no-course-settings")  # JupyterLab's defaults alone
    return seconds_until_the_question(tmp_path_factory.mktemp("a"), 60, f"--LabApp.app_settings_dir={empty}")


def test_without_the_setting_the_question_pops_up(without_setting):
    setting, seconds = without_setting
    print(f"without the course's setting: fetchNews={setting!r}, pop-up after {seconds} s")
    assert setting == "none" and seconds is not None


def test_with_the_course_setting_it_does_not(tmp_path, without_setting):
    installed = lab_settings.overrides_dir() / lab_settings.FILE_NAME
    assert installed.exists(), "make lab installs it (tools/lab_settings.py)"
    wait = max(15.0, 3 * without_setting[1])  # three times as long as it took to appear without the setting
    setting, seconds = seconds_until_the_question(tmp_path, wait)
    print(f"with the course's setting: fetchNews={setting!r}, no pop-up in {wait:.0f} s: {seconds is None}")
    assert setting == "false" and seconds is None
