"""The one list of the course's notebooks, and the address of the repository.

Navigation headers and footers, the course map in 00_index.ipynb, the README's
map and the static site are all generated from ``NOTEBOOKS`` below
(``python tools/sync_notebooks.py``), and ``tests/test_navigation.py`` fails when
a notebook disagrees with it.  To add a notebook: add a line here, create the
file, run ``make sync``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Where the repository lives on GitHub: the Binder badges are built from this.
REPOSITORY = "rnn-course/rnn-bptt-numpy"
BRANCH = "HEAD"


@dataclass(frozen=True)
class Notebook:
    stem: str  # file name without .ipynb
    title: str
    summary: str  # one line for the course map
    prerequisites: tuple = ()  # stems of notebooks to read first

    @property
    def file(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def number(self) -> str:
        return self.stem[:2]


NOTEBOOKS = (
    Notebook("00_index", "Course map", "What the course is, how to run it, the notation, and the original problem."),
    Notebook(
        "01_forward_pass",
        "The forward pass",
        "The recurrence h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h), its shapes, and the unrolled network.",
        ("00_index",),
    ),
    Notebook(
        "02_loss_and_output_gradient",
        "The loss and its gradient",
        "L = ½ Σ_t ‖ŷ_t − y_t‖², why the ½ and the sum, and ∂L/∂ŷ_t = ŷ_t − y_t.",
        ("01_forward_pass",),
    ),
    Notebook(
        "03_output_layer_gradients",
        "Output-layer gradients",
        "∂L/∂W_hy = Σ_t δ^y_t h_tᵀ and ∂L/∂b_y = Σ_t δ^y_t: index notation, matrix form, why the sum over t.",
        ("02_loss_and_output_gradient",),
    ),
    Notebook(
        "04_hidden_state_gradient",
        "The hidden-state gradient",
        "Two paths into h_t, the backward recursion for δ^h_t, tanh′ = 1 − h_t², and why BPTT runs backwards.",
        ("03_output_layer_gradients",),
    ),
    Notebook(
        "05_recurrent_weight_gradients",
        "Recurrent-weight gradients",
        "∂L/∂W_xh, ∂L/∂W_hh (with h_{t−1}), ∂L/∂b_h, and the sum over all paths through time.",
        ("04_hidden_state_gradient",),
    ),
    Notebook(
        "06_gradient_checking_and_bug_gallery",
        "Gradient checking and a bug gallery",
        "Centred differences, choosing ε, and the error signatures of classic BPTT bugs.",
        ("05_recurrent_weight_gradients",),
    ),
    Notebook(
        "07_training_with_sgd",
        "Training with SGD",
        "Assemble SimpleRNN, train it on [1, 2, 3, 4] → [2, 3, 4, 5] with η = 0.01, and sweep η.",
        ("06_gradient_checking_and_bug_gallery",),
    ),
    Notebook(
        "08_vanishing_and_exploding_gradients",
        "Vanishing and exploding gradients",
        "Jacobian products through time, spectral radius, tanh saturation, and the Pascanu et al. bound.",
        ("07_training_with_sgd",),
    ),
    Notebook(
        "09_gradient_clipping",
        "Gradient clipping",
        "Clipping by global norm versus by value: what each does to training and to the gradient's direction.",
        ("08_vanishing_and_exploding_gradients",),
    ),
    Notebook(
        "10_truncated_bptt",
        "Truncated BPTT",
        "BPTT(k1, k2) with the state carried across chunks: how close to the full gradient, and at what saving.",
        ("09_gradient_clipping",),
    ),
    Notebook(
        "11_minibatches_and_vectorisation",
        "Mini-batches and vectorisation",
        "From a Python loop over one sequence to matrix products over a batch, and the measured speed-up.",
        ("10_truncated_bptt",),
    ),
    Notebook(
        "12_projects",
        "Projects",
        "Sine-wave forecasting against baselines, running free, and the adding problem: how the updates needed grow with T.",
        ("11_minibatches_and_vectorisation",),
    ),
    Notebook(
        "13_lstm",
        "The LSTM",
        "Gates and a cell state in PyTorch's layout; δ^c from its two paths, every gate checked; the constant error "
        "carousel measured; the classic LSTM bugs and their signatures.",
        ("12_projects",),
    ),
    Notebook(
        "14_gru",
        "The GRU",
        "The update gate as a learned leak, where the reset gate acts (and how Cho et al. differ), the two biases; "
        "the backward pass derived and checked; the classic GRU bugs.",
        ("13_lstm",),
    ),
    Notebook(
        "15_long_lags",
        "Long lags, measured",
        "The IRNN; then holding one sign for up to 99 steps: vanilla tanh, LSTM (forget bias 0, 1, 3) and GRU "
        "(update-gate bias 0, 3), the sign at step 1 (latching, with a random-target control) or at a random step, "
        "learning rates from a search on pilot seeds, solved against the budget; every result a registered claim.",
        ("12_projects", "14_gru"),
    ),
    Notebook(
        "16_softmax_and_cross_entropy",
        "Softmax and cross-entropy",
        "A probability for each symbol: ∂L/∂z = p − onehot with the softmax Jacobian, the max shift, perplexity.",
        ("02_loss_and_output_gradient", "05_recurrent_weight_gradients"),
    ),
    Notebook(
        "17_optimisers",
        "Optimisers",
        "SGD, momentum, Adagrad and Adam as update rules, each from a failure of the last; bias correction derived.",
        ("07_training_with_sgd", "09_gradient_clipping"),
    ),
    Notebook(
        "18_char_language_model",
        "A character-level language model",
        "The course's own prose as a corpus: baselines, stateful truncated BPTT with Adam, perplexity, samples at "
        "several temperatures, a look for a unit that tracks LaTeX math; the RNN and the LSTM over 10 seeds.",
        ("10_truncated_bptt", "13_lstm", "16_softmax_and_cross_entropy", "17_optimisers"),
    ),
    Notebook(
        "19_reber_grammar",
        "A grammar with a known answer",
        "The embedded Reber grammar, scored exactly by its legal next symbols; the lowest reachable loss derived; "
        "the vanilla RNN and the LSTM over 10 seeds.",
        ("18_char_language_model",),
    ),
    Notebook(
        "20_deep_and_bidirectional",
        "Deep and bidirectional RNNs",
        "Stacked layers: δ from the layer above and from the next step, derived and checked; a bidirectional layer, "
        "whose backward direction is differentiated forwards in time; when each helps, on a task that looks ahead, "
        "over 10 seeds with the arbitrary choices varied.",
        ("11_minibatches_and_vectorisation", "19_reber_grammar"),
    ),
    Notebook(
        "21_encoder_decoder",
        "The encoder–decoder",
        "Two GRUs and a bridge: teacher forcing and free running, the gradient across the bridge derived and checked, "
        "padding and masks, greedy decoding and beam search; exact match against length over seeds, with the hidden "
        "size, learning rate and budget varied.",
        ("12_projects", "14_gru", "16_softmax_and_cross_entropy", "17_optimisers"),
    ),
    Notebook(
        "22_attention",
        "Attention, derived by hand",
        "Additive and scaled dot-product scores, the masked softmax and the context vector, every backward pass "
        "derived and checked; the encoder–decoder with and without attention over 10 seeds, its choices varied one "
        "at a time; attention maps.",
        ("21_encoder_decoder",),
    ),
)

BY_STEM = {nb.stem: nb for nb in NOTEBOOKS}


def binder_url(notebook_file: str = "00_index.ipynb", folder: str = "notebooks") -> str:
    """Link that opens ``<folder>/<notebook_file>`` in JupyterLab on mybinder.org.

    folder: where the edition lives in the repository after Binder's postBuild (``zh/notebooks`` for the Chinese
    edition, which postBuild generates: tools/editions.py).
    """
    return f"https://mybinder.org/v2/gh/{REPOSITORY}/{BRANCH}?urlpath=lab/tree/{folder}/{notebook_file}"


# The badge's image ships with the repository, so a header renders offline (a projector without a network): every
# header carries it as a cell attachment (tools/sync_notebooks.py), which travels with the notebook wherever it is
# copied (the workspace, the student edition, the site).
BINDER_BADGE_FILE = Path(__file__).resolve().parent / "binder_badge.svg"
BINDER_BADGE = "attachment:binder_badge.svg"
