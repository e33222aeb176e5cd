"""The LSTM and the GRU, fast: the same numbers as ``rnn_lib.lstm`` and ``rnn_lib.gru``, in fewer numpy calls.

**To learn the cells, read ``rnn_lib/lstm.py`` and ``rnn_lib/gru.py``**; these modules are what the trainers run
(``rnn_lib.cells.LSTM``, ``.GRU``), and ``tests/test_fast_gated.py`` holds them equal to the readable code.
"""

from . import gru, lstm

__all__ = ["gru", "lstm"]
