"""Notebook 15: long lags (experiments/long_lags_memory.py, long_lags_latch.py)."""
