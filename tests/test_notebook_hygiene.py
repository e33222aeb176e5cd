"""Committed notebooks are executed, clean and ready for strict nbval."""

import json

import pytest

from tests.notebook_files import NOTEBOOK_PATHS, code_cells, read
from tools.make_student import strip_solutions

IDS = dict(ids=lambda p: p.stem)


def test_there_are_notebooks():
    assert len(NOTEBOOK_PATHS) >= 2


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_code_cells_executed_in_order(path):
    counts = [c.execution_count for c in code_cells(read(path))]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: execution counts {counts}; run make execute"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_no_errors_and_no_stderr(path):
    for i, cell in enumerate(code_cells(read(path)), 1):
        for out in cell.outputs:
            assert out.output_type != "error", f"{path.name}: code cell {i} has an error output"
            assert not (out.output_type == "stream" and out.name == "stderr"), f"{path.name}: cell {i} writes stderr"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_printed_text_is_one_stream_output_per_run_of_prints(path):
    # make execute joins them; otherwise how the kernel happened to cut the text would change the committed file.
    for i, cell in enumerate(code_cells(read(path)), 1):
        for before, after in zip(cell.outputs, cell.outputs[1:]):
            same_stream = before.output_type == after.output_type == "stream" and before.name == after.name
            assert not same_stream, (
                f"{path.name}: code cell {i} has two {before.name} outputs in a row; run make execute"
            )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_kernelspec_is_the_shared_python3(path):
    assert read(path).metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_metadata_has_no_personal_paths_or_widget_state(path):
    nb = read(path)
    assert "widgets" not in nb.metadata
    text = json.dumps(nb.metadata) + json.dumps([c.metadata for c in nb.cells])
    for marker in ("/home/", "/root/", "/Users/", "C:\\\\", "/tmp/"):
        assert marker not in text, f"{path.name}: metadata mentions {marker}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_first_code_cell_checks_the_environment(path):
    first = code_cells(read(path))[0].source
    assert "course.check_environment()" in first or "check_environment()" in first


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_no_cell_relies_on_a_trailing_semicolon(path):
    for cell in code_cells(read(path)):
        assert not cell.source.rstrip().endswith(";"), f"{path.name}: nbval ignores ';' — end plots with plt.show()"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, **IDS)
def test_solution_markers_are_balanced_and_inside_functions(path):
    for cell in code_cells(read(path)):
        strip_solutions(cell.source)  # raises ValueError on a malformed block
