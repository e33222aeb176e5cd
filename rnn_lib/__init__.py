"""rnn_lib: the recurrent network of the course, in numpy, with BPTT.

The pieces, lowest first (nothing imports anything above it; CONTRIBUTING.md's table, kept true by a test):

- ``parameters``  the five parameters' names and shapes
- ``reference``   the readable BPTT: step functions and the loops over them (read this one)
- ``engine``      the same numbers, fast: what ``forward``/``backward`` run
- ``validation``  the checks the public functions run on what they are given
- ``functional``  ``init_params``/``forward``/``backward`` as learners call them (checked)
- ``updates``     parameter updates that happen all at once or not at all
- ``gradcheck``   centred finite differences and a per-array report
- ``files``       saving and loading parameters, atomically and safely
- ``lstm``, ``gru`` the gated networks in PyTorch's layout (notebooks 13, 14), read top to bottom;
                  ``fast``: the same numbers in fewer numpy calls (what the trainers run); ``irnn`` the ReLU RNN
- ``model``       ``SimpleRNN``, the problem's class, and ``LSTMModel``, ``GRUModel`` with its surface
- ``data``        seeded toy, sine-wave, adding-problem, memory, Reber-grammar and random data
- ``losses``      the squared error (``loss``, ``loss_grad``) and softmax cross-entropy
- ``optim``       SGD, Momentum, Adagrad and Adam with torch.optim's rules, all-or-nothing steps
- ``clipping``    gradient clipping by global norm and by value
- ``cells``       the RNN, the LSTM, the GRU and the IRNN as the trainers see them
- ``progress``    a quiet progress line for long runs
- ``training``    a mini-batch trainer that records a History
- ``tbptt``       truncated BPTT, Williams & Peng's BPTT(k1, k2)

What teaching needs beside the library (checkers, bug galleries, figures, experiment protocols) is the package
``course``, which this one never imports.

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
from .functional import backward, forward, init_params
from .losses import loss, loss_grad
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
