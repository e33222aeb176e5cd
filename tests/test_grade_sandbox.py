"""The grading sandbox (tools/grade_sandbox.py): what bubblewrap is told, and, where bubblewrap is installed, what a
process inside it can and cannot do.  The whole class, graded end to end, is `make grade-test`."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tools import grade_sandbox
from tools.grade_sandbox import Limits

HAVE_BWRAP = grade_sandbox.missing_tools() is None
needs_bwrap = pytest.mark.skipif(not HAVE_BWRAP, reason="bubblewrap: apt-get install bubblewrap")


def pairs(args, option):
    return [args[i + 1 : i + 3] for i, a in enumerate(args) if a == option]


def test_the_sandbox_shares_nothing_keeps_no_capability_and_starts_from_an_empty_environment(tmp_path):
    args = grade_sandbox.bwrap_args(tmp_path)
    for option in ("--unshare-all", "--die-with-parent", "--new-session", "--clearenv"):
        assert option in args
    assert args[args.index("--cap-drop") + 1] == "ALL"
    assert "--share-net" not in args


def test_only_the_learners_folder_is_writable_and_the_root_is_not_shown_whole(tmp_path):
    args = grade_sandbox.bwrap_args(tmp_path)
    assert pairs(args, "--bind") == [[str(tmp_path), str(tmp_path)]]
    assert ["/", "/"] not in pairs(args, "--ro-bind")
    shown = [src for src, _ in pairs(args, "--ro-bind")]
    assert str(grade_sandbox.ROOT) in shown and "/usr" in shown


def test_submissions_and_grades_inside_the_course_are_covered(tmp_path):
    inside = [grade_sandbox.ROOT / "tools", grade_sandbox.ROOT / "tests"]  # stand-ins: folders that exist
    args = grade_sandbox.bwrap_args(tmp_path, hidden=inside)
    covered = [args[i + 1] for i, a in enumerate(args) if a == "--tmpfs"]
    assert all(str(p) in covered for p in inside)
    assert args.index("--bind") > max(i for i, a in enumerate(args) if a == "--tmpfs")  # the learner's folder last


def test_the_limits_reach_prlimit_and_bad_limits_are_refused(tmp_path):
    argv = grade_sandbox.command(tmp_path, ["true"], Limits(memory_bytes=2**30, file_bytes=2**20))
    assert argv[:5] == ["prlimit", f"--as={2**30}", f"--fsize={2**20}", "--core=0", "--"]
    assert argv[argv.index("--", 5) + 1 :] == ["true"]
    for bad in (0, -1, float("nan"), "10", True):
        with pytest.raises(ValueError, match="notebook_seconds"):
            Limits(notebook_seconds=bad)


def test_the_learners_kernel_sees_no_variable_of_the_lecturers(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_TOKEN", "x")
    env = grade_sandbox.environment(tmp_path)
    assert "SECRET_TOKEN" not in env and env["HOME"] == str(tmp_path) and "NBGRADER_EXECUTION" not in env


def running_with(text):
    """The processes of this machine whose command line contains ``text``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        if cmdline.parent.name == str(os.getpid()):
            continue
        try:
            if text.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            pass  # ended meanwhile
    return found


def inside(tmp_path, code, seconds=30, hidden=()):
    argv = grade_sandbox.command(tmp_path, [sys.executable, "-c", code], Limits(), hidden)
    return subprocess.run(argv, capture_output=True, text=True, timeout=seconds)


@needs_bwrap
def test_inside_the_course_is_read_only_and_the_learners_folder_writable(tmp_path):
    code = (
        "import pathlib\n"
        "pathlib.Path('mine.txt').write_text('ok')\n"
        f"pathlib.Path({str(grade_sandbox.ROOT / 'rnn_lib' / '_x.py')!r}).write_text('')\n"
    )
    run = inside(tmp_path, code)
    assert "Read-only file system" in run.stderr
    assert (tmp_path / "mine.txt").read_text() == "ok"
    for elsewhere in ("/tmp/x", "/x", str(tmp_path.parent / "x")):  # the sandbox's /tmp and root, a neighbour
        run = inside(tmp_path, f"open({elsewhere!r}, 'w')")
        assert "Read-only file system" in run.stderr or "No such file" in run.stderr
    assert not (grade_sandbox.ROOT / "rnn_lib" / "_x.py").exists()


@needs_bwrap
def test_a_hidden_folder_is_empty_inside_and_home_is_not_there(tmp_path):
    secret = tmp_path / "others"
    secret.mkdir()
    (secret / "alice.ipynb").write_text("{}")
    work = tmp_path / "bob"
    work.mkdir()
    code = f"import os, pathlib; print(os.path.exists({str(secret / 'alice.ipynb')!r}), pathlib.Path.home())"
    run = inside(work, code, hidden=[secret])
    assert run.stdout.split() == ["False", str(work)]


@needs_bwrap
def test_there_is_no_network(tmp_path):
    with socket.socket() as server:  # a server of the lecturer's, on loopback: not reachable from inside
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = f"import socket; socket.create_connection(('127.0.0.1', {port}), timeout=2); print('connected')"
        run = inside(tmp_path, code)
    assert "connected" not in run.stdout and "Error" in run.stderr


@needs_bwrap
def test_time_up_kills_every_process_inside_even_one_that_left_the_session(tmp_path):
    code = (
        "import os, subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import os, time; os.setsid(); time.sleep(60); "
        'open("late.txt", "w").write("x")\'])\n'
        "time.sleep(60)\n"
    )
    argv = grade_sandbox.command(tmp_path, [sys.executable, "-c", code], Limits())
    started = time.monotonic()
    outcome = grade_sandbox.run(argv, 2.0, tmp_path / "log.txt")
    assert outcome.status == "timed out" and time.monotonic() - started < 10
    time.sleep(1)
    assert running_with("late.txt") == [] and not (tmp_path / "late.txt").exists()


@needs_bwrap
def test_memory_beyond_the_limit_is_refused(tmp_path):
    argv = grade_sandbox.command(
        tmp_path, [sys.executable, "-c", "b = bytearray(3 * 2**30)"], Limits(memory_bytes=2 * 2**30)
    )
    run = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    assert run.returncode != 0 and "MemoryError" in run.stderr


def test_the_course_language_is_passed_into_the_sandbox_explicitly(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "zh")  # the lecturer's shell: not what the sandbox sees
    assert grade_sandbox.environment(tmp_path)["COURSE_LANG"] == "en"
    args = grade_sandbox.bwrap_args(tmp_path, lang="zh")
    k = args.index("COURSE_LANG")
    assert args[k - 1 : k + 2] == ["--setenv", "COURSE_LANG", "zh"]
