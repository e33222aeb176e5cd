"""``SimpleRNN``, the problem's class (same attributes, draws and numbers), and ``LSTMModel``, ``GRUModel`` beside it.

Every method checks its input before it changes anything: after any exception the parameters, the random
generators and the cached forward pass are as they were; an update is all or nothing (``updates.py``)."""

from __future__ import annotations

import numpy as np

from . import engine, files, gated, gru, lstm, parameters, reference, validation
from .functional import draw_params, drawn_atomically
from .updates import sgd_step


class RecurrentModel:
    """What the model classes share: parameters as attributes, ``forward``/``backward``, save/load.  A subclass gives
    ``PARAM_NAMES``, ``param_shapes(D, H, O)``, ``_draw(D, H, O, rng=, dtype=)``, its file format ``FILE`` and the
    trusting ``_run_forward(params, x)``, ``_run_backward(params, cache, dy)`` for x (T, D)."""

    PARAM_NAMES: tuple = ()
    FILE: files.FileFormat

    def __init__(self, input_size, hidden_size, output_size, *, rng=None, dtype=np.float64):
        # Every check before the first draw, so a refused call leaves the random generator where it was.
        D = validation.check_size(input_size, "input_size")
        H = validation.check_size(hidden_size, "hidden_size")
        O = validation.check_size(output_size, "output_size")
        rng = validation.as_generator(rng, seeds=False)
        dtype = validation.check_float_dtype(dtype)
        n = sum(a * b for a, b in self.param_shapes(D, H, O).values())
        validation.check_memory(16 * n, f"the parameters for input_size = {D}, hidden_size = {H}, output_size = {O}")
        self._adopt(D, H, O, self._draw(D, H, O, rng=rng, dtype=dtype))

    def _adopt(self, D, H, O, params):
        """Take sizes and (already checked) parameter arrays; no forward pass cached yet."""
        self.input_size, self.hidden_size, self.output_size = D, H, O
        for name in self.PARAM_NAMES:
            setattr(self, name, params[name])
        self._forwarded = None  # (x, cache, y_hat, copies of the parameters) of the last forward
        self._stepped = False  # True right after a backward used up its forward pass

    @property
    def params(self) -> dict:
        """The parameter arrays by name (the arrays themselves, not copies)."""
        return {name: getattr(self, name) for name in self.PARAM_NAMES}

    @property
    def dtype(self) -> np.dtype:
        """The parameters' float dtype, which decides the arithmetic."""
        return self.W_hh.dtype

    @property
    def sizes(self) -> tuple[int, int, int]:
        """(input_size, hidden_size, output_size) = (D, H, O)."""
        return self.input_size, self.hidden_size, self.output_size

    def forward(self, x):
        """Predictions for one sequence x (T, D) as (T, O, 1), as the problem's; kept for :meth:`backward`."""
        params = self._checked_params()
        x = self._inputs(x, copy=True)
        y_hat, cache = self._predict(params, x)
        # Copies of x and of the weights: backward checks that it is given the same x and that
        # nothing (a trainer, a reassignment, an in-place edit) changed the weights in between.
        self._forwarded = (x, cache, y_hat, {name: p.copy() for name, p in params.items()})
        self._stepped = False
        return y_hat[:, :, None].copy()

    def backward(self, x, y, learning_rate=0.01):
        """BPTT on the cached forward pass of ``x``, then one SGD step; returns that pass's loss.

        y: targets (T, O) ((T,) when O = 1, or (T, O, 1)).  :class:`CallOrderError` without a forward pass of this x
        with these weights since the last backward; FloatingPointError (model unchanged) if a parameter would overflow.
        """
        lr = validation.check_positive(learning_rate, "learning_rate")
        if self._forwarded is None:
            if self._stepped:
                raise validation.CallOrderError(
                    "backward needs a fresh forward pass: the last backward already used the one of this x and "
                    "changed the weights, so its hidden states are stale; call forward(x) again first"
                )
            raise validation.CallOrderError("backward needs the hidden states of a forward pass: call forward(x) first")
        x = self._inputs(x)
        x_seen, cache, y_hat, params_seen = self._forwarded
        if x.shape != x_seen.shape or not np.array_equal(x, x_seen):
            raise validation.CallOrderError(
                f"backward got an x (shape {x.shape}) different from the one last given to forward "
                f"(shape {x_seen.shape}); call forward(x) with this x first"
            )
        y = validation.check_targets(y, y_hat.shape, self.dtype)
        params = self._checked_params(updating=True)
        changed = [name for name, p in params.items() if not np.array_equal(p, params_seen[name])]
        if changed:
            raise validation.CallOrderError(
                f"{', '.join(changed)} changed since the last forward, so its hidden states belong to other "
                "weights; call forward(x) again before backward"
            )
        self._step(params, self._gradients(params, cache, y_hat, y), lr)
        return reference.loss(y_hat, y)

    def loss(self, x, y) -> float:
        """L = ½ Σ_t ‖ŷ_t − y_t‖² for one sequence; parameters and cached forward unchanged."""
        _, y, y_hat, _ = self._run(x, y)
        return reference.loss(y_hat, y)

    def gradients(self, x, y) -> dict:
        """∂L/∂p for every parameter, as a dict of arrays; the model is not changed."""
        params, y, y_hat, cache = self._run(x, y)
        grads = self._gradients(params, cache, y_hat, y)
        return {name: grads[name] for name in self.PARAM_NAMES}

    def train_step(self, x, y, learning_rate=0.01) -> float:
        """One SGD step on (x, y), as forward then backward would take it; returns the loss before the step."""
        lr = validation.check_positive(learning_rate, "learning_rate")
        params, y, y_hat, cache = self._run(x, y, updating=True)
        self._step(params, self._gradients(params, cache, y_hat, y), lr)
        return reference.loss(y_hat, y)

    def save(self, path):
        """Write the parameters and sizes to exactly ``path`` (no suffix added), atomically; returns it as a Path."""
        params = self._checked_params()
        return files.save_arrays(path, files.file_arrays(self.FILE, self.sizes, params))

    @classmethod
    def load(cls, path):
        """The model a file written by :meth:`save` holds (FileNotFoundError, or a ValueError naming what is wrong)."""
        (D, H, O), params = files.load_arrays(path, cls.FILE)
        model = cls.__new__(cls)
        model._adopt(D, H, O, params)
        return model

    def _checked_params(self, *, updating=False) -> dict:
        """The parameter attributes, checked: a learner may have reassigned one (``model.W_hh = ...``)."""
        params = self.params
        owner = type(self).__name__
        validation.check_arrays(params, self.PARAM_NAMES, owner=owner)
        D, H, O = self.sizes
        origin = f"(input_size D = {D}, hidden_size H = {H}, output_size O = {O})"
        validation.check_shapes(params, self.param_shapes(D, H, O), origin, owner=owner)
        if updating:
            validation.check_updatable(params, self.PARAM_NAMES, owner=owner)
        return params

    def _run(self, x, y, *, updating=False):
        """Check the parameters, x and y, then run forward: ``(params, y, y_hat, cache)``; nothing is kept."""
        params = self._checked_params(updating=updating)
        x = self._inputs(x)
        y = validation.check_targets(y, (x.shape[0], self.output_size), self.dtype)
        return (params, y, *self._predict(params, x))

    def _inputs(self, x, copy=False):
        x = validation.check_inputs(x, self.input_size, self.dtype, allow_1d=True, copy=copy)
        if x.ndim != 2:
            raise ValueError(
                f"{type(self).__name__} takes one sequence x of shape (T, D={self.input_size}), got shape "
                f"{x.shape}; for batches use the functional forward / backward"
            )
        return x

    def _predict(self, params, x):
        # Overflow becomes one FloatingPointError below rather than a RuntimeWarning per operation.
        with np.errstate(over="ignore", invalid="ignore"):
            y_hat, cache = self._run_forward(params, x)
        if not np.all(np.isfinite(y_hat)):
            largest = max(float(np.max(np.abs(p))) for p in params.values())
            raise FloatingPointError(
                f"the forward pass overflowed to NaN or inf (largest |x| {float(np.max(np.abs(x))):.3g}, "
                f"largest |parameter| {largest:.3g}): scale the inputs down or start from smaller weights"
            )
        return y_hat, cache

    def _gradients(self, params, cache, y_hat, y):
        with np.errstate(over="ignore", invalid="ignore"):
            grads = self._run_backward(params, cache, reference.loss_grad(y_hat, y))
        bad = [name for name in self.PARAM_NAMES if not np.all(np.isfinite(grads[name]))]
        if bad:
            raise FloatingPointError(
                f"the gradients of {', '.join(bad)} overflowed to NaN or inf: the model is unchanged; "
                "scale the inputs or targets down, or start from smaller weights"
            )
        return grads

    def _step(self, params, grads, lr):
        """p ← p − η ∂L/∂p for every parameter, all or nothing; then the cached forward pass is stale."""
        # The new parameters and the forgotten forward pass land together, in one call nothing can cut in half.
        sgd_step(params, grads, lr, self.PARAM_NAMES, owner=self, _forwarded=None, _stepped=True)


