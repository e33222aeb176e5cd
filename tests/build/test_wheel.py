"""The library works when installed from a wheel, not only as an editable checkout.

Nothing in ``rnn_lib`` may read files relative to the repository: a plain ``pip install .`` into a fresh environment
must import it and run the README's snippet.  One test, about 15 s (a wheel build and a fresh venv): run by
`make build-test` (CI: .github/workflows/build.yml, on every change of the package), not by `make test`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_snippet() -> str:
    """The first python block of README.md that imports rnn_lib: the code a newcomer copies first."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), flags=re.S)
    snippets = [block for block in blocks if "import rnn_lib" in block]
    assert snippets, "README.md has no ```python block that imports rnn_lib"
    return snippets[0]


def test_a_wheel_installed_in_a_fresh_environment_runs_the_readme_snippet(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("rnn_lib-*.whl")
    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
    )
    check = (
        "import pathlib, rnn_lib\n"
        f"assert not pathlib.Path(rnn_lib.__file__).is_relative_to({str(ROOT)!r}), rnn_lib.__file__\n"
        + readme_snippet()
        + "\nprint('snippet ran')\n"
    )
    # Run from the temporary folder, so the checkout on sys.path cannot stand in for the installed package.
    run = subprocess.run([str(python), "-I", "-c", check], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0 and "snippet ran" in run.stdout, run.stdout + run.stderr
