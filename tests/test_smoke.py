"""The package imports headless, without matplotlib."""

import subprocess
import sys


def test_import_rnn_lib_does_not_load_matplotlib():
    code = "import sys, rnn_lib; sys.exit(1 if 'matplotlib' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
