"""Parameter updates that happen all at once or not at all, whatever exception arrives and wherever.

Every update (``SimpleRNN.backward``, the trainers, the optimisers) first computes and checks every new value;
nothing is changed yet.  Then :func:`commit` writes them in place with whatever must change with them (an
optimiser's buffers and step count) in one C-level call, which no Ctrl-C, signal handler or tracer can split.
"""

from __future__ import annotations

import operator

import numpy as np

from .validation import all_finite, check_updatable


def commit(targets: dict, new: dict, *, owner=None, **attributes) -> None:
    """Copy ``new[k]`` into ``targets[k]`` in place for every key of ``new``, and set ``owner``'s ``attributes``.

    One C-level call does it all (``map`` and ``list`` run in C; the array copies and the attribute writes are
    C too): there is no Python line in between for a signal handler or a tracer to stop at.  The caller has
    checked that the values fit (same shapes, writeable targets that share no memory, see
    :func:`rnn_lib.validation.check_updatable`); a copy that cannot fail cannot leave a mix.
    """
    containers = [targets[k] for k in new] + ([vars(owner)] * len(attributes) if attributes else [])
    keys = [Ellipsis] * len(new) + list(attributes)
    values = list(new.values()) + list(attributes.values())
    list(map(operator.setitem, containers, keys, values))


def sgd_step(params: dict, grads: dict, learning_rate: float, names, *, owner=None, **attributes) -> None:
    """p ← p − η ∂L/∂p for the parameters ``names``, in place, all or nothing (``owner``, ``attributes``: see commit).

    Trusting about shapes (the caller checked the gradients); checks that the parameters can be
    updated in place, computes every new value first, and raises FloatingPointError with no parameter
    changed if any of them is not finite, or so large that its square overflows (see ``validation``).
    """
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
