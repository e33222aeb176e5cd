"""``SimpleRNN``: the problem's class, built on the functional core.

Same attributes, shapes and numbers as the reference (``shared/seed/reference_rnn.py``):
after ``np.random.seed(s)`` the weights, outputs and updated weights agree with it
to rounding error, for any sizes and any number of epochs.
"""

from __future__ import annotations

import numpy as np

from . import core
from .validation import check_inputs, check_learning_rate, check_size, check_targets


class SimpleRNN:
    """h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),  ŷ_t = W_hy h_t + b_y,  h_0 = 0.

    Attributes: ``W_xh (H, D)``, ``W_hh (H, H)``, ``W_hy (O, H)``, ``b_h (H, 1)``,
    ``b_y (O, 1)``, ``hidden_size`` (H), ``input_size`` (D), ``output_size`` (O).

    ``rng=None`` draws the weights from numpy's global legacy RNG in the
    reference's order; pass ``np.random.default_rng(seed)`` to use a Generator.
    """

    def __init__(self, input_size, hidden_size, output_size, *, rng=None):
        D = check_size(input_size, "input_size")
        H = check_size(hidden_size, "hidden_size")
        O = check_size(output_size, "output_size")  # noqa: E741
        if rng is not None and not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be None or a numpy Generator (np.random.default_rng(seed)), got {type(rng).__name__}")
        self.input_size, self.hidden_size, self.output_size = D, H, O
        for name, value in core.init_params(D, H, O, rng=rng).items():
            setattr(self, name, value)
        self._forwarded = None  # (x, cache) of the last forward, for backward

    @property
    def params(self) -> dict:
        """The five parameter arrays by name (the arrays themselves, not copies)."""
        return {name: getattr(self, name) for name in core.PARAM_NAMES}

    # -- the problem's two methods --------------------------------------------

    def forward(self, x):
        """Predictions for one sequence x of shape (T, D); returns (T, O, 1) like the reference.

        The hidden states are kept for the next :meth:`backward`.
        """
        x = self._inputs(x)
        y_hat, cache = core.forward(self.params, x)
        self._forwarded = (x, cache, y_hat)
        return y_hat[:, :, None].copy()

    def backward(self, x, y, learning_rate=0.01):
        """BPTT on the cached forward pass of ``x``, then one SGD step on all five parameters.

        y: targets (T, O); (T,) when O = 1 and (T, O, 1) are accepted too.
        Returns the loss of the forward pass the gradients belong to.
        """
        lr = check_learning_rate(learning_rate)
        if self._forwarded is None:
            raise RuntimeError("backward needs the hidden states of a forward pass: call forward(x) first")
        x = self._inputs(x)
        x_seen, cache, y_hat = self._forwarded
        if x.shape != x_seen.shape or not np.array_equal(x, x_seen):
            raise ValueError(
                f"backward got an x (shape {x.shape}) different from the one last given to forward "
                f"(shape {x_seen.shape}); call forward(x) with this x first"
            )
        y = check_targets(y, y_hat.shape, self.W_hh.dtype)
        grads = core.backward(self.params, cache, core.loss_grad(y_hat, y))
        self._apply(grads, lr)
        return core.loss(y_hat, y)

    # -- conveniences that leave the model unchanged ------------------------------

    def loss(self, x, y) -> float:
        """L = ½ Σ_t ‖ŷ_t − y_t‖² for one sequence; parameters and cached forward unchanged."""
        x = self._inputs(x)
        y_hat, _ = core.forward(self.params, x)
        return core.loss(y_hat, check_targets(y, y_hat.shape, self.W_hh.dtype))

    def gradients(self, x, y) -> dict:
        """∂L/∂p for the five parameters, as a dict of arrays; the model is not changed."""
        x = self._inputs(x)
        y_hat, cache = core.forward(self.params, x)
        y = check_targets(y, y_hat.shape, self.W_hh.dtype)
        grads = core.backward(self.params, cache, core.loss_grad(y_hat, y))
        return {name: grads[name] for name in core.PARAM_NAMES}

    def train_step(self, x, y, learning_rate=0.01) -> float:
        """forward then backward: one SGD step; returns the loss before the step."""
        self.forward(x)
        return self.backward(x, y, learning_rate)

    # -- internals --------------------------------------------------------------

    def _inputs(self, x):
        x = check_inputs(x, self.input_size, self.W_hh.dtype, allow_1d=True)
        if x.ndim != 2:
            raise ValueError(
                f"SimpleRNN takes one sequence x of shape (T, D={self.input_size}), got shape {x.shape}; "
                "for batches use rnn_lib.forward / rnn_lib.backward"
            )
        return x

    def _apply(self, grads, lr):
        # Compute every new value first, so a non-finite result leaves all five untouched.
        new = {name: getattr(self, name) - lr * grads[name] for name in core.PARAM_NAMES}
        bad = [name for name, value in new.items() if not np.all(np.isfinite(value))]
        if bad:
            raise FloatingPointError(
                f"this SGD step (learning_rate={lr}) would make {', '.join(bad)} non-finite: the gradients "
                "exploded. The model is unchanged; try a smaller learning rate or clip the gradients."
            )
        for name, value in new.items():
            getattr(self, name)[...] = value  # in place, so params views stay valid
