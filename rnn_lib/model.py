"""``SimpleRNN``, the problem's class, on the surface every model of the course shares.

Same attributes, shapes and numbers as the problem statement's own ``SimpleRNN`` (not part of this repository;
CONTRIBUTING.md says how the parity tests find it): attributes ``W_xh, W_hh, W_hy, b_h, b_y``, drawn with
``np.random.randn(...) * 0.01`` in that order, ``forward(x)`` returning (T, O, 1) and ``backward(x, y, learning_rate)``
doing BPTT and one SGD step;
after ``np.random.seed(s)`` the weights, outputs and updated weights agree with it to rounding
error, for any sizes and any number of epochs.

Every public method checks what it is given before it changes anything (``validation.py``):
after any exception the parameters are bit-identical to what they were, the random generators
have not moved, and the cached forward pass still works.  An update is all or nothing, even
under Ctrl-C (``updates.py``).
"""

from __future__ import annotations

import numpy as np

from . import engine, files, gated, gru, lstm, parameters, reference
from .functional import draw_params, drawn_atomically
from .updates import sgd_step
from .validation import (
    CallOrderError,
    as_generator,
    check_arrays,
    check_float_dtype,
    check_inputs,
    check_learning_rate,
    check_memory,
    check_number,
    check_shapes,
    check_size,
    check_targets,
    check_updatable,
)


