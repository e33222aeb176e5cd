"""A static look at the code a learner wrote, for what a human should see before trusting a score.

Nothing here changes a score: the verdicts come from the checkers, outside the learner's kernel (tools/grade.py),
and the sandbox (tools/grade_sandbox.py) keeps the learner's code in its folder.  What neither can tell is
*how* a right answer was reached, so :func:`scan` flags code that reaches for the grading machinery or for the
library's own solution:

- rebinds a ``check_*`` name, imports from the checkers' package or patches an attribute of a module;
- touches ``os.environ``, ``signal`` (or ``os.kill``), ``sys.modules``/``sys.settrace``/``sys._getframe``,
  ``importlib``/``__import__``, runs code from text (``exec``, ``eval``, ``compile``, ``globals()``,
  ``setattr``), or imports ``ctypes``, ``gc``, ``inspect``, ``subprocess``, ``multiprocessing``, ``socket``;
- opens files, runs shell commands or IPython magics;
- calls a function of ``rnn_lib`` that the course's worked solution of that notebook does not call (returning
  ``rnn_lib.losses.softmax_cross_entropy(...)`` from the exercise, say): fine for self-learners, worth a look
  when grading.

A flag is a short phrase; :func:`scan` returns them sorted and without repeats.
"""

from __future__ import annotations

import ast

from IPython.core.inputtransformer2 import TransformerManager

LIBRARY = "rnn_lib"
PACKAGES = (LIBRARY, "course")  # the course's own packages: the library, and the teaching code beside it
CHECKERS = ("exercises", "_feedback")  # a module path of the course's with one of these parts is the checkers'
MODULES = ("signal", "importlib", "ctypes", "gc", "inspect", "subprocess", "multiprocessing", "socket", "builtins")
SYS_ATTRIBUTES = ("modules", "settrace", "setprofile", "_getframe", "meta_path", "path_hooks")
OS_ATTRIBUTES = ("environ", "environb", "putenv", "unsetenv", "kill", "killpg", "system", "fork", "_exit", "execv")
DYNAMIC = ("exec", "eval", "compile", "globals", "__import__", "setattr", "delattr", "__builtins__", "breakpoint")
FILES = ("read_text", "write_text", "read_bytes", "write_bytes", "unlink", "rmtree")


def python_of(source: str) -> str:
    """A cell's source as plain Python (IPython's magics and ``!`` commands become ``get_ipython()`` calls)."""
    return TransformerManager().transform_cell(source)


def library_names(sources, bound=None) -> set:
    """Dotted names of rnn_lib that ``sources`` use, e.g. {"rnn_lib.losses.softmax_cross_entropy"}.

    bound: names the notebook's read-only cells already bind to rnn_lib objects (name → dotted name).
    """
    found = set()
    for source in sources:
        found |= _Scan(dict(bound or {})).run(source).library
    return found


def bindings(sources) -> dict:
    """name → dotted name, for every ``import rnn_lib...`` and ``from rnn_lib... import`` in ``sources``."""
    names = {}
    for source in sources:
        scan = _Scan({}).run(source)
        names.update({k: v for k, v in scan.aliases.items() if v.split(".")[0] == LIBRARY})
    return names


def scan(learner_sources, solution_sources=(), locked_sources=()) -> list:
    """Flags for the learner's code cells (``learner_sources``), compared with the worked solution's cells."""
    bound = bindings(locked_sources)
    allowed = library_names(solution_sources, bound)
    flags = set()
    for source in learner_sources:
        result = _Scan(dict(bound)).run(source)
        flags |= result.flags
        flags |= {f"uses {name}, which the worked solution does not" for name in result.library - allowed}
    return sorted(flags)


class _Scan(ast.NodeVisitor):
    def __init__(self, aliases: dict):
        self.aliases = aliases  # name → dotted module path or object, from this cell's imports (and the notebook's)
        self.flags, self.library = set(), set()

    def run(self, source: str) -> _Scan:
        try:
            tree = ast.parse(python_of(source))
        except (SyntaxError, ValueError):
            return self  # it fails when it runs, and scores nothing; no flag
        self.visit(tree)
        return self

    def dotted(self, node) -> str | None:
        """``a.b.c`` with ``a`` resolved through the imports seen, or None."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        return ".".join([self.aliases.get(node.id, node.id), *reversed(parts)])

    def module(self, path: str) -> None:
        parts = path.split(".")
        if parts[0] in PACKAGES and any(p in CHECKERS for p in parts):
            last = max(i for i, p in enumerate(parts) if p in CHECKERS)
            self.flags.add(f"reaches into the checkers ({'.'.join(parts[: last + 1])})")
        if parts[0] in MODULES:
            self.flags.add(parts[0])

    def bind(self, name: str) -> None:
        if name.startswith("check_"):
            self.flags.add(f"rebinds {name}")

    def visit_Import(self, node):
        for alias in node.names:
            self.module(alias.name)
            self.bind(alias.asname or alias.name.split(".")[0])
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                self.aliases[alias.name.split(".")[0]] = alias.name.split(".")[0]
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        base = "." * node.level + (node.module or "")
        self.module(base)
        for alias in node.names:
            self.bind(alias.asname or alias.name)
            if base == "os" and alias.name in OS_ATTRIBUTES or base == "sys" and alias.name in SYS_ATTRIBUTES:
                self.flags.add(f"{base}.{alias.name}")
            self.aliases[alias.asname or alias.name] = f"{base}.{alias.name}"
            if base.split(".")[0] == LIBRARY and not any(p in CHECKERS for p in base.split(".")):
                self.library.add(f"{base}.{alias.name}")
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self.bind(node.name)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_ClassDef = visit_FunctionDef

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.bind(node.id)
        elif node.id in DYNAMIC:
            self.flags.add(f"runs code from text or rebinds by name ({node.id})")
        elif node.id == "get_ipython":
            self.flags.add("shell command or IPython magic")
        elif node.id == "open":
            self.flags.add("opens files")
        elif node.id in self.aliases and self.aliases[node.id].split(".")[0] == LIBRARY:
            inside = isinstance(getattr(node, "_parent", None), ast.Attribute)  # a.b.c: visit_Attribute has it
            if not inside and not any(p in CHECKERS for p in self.aliases[node.id].split(".")):
                self.library.add(self.aliases[node.id])
        self.generic_visit(node)

    def visit_Attribute(self, node):
        path = self.dotted(node)
        if path is not None:
            parts = path.split(".")
            if parts[0] == "os" and parts[1:2] and parts[1] in OS_ATTRIBUTES:
                self.flags.add(f"os.{parts[1]}")
            if parts[0] == "sys" and parts[1:2] and parts[1] in SYS_ATTRIBUTES:
                self.flags.add(f"sys.{parts[1]}")
            if parts[0] in PACKAGES:
                self.module(path)
                if not isinstance(node.ctx, ast.Load):
                    self.flags.add(f"patches {path}")
                elif parts[0] == LIBRARY and not isinstance(getattr(node, "_parent", None), ast.Attribute):
                    if not any(p in CHECKERS for p in parts):
                        self.library.add(path)
            elif not isinstance(node.ctx, ast.Load) and parts[0] in self.aliases:
                self.flags.add(f"patches {path}")
        if node.attr in FILES:
            self.flags.add("opens files")
        if node.attr.startswith("check_") and not isinstance(node.ctx, ast.Load):
            self.flags.add(f"rebinds {node.attr}")
        for child in ast.iter_child_nodes(node):
            child._parent = node
        self.generic_visit(node)
