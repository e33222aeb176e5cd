"""Notebook 10, section 4: how close truncated BPTT's gradient is to the full one, by window length k.

For each seed: B = 8 sine waves of T = 128 steps (rnn_lib.data.sine_wave(8, 128, rng=seed)); an
H = 16 network drawn with rnn_lib.init_params(1, 16, 1, rng=seed, scale=1), W_hh rescaled to spectral
radius rho, W_xh and W_hy halved.  Table "by_k": the cosine between the BPTT(k, k) gradient (and,
for rho = 0.9, BPTT(1, k) up to k = 32) and the full gradient, all five parameters as one vector.
Table "reach": how far back the last step's error reaches, mean over the 8 waves of ‖∂L_T/∂h_{T−lag}‖
for L_T = ½‖ŷ_T − y_T‖², at lags 0, 8, …, 128.  The quick mode re-computes seed 0 (every ρ and k).  At ρ = 1.5 the reach grows a thousandfold over 128 steps and
another numpy build (1.24 against 2.x, measured) differs by 3e-12: the quick mode compares to 1e-10 (harness.py).
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib
from course.diagnostics import state_gradients
from rnn_lib.clipping import cosine
from rnn_lib.tbptt import truncated_gradients

RADII = (0.5, 0.9, 1.5)
KS = (1, 2, 4, 8, 16, 32, 64, 128)
LAGS = range(0, 129, 8)


def network(rho, seed, H=16):
    """The notebook's network: Gaussian weights, W_hh rescaled to spectral radius rho."""
    p = rnn_lib.init_params(1, H, 1, rng=np.random.default_rng(seed), scale=1.0)
    p["W_hh"] *= rho / np.max(np.abs(np.linalg.eigvals(p["W_hh"])))
    p["W_xh"] *= 0.5
    p["W_hy"] *= 0.5
    return p


def run(case, quick):
    seed, rho = case["seed"], case["rho"]
    x, y = rnn_lib.data.sine_wave(8, 128, rng=seed)
    if "amplitude" in case:  # tbptt_cosine_choices: the waves scaled, inputs and targets alike
        x, y = case["amplitude"] * x, case["amplitude"] * y
    p = network(rho, seed, H=case.get("H", 16))  # tbptt_cosine_choices varies H
    y_hat, cache = rnn_lib.forward(p, x)
    full = rnn_lib.backward(p, cache, y_hat - y)
    schemes = [("k,k", k) for k in KS] + ([("1,k", k) for k in KS if k <= 32] if rho == 0.9 else [])
    cos = [
        {
            **case,
            "scheme": scheme,
            "k": k,
            "cosine": cosine(truncated_gradients(p, x, y, 1 if scheme == "1,k" else k, k).grads, full),
        }
        for scheme, k in schemes
    ]
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - y[-1]  # a loss at the last step only
    reach = np.linalg.norm(state_gradients(p, x, dy), axis=2).mean(axis=1)  # row t: mean ‖∂L_T/∂h_t‖
    lags = [{**case, "lag": lag, "grad_norm": float(reach[128 - lag])} for lag in LAGS]
    return {"by_k": cos, "reach": lags}


EXPERIMENT = Experiment(
    name="tbptt_cosine",
    protocol=f"radii {RADII}; k {KS}; seeds 0-19; T = 128, B = 8 sine waves, H = 16 (see the docstring).",
    key={"by_k": ("seed", "rho", "scheme", "k"), "reach": ("seed", "rho", "lag")},
    cases=grid(seed=seeds(20), rho=RADII),
    quick=grid(seed=[0], rho=RADII),
    run=run,
    rtol=1e-10,
)

if __name__ == "__main__":
    EXPERIMENT.main()