class RecurrentModel:
    """What the course's model classes share: parameters as attributes, ``forward``/``backward``, save/load.

    A subclass names its parameters (``PARAM_NAMES``), their shapes (``param_shapes(D, H, O)``), how
    they are drawn (``_draw(D, H, O, rng=, dtype=)``), its file format (``FILE``) and the trusting sequence
    functions ``_run_forward(params, x)`` and ``_run_backward(params, cache, dy)`` on one sequence x (T, D).
    """

    PARAM_NAMES: tuple = ()
    FILE: files.FileFormat

    def __init__(self, input_size, hidden_size, output_size, *, rng=None, dtype=np.float64):
        # Every check before the first draw, so a refused call leaves the random generator where it was.
        D = check_size(input_size, "input_size")
        H = check_size(hidden_size, "hidden_size")
        O = check_size(output_size, "output_size")
        rng = as_generator(rng, seeds=False)
        dtype = check_float_dtype(dtype)
        n = sum(a * b for a, b in self.param_shapes(D, H, O).values())
        check_memory(16 * n, f"the parameters for input_size = {D}, hidden_size = {H}, output_size = {O}")
        self._adopt(D, H, O, self._draw(D, H, O, rng=rng, dtype=dtype))

    # -- state -------------------------------------------------------------------------

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

    # -- the problem's two methods --------------------------------------------------------

    def forward(self, x):
        """Predictions for one sequence x of shape (T, D); returns (T, O, 1) like the problem's reference.

        The hidden states (and a copy of x) are kept for the next :meth:`backward`.
        """
        params = self._checked_params()
        x = self._inputs(x, copy=True)
        y_hat, cache = self._predict(params, x)
        # Copies of x and of the weights: backward checks that it is given the same x and that
        # nothing (a trainer, a reassignment, an in-place edit) changed the weights in between.
        self._forwarded = (x, cache, y_hat, {name: p.copy() for name, p in params.items()})
        self._stepped = False
        return y_hat[:, :, None].copy()

    def backward(self, x, y, learning_rate=0.01):
        """BPTT on the cached forward pass of ``x``, then one SGD step on every parameter.

        y: targets (T, O); (T,) when O = 1 and (T, O, 1) are accepted too.  Returns the loss of the
        forward pass the gradients belong to.

        Raises :class:`CallOrderError` without a forward pass of this very x, with these very
        weights, since the last backward; FloatingPointError (model unchanged) if the step would
        make a parameter NaN or inf.
        """
        lr = check_learning_rate(learning_rate)
        if self._forwarded is None:
            if self._stepped:
                raise CallOrderError(
                    "backward needs a fresh forward pass: the last backward already used the one of this x and "
                    "changed the weights, so its hidden states are stale; call forward(x) again first"
                )
            raise CallOrderError("backward needs the hidden states of a forward pass: call forward(x) first")
        x = self._inputs(x)
        x_seen, cache, y_hat, params_seen = self._forwarded
        if x.shape != x_seen.shape or not np.array_equal(x, x_seen):
            raise CallOrderError(
                f"backward got an x (shape {x.shape}) different from the one last given to forward "
                f"(shape {x_seen.shape}); call forward(x) with this x first"
            )
        y = check_targets(y, y_hat.shape, self.dtype)
        params = self._checked_params(updating=True)
        changed = [name for name, p in params.items() if not np.array_equal(p, params_seen[name])]
        if changed:
            raise CallOrderError(
                f"{', '.join(changed)} changed since the last forward, so its hidden states belong to other "
                "weights; call forward(x) again before backward"
            )
        self._step(params, self._gradients(params, cache, y_hat, y), lr)
        return reference.loss(y_hat, y)

    # -- conveniences -------------------------------------------------------------------

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
        """One SGD step on (x, y), as forward then backward would take it; returns the loss before the step.

        It keeps no forward pass and leaves the cached one of an earlier ``forward`` alone unless
        the step succeeds (the step changes the weights, which makes that pass stale).
        """
        lr = check_learning_rate(learning_rate)
        params, y, y_hat, cache = self._run(x, y, updating=True)
        self._step(params, self._gradients(params, cache, y_hat, y), lr)
        return reference.loss(y_hat, y)

    # -- save and load ------------------------------------------------------------------

    def save(self, path):
        """Write the parameters and the sizes to ``path`` as an .npz archive; returns the path as a Path.

        The file is exactly ``path`` (str or pathlib.Path): unlike ``np.savez``, no ``.npz`` is
        appended, so ``save(p)`` and ``load(p)`` always name the same file (``.npz`` is the suffix to
        choose).  The archive holds no pickled objects, and is written to a temporary file in the same
        folder and then renamed over ``path``: an interrupted save leaves an existing file intact, and
        an existing file keeps its permissions.
        """
        params = self._checked_params()
        return files.save_arrays(path, files.file_arrays(self.FILE, self.sizes, params))

    @classmethod
    def load(cls, path):
        """A model with the sizes and bit-identical parameters of a file written by :meth:`save`.

        Never unpickles anything, and reads no data before it has checked what the file declares.
        A missing file raises FileNotFoundError; anything else wrong (not a regular file, truncated,
        corrupted, not written by ``save``, wrong names, shapes, dtypes, non-finite values) raises
        ValueError naming the path and the problem.
        """
        (D, H, O), params = files.load_arrays(path, cls.FILE)
        model = cls.__new__(cls)
        model._adopt(D, H, O, params)
        return model

    # -- internals ------------------------------------------------------------------------

    def _checked_params(self, *, updating=False) -> dict:
        """The parameter attributes, checked: a learner may have reassigned one (``model.W_hh = ...``)."""
        params = self.params
        owner = type(self).__name__
        check_arrays(params, self.PARAM_NAMES, owner=owner)
        D, H, O = self.sizes
        origin = f"(input_size D = {D}, hidden_size H = {H}, output_size O = {O})"
        check_shapes(params, self.param_shapes(D, H, O), origin, owner=owner)
        if updating:
            check_updatable(params, self.PARAM_NAMES, owner=owner)
        return params

    def _run(self, x, y, *, updating=False):
        """Check the parameters, x and y, then run forward: ``(params, y, y_hat, cache)``; nothing is kept."""
        params = self._checked_params(updating=updating)
        x = self._inputs(x)
        y = check_targets(y, (x.shape[0], self.output_size), self.dtype)
        return (params, y, *self._predict(params, x))

    def _inputs(self, x, copy=False):
        x = check_inputs(x, self.input_size, self.dtype, allow_1d=True, copy=copy)
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
    """h_t = tanh(W_xh x_t + W_hh h_{t−1} + b_h),  ŷ_t = W_hy h_t + b_y,  h_0 = 0.

    Attributes: ``W_xh (H, D)``, ``W_hh (H, H)``, ``W_hy (O, H)``, ``b_h (H, 1)``, ``b_y (O, 1)``,
    ``input_size`` (D), ``hidden_size`` (H), ``output_size`` (O).

    ``rng=None`` draws the weights from numpy's global legacy RNG in the reference's order; pass
    ``np.random.default_rng(seed)`` to use a Generator.  ``dtype`` is np.float64 (default, the
    reference's) or np.float32.

    Order of calls: ``forward(x)`` then ``backward(x, y)`` with the same x; each backward uses up the
    forward pass before it (the step changes the weights, so its hidden states are stale).  A
    backward without its forward, with another x, or after the weights changed since forward raises
    :class:`CallOrderError`, a ValueError and RuntimeError at once.
    """

    PARAM_NAMES = parameters.PARAM_NAMES
    FILE = files.FileFormat("rnn_lib.SimpleRNN", 1, parameters.PARAM_NAMES, parameters.param_shapes)
    param_shapes = staticmethod(parameters.param_shapes)

    def _draw(self, D, H, O, *, rng, dtype):
        return draw_params(D, H, O, rng=rng, scale=0.01, dtype=dtype)

    _run_forward = staticmethod(engine.forward)
    _run_backward = staticmethod(engine.backward)


