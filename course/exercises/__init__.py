"""Checkers for the notebooks' coding exercises, one module per topic.

Each ``check_*`` function takes the learner's function, runs it on data of its
choosing and returns a :class:`~course.exercises._feedback.Feedback` that
names what is wrong (shape, sign, time step, parameter, or a known bug).
An unfinished exercise (``raise NotImplementedError``) gets a friendly
"not implemented yet", never a traceback.
"""

from ._feedback import Feedback, combine, diagnose, matches, run_learner, split_pair

__all__ = ["Feedback", "combine", "diagnose", "matches", "run_learner", "split_pair"]
