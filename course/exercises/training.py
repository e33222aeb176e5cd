"""Checker for notebook 07's coding exercise: ``train_gd(params, x, y, lr, epochs)``.

The contract: full-batch gradient descent on a batch x (T, B, D), y (T, B, O), on the **mean loss per sequence**
L̄(θ) = L(θ) / B (L the problem's loss summed over the batch), stopped at the first sign of divergence::

    θ_0 = a copy of params;  for k = 0, 1, …, epochs:
        L̄_k = L̄(θ_k)
        if L̄_k is not finite or L̄_k > BLOWUP · L̄_0:  stop: return θ_{k−1}, [L̄_0 … L̄_{k−1}], True
        record L̄_k;  if k < epochs:  θ_{k+1} = θ_k − lr · ∂L̄/∂θ(θ_k)
    return θ_epochs, [L̄_0 … L̄_epochs], False

It returns ``(theta, losses, diverged)``: a NEW dict of the five parameters (``params`` and its arrays are left
unchanged), a list of floats, and a bool.

:func:`check_train_gd` runs the learner's loop twice on a seeded problem, once with a step size that converges and
once with one that diverges, and names the classic slips: gradient ascent, updating ``params`` in place (passed read-only, so the write is named at its line), the sum over
the batch instead of the mean (in the gradient alone, or in the loss too), gradients computed once and reused, the
loss recorded after the update or the final loss not recorded, no divergence check, the diverged parameters returned,
the bad loss recorded, a stop at the first rise of the loss, a parameter left out of the update, and every entry of
rnn_lib.backward's dict updated (it holds "x" and "h0" too); and one update too many, the loss recorded as the sum
(with the gradient of the mean), and a division by B twice.
"""

from __future__ import annotations

import math

import numpy as np

from rnn_lib import reference
from rnn_lib.parameters import PARAM_NAMES, param_shapes

from ..i18n import N_, tr
from ._feedback import Feedback, as_real_array, guarded, matches, read_only, run_learner

EXERCISE = "train_gd"
BLOWUP = 10.0  # a run has diverged once its loss is more than BLOWUP times the loss it started from
STABLE = (0.1, 6)  # (lr, epochs): converges on the checker's problem (the loss falls at every step)
UNSTABLE = (0.3, 10)  # (lr, epochs): the loss rises, falls, and passes BLOWUP · L̄_0 at k = 4

ASCENT = N_("gradient ascent")
SUM_GRADIENT = N_("gradient of the sum, not of the mean")
SUM_LOSS = N_("sum over the batch instead of the mean")
STALE = N_("gradients computed once, before the loop")
LOSS_AFTER = N_("loss recorded after the update")
NO_FINAL_LOSS = N_("loss of the final parameters not recorded")
NO_CHECK = N_("divergence never detected")
KEPT_BAD_STEP = N_("diverged parameters returned")
BAD_LOSS_KEPT = N_("the bad loss recorded")
FIRST_RISE = N_("stopped at the first rise of the loss")
FORGOT_B_Y = N_("a parameter left out of the update")
EXTRA_KEYS = N_("updated every entry of backward's dict")
EXTRA_UPDATE = N_("one update too many (epochs + 1)")
LOSS_SUMMED = N_("loss recorded as the sum over the batch (the gradient of the mean)")
MEAN_TWICE = N_("divided by B twice")
AGAINST_PREVIOUS = N_("blow-up measured against the previous loss, not losses[0]")

