"""Notebook 09, section 3: a gradient that explodes through time, with and without clipping.

For each seed: 64 training and 64 validation sine waves of T = 50 steps (rnn_lib.data.sine_wave,
rng = seed and 100 + seed).  The network starts in the chaotic regime: H = 32, W_hh with entries
N(0, g²/H), g = 2 (spectral radius about 2), small inputs (W_xh entries 0.1·N(0, 1)), W_hy entries
N(0, 1/H), zero biases, all drawn from default_rng(seed).  rnn_lib.training.train for 100 epochs of 4
batches of 16 (400 updates), shuffling with default_rng(seed), in three variants: η = 0.1 clipped by
global norm at 1; η = 0.1 unclipped; η = 0.001 unclipped.

Tables: "updates" (every update: loss of the batch and gradient norm before clipping), "epochs"
(validation loss per sequence after each epoch), "lags" (‖∂L_T/∂h_{T−k}‖ of the last step's loss,
mean over the first 16 validation waves, at updates 0, 4, 20, 40, 100, 200, 400 and, for a run that
diverged, at the parameters it stopped with) and "runs" (the update that overflowed, 0 if none, the
final validation loss, and the read-out's share ‖(W_hy, b_y)‖/‖θ‖ of the last weights).  The quick mode
re-runs the first 5 epochs (20 updates) of seed 0.  The two η = 0.1 runs are chaotic (spectral radius about 2, the
clipped one pushed back to the threshold at every update, the other exploding): a different numpy build (1.24
against 2.x, measured) agrees with the stored runs to 1e-11 after two updates, to 3e-8 after three, and the clipped
run differs in the first digit after six; so for those variants only the first two updates and the initial
gradient by lag are compared (``stable``), at 1e-9 (harness.py's docstring).
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib
from course.diagnostics import gradient_by_lag, norm_shares
from rnn_lib.training import TrainingDiverged, evaluate, train

H, T, GAIN = 32, 50, 2.0
VARIANTS = {
    "clip 1, eta 0.1": (("norm", 1.0), 0.1),
    "no clip, eta 0.1": (None, 0.1),
    "no clip, eta 0.001": (None, 0.001),
}
CHECKPOINT_EPOCHS = (1, 5, 10, 25, 50, 100)  # lags are measured after these epochs (4 updates each)
QUICK_EPOCHS = 5


def chaotic_network(seed):
    g = np.random.default_rng(seed)
    return {
        "W_xh": 0.1 * g.standard_normal((H, 1)),
        "W_hh": GAIN * g.standard_normal((H, H)) / np.sqrt(H),
        "W_hy": g.standard_normal((1, H)) / np.sqrt(H),
        "b_h": np.zeros((H, 1)),
        "b_y": np.zeros((1, 1)),
    }


def run(case, quick):
    seed, (clip, eta) = case["seed"], VARIANTS[case["variant"]]
    x, y = rnn_lib.data.sine_wave(64, T, rng=seed)
    x_val, y_val = rnn_lib.data.sine_wave(64, T, rng=100 + seed)
    if "amplitude" in case:  # clipping_explosion_choices: the waves scaled, inputs and targets alike
        a = case["amplitude"]
        x, y, x_val, y_val = a * x, a * y, a * x_val, a * y_val
    params = chaotic_network(seed)
    shuffle = np.random.default_rng(seed)

    def lags(update):
        try:
            with np.errstate(over="ignore"):  # a diverging run's norms may overflow to inf, which is what is stored
                norms = gradient_by_lag(params, x_val[:, :16], y_val[-1, :16])
        except ValueError:  # a diverged run's last weights: its errors are too large to compute with (NaN rows)
            norms = np.full(T + 1, np.nan)
        return [{**case, "update": update, "lag": k, "grad_norm": float(v)} for k, v in enumerate(norms)]

    tables = {"updates": [], "epochs": [], "lags": lags(0)}
    overflow, done = 0, 0
    for end in [e for e in CHECKPOINT_EPOCHS if not quick or e <= QUICK_EPOCHS]:
        try:
            history = train(
                params,
                x,
                y,
                epochs=end - done,
                batch_size=16,
                learning_rate=eta,
                clip=clip,
                validation=(x_val, y_val),
                rng=shuffle,
                progress=False,
            )
        except TrainingDiverged as err:
            history, overflow = err.history, 4 * done + err.update
        first = len(tables["updates"]) + 1
        tables["updates"] += [
            {**case, "update": first + i, "loss": loss, "grad_norm": norm}
            for i, (loss, norm) in enumerate(zip(history.step_loss, history.step_grad_norm))
        ]
        tables["epochs"] += [{**case, "epoch": done + i, "val_loss": v} for i, v in enumerate(history.val_loss, 1)]
        tables["lags"] += lags(len(tables["updates"]))
        if overflow:
            break
        done = end
    if quick:  # the first 5 epochs; a run's summary needs all of it
        return {**tables, "runs": []}
    final = tables["epochs"][-1]["val_loss"] if tables["epochs"] else evaluate(params, x_val, y_val)
    shares = norm_shares(params)  # each weight's part of ‖θ‖
    tables["runs"] = [
        {
            **case,
            "overflow_update": overflow,
            "final_val_loss": final,
            "readout_weight_share": float(np.hypot(shares["W_hy"], shares["b_y"])),
        }
    ]
    return tables


EXPERIMENT = Experiment(
    name="clipping_explosion",
    protocol=f"seeds 0-9; variants {list(VARIANTS)}; H = {H}, T = {T}, gain {GAIN}; 400 updates (see the docstring).",
    key={
        "updates": ("seed", "variant", "update"),
        "epochs": ("seed", "variant", "epoch"),
        "lags": ("seed", "variant", "update", "lag"),
        "runs": ("seed", "variant"),
    },
    cases=grid(seed=seeds(10), variant=VARIANTS),
    quick=grid(seed=[0], variant=VARIANTS),
    run=run,
    rtol=1e-9,
    stable=lambda row: row["variant"] == "no clip, eta 0.001" or ("epoch" not in row and row.get("update", 99) <= 2),
)

if __name__ == "__main__":
    EXPERIMENT.main()
