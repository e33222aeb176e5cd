"""Notebook 09, section 4: a run that diverges because η is above the curvature limit 2/λ_max.

The setup notebook 09 used to show as "exploding gradients": for each seed, 32 sine waves of T = 20
steps (rnn_lib.data.sine_wave(32, 20, rng=seed)), H = 8, rnn_lib.init_params(1, 8, 1, scale=0.3,
rng=default_rng(seed)), rnn_lib.training.train for 60 epochs of batches of 8 (240 updates), shuffling
with default_rng(seed), in three variants: η = 0.1 unclipped, η = 0.1 clipped by global norm at 1, and
η = 0.01 unclipped.

Tables: "updates" (every update: loss of the batch, gradient norm before clipping, the read-out's share
‖(g_W_hy, g_b_y)‖/‖g‖ of it); "lags" (‖∂L_T/∂h_{T−k}‖ of the last step's loss, mean over the 32 waves,
at the initial weights and at the last weights); "runs" (λ_max of the Hessian of the mean loss over the
32 waves at the initial and at the last weights, the update that overflowed, 0 if none, what became
non-finite, the last mean loss, and the read-out's share ‖(W_hy, b_y)‖/‖θ‖ of the last weights).
The quick mode re-runs the first 3 epochs: the "updates" rows and the initial "lags".  The unclipped η = 0.1 run
grows its gradient a hundredfold per update there, so another numpy build (1.24 against 2.x, measured) differs by
3e-11 at update 9: the quick mode compares to 1e-9 (harness.py's docstring).
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib
from course.diagnostics import gradient_by_lag, largest_eigenvalue, norm_shares
from rnn_lib.training import TrainingDiverged, loss_and_gradients, train

VARIANTS = {"no clip, eta 0.1": (None, 0.1), "clip 1, eta 0.1": (("norm", 1.0), 0.1), "no clip, eta 0.01": (None, 0.01)}
EPOCHS, QUICK_EPOCHS = 60, 3


def run(case, quick):
    seed, (clip, eta) = case["seed"], VARIANTS[case["variant"]]
    x, y = rnn_lib.data.sine_wave(32, 20, rng=seed)
    if "amplitude" in case:  # step_size_instability_choices: the waves scaled, inputs and targets alike
        x, y = case["amplitude"] * x, case["amplitude"] * y
    # step_size_instability_choices changes one of these at a time (the case names it); the sweep's own keep them
    init_scale, batch = case.get("init_scale", 0.3), case.get("batch", 8)
    params = rnn_lib.init_params(1, 8, 1, rng=np.random.default_rng(seed), scale=init_scale)

    def curvature():
        with np.errstate(over="ignore", invalid="ignore"):
            return largest_eigenvalue(lambda p: loss_and_gradients(p, x, y)[1], params, rng=0)

    def lags(when):
        try:
            with np.errstate(under="ignore", over="ignore"):  # a diverging run's norms may overflow to inf, stored so
                norms = gradient_by_lag(params, x, y[-1])
        except ValueError:  # a diverged run's last weights: its errors are too large to compute with (NaN rows)
            norms = np.full(x.shape[0] + 1, np.nan)
        return [{**case, "when": when, "lag": k, "grad_norm": float(v)} for k, v in enumerate(norms)]

    lam_init, lag_rows = curvature(), lags("initial")
    shuffle, overflow, quantity = np.random.default_rng(seed), 0, ""
    try:
        history = train(
            params,
            x,
            y,
            epochs=QUICK_EPOCHS if quick else EPOCHS * batch // 8,  # 240 updates whatever the batch
            batch_size=batch,
            learning_rate=eta,
            clip=clip,
            rng=shuffle,
            progress=False,
        )
    except TrainingDiverged as err:
        history, overflow, quantity = err.history, err.update, err.quantity
    rows = [
        {**case, "update": i, "loss": loss, "grad_norm": norm}
        for i, (loss, norm) in enumerate(zip(history.step_loss, history.step_grad_norm), 1)
    ]
    if quick:
        return {"updates": rows, "lags": lag_rows, "runs": []}
    shares = norm_shares(params)  # the same formula, applied to the weights themselves
    with np.errstate(over="ignore", invalid="ignore"):
        last_loss = loss_and_gradients(params, x, y)[0]
    run_row = {
        **case,
        "lam_max_initial": lam_init,
        "lam_max_last": curvature() if not overflow else float("nan"),
        "overflow_update": overflow,
        "non_finite": quantity or "nothing",
        "last_loss": float(last_loss),
        "readout_weight_share": float(np.hypot(shares["W_hy"], shares["b_y"])),
    }
    return {"updates": rows, "lags": lag_rows + lags("last"), "runs": [run_row]}


EXPERIMENT = Experiment(
    name="step_size_instability",
    protocol=f"seeds 0-9; variants {list(VARIANTS)}; H = 8, T = 20, 240 updates of batches of 8 (see the docstring).",
    key={
        "updates": ("seed", "variant", "update"),
        "lags": ("seed", "variant", "when", "lag"),
        "runs": ("seed", "variant"),
    },
    cases=grid(seed=seeds(10), variant=VARIANTS),
    quick=grid(seed=[0], variant=VARIANTS),
    run=run,
    rtol=1e-9,
)

if __name__ == "__main__":
    EXPERIMENT.main()
