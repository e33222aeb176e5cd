"""Notebook 12, section 1, with one more arbitrary choice changed: the batch size.

sine_forecast_choices' base (sine_forecast's protocol: 128 training and 32 validation waves of T = 40, H = 16,
init_params(scale=0.3), η = 0.02, clip at 1, 320 updates, seeds 0-9; AR(2), persistence; free running 80 steps
after 40; its docstring) with batches of 4 or 64 waves instead of 16, for the same 320 updates (10 or 160 epochs):
a noisier or a quieter gradient at the same η, and a quarter or four times the passes over the 128 waves.  Tables
"training", "baselines" and "free" as in sine_forecast_choices, with the batch as a column.  The quick mode re-runs
the first 3 epochs of seed 0 of each variant.
"""

from harness import Experiment, seeds
from sine_forecast import run
from sine_forecast_choices import BASE

BATCHES = {"batch4": 4, "batch64": 64}


def run_variant(case, quick):
    tables = run({**case, **BASE, "batch": BATCHES[case["variant"]]}, quick)
    return {t: tables[t] for t in ("training", "baselines", "free")}


EXPERIMENT = Experiment(
    name="sine_forecast_batch",
    protocol=f"sine_forecast at {BASE} with batches of {tuple(BATCHES.values())} instead of 16, 320 updates; "
    "seeds 0-9 (see the docstring).",
    key={
        "training": ("variant", "seed", "epoch"),
        "baselines": ("variant", "seed", "model"),
        "free": ("variant", "seed", "wave"),
    },
    cases=[{"variant": v, "seed": s} for v in BATCHES for s in seeds(10)],
    quick=[{"variant": v, "seed": 0} for v in BATCHES],
    run=run_variant,
)

if __name__ == "__main__":
    EXPERIMENT.main()