class LSTMModel(RecurrentModel):
    """The LSTM of notebook 13 with SimpleRNN's surface: ``forward(x)`` → (T, O, 1), ``backward(x, y, η)``, …

    Attributes: ``W_ih (4H, D)``, ``W_hh (4H, H)``, ``b_ih (4H, 1)``, ``b_hh (4H, 1)`` (gate blocks i, f, g, o,
    PyTorch's layout), ``W_hy (O, H)``, ``b_y (O, 1)``; h_0 = c_0 = 0.  Weights ~ U(−1/√H, 1/√H) as in PyTorch,
    drawn from numpy's global RNG (``rng=None``) or a Generator; ``forget_bias`` starts the forget gate open
    (see :func:`rnn_lib.lstm.init_params`).  Checks, call order and all-or-nothing updates as for SimpleRNN.
    """

    PARAM_NAMES = gated.PARAM_NAMES
    FILE = files.FileFormat("rnn_lib.LSTMModel", 1, gated.PARAM_NAMES, lstm.param_shapes)
    param_shapes = staticmethod(lstm.param_shapes)

    def __init__(self, input_size, hidden_size, output_size, *, rng=None, dtype=np.float64, forget_bias=0.0):
        self._forget_bias = check_number(forget_bias, "forget_bias")
        super().__init__(input_size, hidden_size, output_size, rng=rng, dtype=dtype)

    def _draw(self, D, H, O, *, rng, dtype):
        return drawn_atomically(
            rng, lambda: lstm.init_params(D, H, O, rng=rng, dtype=dtype, forget_bias=self._forget_bias)
        )

    _run_forward = staticmethod(lstm.forward)
    _run_backward = staticmethod(lstm.backward)


class GRUModel(RecurrentModel):
    """The GRU of notebook 14 with SimpleRNN's surface: ``forward(x)`` → (T, O, 1), ``backward(x, y, η)``, …

    Attributes: ``W_ih (3H, D)``, ``W_hh (3H, H)``, ``b_ih (3H, 1)``, ``b_hh (3H, 1)`` (gate blocks r, z, n,
    PyTorch's layout), ``W_hy (O, H)``, ``b_y (O, 1)``; h_0 = 0.  Weights ~ U(−1/√H, 1/√H) as in PyTorch.
    Checks, call order and all-or-nothing updates as for SimpleRNN.
    """

    PARAM_NAMES = gated.PARAM_NAMES
    FILE = files.FileFormat("rnn_lib.GRUModel", 1, gated.PARAM_NAMES, gru.param_shapes)
    param_shapes = staticmethod(gru.param_shapes)

    def _draw(self, D, H, O, *, rng, dtype):
        return drawn_atomically(rng, lambda: gru.init_params(D, H, O, rng=rng, dtype=dtype))

    _run_forward = staticmethod(gru.forward)
    _run_backward = staticmethod(gru.backward)
