"""rnn_lib: the course's recurrent networks in numpy, with BPTT.  Read ``reference``, then ``lstm`` and ``gru``;
CONTRIBUTING.md maps every module.  Arrays are time-major: x is (T, D) for one sequence or (T, B, D) for a batch."""

from . import cells, clipping, data, engine, gradcheck, gru, irnn, losses, lstm, optim, reference, tbptt, training
from .functional import backward, forward, init_params
from .losses import loss, loss_grad
from .model import GRUModel, LSTMModel, SimpleRNN
from .parameters import PARAM_NAMES, param_shapes
from .reference import output_step_backward, output_step_forward, rnn_step_backward, rnn_step_forward
from .validation import CallOrderError

__version__ = "0.1.0"


__all__ = ["CallOrderError", "GRUModel", "LSTMModel", "PARAM_NAMES", "SimpleRNN", "backward", "cells", "clipping"]
__all__ += ["data", "engine", "forward", "gradcheck", "gru", "init_params", "irnn", "loss", "loss_grad", "losses"]
__all__ += ["optim", "lstm", "output_step_backward", "output_step_forward", "param_shapes", "reference"]
__all__ += ["rnn_step_backward", "rnn_step_forward", "tbptt", "training"]
