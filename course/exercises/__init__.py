"""Checkers for the notebooks' coding exercises, one module per topic.

Each ``check_*`` function takes the learner's function, runs it on data of its
choosing and returns a :class:`~course.exercises._feedback.Feedback` that
names what is wrong (shape, sign, time step, parameter, or a known bug).
An unfinished exercise (``raise NotImplementedError``) gets a friendly
"not implemented yet", never a traceback.  A cell after an exercise that uses the learner's function asks
:func:`~course.exercises._feedback.usable` first, which runs the checker and says in words why it stops.
"""

from ._feedback import Feedback, combine, diagnose, matches, run_learner, split_pair, usable

__all__ = ["Feedback", "combine", "diagnose", "matches", "run_learner", "split_pair", "usable"]