class SimpleRNN(RecurrentModel):
    """h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),  ŷ_t = W_hy h_t + b_y,  h_0 = 0: the problem's class.

    Attributes: ``W_xh (H, D)``, ``W_hh (H, H)``, ``W_hy (O, H)``, ``b_h (H, 1)``, ``b_y (O, 1)``, ``input_size``,
    ``hidden_size``, ``output_size``.  ``rng=None`` draws N(0, 1) · 0.01 from numpy's global RNG in the problem's
    order (or from a Generator).  ``forward(x)`` then ``backward(x, y)`` with the same x, else CallOrderError."""

    PARAM_NAMES = parameters.PARAM_NAMES
    FILE = files.FileFormat("rnn_lib.SimpleRNN", 1, parameters.PARAM_NAMES, parameters.param_shapes)
    param_shapes = staticmethod(parameters.param_shapes)

    def _draw(self, D, H, O, *, rng, dtype):
        return draw_params(D, H, O, rng=rng, scale=0.01, dtype=dtype)

    _run_forward = staticmethod(engine.forward)
    _run_backward = staticmethod(engine.backward)


class LSTMModel(RecurrentModel):
    """The LSTM of notebook 13 with SimpleRNN's surface; parameters as :func:`rnn_lib.lstm.init_params` draws them."""

    PARAM_NAMES = gated.PARAM_NAMES
    FILE = files.FileFormat("rnn_lib.LSTMModel", 1, gated.PARAM_NAMES, lstm.param_shapes)
    param_shapes = staticmethod(lstm.param_shapes)

    def __init__(self, input_size, hidden_size, output_size, *, rng=None, dtype=np.float64, forget_bias=0.0):
        self._forget_bias = lstm.check_forget_bias(forget_bias)  # before the first draw
        super().__init__(input_size, hidden_size, output_size, rng=rng, dtype=dtype)

    def _draw(self, D, H, O, *, rng, dtype):
        return drawn_atomically(
            rng, lambda: lstm.init_params(D, H, O, rng=rng, dtype=dtype, forget_bias=self._forget_bias)
        )

    _run_forward = staticmethod(lstm.forward)
    _run_backward = staticmethod(lstm.backward)


class GRUModel(RecurrentModel):
    """The GRU of notebook 14 with SimpleRNN's surface; parameters as :func:`rnn_lib.gru.init_params` draws them."""

    PARAM_NAMES = gated.PARAM_NAMES
    FILE = files.FileFormat("rnn_lib.GRUModel", 1, gated.PARAM_NAMES, gru.param_shapes)
    param_shapes = staticmethod(gru.param_shapes)

    def _draw(self, D, H, O, *, rng, dtype):
        return drawn_atomically(rng, lambda: gru.init_params(D, H, O, rng=rng, dtype=dtype))

    _run_forward = staticmethod(gru.forward)
    _run_backward = staticmethod(gru.backward)
