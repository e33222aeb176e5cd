"""A pytest plugin for tests/test_checker_language.py: every checker call of the tests it runs, in both languages.

    CHECKER_LANGUAGE_RECORD=out.jsonl python -m pytest -p tests.checker_language_plugin tests/test_exercises_loss_output.py

Every ``check_*`` of course/exercises is replaced, before the tests import it, by one that calls the checker in
English (what the test receives and asserts on, so the tests run as they always do) and once more with
COURSE_LANG=zh, and writes one JSON line per call: the checker, the test, and each language's status, mistake and
text.  The answers are the tests' own: the wrong variants they feed each checker.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import pkgutil


def _in(lang: str, check, args, kwargs):
    before = os.environ.get("COURSE_LANG")
    os.environ["COURSE_LANG"] = lang
    try:
        fb = check(*args, **kwargs)
        return fb, {"status": fb.status, "mistake": fb.mistake, "text": str(fb)} if hasattr(fb, "status") else None
    except Exception as err:  # noqa: BLE001 - a checker that raises is itself a finding, recorded as such
        return err, {"raised": f"{type(err).__name__}: {err}"}
    finally:
        if before is None:
            os.environ.pop("COURSE_LANG", None)
        else:
            os.environ["COURSE_LANG"] = before


def _both(qualname: str, check, path: str):
    @functools.wraps(check)
    def both(*args, **kwargs):
        en, en_seen = _in("en", check, args, kwargs)
        _, zh_seen = _in("zh", check, args, kwargs)
        if en_seen is not None:
            line = {
                "checker": qualname,
                "test": os.environ.get("PYTEST_CURRENT_TEST", ""),
                "en": en_seen,
                "zh": zh_seen,
            }
            with open(path, "a", encoding="utf-8") as f:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
        if isinstance(en, Exception):
            raise en
        return en

    return both


def pytest_configure(config):
    path = os.environ["CHECKER_LANGUAGE_RECORD"]
    import course.exercises

    for info in pkgutil.iter_modules(course.exercises.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"course.exercises.{info.name}")
        for name, value in list(vars(module).items()):
            if name.startswith("check_") and callable(value) and getattr(value, "__module__", "") == module.__name__:
                setattr(module, name, _both(f"{module.__name__}.{name}", value, path))