ADVICE = {
    ASCENT: N_("Step against the gradient, θ − lr · ∂L̄/∂θ: with + the loss climbs from the first step."),
    SUM_GRADIENT: (
        N_(
            "Your losses are right, but each step is B times too long: the objective is the mean loss "
            "per sequence, L̄ = L / B, so its gradient is rnn_lib.backward's (the gradient of the sum) "
            "divided by B."
        )
    ),
    SUM_LOSS: (
        N_(
            "The objective is the mean loss per sequence, L̄ = L / B: divide the loss and the "
            "gradients by B = x.shape[1] (rnn_lib.loss and rnn_lib.backward sum over the batch)."
        )
    ),
    STALE: (
        N_(
            "Every step needs the gradient at the current parameters θ_k: run forward and backward "
            "inside the loop, on the parameters just updated."
        )
    ),
    LOSS_AFTER: (
        N_(
            "losses[k] is the loss of θ_k, the parameters after k updates, so losses[0] is the loss "
            "before any update: compute and record the loss first, then update."
        )
    ),
    NO_FINAL_LOSS: (
        N_(
            "After the last update the loss of θ_epochs is still to be measured (and checked): losses "
            "has epochs + 1 entries, the loop runs for k = 0 … epochs and updates only while k < "
            "epochs."
        )
    ),
    NO_CHECK: None,  # its advice names BLOWUP: see advice()
    KEPT_BAD_STEP: (
        N_(
            "You stopped at the right time but returned the parameters whose loss failed the test. "
            "Keep the previous parameters (a new dict at every step makes that free) and return them."
        )
    ),
    BAD_LOSS_KEPT: (
        N_(
            "The loss that failed the test belongs to parameters you do not return: test it before "
            "appending, so losses ends with the loss of the returned parameters."
        )
    ),
    FIRST_RISE: None,  # its advice names BLOWUP: see advice()
    FORGOT_B_Y: N_("Every one of the five parameters takes a step: update all of rnn_lib.PARAM_NAMES."),
    AGAINST_PREVIOUS: None,  # its advice names BLOWUP: see advice()
    EXTRA_UPDATE: N_(
        "Your losses are right, but the parameters returned had one more update: a run of `epochs` updates "
        "returns θ_epochs. Record and test the loss at every k = 0 … epochs, and update only while k < epochs."
    ),
    LOSS_SUMMED: N_(
        "Your parameters are right, but each recorded loss is B times too large: the objective is the mean loss "
        "per sequence, L̄ = L / B; rnn_lib.loss returns the sum over the batch."
    ),
    MEAN_TWICE: N_(
        "Each step is B times too short: the gradient of L̄ = L / B is rnn_lib.backward's divided by B once. "
        "Dividing the loss's gradient and the step by B again makes B² (rnn_lib.loss_grad is ŷ − y, not a mean)."
    ),
}


def advice(mistake: str) -> str:
    """What to do about a known mistake, in the learner's language (two name the divergence rule's BLOWUP)."""
    if mistake == NO_CHECK:
        return tr(
            "With the large step the loss exploded and your loop went on. Before each update, stop if "
            "the loss is not finite or above {blowup:g} × losses[0]: return the previous parameters, "
            "the losses so far, and True."
        ).format(blowup=BLOWUP)
    if mistake == FIRST_RISE:
        return tr(
            "A loss can rise for a step and recover (here it does). The rule is a blow-up: stop only "
            "when the loss is not finite or above {blowup:g} × losses[0], the loss you started from."
        ).format(blowup=BLOWUP)
    if mistake == AGAINST_PREVIOUS:
        return tr(
            "A loss that grows by a little at every step never jumps {blowup:g}-fold from one step to the next, "
            "yet it can pass {blowup:g} × losses[0]: compare with the loss you started from, losses[0]."
        ).format(blowup=BLOWUP)
    return tr(ADVICE[mistake])


def _problem():
    """Seeded parameters of size 0.5, a batch x (T, B, D) and targets y (T, B, O): T = 4, B = 3, D = 2, H = 5, O = 2."""
    rng = np.random.default_rng(707)
    params = {name: 0.5 * rng.standard_normal(shape) for name, shape in param_shapes(D=2, H=5, O=2).items()}
    return params, rng.standard_normal((4, 3, 2)), rng.standard_normal((4, 3, 2))


def train_gd(params, x, y, lr, epochs, mistake=None):
    """Reference solution, or the named ``mistake`` planted in it: returns (theta, losses, diverged)."""
    if mistake == LOSS_AFTER:
        return _loss_after_update(params, x, y, lr, epochs)
    if mistake == EXTRA_UPDATE:  # losses of θ_0 … θ_epochs, one update more, θ_{epochs+1} returned
        theta, losses, diverged = train_gd(params, x, y, lr, epochs + 1)
        return (theta, losses, True) if diverged else (theta, losses[:-1], False)
    B = x.shape[1]
    per_sequence = 1.0 if mistake in (SUM_LOSS, LOSS_SUMMED) else 1.0 / B  # the mean loss per sequence is L / B
    per_step = {SUM_LOSS: 1.0, SUM_GRADIENT: 1.0, MEAN_TWICE: 1.0 / B**2}.get(mistake, 1.0 / B)
    step = (1.0 if mistake == ASCENT else -1.0) * lr * per_step
    theta = {name: np.array(params[name], dtype=np.float64) for name in PARAM_NAMES}
    previous, losses, first_grads = theta, [], None
    with np.errstate(all="ignore"):  # planted mistakes may overflow; the learner's code is not run here
        for k in range(epochs + 1):
            y_hat, cache = reference.forward(theta, x)
            loss = reference.loss(y_hat, y) * per_sequence
            if mistake == BAD_LOSS_KEPT:
                losses.append(loss)
            if losses and mistake != NO_CHECK:
                limit = {FIRST_RISE: losses[-1], AGAINST_PREVIOUS: BLOWUP * losses[-1]}.get(mistake, BLOWUP * losses[0])
                if not (math.isfinite(loss) and loss <= limit):
                    return (theta if mistake == KEPT_BAD_STEP else previous), losses, True
            if mistake != BAD_LOSS_KEPT:
                losses.append(loss)
            if k == epochs:
                break
            grads = reference.backward(theta, cache, reference.loss_grad(y_hat, y))
            if mistake == STALE:
                if first_grads is None:
                    first_grads = grads
                grads = first_grads
            previous = theta
            theta = {name: theta[name] + step * grads[name] for name in PARAM_NAMES}
            if mistake == FORGOT_B_Y:
                theta["b_y"] = previous["b_y"]
    if mistake == NO_FINAL_LOSS:
        losses.pop()
    return theta, losses, False


