"""Notebook 12, section 1: sine-wave forecasting against baselines, and the network run free.

For each seed: 128 training and 32 validation waves of T = 40 steps (rnn_lib.data.sine_wave with
rng = seed and 100 + seed); the notebook's network (H = 16, rnn_lib.init_params scale 0.3, rng = seed)
trained with rnn_lib.training.train: 40 epochs of batches of 16 (320 updates), η = 0.02, clipping by
global norm at 1, shuffling rng = seed.  Baselines on the same validation waves: AR(2) fitted by least
squares on the training waves, persistence (ŷ_t = x_t), and predicting 0.  Losses are per sequence,
½ Σ_t (ŷ_t − y_t)², averaged over the validation waves.

Free running: 20 test waves of 120 steps (sine_wave(20, 120, rng=1000), the same for every seed), a
warm-up of 40 true values, then 80 predictions fed back (course.forecasting.free_running).  Per wave:
the mean |error| on forecast steps 1–10 and 41–80, the wave's frequency, and the frequency and
amplitude of the sinusoid closest to forecast steps 11–80 (course.forecasting.dominant_frequency)
(table "free"); per forecast step, the median |error| over the 20 waves (table "horizon").
The quick mode re-runs the first 3 epochs of seed 0 (table "training").
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib
from course.forecasting import autoregressive, dominant_frequency, fit_autoregressive, free_running, persistence
from rnn_lib.training import TrainingDiverged, evaluate, train

EPOCHS, QUICK_EPOCHS = 40, 3
N_WAVES, WARM, AHEAD = 20, 40, 80


def per_sequence_loss(prediction, y):
    return 0.5 * float(np.sum((prediction - y) ** 2)) / y.shape[1]


def run(case, quick):
    seed = case["seed"]
    # sine_forecast_choices changes one of these at a time (the case names it); the sweep's own cases keep them
    lr, scale, a = case.get("lr", 0.02), case.get("init_scale", 0.3), case.get("amplitude", 1.0)
    H, clip = case.get("H", 16), case.get("clip", 1.0)  # clip 0: none
    batch = case.get("batch", 16)  # sine_forecast_batch: 320 updates whatever the batch (128 // batch an epoch)
    per_epoch, epochs = 128 // batch, EPOCHS * batch // 16
    x, y = rnn_lib.data.sine_wave(128, 40, rng=seed)
    x_val, y_val = rnn_lib.data.sine_wave(32, 40, rng=100 + seed)
    if a != 1.0:  # the waves scaled, inputs and targets alike
        x, y, x_val, y_val = a * x, a * y, a * x_val, a * y_val
    net = rnn_lib.init_params(1, H, 1, rng=np.random.default_rng(seed), scale=scale)
    curve = [{**case, "epoch": 0, "update": 0, "val_loss": evaluate(net, x_val, y_val)}]
    try:
        history, diverged = (
            train(
                net,
                x,
                y,
                epochs=QUICK_EPOCHS if quick else epochs,
                batch_size=batch,
                learning_rate=lr,
                clip=("norm", clip) if clip else None,
                validation=(x_val, y_val),
                rng=seed,
                progress=False,
            ),
            False,
        )
    except TrainingDiverged as err:  # sine_forecast_choices without clipping: the run stops, its rows say so
        history, diverged = err.history, True
    curve += [{**case, "epoch": e, "update": per_epoch * e, "val_loss": v} for e, v in enumerate(history.val_loss, 1)]
    if quick:
        return {"training": curve, "baselines": [], "free": [], "horizon": []}
    baselines = {
        "RNN": float("inf") if diverged else history.val_loss[-1],  # a diverged run: no trained network
        "AR(2)": per_sequence_loss(autoregressive(fit_autoregressive(x, y, 2), x_val), y_val),
        "persistence": per_sequence_loss(persistence(x_val), y_val),
        "zero": per_sequence_loss(np.zeros_like(y_val), y_val),
    }
    table = [{**case, "model": name, "val_loss": value} for name, value in baselines.items()]
    if diverged:  # nothing to run free
        return {"training": curve, "baselines": table, "free": [], "horizon": []}
    x_test, y_test = rnn_lib.data.sine_wave(N_WAVES, 120, rng=1000)
    if a != 1.0:
        x_test, y_test = a * x_test, a * y_test
    freq = np.random.default_rng(1000).uniform(0.5, 1.5, size=N_WAVES)  # the waves' own frequencies (same draw)
    free, errors = [], []
    for w in range(N_WAVES):
        forecast = free_running(net, x_test[:WARM, w], AHEAD)[:, 0]
        error = np.abs(forecast - y_test[WARM - 1 : WARM - 1 + AHEAD, w, 0])
        errors.append(error)
        f_free, amplitude = dominant_frequency(forecast[10:])
        free.append(
            {
                **case,
                "wave": w,
                "freq": float(freq[w]),
                "err_1_10": float(error[:10].mean()),
                "err_41_80": float(error[40:].mean()),
                "free_freq": f_free,
                "free_amplitude": amplitude,
            }
        )
    median = np.median(errors, axis=0)
    horizon = [{**case, "step": n, "median_abs_error": float(e)} for n, e in enumerate(median, 1)]
    return {"training": curve, "baselines": table, "free": free, "horizon": horizon}


EXPERIMENT = Experiment(
    name="sine_forecast",
    protocol="seeds 0-9; H = 16, 320 updates of 16 waves, eta = 0.02, clip 1 (see the docstring).",
    key={
        "training": ("seed", "epoch"),
        "baselines": ("seed", "model"),
        "free": ("seed", "wave"),
        "horizon": ("seed", "step"),
    },
    cases=grid(seed=seeds(10)),
    quick=[{"seed": 0}],
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
