"""Optimisers with the rules, names and defaults of ``torch.optim``, over a dict of arrays changed in place::

    opt = Adam(params, lr=1e-3)      # params: name → float array, e.g. rnn_lib.init_params(...)
    opt.step(grads)                  # grads: name → ∂L/∂p, the same names and shapes

The rules, for one parameter p with gradient g (element-wise; t = 1, 2, … counts the steps)::

    SGD                 p ← p − η g
    SGD(momentum=μ)     b ← μ b + g  (b = g at t = 1),   p ← p − η b         (b sums past gradients, weights μ^age)
    Momentum            v ← μ v − η g  (v = 0 before t = 1),   p ← p + v      the "heavy ball"
    Adagrad             s ← s + g²,   p ← p − η g / (√s + ε)                                torch.optim.Adagrad
    Adam                m ← β1 m + (1 − β1) g,   v ← β2 v + (1 − β2) g²,                    torch.optim.Adam
                        p ← p − η / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

``step`` is all or nothing: it computes every new parameter and buffer, checks them finite, then commits them in
one call (``updates.commit``); after any error nothing has changed.  Stricter than torch: lr, ε > 0, momentum and
betas in [0, 1).  Not provided: weight decay, dampening, Nesterov momentum, AMSGrad, Adagrad's ``lr_decay``."""

from __future__ import annotations

import math

import numpy as np

from .updates import commit
from .validation import all_finite, as_float_array, check_arrays, check_number, check_updatable, describe


def _check_params(params) -> dict:
    """The parameter dict as given, after checking that one in-place step can update every array safely."""
    if not isinstance(params, dict):
        raise TypeError(f"params must be a dict name → numpy float array, got {describe(params)}")
    if not params:
        raise ValueError("params is empty: give the optimiser the arrays it should update")
    names = list(params)
    bad_keys = [k for k in names if not isinstance(k, str)]
    if bad_keys:
        raise TypeError(f"params must have str keys (parameter names), got the key {bad_keys[0]!r}")
    check_arrays(params, names, ndim=None)  # plain float arrays of one dtype, finite
    check_updatable(params, names)  # writeable, no two sharing memory
    return params


def _check_grads(grads, params) -> dict:
    """New arrays (copies) of the gradients, one per parameter, in the parameters' shapes and dtypes."""
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict with the keys of params ({', '.join(params)}), got {describe(grads)}")
    missing = [k for k in params if k not in grads]
    if missing:
        raise ValueError(f"grads is missing {', '.join(map(repr, missing))} (expected the keys of params)")
    extra = [k for k in grads if k not in params]
    if extra:
        hint = ""
        if {"x", "h0"} & set(extra):
            hint = "; rnn_lib.backward also returns ∂L/∂x and ∂L/∂h0: pass {k: grads[k] for k in params}"
        raise ValueError(f"grads has keys that are not parameters: {', '.join(map(repr, extra))}{hint}")
    checked = {}
    for name, p in params.items():
        g, label = grads[name], f"grads[{name!r}]"
        if type(g) is np.ndarray and g.dtype.kind == "f":  # what backward returns: only finiteness to check
            if not all_finite(g, bounded=False):
                raise FloatingPointError(f"{label} holds NaN or inf: the step is refused, nothing changed")
            g = g.astype(p.dtype)  # a copy, always: a buffer may keep it
        else:
            g = as_float_array(g, label, p.dtype, copy=True)
        if g.shape != p.shape:
            raise ValueError(f"{label} must have the shape of params[{name!r}], {p.shape}, got {g.shape}")
        checked[name] = g
    return checked


class _Checked:
    """A hyper-parameter checked whenever it is set (``opt.lr = -1`` fails there): ``check_number``'s bounds."""

    def __init__(self, check=None, **bounds):
        self.check = check or (lambda value, name: check_number(value, name, **bounds))

    def __set_name__(self, owner, name):
        self.name, self.slot = name, "_" + name

    def __get__(self, obj, owner=None):
        return self if obj is None else getattr(obj, self.slot)

    def __set__(self, obj, value):
        setattr(obj, self.slot, self.check(value, self.name))


def _check_betas(value, name):
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise TypeError(f"{name} must be a pair (β1, β2) of numbers in [0, 1), got {value!r}")
    return tuple(check_number(b, f"{name}[{i}] (β{i + 1})", at_least=0, below=1) for i, b in enumerate(value))


FORGETS = " (μ >= 1 never forgets a gradient)"


