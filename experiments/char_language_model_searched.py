"""Notebook 18: each network at its own searched Adam rate on the stored seeds: the RNN at 0.01, the LSTM at 0.03.

experiments/char_language_model_lr.py searched Adam's rate on pilot seeds 150 and 151 (the same rule and budget
for both networks): it keeps 0.01 for the RNN (H = 128), the rate of the stored sweep, and picks 0.03 for the LSTM
(H = 64).  This sweep runs both networks of experiments/char_language_model.py at their searched rates (SEARCHED)
on the stored seeds 0-9, that protocol otherwise (char_language_model.run with the rate as its ``lr``: the same
corpus split, stateful BPTT(64, 64), clip at norm 100, 1200 updates, the validation loss every 50 updates).  The
RNN's runs are the stored sweep's RNN runs again (the same seeded computation at the same rate; a test holds the
rows equal): they are here so that the claims on the searched rates read one experiment, and a holdout on new seeds
runs both networks.  Only the _curves table is kept (the columns of char_language_model_curves plus ``lr``): what
the claims of course/claims/sequences.py on the searched rates read (the loss at updates 100, 300 and 1200, the
lowest loss, the gap validation/training at the end).  The quick mode re-runs the first 50 updates of seed 0, the
LSTM (the run that differs from the stored sweep).
"""

from char_language_model import UPDATES, run
from harness import Experiment, seeds

SEARCHED = {"RNN": 0.01, "LSTM": 0.03}  # char_language_model_lr.choose on its stored rows (tests hold it)


def run_searched(case, quick):
    """One network and seed at the network's searched rate: the curves rows of char_language_model.run, with the rate."""
    # the full run also measures the math unit and samples text (seconds); only the curves are compared here
    rows = run({"cell": case["cell"], "seed": case["seed"]}, quick, lr=SEARCHED[case["cell"]])["curves"]
    return {"curves": [{"cell": row["cell"], "lr": SEARCHED[case["cell"]], **row} for row in rows]}


EXPERIMENT = Experiment(
    name="char_language_model_searched",
    protocol=f"each network at its searched Adam rate: RNN (H = 128) lr = {SEARCHED['RNN']}, LSTM (H = 64) lr = "
    f"{SEARCHED['LSTM']}; seeds 0-9; otherwise experiments/char_language_model.py ({UPDATES} updates; see the docstring).",
    key={"curves": ("cell", "seed", "update")},
    cases=[{"cell": cell, "seed": s} for cell in ("LSTM", "RNN") for s in seeds(10)],
    quick=[{"cell": "LSTM", "seed": 0}],
    run=run_searched,
)

if __name__ == "__main__":
    EXPERIMENT.main()
