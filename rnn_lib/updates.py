"""Parameter updates that happen all at once or not at all, whatever exception arrives and wherever.

Every update (``SimpleRNN.backward``, the trainers, the optimisers) first computes and checks every new value;
nothing is changed yet.  Then :func:`commit` writes them in place with whatever must change with them (an
optimiser's buffers and step count) in one C-level call, which no Ctrl-C, signal handler or tracer can split."""

from __future__ import annotations

import operator

import numpy as np

from .validation import all_finite, check_updatable


def commit(targets: dict, new: dict, *, owner=None, **attributes) -> None:
    """Copy ``new[k]`` into ``targets[k]`` in place and set ``owner``'s ``attributes``, in one C-level call (``map``
    and ``list`` run in C): no Python line for a signal or tracer to stop at.  The caller checked the values fit."""
    containers = [targets[k] for k in new] + ([vars(owner)] * len(attributes) if attributes else [])
    keys = [Ellipsis] * len(new) + list(attributes)
    values = list(new.values()) + list(attributes.values())
    list(map(operator.setitem, containers, keys, values))


def sgd_step(params: dict, grads: dict, learning_rate: float, names, *, owner=None, **attributes) -> None:
    """p ← p − η ∂L/∂p for the parameters ``names``, in place, all or nothing (FloatingPointError if one overflows)."""
    check_updatable(params, names)
    with np.errstate(over="ignore", invalid="ignore"):  # reported below, as one error
        new = {k: params[k] - learning_rate * grads[k] for k in names}
    bad = [k for k, v in new.items() if not all_finite(v)]
    if bad:
        raise FloatingPointError(
            f"this SGD step (learning_rate={learning_rate}) would make {', '.join(bad)} non-finite (or too large to "
            "compute with): the gradients exploded. Nothing was changed; try a smaller learning rate or clip the gradients."
        )
    commit(params, new, owner=owner, **attributes)
