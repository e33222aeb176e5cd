"""Notebook 19: the three grammar learners at their searched Adam rate (0.03 for each) on the stored seeds.

experiments/reber_memory_lr.py searched Adam's rate on pilot seeds 150 and 151 (the same rule and budget for every
model) and picks 0.03 for all three: the RNN with H = 16, the LSTM with H = 8 and with H = 16.  This sweep re-runs
experiments/reber_memory.py at those rates (SEARCHED) on the stored seeds 0-9, that protocol otherwise
(reber_memory.run with the rate as its ``lr``: fresh batches of 32 strings drawn from default_rng(1000 + seed),
full BPTT, clip at norm 100, 3000 updates, the legal-set scores on the fixed 2000 test strings every 50 updates; the
columns of reber_memory plus ``lr``), so that the orderings of notebook 19's claims can be judged with each model at
its searched rate.  The quick mode re-runs the first 100 updates of seed 0 for the LSTM with H = 8.
"""

from harness import Experiment, seeds
from reber_memory import MODELS, UPDATES, run

SEARCHED = {model: 0.03 for model in MODELS}  # reber_memory_lr.choose on its stored rows (tests hold it)


def run_searched(case, quick):
    """One model and seed at the model's searched rate: the rows of reber_memory.run, with the rate as a column."""
    lr = SEARCHED[case["cell"], case["H"]]
    rows = run({"cell": case["cell"], "H": case["H"], "seed": case["seed"]}, quick, lr=lr)
    return [{"cell": row["cell"], "H": row["H"], "lr": lr, **row} for row in rows]


EXPERIMENT = Experiment(
    name="reber_memory_searched",
    protocol="every model at its searched Adam rate (0.03: RNN H = 16, LSTM H = 8 and 16); seeds 0-9; otherwise "
    f"experiments/reber_memory.py ({UPDATES} updates; see the docstring).",
    key=("cell", "H", "seed", "update"),
    cases=[{"cell": c, "H": H, "seed": s} for c, H in MODELS for s in seeds(10)],
    quick=[{"cell": "LSTM", "H": 8, "seed": 0}],
    run=run_searched,
)

if __name__ == "__main__":
    EXPERIMENT.main()
