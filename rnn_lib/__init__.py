"""rnn_lib: the recurrent network of the course, in numpy, with BPTT.

The pieces, lowest first (nothing imports anything above it):

- ``core``        forward/backward pairs (one step and whole sequences), the loss
- ``validation``  the checks the public functions run on what they are given
- ``functional``  ``forward``/``backward``/``loss`` as learners call them (checked)
- ``gradcheck``   centred finite differences and a per-array report
- ``model``       ``SimpleRNN``, the problem's class
- ``data``        seeded toy, sine-wave and adding-problem data
- ``bugs``        the gallery of planted BPTT bugs (notebook 06)
- ``clipping``    gradient clipping by global norm and by value
- ``tbptt``       truncated BPTT, Williams & Peng's BPTT(k1, k2)
- ``lstm``, ``gru`` the gated cells in PyTorch's layout (notebooks 13, 14), sharing ``gated``;
                  ``gated_bugs``: their planted-bug gallery
- ``training``    a mini-batch trainer that records a History
- ``exercises``   checkers for the notebooks' exercises; ``plotting``: figures (imports matplotlib)

Arrays are time-major: x is (T, D) for one sequence or (T, B, D) for a batch.
"""

from . import clipping, core, data, gradcheck, gru, lstm, tbptt, training
from .core import (
    PARAM_NAMES,
    init_params,
    output_step_backward,
    output_step_forward,
    param_shapes,
    rnn_step_backward,
    rnn_step_forward,
)
from .environment import check_environment
from .functional import backward, forward, loss, loss_grad
from .model import SimpleRNN
from .validation import CallOrderError

__version__ = "0.1.0"

__all__ = [
    "CallOrderError",
    "PARAM_NAMES",
    "SimpleRNN",
    "backward",
    "clipping",
    "check_environment",
    "core",
    "data",
    "forward",
    "gradcheck",
    "gru",
    "init_params",
    "loss",
    "loss_grad",
    "lstm",
    "output_step_backward",
    "output_step_forward",
    "param_shapes",
    "rnn_step_backward",
    "rnn_step_forward",
    "tbptt",
    "training",
]
