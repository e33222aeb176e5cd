"""Write the course's own prose as a small text corpus for the character-level language model.

    python tools/make_corpus.py            # (re)write course/corpora/course_prose.txt
    python tools/make_corpus.py --check    # exit 1 if the stored file differs from what this script makes

The corpus is the markdown cells of notebooks 01–12 as they were at commit ``COMMIT`` (read with ``git show``,
so later edits of the notebooks do not change it), without the generated navigation cells, each cell's text
followed by a blank line.  The text is the course maintainers' own, under CC BY 4.0 like all of the course's prose
(see LICENSE).  It is frozen so that results stored for it stay reproducible.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMIT = "c23e719"  # main of 2026-11-28: notebooks 00–12, before the capstone notebooks were written
STEMS = (
    "01_forward_pass",
    "02_loss_and_output_gradient",
    "03_output_layer_gradients",
    "04_hidden_state_gradient",
    "05_recurrent_weight_gradients",
    "06_gradient_checking_and_bug_gallery",
    "07_training_with_sgd",
    "08_vanishing_and_exploding_gradients",
    "09_gradient_clipping",
    "10_truncated_bptt",
    "11_minibatches_and_vectorisation",
    "12_projects",
)
GENERATED = {"nav-header", "nav-footer", "course-map"}  # written by tools/sync_notebooks.py, not prose
OUT = ROOT / "course" / "corpora" / "course_prose.txt"


def prose(notebook_json: str) -> str:
    """The markdown cells of one notebook (generated navigation left out), each followed by a blank line."""
    cells = json.loads(notebook_json)["cells"]
    parts = []
    for cell in cells:
        if cell["cell_type"] != "markdown" or GENERATED & set(cell.get("metadata", {}).get("tags", [])):
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        parts.append(source.strip() + "\n\n")
    return "".join(parts)


def corpus(commit: str = COMMIT) -> str:
    """The whole corpus, read from the repository's history (needs git and the commit)."""
    texts = []
    for stem in STEMS:
        blob = subprocess.run(
            ["git", "show", f"{commit}:notebooks/{stem}.ipynb"], cwd=ROOT, capture_output=True, check=True
        ).stdout
        texts.append(prose(blob.decode("utf-8")))
    return "".join(texts)


def main(argv) -> int:
    text = corpus()
    if "--check" in argv:
        same = OUT.read_text(encoding="utf-8") == text
        print("corpus up to date" if same else f"{OUT} differs from what tools/make_corpus.py makes")
        return 0 if same else 1
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(text)} characters, {len(set(text))} distinct")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
