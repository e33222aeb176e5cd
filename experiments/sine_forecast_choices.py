"""Notebook 12, section 1, one arbitrary choice changed at a time: η, the initial scale, the waves' size, clip, H.

sine_forecast's protocol (128 training and 32 validation waves of T = 40, H = 16, init_params(scale=0.3), 320
updates of 16, η = 0.02, clip at 1, seeds 0-9; AR(2), persistence; free running 80 steps after 40; its docstring)
with one change (VARIANTS): η ∈ {0.005, 0.05} (neither 0.02 nor these were searched); the initial weights' scale
∈ {0.1, 1} (1: W_hh starts near the edge of chaos for H = 16); every wave (training, validation and test, inputs and
targets) multiplied by an amplitude ∈ {0.3, 3}: AR(2) and persistence are linear and do not care, the tanh network
does; no clipping, or clipping at global norm 0.25 instead of 1; H ∈ {8, 32} instead of 16.  Tables "training",
"baselines" and "free" as in sine_forecast, with the variant and its five settings as columns (the per-step
"horizon" table is not stored).  The quick mode re-runs the first 3 epochs of seed 0 of each variant.
"""

from harness import Experiment, seeds
from sine_forecast import run

BASE = {"lr": 0.02, "init_scale": 0.3, "amplitude": 1.0, "H": 16, "clip": 1.0}
VARIANTS = {
    "lr0.005": {"lr": 0.005},
    "lr0.05": {"lr": 0.05},
    "init0.1": {"init_scale": 0.1},
    "init1": {"init_scale": 1.0},
    "amp0.3": {"amplitude": 0.3},
    "amp3": {"amplitude": 3.0},
    "noclip": {"clip": 0.0},
    "clip0.25": {"clip": 0.25},
    "H8": {"H": 8},
    "H32": {"H": 32},
}


def run_variant(case, quick):
    tables = run({**case, **BASE, **VARIANTS[case["variant"]]}, quick)
    return {t: tables[t] for t in ("training", "baselines", "free")}


EXPERIMENT = Experiment(
    name="sine_forecast_choices",
    protocol=f"sine_forecast with one change at a time from {BASE}: {VARIANTS}; seeds 0-9 (see the docstring).",
    key={
        "training": ("variant", "seed", "epoch"),
        "baselines": ("variant", "seed", "model"),
        "free": ("variant", "seed", "wave"),
    },
    cases=[{"variant": v, "seed": s} for v in VARIANTS for s in seeds(10)],
    quick=[{"variant": v, "seed": 0} for v in VARIANTS],
    run=run_variant,
)

if __name__ == "__main__":
    EXPERIMENT.main()
