"""rnn_lib: the recurrent network of the course, in numpy, with BPTT.

The pieces, lowest first (nothing imports anything above it; CONTRIBUTING.md's table, kept true by a test):

- ``parameters``  the five parameters: names, shapes, the problem's initialisation
- ``reference``   the readable BPTT: step functions and the loops over them (read this one)
- ``engine``      the same numbers, fast: what ``forward``/``backward`` run
- ``validation``  the checks the public functions run on what they are given
- ``functional``  ``forward``/``backward``/``loss``/``init_params`` as learners call them (checked)
- ``updates``     parameter updates that happen all at once or not at all
- ``gradcheck``   centred finite differences and a per-array report
- ``files``       saving and loading parameters, atomically and safely
- ``lstm``, ``gru`` the gated cells in PyTorch's layout (notebooks 13, 14), sharing ``gated``, read top to bottom;
                  ``fast``: the same numbers in fewer numpy calls, what the trainers run
- ``model``       ``SimpleRNN``, the problem's class, and ``LSTMModel``, ``GRUModel`` with its surface
- ``data``        seeded toy, sine-wave, adding-problem, Reber-grammar and random data
- ``losses``      the classification read-out: softmax and cross-entropy
- ``optim``       SGD, Momentum, Adagrad and Adam with torch.optim's rules, all-or-nothing steps
- ``text``        characters for a language model: vocabulary, one-hot, streams, sampling, perplexity
- ``clipping``    gradient clipping by global norm and by value
- ``irnn``        the ReLU RNN with W_hh = I at the start (Le et al. 2015; notebook 15)
- ``cells``       the RNN, the LSTM, the GRU and the IRNN as the trainers see them
- ``progress``    a quiet progress line for long runs
- ``training``    a mini-batch trainer that records a History
- ``tbptt``       truncated BPTT, Williams & Peng's BPTT(k1, k2)
- ``language_model`` a character model on a long text: stateful BPTT(k, k) one chunk at a time, evaluation
- ``grammar``     the embedded Reber grammar learned and scored exactly (legal next symbols)
- ``long_lags``   notebook 15's six networks, two tasks and training protocol (imported on its own)
- ``bugs``        the gallery of planted BPTT bugs (notebook 06)
- ``diagnostics``, ``forecasting``, ``results``: measurements, forecasts and stored experiment rows
- ``exercises``   checkers for the notebooks' exercises; ``plotting``: figures (imports matplotlib)

Arrays are time-major: x is (T, D) for one sequence or (T, B, D) for a batch.
"""

from . import (
    cells,
    clipping,
    data,
    engine,
    gradcheck,
    gru,
    irnn,
    losses,
    lstm,
    optim,
    reference,
    tbptt,
    training,
)
from .functional import backward, forward, init_params, loss, loss_grad
from .model import GRUModel, LSTMModel, SimpleRNN
from .parameters import PARAM_NAMES, param_shapes
from .reference import output_step_backward, output_step_forward, rnn_step_backward, rnn_step_forward
from .validation import CallOrderError

__version__ = "0.1.0"

__all__ = [
    "CallOrderError",
    "GRUModel",
    "LSTMModel",
    "PARAM_NAMES",
    "SimpleRNN",
    "backward",
    "cells",
    "clipping",
    "data",
    "engine",
    "forward",
    "gradcheck",
    "gru",
    "init_params",
    "irnn",
    "loss",
    "loss_grad",
    "losses",
    "optim",
    "lstm",
    "output_step_backward",
    "output_step_forward",
    "param_shapes",
    "reference",
    "rnn_step_backward",
    "rnn_step_forward",
    "tbptt",
    "training",
]
