"""The checkers' messages in the learner's language: extract them into course.po, check the translations, wrap new code.

    python tools/checker_messages.py update        # collect every tr("...") / N_("...") of SOURCES into course.po
    python tools/checker_messages.py status        # translated / fuzzy / untranslated
    python tools/checker_messages.py check         # translations whose placeholders, formulas or code differ
    python tools/checker_messages.py wrap FILE...  # draft for a new checker module: f-strings → tr(...).format(...)

course/i18n.py says how a message is written.  The catalogue, locale/zh_CN/LC_MESSAGES/course.po, has one entry per
(module, English template)::

    msgctxt "course.exercises.loss"                    ← the module that writes the message
    msgid "{name} has shape {shape}, expected {expected}."
    msgstr "{name} 的形状是 {shape}，应为 {expected}。"

Messages are found with ast, never by pattern: a call ``tr("literal")`` or ``N_("literal")`` (implicitly
concatenated literals are one literal).  An English edit leaves no entry for the old text: :func:`merge` then gives
the new text the old translation of the most similar message of the same module, marked fuzzy with the old English
as ``#| msgid``; the tests fail until it is translated again.

``wrap`` is a first draft, not a finished edit: it rewrites, in the files named, every f-string and prose string
inside a function into ``tr(...)`` (an f-string's values become named placeholders) and every prose string outside
one (a mistake's name, a table of advice), a dict key or a Feedback's mistake into ``N_(...)``.  Read the diff:
a placeholder whose value is itself a message needs ``tr(...)`` around the value, a default argument needs
``N_``, two placeholders must not touch, and a sentence cut in two by ``+`` is better one template.
"""

from __future__ import annotations

import ast
import re
import string
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
import translations  # noqa: E402  (tools/translations.py: the notebooks' catalogues, whose rules these share)

from course import i18n  # noqa: E402

SOURCES = ("course/exercises/*.py", "course/environment.py", "tools/grade.py")
MARKERS = ("tr", "N_")


def source_files() -> list[Path]:
    return sorted({p for pattern in SOURCES for p in ROOT.glob(pattern)})


