"""nbgrader settings for the course's notebooks.  Load them from your course's own ``nbgrader_config.py``:

    c = get_config()
    load_subconfig("/path/to/this/repository/tools/nbgrader_config.py")

(``make grade`` writes exactly that).  What they change: ``nbgrader generate_assignment`` makes the student
edition with the course's own function, the one ``make student`` uses (tools/make_student.py, StudentEdition in
place of nbgrader's ClearSolutions), and keeps the outputs of the worked examples as ``make student`` does (no
ClearOutput).  Everything else is nbgrader's default list, in nbgrader's order.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # where nbgrader finds make_student

c = get_config()  # noqa: F821  (traitlets defines get_config for configuration files)

NBGRADER = "nbgrader.preprocessors."
c.GenerateAssignment.preprocessors = [
    NBGRADER + "IncludeHeaderFooter",
    NBGRADER + "InstantiateTests",
    NBGRADER + "LockCells",
    "make_student.StudentEdition",
    NBGRADER + "CheckCellMetadata",
    NBGRADER + "ComputeChecksums",
    NBGRADER + "SaveCells",
    NBGRADER + "ClearHiddenTests",
    NBGRADER + "ClearMarkScheme",
    NBGRADER + "ComputeChecksums",
    NBGRADER + "CheckCellMetadata",
]

# Every notebook runs in seconds; a busy laptop or hub should not cost a learner points.
c.Execute.timeout = 300