def _loss_after_update(params, x, y, lr, epochs):
    """The slip "update, then record the loss": losses[k] is the loss of θ_{k+1}, and θ_0's loss is never seen."""
    B = x.shape[1]
    theta = {name: np.array(params[name], dtype=np.float64) for name in PARAM_NAMES}
    losses = []
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            y_hat, cache = reference.forward(theta, x)
            grads = reference.backward(theta, cache, reference.loss_grad(y_hat, y))
            previous = theta
            theta = {name: theta[name] - lr / B * grads[name] for name in PARAM_NAMES}
            loss = reference.loss(reference.forward(theta, x)[0], y) / B
            if losses and not (math.isfinite(loss) and loss <= BLOWUP * losses[0]):
                return previous, losses, True
            losses.append(loss)
    return theta, losses, False


MISTAKES = tuple(ADVICE)


def _read(exercise, result):
    """(theta as float arrays, losses as a float array, diverged as a bool), or (None, Feedback) saying what is off."""
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        if isinstance(result, (tuple, list)):
            got = tr("{n:d} values").format(n=len(result))
        else:
            got = tr("a single {type}").format(type=type(result).__name__)
        return None, Feedback(
            exercise, "wrong", [tr("return three values, `return theta, losses, diverged`; got {got}.").format(got=got)]
        )
    theta, losses, diverged = result
    if not isinstance(theta, dict):
        return None, Feedback(
            exercise,
            "wrong",
            [tr("theta should be a dict of the five parameters, got {name}.").format(name=type(theta).__name__)],
        )
    missing = [name for name in PARAM_NAMES if name not in theta]
    if missing:
        return None, Feedback(
            exercise,
            "wrong",
            [tr("theta has no {names}: return all five parameters.").format(names=", ".join(missing))],
        )
    arrays = {}
    for name in PARAM_NAMES:
        arrays[name], problem = as_real_array(theta[name], f"theta['{name}']")
        if problem is not None:
            return None, Feedback(exercise, "wrong", [problem])
    if isinstance(losses, (list, tuple)) and len(losses) == 0:
        return None, Feedback(
            exercise, "wrong", [tr("losses is empty: record the loss of θ_0 before the first update.")]
        )
    losses_arr, problem = as_real_array(losses, "losses")
    if problem is not None:
        return None, Feedback(exercise, "wrong", [problem])
    if not isinstance(diverged, (bool, np.bool_)):
        return None, Feedback(
            exercise,
            "wrong",
            [tr("diverged should be True or False, got {name}.").format(name=type(diverged).__name__)],
        )
    return (arrays, losses_arr.ravel(), bool(diverged)), None


def _same(answer, expected) -> bool:
    theta, losses, diverged = answer
    theta_e, losses_e, diverged_e = expected
    return (
        diverged == diverged_e
        and losses.shape == (len(losses_e),)
        and matches(losses, np.asarray(losses_e))
        and all(
            theta[name].shape == theta_e[name].shape and matches(theta[name], theta_e[name]) for name in PARAM_NAMES
        )
    )


