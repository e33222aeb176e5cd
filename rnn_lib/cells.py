"""The networks the trainers train (``train(..., cell=cells.LSTM)``): the RNN, LSTM, GRU and IRNN behind one face."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import engine, gated, gru, irnn, lstm
from .fast import gru as fast_gru
from .fast import lstm as fast_lstm
from .parameters import PARAM_NAMES
from .validation import check_params


@dataclass(frozen=True)
class Cell:
    """One kind of network as the trainers see it: ``sizes(params)`` → (D, H, O) checked; trusting
    ``forward(params, x (T, B, D), **states (B, H))`` → (y_hat, cache), ``backward(params, cache, dy)`` → gradients;
    ``last_states(cache)`` → {state name: (B, H)}, what a stateful trainer carries on."""

    name: str
    param_names: tuple
    state_names: tuple
    sizes: Callable
    forward: Callable
    backward: Callable
    last_states: Callable


def _last_h(cache):
    return {"h0": cache.h[-1]}


def _last_h_c(cache):
    return {"h0": cache.h[-1], "c0": cache.c[-1]}


def _lstm_sizes(params):
    return gated.check_params(params, lstm.G, "LSTM")


def _gru_sizes(params):
    return gated.check_params(params, gru.G, "GRU")


# The trainers check the data and the parameters once, before the first step: each cell's forward and backward trust
# them.  The gated cells run their fast versions (the same numbers as lstm.forward, gru.forward); the IRNN is the
# course's RNN with max(a, 0) for tanh (start it with irnn.init_params).
RNN = Cell("RNN", PARAM_NAMES, ("h0",), check_params, engine.forward, engine.backward, _last_h)
LSTM = Cell("LSTM", gated.PARAM_NAMES, ("h0", "c0"), _lstm_sizes, fast_lstm.forward, fast_lstm.backward, _last_h_c)
GRU = Cell("GRU", gated.PARAM_NAMES, ("h0",), _gru_sizes, fast_gru.forward, fast_gru.backward, _last_h)
IRNN = Cell("IRNN", PARAM_NAMES, ("h0",), check_params, irnn.run_forward, irnn.run_backward, _last_h)
CELLS = {"RNN": RNN, "LSTM": LSTM, "GRU": GRU, "IRNN": IRNN}


def check_cell(cell) -> Cell:
    """``cell`` as a Cell: a Cell itself, or its name ("RNN", "LSTM", "GRU", "IRNN"); else a TypeError/ValueError."""
    if isinstance(cell, Cell):
        return cell
    if isinstance(cell, str):
        if cell.upper() in CELLS:
            return CELLS[cell.upper()]
        raise ValueError(f"cell must be one of {', '.join(CELLS)} (or rnn_lib.cells.RNN, …), got {cell!r}")
    raise TypeError(f"cell must be rnn_lib.cells.RNN, .LSTM, .GRU or .IRNN (or their names), got {type(cell).__name__}")