def module_name(path: Path) -> str:
    """course/exercises/loss.py → course.exercises.loss (a file outside the repository: its stem)."""
    path = path.resolve()
    if ROOT not in path.parents:
        return path.stem
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def extract_file(path: Path) -> list[tuple[str, str, int, bool]]:
    """(module, English text, line, formatted) of every ``tr("...")`` / ``N_("...")`` with a literal argument in
    ``path``; formatted: the text is a template, ``tr("...").format(...)`` (its braces are placeholders; in any
    other message a brace is a character, as in h_{t−1})."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in MARKERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            parent = parents.get(node)
            formatted = isinstance(parent, ast.Attribute) and parent.attr == "format"
            found.append((module_name(path), node.args[0].value, node.lineno, formatted))
    return sorted(found, key=lambda item: item[2])


def extract() -> list[tuple[str, str, int, str, bool]]:
    """(module, text, line, file, formatted) of every message of SOURCES, in file and line order, each (module,
    text) once (formatted if any of its uses is)."""
    out = {}
    for path in source_files():
        for module, msgid, line, formatted in extract_file(path):
            if (module, msgid) in out:
                formatted = formatted or out[(module, msgid)][4]
                out[(module, msgid)] = (*out[(module, msgid)][:4], formatted)
            else:
                out[(module, msgid)] = (module, msgid, line, str(path.relative_to(ROOT)), formatted)
    return list(out.values())


def merge(wanted, old: polib.POFile | None) -> polib.POFile:
    """The catalogue for ``wanted`` (from :func:`extract`): translations kept where the English is unchanged, fuzzy
    (with the old English as previous_msgid) where a message of the same module changed (difflib ratio ≥ 0.5).

    A translated message no source has any more is kept as obsolete (``#~``, gettext's way), and comes back to life
    when a source has it again: that is how translations written ahead of their module wait for it (the obsolete
    entries of course.exercises.deep, for notebook 20's checker as ``wrap`` drafts it).  The rule is the notebooks'
    (tools/translations.py, merge_messages), with obsolete entries kept.
    """
    messages = [
        (module, msgid, (file, str(line)), ["python-brace-format"] if formatted else [])
        for module, msgid, line, file, formatted in wanted
    ]
    return translations.merge_messages("rnn-bptt-course checkers", messages, old, obsolete=True)


def load() -> polib.POFile | None:
    path = i18n.catalogue_path("zh")
    return polib.pofile(str(path), wrapwidth=0) if path.exists() else None


def update() -> polib.POFile:
    po = merge(extract(), load())
    path = i18n.catalogue_path("zh")
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    i18n.reload()
    return po


def placeholders(template: str) -> list[str]:
    """Every ``{...}`` field of a template with its conversion and format spec, sorted (what a translation copies)."""
    out = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is not None:
            out.append("{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}")
    return sorted(out)


def touching(template: str) -> bool:
    """True when two placeholders of ``template`` have nothing between them (a printed line could not be read back)."""
    parts = list(string.Formatter().parse(template))
    return any(name is not None and text == "" and i > 0 for i, (text, name, _, _) in enumerate(parts))


_BRACES = re.compile(r"\{[^{}]*\}")


def problems(msgid: str, msgstr: str, formatted: bool = True) -> list[str]:
    """What a translation must copy and did not: placeholders (with their formats) of a template, the braces of
    any other message (h_{t−1} is maths), formulas, code spans."""
    found = []
    if formatted:
        try:
            target = placeholders(msgstr)
        except ValueError as err:
            return [f"the translation is not a valid template: {err}"]
        if placeholders(msgid) != target:
            found.append(f"placeholders differ: English {placeholders(msgid)}, translation {target}")
        if touching(msgstr) and not touching(msgid):
            found.append("two placeholders touch in the translation")
    elif sorted(_BRACES.findall(msgid)) != sorted(_BRACES.findall(msgstr)):
        found.append(
            f"braces differ: English {sorted(_BRACES.findall(msgid))}, translation {sorted(_BRACES.findall(msgstr))}"
        )
    found += [p for p in translations.problems(msgid, msgstr) if not p.startswith("heading level")]
    return found


def status(po) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated), obsolete entries left out: the notebooks' count."""
    return translations.status(po)


# ---------------------------------------------------------------------------
# wrap: the first draft of a new checker module's messages.
# ---------------------------------------------------------------------------

_PROSE = re.compile(r"[A-Za-z]{2,}[^A-Za-z_{}]+[A-Za-z]{2,}")
_STATUSES = {"correct", "wrong", "not implemented", "not run"}
_NOT_PROSE_CALLS = {
    "isinstance",
    "startswith",
    "endswith",
    "get",
    "einsum",
    "getattr",
    "hasattr",
    "setdefault",
    "split",
}


def _is_prose(text: str) -> bool:
    return bool(_PROSE.search(text)) and text not in _STATUSES


def _literal(text: str) -> str:
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if len(body) <= 90:
        return f'"{body}"'
    chunks, current = [], ""
    for word in re.split(r"(?<= )", body):
        if current and len(current) + len(word) > 90:
            chunks.append(current)
            current = ""
        current += word
    chunks.append(current)
    return "(" + " ".join(f'"{c}"' for c in chunks) + ")"


def _field_name(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        return expr.id.lower()
    if isinstance(expr, ast.Attribute):
        return expr.attr.strip("_").lower() or "value"
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "len":
        return "n"
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        return expr.func.id.strip("_").lower()
    return "value"


def _template(node: ast.JoinedStr, source: str) -> tuple[str, list[tuple[str, str]]] | None:
    """An f-string as (template with named placeholders, [(name, expression source)]), None if it cannot be."""
    template, values, names = "", [], {}
    for part in node.values:
        if isinstance(part, ast.Constant):
            template += str(part.value).replace("{", "{{").replace("}", "}}")
            continue
        expr = ast.get_source_segment(source, part.value)
        if expr is None:
            return None
        if expr not in names:
            base, k = _field_name(part.value), 2
            name = base
            while name in names.values():
                name, k = f"{base}{k}", k + 1
            names[expr] = name
            values.append((name, expr))
        field = names[expr]
        if part.conversion != -1:
            field += "!" + chr(part.conversion)
        if part.format_spec is not None:
            spec = part.format_spec
            if not all(isinstance(v, ast.Constant) for v in spec.values):
                return None
            field += ":" + "".join(str(v.value) for v in spec.values)
        template += "{" + field + "}"
    return template, values


def wrap_file(path: Path) -> int:
    """Rewrite ``path``'s learner-facing strings as messages (see the module's docstring); returns how many."""
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    docstrings = {
        id(n.body[0].value)
        for n in ast.walk(tree)
        if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and n.body
        and isinstance(n.body[0], ast.Expr)
        and isinstance(n.body[0].value, ast.Constant)
    }

    def ancestors(node):
        while node in parents:
            node = parents[node]
            yield node

    def skip(node) -> bool:
        for a in ancestors(node):
            if isinstance(a, ast.JoinedStr) or isinstance(a, (ast.Compare, ast.Subscript)):
                return True
            if isinstance(a, ast.Call) and isinstance(a.func, (ast.Name, ast.Attribute)):
                called = a.func.id if isinstance(a.func, ast.Name) else a.func.attr
                if called in MARKERS or called in _NOT_PROSE_CALLS:
                    return True
            if isinstance(a, ast.stmt):
                return False
        return False

    def marker(node) -> str:
        parent = parents.get(node)
        if isinstance(parent, ast.Dict) and any(k is node for k in parent.keys):
            return "N_"
        if isinstance(parent, ast.Call) and getattr(parent.func, "id", None) == "Feedback":
            if len(parent.args) > 3 and parent.args[3] is node:
                return "N_"
        if isinstance(parent, ast.keyword) and parent.arg == "mistake":
            return "N_"
        if isinstance(parent, ast.arguments):
            return "N_"
        in_function = any(isinstance(a, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) for a in ancestors(node))
        return "tr" if in_function else "N_"

    lines = source.encode("utf-8").split(b"\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    edits, warnings = [], []
    for node in ast.walk(tree):
        if id(node) in docstrings or skip(node):
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and _is_prose(node.value):
            new = f"{marker(node)}({_literal(node.value)})"
        elif isinstance(node, ast.JoinedStr):
            made = _template(node, source)
            literal_text = "".join(str(v.value) for v in node.values if isinstance(v, ast.Constant))
            if made is None or not _is_prose(literal_text):
                continue
            template, values = made
            if values and marker(node) == "N_":  # formatted at import, in whatever language was set then
                warnings.append(f"{path}:{node.lineno}: an f-string outside a function; format it where it is shown")
            args = ", ".join(f"{name}={expr}" for name, expr in values)
            new = f"tr({_literal(template)})" + (f".format({args})" if values else "")
        else:
            continue
        begin = starts[node.lineno - 1] + node.col_offset
        end = starts[node.end_lineno - 1] + node.end_col_offset
        edits.append((begin, end, new.encode("utf-8")))
    data = source.encode("utf-8")
    for begin, end, new in sorted(edits, reverse=True):
        data = data[:begin] + new + data[end:]
    text = data.decode("utf-8")
    if edits and "import N_, tr" not in text:
        package = "." if path.parent.name == "course" else ".." if path.parent.parent.name == "course" else "course."
        line = "from course.i18n import N_, tr\n" if package == "course." else f"from {package}i18n import N_, tr\n"
        text = re.sub(r"^(from __future__ import annotations\n)", r"\1\n" + line, text, count=1, flags=re.M)
    path.write_text(text, encoding="utf-8")
    for warning in warnings:
        print(warning)
    return len(edits)


def main(argv) -> int:
    if not argv or argv[0] not in {"update", "status", "check", "wrap"}:
        print(__doc__)
        return 2
    if argv[0] == "wrap":
        for name in argv[1:]:
            print(f"{name}: {wrap_file(Path(name))} strings wrapped; now `ruff check --fix` and `ruff format` it")
        return 0
    if argv[0] == "check":
        bad = 0
        for e in load() or []:
            for problem in problems(e.msgid, e.msgstr, "python-brace-format" in e.flags) if e.msgstr else []:
                bad += 1
                print(f"{e.msgctxt} {e.occurrences[0][1]}: {problem}\n    {e.msgid}")
        print(f"{bad} problem(s)")
        return 1 if bad else 0
    po = update() if argv[0] == "update" else load()
    done, fuzzy, todo = status(po) if po is not None else (0, 0, 0)
    print(f"course.po: translated {done:4d}  fuzzy {fuzzy:3d}  untranslated {todo:4d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
