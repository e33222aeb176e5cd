"""The sandbox a learner's notebook runs in while it is graded: bubblewrap, with limits on time, memory and files.

What the learner's code sees (tools/grade.py runs one sandbox per notebook, tools/grade_runner.py inside it):

- the system (/usr, /etc, ...), the Python installation, and this course with its .venv: all read-only;
- the learner's own working folder, the only place it can write, and a private, empty /tmp;
- nothing else: no home folder, no other learner's files, no submissions folder, no output folder (scores,
  feedback), no other project on the machine; no network (a fresh network namespace with only loopback); its own
  process tree, killed as a whole when the time is up (a pid namespace: nothing it starts survives it); no
  terminal (a new session); no capabilities; an empty environment but for the variables set here.

Limits (Limits, and `make grade NOTEBOOK_SECONDS=... LEARNER_SECONDS=... MEMORY_MB=...`): wall-clock seconds per
notebook and per learner, address space per process, size of any file written.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tools" / "grade_runner.py"
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
SECRETS = ("/etc/shadow", "/etc/gshadow", "/etc/shadow-", "/etc/gshadow-", "/etc/ssh", "/etc/ssl/private")
INSTALL = "bubblewrap is not installed: `sudo apt-get install bubblewrap` (Debian, Ubuntu), `dnf install bubblewrap`"


@dataclass(frozen=True)
class Limits:
    notebook_seconds: float = 180.0  # one notebook, kernel start included (they run in seconds)
    learner_seconds: float = 900.0  # all of one learner's notebooks together
    memory_bytes: int = 4 * 2**30  # address space of each process in the sandbox
    file_bytes: int = 256 * 2**20  # the largest file the learner's code may write

    def __post_init__(self):
        for name in ("notebook_seconds", "learner_seconds", "memory_bytes", "file_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"Limits.{name}: expected a positive number, got {value!r}")


@dataclass(frozen=True)
class Outcome:
    status: str  # "finished", "timed out", or "failed" (the runner stopped with an error: see the log)
    seconds: float
    returncode: int | None


def missing_tools() -> str | None:
    """None when the sandbox can be built here, else what to install."""
    if not sys.platform.startswith("linux"):
        return f"the grading sandbox needs Linux (bubblewrap); this is {sys.platform}"
    if shutil.which("bwrap") is None:
        return INSTALL
    if shutil.which("prlimit") is None:
        return "prlimit is not installed: `sudo apt-get install util-linux`"
    return None


def _real(path) -> Path:
    return Path(os.path.realpath(path))


def readable_paths() -> list:
    """The folders the sandbox shows, read-only, besides the system's: Python itself, the .venv, the course."""
    paths = [_real(sys.base_prefix), _real(sys.prefix), _real(sys.executable).parent.parent, ROOT]
    out = []
    for p in sorted(set(paths), key=lambda p: (len(p.parts), str(p))):
        if not any(p == q or q in p.parents for q in out) and not any(p.is_relative_to(s) for s in SYSTEM):
            out.append(p)
    return out


def _under_any(path: Path, folders) -> bool:
    return any(path == f or f in path.parents for f in folders)


def environment(work: Path) -> dict:
    """The only variables the learner's kernel sees."""
    venv_bin = Path(sys.prefix) / "bin"
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "TMPDIR": str(work / ".tmp"),  # on disk: the sandbox's /tmp is an empty, read-only folder in memory
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "JUPYTER_PREFER_ENV_PATH": "1",
        "JUPYTER_RUNTIME_DIR": str(work / ".jupyter-runtime"),
        "IPYTHONDIR": str(work / ".ipython"),
        "MPLCONFIGDIR": str(work / ".matplotlib"),
    }


def bwrap_args(work: Path, hidden=(), inbox=None, system=SYSTEM, secrets=SECRETS) -> list:
    """bubblewrap's options: what the sandbox shows (read-only), hides, and lets ``work`` write.

    hidden: folders to cover with an empty tmpfs when they lie inside a folder the sandbox shows (the submissions
    and output folders, when they sit inside the course).  inbox: a folder shown read-only (the notebooks to run,
    written by the grader where the learner's code cannot plant anything).
    """
    work = _real(work)
    args = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--clearenv"]
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for path in system:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    shown = readable_paths()
    for path in shown:
        args += ["--ro-bind", str(path), str(path)]
    for path in secrets:
        if os.path.isdir(path) and not os.path.islink(path):
            args += ["--tmpfs", path, "--remount-ro", path]
        elif os.path.isfile(path) and not os.path.islink(path):
            args += ["--ro-bind", "/dev/null", path]
    visible = [Path(p) for p in system] + shown
    for path in sorted({_real(h) for h in hidden}, key=str):
        if _under_any(path, visible) and not _under_any(work, [path]) and path.exists():
            args += ["--tmpfs", str(path), "--remount-ro", str(path)]
    if inbox is not None:
        args += ["--ro-bind", str(_real(inbox)), str(_real(inbox))]
    args += ["--bind", str(work), str(work), "--chdir", str(work)]
    # the sandbox's own root (where the mount points live) and /tmp: nothing can be written there, so nothing fills
    # memory (a tmpfs lives in RAM); the learner's folder, mounted on its own, stays writable
    args += ["--remount-ro", "/tmp", "--remount-ro", "/"]
    for key, value in environment(work).items():
        args += ["--setenv", key, value]
    return args


def runner(source: Path, target: Path) -> list:
    """The command that executes the prepared notebook ``source`` into ``target`` (tools/grade_runner.py)."""
    return [str(Path(sys.prefix) / "bin" / "python"), str(RUNNER), str(source), str(target)]


def command(work: Path, inner: list, limits: Limits, hidden=(), inbox=None) -> list:
    """The full command that runs ``inner`` in the sandbox of the working folder ``work``, under ``limits``."""
    prlimit = ["prlimit", f"--as={int(limits.memory_bytes)}", f"--fsize={int(limits.file_bytes)}", "--core=0", "--"]
    return prlimit + bwrap_args(work, hidden, inbox) + ["--", *inner]


def read_untrusted(path: Path, limit: int) -> bytes | None:
    """A file the learner's code could have written, read without following a link it planted: its first
    ``limit`` bytes, or None if it is missing, no regular file, or larger."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return None
        data = f.read(limit + 1)
    return data if len(data) <= limit else None


def seed_font_cache(work: Path) -> None:
    """Copy matplotlib's font list into the learner's folder, so that its kernel does not build it (seconds), and
    make the folder for temporary files (TMPDIR)."""
    (work / ".tmp").mkdir(exist_ok=True)
    target = work / ".matplotlib"
    target.mkdir(exist_ok=True)
    places = [os.environ.get("MPLCONFIGDIR"), Path.home() / ".cache" / "matplotlib", Path.home() / ".matplotlib"]
    for place in filter(None, places):
        for font_list in sorted(Path(place).glob("fontlist-*.json")):
            shutil.copyfile(font_list, target / font_list.name)
        if any(target.glob("fontlist-*.json")):
            return


def run(argv: list, seconds: float, log: Path, cwd=None, env=None) -> Outcome:
    """Run ``argv``; past ``seconds`` of wall-clock time its whole process tree is killed."""
    started = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True, cwd=cwd, env=env
        )
        try:
            code = proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            kill(proc)
            return Outcome("timed out", time.monotonic() - started, None)
    return Outcome("finished" if code == 0 else "failed", time.monotonic() - started, code)


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL the sandbox's process group; bubblewrap's pid namespace takes every process inside with it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
