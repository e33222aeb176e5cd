"""Figures for the notebooks: the only part of rnn_lib that imports matplotlib.

Import the module you need, e.g. ``from course.plotting import style``;
``import rnn_lib`` itself never loads matplotlib.
"""
