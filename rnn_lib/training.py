"""Mini-batch training: SGD or an optimiser, optional clipping, a :class:`History`; any cell (``rnn_lib.cells``).

x (T, N, D) holds N sequences; y (T, N, O) a target at every step or (N, O) one at the last step.  A batch's
objective is the *mean* per-sequence loss (1/B) Σ_b L_b, so that η means the same for every batch size."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import reference, validation
from .cells import RNN, Cell, check_cell
from .clipping import apply_clip
from .updates import sgd_step
from .validation import as_generator, as_params, check_clip, check_positive, check_size, check_training_data, describe

PROGRESS_INTERVAL = 2.0  # seconds between two progress lines
AUTO_PROGRESS_AFTER = 5.0  # progress="auto" prints only when the whole run is expected to take longer


class Progress:
    """A progress line at most every PROGRESS_INTERVAL seconds; mode True, False or "auto" (runs estimated after one
    epoch to take longer than AUTO_PROGRESS_AFTER seconds), and the time."""

    def __init__(self, mode, total_epochs):
        if mode not in (True, False, "auto") or isinstance(mode, int) and not isinstance(mode, bool):
            raise ValueError(f"progress must be True, False or 'auto', got {mode!r}")
        self.mode, self.total = mode, total_epochs
        self.start = self.last = time.perf_counter()
        self.printed = False

    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self.start

    def update(self, epoch, loss, grad_norm) -> float:
        """Report the end of ``epoch`` (from 1); returns the seconds elapsed."""
        now = time.perf_counter()
        elapsed = now - self.start
        if self.mode == "auto" and epoch == 1:
            self.mode = elapsed * self.total > AUTO_PROGRESS_AFTER
        done = epoch == self.total
        if self.mode is True and (now - self.last >= PROGRESS_INTERVAL or (done and self.printed) or epoch == 1):
            eta = elapsed / epoch * (self.total - epoch)
            print(
                f"epoch {epoch:>{len(str(self.total))}}/{self.total}  loss {loss:.4g}  |g| {grad_norm:.3g}  "
                f"{elapsed:.0f} s" + ("" if done else f" (about {eta:.0f} s left)"),
                flush=True,
            )
            self.last, self.printed = now, True
        return elapsed


class TrainingDiverged(FloatingPointError):
    """The loss, the gradients or an updated parameter became non-finite; the parameters are as before that update.
    Attributes: ``history`` (so far), ``update`` (from 1), ``quantity`` ("the loss", "the gradient", "a parameter")."""

    def __init__(self, message, history, *, update=None, quantity=None):
        super().__init__(message)
        self.history = history
        self.update = update
        self.quantity = quantity


@dataclass
class History:
    """What a run recorded.  Per epoch: ``loss`` (mean over its batches, before each step), ``grad_norm`` (mean, before
    clipping), ``clip_fraction``, ``val_loss``; per update: ``step_loss``, ``step_grad_norm``; ``seconds``."""

    loss: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    clip_fraction: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    step_grad_norm: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def epochs(self) -> int:
        return len(self.loss)

    @property
    def steps(self) -> int:
        return len(self.step_loss)


def _loss_and_dy(y_hat, y):
    """Summed loss and ∂L/∂ŷ for targets at every step (y like y_hat) or at the last step only (y (B, O))."""
    if y.ndim == y_hat.ndim:
        return reference.loss(y_hat, y), reference.loss_grad(y_hat, y)
    dy = np.zeros_like(y_hat)
    dy[-1] = y_hat[-1] - y  # only the last prediction is scored
    return reference.loss(y_hat[-1], y), dy


def _loss_and_gradients(params, x, y, cell=RNN):
    """:func:`loss_and_gradients` for checked arguments."""
    B = x.shape[1]
    y_hat, cache = cell.forward(params, x)
    total, dy = _loss_and_dy(y_hat, y)
    grads = cell.backward(params, cache, dy)
    return total / B, {k: grads[k] / B for k in cell.param_names}


def loss_and_gradients(params, x, y, *, cell=RNN):
    """Mean per-sequence loss of a batch x (T, B, D), y (T, B, O) or (B, O), and its gradients: ``(loss, grads)``."""
    cell = check_cell(cell)
    params = as_params(params, cell.sizes)
    x, y = check_training_data(params, x, y, sizes=cell.sizes)
    return _loss_and_gradients(params, x, y, cell)


def evaluate(params, x, y, *, cell=RNN) -> float:
    """Mean per-sequence loss on (x, y), without changing anything; shapes as in :func:`loss_and_gradients`."""
    cell = check_cell(cell)
    params = as_params(params, cell.sizes)
    x, y = check_training_data(params, x, y, sizes=cell.sizes)
    y_hat, _ = cell.forward(params, x)
    return _loss_and_dy(y_hat, y)[0] / x.shape[1]


class Trainer(NamedTuple):
    """What every training loop checks first and how it takes a step; made by :func:`check_trainer`."""

    cell: Cell
    params: dict
    learning_rate: float | None  # plain SGD's η, or None when the optimizer takes the steps
    optimizer: object
    clip: tuple | None
    history: History
    meter: Progress
    epoch_steps: list  # (norm, clipped) of each step since the last epoch ended

    def step(self, loss, grads, *, recorded=None):
        """Clip, step (SGD or the optimiser), record ``recorded`` (default ``loss``); returns ``(norm, clipped)``.

        Raises :class:`TrainingDiverged` on a non-finite loss, gradient or parameter, the parameters as they were."""
        names, history = self.cell.param_names, self.history
        with np.errstate(over="ignore", invalid="ignore"):  # a non-finite number is reported below, with advice
            if not (math.isfinite(loss) and all(np.all(np.isfinite(grads[k])) for k in names)):
                raise self._diverged("the loss" if not math.isfinite(loss) else "the gradient")
            grads, norm, clipped = apply_clip(grads, self.clip, names=names)
            try:
                if self.optimizer is None:
                    sgd_step(self.params, grads, self.learning_rate, names)
                else:
                    self.optimizer.step(grads)  # all or nothing, too: a refused step changes neither params nor state
            except FloatingPointError:
                raise self._diverged("a parameter") from None
        history.step_loss.append(loss if recorded is None else recorded)
        history.step_grad_norm.append(norm)
        self.epoch_steps.append((norm, clipped))
        return norm, clipped

    def end_epoch(self, epoch, loss):
        """Record epoch ``epoch`` (from 1): its ``loss``, mean gradient norm and share of clipped steps."""
        norms, clipped = zip(*self.epoch_steps)
        self.epoch_steps.clear()
        history = self.history
        history.loss.append(loss)
        history.grad_norm.append(sum(norms) / len(norms))
        history.clip_fraction.append(sum(map(bool, clipped)) / len(clipped))
        history.seconds = self.meter.update(epoch, loss, history.grad_norm[-1])

    def _diverged(self, where):
        advice = "try a smaller learning rate" + ("" if self.clip else ", or clip the gradients (clip=('norm', 1.0))")
        update = self.history.steps + 1
        self.history.seconds = self.meter.elapsed()
        return TrainingDiverged(
            f"training diverged: {where} became non-finite at update {update}. "
            f"The parameters are as they were before that update; {advice}.",
            self.history,
            update=update,
            quantity=where,
        )


def check_trainer(
    params_or_model, cell, learning_rate=None, optimizer=None, clip=None, *, steps=1, progress=False, history=None
) -> Trainer:
    """The arguments every trainer shares, checked before anything changes: a :class:`Trainer`.  Plain SGD with
    ``learning_rate`` (0.01 by default) or ``optimizer`` (required when ``learning_rate=False``); clip as in train."""
    cell = check_cell(cell)
    params = as_params(params_or_model, cell.sizes)
    validation.check_updatable(params, cell.param_names)
    if learning_rate is False:
        if optimizer is None:
            message = "optimizer must be an rnn_lib.optim optimiser built over params, e.g. Adam(params), got None"
            raise TypeError(message)
        learning_rate = None
    if optimizer is None:
        lr = check_positive(0.01 if learning_rate is None else learning_rate, "learning_rate")
    elif learning_rate is not None:
        raise ValueError(
            "give either learning_rate (plain SGD) or optimizer (which has its own lr), not both; "
            f"got learning_rate={learning_rate!r} and {type(optimizer).__name__}"
        )
    elif not (hasattr(optimizer, "step") and isinstance(getattr(optimizer, "params", None), dict)):
        raise TypeError(f"optimizer must be an rnn_lib.optim optimiser (SGD, Adam, …), got {describe(optimizer)}")
    elif set(optimizer.params) != set(cell.param_names) or any(
        optimizer.params[k] is not params[k] for k in cell.param_names
    ):
        raise ValueError(
            "the optimizer updates other arrays than the ones being trained: build it over the same params "
            "(e.g. Adam(model.params) or Adam(params))"
        )
    else:
        lr = None
    meter = Progress(progress, steps)
    return Trainer(cell, params, lr, optimizer, check_clip(clip), history or History(), meter, [])


def train(
    params_or_model,
    x,
    y,
    *,
    epochs,
    batch_size,
    learning_rate=None,
    optimizer=None,
    clip=None,
    validation=None,
    shuffle=True,
    rng=0,
    progress="auto",
    cell=RNN,
) -> History:
    """Mini-batch training on the mean per-sequence loss; the parameters are updated in place.

    Inputs: params_or_model, a dict or model of the kind ``cell`` says (``rnn_lib.cells.RNN``, ``LSTM``, ``GRU`` or
    their names); x (T, N, D); y (T, N, O) or (N, O); epochs, batch_size; learning_rate (plain SGD, 0.01 by default)
    or optimizer (``rnn_lib.optim``); clip None, ("norm", c) or ("value", c); validation (x_val, y_val) or None;
    shuffle, rng: a fresh order each epoch; progress True, False or "auto" (only runs longer than ~5 s).
    Returns a :class:`History`; raises :class:`TrainingDiverged` with the parameters as before that update."""
    epochs, batch_size = check_size(epochs, "epochs"), check_size(batch_size, "batch_size")
    trainer = check_trainer(params_or_model, cell, learning_rate, optimizer, clip, steps=epochs, progress=progress)
    cell, params = trainer.cell, trainer.params
    x, y = check_training_data(params, x, y, sizes=cell.sizes)
    if validation is not None:
        if not isinstance(validation, tuple) or len(validation) != 2:
            raise TypeError(f"validation must be a tuple (x_val, y_val), got {describe(validation)}")
        x_val, y_val = check_training_data(params, *validation, name="validation ", sizes=cell.sizes)
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
    gen = as_generator(rng)

    N, history = x.shape[1], trainer.history
    for epoch in range(1, epochs + 1):
        order = gen.permutation(N) if shuffle else np.arange(N)
        loss_sum = 0.0
        for start in range(0, N, batch_size):
            idx = order[start : start + batch_size]
            xb, yb = x[:, idx], (y[:, idx] if y.ndim == 3 else y[idx])
            with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported by trainer.step, with advice
                loss, grads = _loss_and_gradients(params, xb, yb, cell)
            trainer.step(loss, grads)
            loss_sum += loss * len(idx)
        if validation is not None:
            y_hat, _ = cell.forward(params, x_val)
            history.val_loss.append(_loss_and_dy(y_hat, y_val)[0] / x_val.shape[1])
        trainer.end_epoch(epoch, loss_sum / N)
    return history