def _describe(answer, expected, lr, epochs) -> list:
    """Messages saying where an unrecognised answer differs from the right one, for the run with step size lr."""
    theta, losses, diverged = answer
    theta_e, losses_e, diverged_e = expected
    run = tr("With lr = {lr} and epochs = {epochs}").format(lr=lr, epochs=epochs)
    msgs = []
    if diverged != diverged_e:
        msgs.append(
            tr("{run} the run {verdict}, but diverged = {diverged}.").format(
                run=run, verdict=tr("diverges") if diverged_e else tr("converges"), diverged=diverged
            )
        )
    if len(losses) != len(losses_e):
        msgs.append(
            tr("{run} losses should have {n} entries, L̄(θ_0) … L̄(θ_{last}); yours has {yours}.").format(
                run=run, n=len(losses_e), last=len(losses_e) - 1, yours=len(losses)
            )
        )
    else:
        wrong = [k for k in range(len(losses)) if not matches(losses[k : k + 1], np.asarray(losses_e[k : k + 1]))]
        if wrong:
            k = wrong[0]
            values = {"run": run, "k": k, "yours": losses[k], "expected": losses_e[k]}
            if k == 0:
                said = tr(
                    "{run} losses[{k}] (the loss after {k} updates) is {yours:.6g}, expected {expected:.6g} "
                    "(losses[0] is the loss before any update)."
                ).format(**values)
            elif k == 1:
                said = tr(
                    "{run} losses[{k}] (the loss after {k} update) is {yours:.6g}, expected {expected:.6g}."
                ).format(**values)
            else:
                said = tr(
                    "{run} losses[{k}] (the loss after {k} updates) is {yours:.6g}, expected {expected:.6g}."
                ).format(**values)
            msgs.append(said)
    bad = [
        name
        for name in PARAM_NAMES
        if theta[name].shape != theta_e[name].shape or not matches(theta[name], theta_e[name])
    ]
    if bad:
        msgs.append(tr("{run} the returned {names} differ from the right θ.").format(run=run, names=", ".join(bad)))
    return msgs


@guarded(EXERCISE)
def check_train_gd(fn) -> Feedback:
    """Run the learner's ``train_gd(params, x, y, lr, epochs)`` with a converging and a diverging step size."""
    params, x, y = _problem()
    runs = (STABLE, UNSTABLE)
    expected = [train_gd(params, x, y, lr, epochs) for lr, epochs in runs]
    planted = {m: [train_gd(params, x, y, lr, epochs, m) for lr, epochs in runs] for m in MISTAKES}

    def explain(err):
        if isinstance(err, KeyError) and err.args and err.args[0] in ("x", "h0"):
            return Feedback(
                EXERCISE,
                "wrong",
                [
                    tr("Your function raised KeyError: {err}.").format(err=err),
                    tr(
                        "rnn_lib.backward returns ∂L/∂x and ∂L/∂h_0 too (keys 'x' and 'h0'), which are not "
                        "parameters: update only the five parameters, for name in rnn_lib.PARAM_NAMES."
                    ),
                ],
                EXTRA_KEYS,
            )
        if isinstance(err, ValueError) and ("too large" in str(err) or "NaN or inf" in str(err)):
            return Feedback(
                EXERCISE,
                "wrong",
                [tr("Your function raised ValueError: {err}").format(err=err), advice(NO_CHECK)],
                NO_CHECK,
            )
        return None

    answers = []
    for lr, epochs in runs:
        # read-only: the contract leaves params untouched (theta starts as a copy); a write is INPUT_WRITTEN
        result, fb = run_learner(
            EXERCISE, fn, read_only(params), read_only(x), read_only(y), lr, epochs, explain=explain
        )
        if fb is not None:
            return fb
        answer, fb = _read(EXERCISE, result)
        if fb is not None:
            return fb
        answers.append(answer)

    if all(_same(a, e) for a, e in zip(answers, expected)):
        return Feedback(
            EXERCISE,
            "correct",
            [
                tr("lr = {lr}: {epochs} updates, the loss falls from {first:.3f} to {last:.3f}.").format(
                    lr=STABLE[0], epochs=STABLE[1], first=expected[0][1][0], last=expected[0][1][-1]
                ),
                tr(
                    "lr = {lr}: the loss of θ_{n} passed {blowup:g} × {first:.3f}; stopped, returned "
                    "θ_{last} and the losses of θ_0 … θ_{last}."
                ).format(
                    lr=UNSTABLE[0],
                    n=len(expected[1][1]),
                    blowup=BLOWUP,
                    first=expected[1][1][0],
                    last=len(expected[1][1]) - 1,
                ),
            ],
        )
    for m in MISTAKES:
        if all(_same(a, e) for a, e in zip(answers, planted[m])):
            return Feedback(
                EXERCISE,
                "wrong",
                [tr("This is exactly what the mistake '{mistake}' gives.").format(mistake=tr(m)), advice(m)],
                m,
            )
    msgs = []
    for answer, right, (lr, epochs) in zip(answers, expected, runs):
        if not _same(answer, right):
            msgs.extend(_describe(answer, right, lr, epochs))
    return Feedback(EXERCISE, "wrong", msgs)
