"""Notebook 08, sections 2 and 4: how much of the last step's gradient reaches k steps back, against the spectral
radius of W_hh and the size of the inputs.  No training: random networks, one sequence each.

Network (as notebook 08 draws it, rng = default_rng(seed)): H = 16, D = 1, W_hh ~ N(0, 1) rescaled to spectral radius
ρ ∈ {0.5, 1.0, 1.5} (the same directions for every ρ), W_xh ~ N(0, 1), W_hy ~ N(0, 1/H), zero biases, h_0 = 0.
Input: T = 60 steps of default_rng(1000 + seed).standard_normal, times the input scale s ∈ {0 (at rest: every
h_j = 0), 0.1, 0.3, 1, 3}.  Loss on the last step only, L = ½‖ŷ_T − 1‖², so ‖∂L/∂h_{T−k}‖ measures what reaches k
steps back.  Rows: ‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ at k = 0, 10, …, 60.  Seeds 0-19.  The quick mode re-runs seed 0.
"""

import numpy as np
from harness import Experiment, grid, seeds

import rnn_lib

RADII, SCALES, T, H = (0.5, 1.0, 1.5), (0.0, 0.1, 0.3, 1.0, 3.0), 60, 16
LAGS = tuple(range(0, T + 1, 10))


def rnn_with_radius(rho, seed, H=H):
    """Notebook 08's network: W_hh rescaled to spectral radius rho (the same random directions for every rho)."""
    g = np.random.default_rng(seed)
    W = g.standard_normal((H, H))
    W *= rho / np.max(np.abs(np.linalg.eigvals(W)))
    return {
        "W_xh": g.standard_normal((H, 1)),
        "W_hh": W,
        "W_hy": g.standard_normal((1, H)) / np.sqrt(H),
        "b_h": np.zeros((H, 1)),
        "b_y": np.zeros((1, 1)),
    }


def reach(params, x):
    """‖∂L/∂h_{T−k}‖ / ‖∂L/∂h_T‖ for k = 0 … T, L = ½‖ŷ_T − 1‖² (rnn_lib.backward with δ^y only at the last step)."""
    y_hat, cache = rnn_lib.forward(params, x)
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - 1.0
    h = cache.h[:, 0, :]  # (T + 1, H)
    delta = params["W_hy"].T @ dy[-1]  # δ^h_T
    norms = [np.linalg.norm(delta)]
    for j in range(len(x), 0, -1):
        delta = params["W_hh"].T @ ((1.0 - h[j] ** 2) * delta)  # δ^h_{j−1}
        norms.append(np.linalg.norm(delta))
    norms = np.array(norms)
    return norms / norms[0]


def run(case, quick):
    seed, rho = case["seed"], case["rho"]
    params = rnn_with_radius(rho, seed, H=case.get("H", H))  # gradient_reach_choices varies H
    x = np.random.default_rng(1000 + seed).standard_normal((T, 1))
    rows = []
    for s in SCALES:
        r = reach(params, s * x)
        rows += [{**case, "scale": s, "lag": k, "reach": float(r[k])} for k in LAGS]
    return rows


EXPERIMENT = Experiment(
    name="gradient_reach",
    protocol=(
        f"seeds 0-19; H = {H}, W_hh rescaled to ρ in {RADII}; T = {T} steps of N(0, 1) inputs × s in {SCALES} "
        "(0: at rest); last-step loss; ‖∂L/∂h_(T−k)‖ / ‖∂L/∂h_T‖ (see the docstring of experiments/gradient_reach.py)."
    ),
    key=("seed", "rho", "scale", "lag"),
    cases=grid(seed=seeds(20), rho=RADII),
    quick=grid(seed=[0], rho=RADII),
    run=run,
)

if __name__ == "__main__":
    EXPERIMENT.main()
