"""Notebook 09, section 3, one more arbitrary choice changed at a time: the chaotic start's gain, the batch size.

clipping_explosion's protocol (64 training and 64 validation sine waves of T = 50; H = 32, W_hh entries
N(0, g²/H) with g = 2, W_xh 0.1·N(0, 1), W_hy N(0, 1/H), zero biases, from default_rng(seed); 400 updates of 16
shuffled waves, a fresh order each epoch from default_rng(seed); η 0.1 clipped at global norm 1, η 0.1 and η 0.001
unclipped; seeds 0-9; its docstring) with one change (CHANGES):

- the gain g = 1.5 or 3 instead of 2: a start still chaotic (the premise of the section), less or more so; the
  unclipped run might then survive, or the clipped one fail;
- batches of 4 or 64 waves instead of 16 (still 400 updates: 25 or 400 epochs), a noisier or a quieter gradient.

The loop takes the updates one at a time (rnn_lib.training.check_trainer and its guarded step, the mini-batches
drawn as rnn_lib.train draws them), so that the gradient by lag can be read after update 4 whatever the batch
(with g = 2 and batches of 16 it gives clipping_explosion's numbers).  Tables: "runs" (per run: overflow_update,
the update whose step overflowed, 0 if none; final_val_loss, the validation loss per sequence after the last
update, or at the weights the overflow left; growth_30_at_4, ‖∂L_T/∂h_{T−30}‖ / ‖∂L_T/∂h_T‖ of the last step's
loss on the first 16 validation waves after update 4) and "start" (the first 20 updates: batch loss and gradient
norm before clipping), which the quick mode re-computes; the η = 0.1 runs are chaotic, so, as for
clipping_explosion, only their first two updates are compared there (its docstring).
"""

import numpy as np
from clipping_explosion import EXPERIMENT as BASE_EXPERIMENT
from clipping_explosion import GAIN, VARIANTS, H, T
from harness import Experiment, grid, seeds

import rnn_lib
from course.diagnostics import gradient_by_lag
from rnn_lib.training import TrainingDiverged, check_trainer, evaluate, loss_and_gradients

UPDATES, QUICK_UPDATES, START = 400, 20, 20
CHANGES = {"gain1.5": {"gain": 1.5}, "gain3": {"gain": 3.0}, "batch4": {"batch": 4}, "batch64": {"batch": 64}}


def chaotic_network(seed, gain):
    """clipping_explosion.chaotic_network with another gain (the same draws)."""
    g = np.random.default_rng(seed)
    return {
        "W_xh": 0.1 * g.standard_normal((H, 1)),
        "W_hh": gain * g.standard_normal((H, H)) / np.sqrt(H),
        "W_hy": g.standard_normal((1, H)) / np.sqrt(H),
        "b_h": np.zeros((H, 1)),
        "b_y": np.zeros((1, 1)),
    }


def run(case, quick):
    seed, (clip, eta) = case["seed"], VARIANTS[case["variant"]]
    change = CHANGES[case["change"]]
    gain, batch = change.get("gain", GAIN), change.get("batch", 16)
    x, y = rnn_lib.data.sine_wave(64, T, rng=seed)
    x_val, y_val = rnn_lib.data.sine_wave(64, T, rng=100 + seed)
    params = chaotic_network(seed, gain)
    trainer = check_trainer(params, "RNN", eta, clip=clip)
    shuffle = np.random.default_rng(seed)
    start, overflow, growth, done = [], 0, float("nan"), 0
    while done < (QUICK_UPDATES if quick else UPDATES) and not overflow:
        order = shuffle.permutation(64)  # a fresh order each epoch, as rnn_lib.train draws it
        for first in range(0, 64, batch):
            idx = order[first : first + batch]
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported by the step, as in train
                loss, grads = loss_and_gradients(params, x[:, idx], y[:, idx])
            try:
                norm, _ = trainer.step(loss, grads)
            except TrainingDiverged:
                overflow = done + 1
                break
            done += 1
            if done <= START:
                start.append({**case, "update": done, "loss": loss, "grad_norm": norm})
            if done == 4:
                with np.errstate(over="ignore"):
                    norms = gradient_by_lag(params, x_val[:, :16], y_val[-1, :16])
                growth = float(norms[30] / norms[0]) if norms[0] > 0 else float("nan")
            if done == (QUICK_UPDATES if quick else UPDATES):
                break
    if quick:
        return {"start": start, "runs": []}
    with np.errstate(over="ignore", invalid="ignore"):
        final = evaluate(params, x_val, y_val)
    runs = [{**case, "overflow_update": overflow, "final_val_loss": final, "growth_30_at_4": growth}]
    return {"start": start, "runs": runs}


EXPERIMENT = Experiment(
    name="clipping_explosion_start_batch",
    protocol=f"clipping_explosion with one change at a time from gain {GAIN}, batch 16: {CHANGES}; variants "
    f"{list(VARIANTS)}; {UPDATES} updates; seeds 0-9 (see the docstring).",
    key={"start": ("change", "seed", "variant", "update"), "runs": ("change", "seed", "variant")},
    cases=grid(change=CHANGES, seed=seeds(10), variant=VARIANTS),
    quick=grid(change=CHANGES, seed=[0], variant=VARIANTS),
    run=run,
    rtol=BASE_EXPERIMENT.rtol,
    stable=lambda row: row["variant"] == "no clip, eta 0.001" or row.get("update", 99) <= 2,
)

if __name__ == "__main__":
    EXPERIMENT.main()
