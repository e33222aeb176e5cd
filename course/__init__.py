"""course: what teaching the course needs, beside the library a learner keeps (``rnn_lib``).

``rnn_lib`` holds what the notebooks derive; this package holds the machinery around it, which ``rnn_lib`` never
imports (a test says so):

- ``exercises``   a checker per notebook topic, on ``exercises._feedback`` (what a learner's answer gets back)
- ``plotting``    every figure; the only place matplotlib is imported
- ``bugs``, ``gated_bugs``  the galleries of planted BPTT, LSTM and GRU bugs (notebooks 06, 13, 14)
- ``diagnostics`` measurements on a network: Hessian eigenvalues, gradients against the lag
- ``forecasting`` free-running predictions and the baselines of notebook 12
- ``text``        characters for a language model: vocabulary, one-hot, streams, sampling, perplexity
- ``language_model``, ``grammar``, ``long_lags``  the protocols of notebooks 18, 19 and 15
- ``results``     the stored rows of the experiments (``notebooks/data``)
- ``environment`` the check every notebook's first cell runs
"""

from . import diagnostics, forecasting, grammar, language_model, results, text
from .environment import check_environment

__all__ = ["check_environment", "diagnostics", "forecasting", "grammar", "language_model", "results", "text"]