class Optimizer:
    """The parameters, buffers, step count and all-or-nothing step; a subclass gives ``_rule(p, g, state, t)``
    → (new p, new state) for one array, changing none of its arguments."""

    def __init__(self, params):
        self.params = _check_params(params)
        self._names = list(params)
        self._arrays = tuple(params.values())  # the arrays last checked in full
        self._layout = {name: (p.shape, p.dtype) for name, p in params.items()}
        self._state = {name: {} for name in params}  # name → buffers; replaced, never edited in place
        self._steps = 0

    @property
    def steps(self) -> int:
        """How many steps were taken; the next step is t = steps + 1."""
        return self._steps

    @property
    def state(self) -> dict:
        """name → {buffer name → array}: read-only views of the buffers after the last step."""

        def read_only(array):
            view = array.view()
            view.flags.writeable = False
            return view

        return {name: {key: read_only(b) for key, b in buffers.items()} for name, buffers in self._state.items()}

    def step(self, grads) -> None:
        """One update of every parameter, in place, from ``grads`` (name → ∂L/∂p); all or nothing."""
        params = self._checked_params()
        grads = _check_grads(grads, params)
        t = self._steps + 1
        new_params, new_state = {}, {}
        for name, p in params.items():
            # From finite gradients and buffers only an overflow can make a non-finite number; nothing is written yet.
            with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):  # checked below
                new_params[name], new_state[name] = self._rule(p, grads[name], self._state[name], t)
            buffers = new_state[name].values()
            if not (all_finite(new_params[name]) and all(all_finite(b, bounded=False) for b in buffers)):
                if not all_finite(p):  # the same arrays are not checked again: edited in place since the last step?
                    raise ValueError(f"params[{name!r}] holds NaN or inf, or values too large to compute with")
                raise FloatingPointError(
                    f"step {t} of {type(self).__name__} overflows for {name!r} (the gradients exploded, or the "
                    "learning rate is too large?); parameters and optimiser state are unchanged: try a smaller "
                    "learning rate or clip the gradients"
                )
        # The new parameters, buffers and step count land in one C-level call: all of them, or none.
        commit(params, new_params, owner=self, _state=new_state, _steps=t)

    def _checked_params(self) -> dict:
        """The parameter dict, checked in full when its arrays are not the ones checked before."""
        params = self.params
        same = list(params) == self._names and all(params[k] is a for k, a in zip(self._names, self._arrays))
        if same and all(p.flags.writeable and (p.shape, p.dtype) == self._layout[k] for k, p in params.items()):
            return params  # the same array objects, their flags and shapes unchanged in place
        _check_params(params)
        if list(params) != self._names:
            raise ValueError(
                f"params now has the keys {', '.join(map(str, params))}, but the optimiser was made for "
                f"{', '.join(self._names)}: make a new optimiser for other parameters"
            )
        for name, p in params.items():
            if (p.shape, p.dtype) != self._layout[name]:
                shape, dtype = self._layout[name]
                message = f"params[{name!r}] is now {p.shape} {p.dtype}, but the optimiser was made for {shape} {dtype}"
                raise ValueError(message)
        self._arrays = tuple(params.values())
        return params

    def __repr__(self) -> str:
        names = [n for k in reversed(type(self).__mro__) for n, a in vars(k).items() if isinstance(a, _Checked)]
        hyper = ", ".join(f"{n}={getattr(self, n)}" for n in names)
        return f"{type(self).__name__}({hyper}), {self._steps} steps taken"

    def _rule(self, p, g, state, t):  # pragma: no cover - every optimiser defines it
        raise NotImplementedError


class SGD(Optimizer):
    """torch.optim.SGD: lr = η > 0, momentum = μ in [0, 1); buffer ``state[name]["momentum_buffer"]`` (when μ > 0)."""

    lr = _Checked(above=0)
    momentum = _Checked(at_least=0, below=1, why=FORGETS)

    def __init__(self, params, lr=1e-3, momentum=0.0):
        self.lr, self.momentum = lr, momentum
        super().__init__(params)

    def _rule(self, p, g, state, t):
        if self.momentum == 0:
            return p - self.lr * g, {}
        b = g if "momentum_buffer" not in state else self.momentum * state["momentum_buffer"] + g
        return p - self.lr * b, {"momentum_buffer": b}


class Momentum(SGD):
    """The heavy ball (Polyak 1964): SGD's rule with v = −η b, which keeps its velocity when η changes."""

    def __init__(self, params, lr=1e-3, momentum=0.9):
        super().__init__(params, lr=lr, momentum=momentum)

    def _rule(self, p, g, state, t):
        v = -self.lr * g if "velocity" not in state else self.momentum * state["velocity"] - self.lr * g
        return p + v, {"velocity": v}


class Adagrad(Optimizer):
    """torch.optim.Adagrad: lr = η > 0, eps = ε > 0, initial_accumulator_value ≥ 0; buffer ``state[name]["sum"]``."""

    lr = _Checked(above=0)
    eps = _Checked(above=0)
    initial_accumulator_value = _Checked(at_least=0)

    def __init__(self, params, lr=1e-2, eps=1e-10, initial_accumulator_value=0.0):
        self.lr, self.eps, self.initial_accumulator_value = lr, eps, initial_accumulator_value
        super().__init__(params)

    def _rule(self, p, g, state, t):
        s = (state["sum"] if "sum" in state else np.full_like(p, self.initial_accumulator_value)) + g * g
        return p - self.lr * g / (np.sqrt(s) + self.eps), {"sum": s}


class Adam(Optimizer):
    """torch.optim.Adam: lr = η > 0, betas (β1, β2) in [0, 1), eps = ε > 0; buffers ``exp_avg``, ``exp_avg_sq``."""

    lr = _Checked(above=0)
    betas = _Checked(check=_check_betas)
    eps = _Checked(above=0)

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.lr, self.betas, self.eps = lr, betas, eps
        super().__init__(params)

    def _rule(self, p, g, state, t):
        (beta1, beta2), g2 = self.betas, g * g
        m = (1 - beta1) * g if "exp_avg" not in state else beta1 * state["exp_avg"] + (1 - beta1) * g
        v = (1 - beta2) * g2 if "exp_avg_sq" not in state else beta2 * state["exp_avg_sq"] + (1 - beta2) * g2
        step_size = self.lr / (1 - beta1**t)
        denom = np.sqrt(v) / math.sqrt(1 - beta2**t) + self.eps
        return p - step_size * m / denom, {"exp_avg": m, "exp_avg_sq": v}
