"""Headless Chromium (Debian's, no browser download) with every request off this machine blocked.

Used by `make site-test` and `make lab-test`; ``CHROMIUM`` names another Chromium or Chrome.
"""

import os
from contextlib import contextmanager
from urllib.parse import urlparse

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
ARGS = [
    "--no-sandbox",  # runs as root in containers and CI
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",  # no name resolves, should a request slip by
]


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in {"file", "data", "blob", "about"} or parsed.hostname in LOCAL_HOSTS


@contextmanager
def offline_page(playwright, blocked: list):
    """A fresh page in which every non-local request is aborted and its URL appended to ``blocked``."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        context = browser.new_context(viewport={"width": 1200, "height": 900})

        def route(route):
            if is_local(route.request.url):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", route)
        yield context.new_page()
    finally:
        browser.close()
