"""Optimisers: torch.optim's rules step by step, and all or nothing when a step fails or is refused.

Each rule is compared with a plain-numpy transcription of torch's update written here (no torch needed).
"""

import warnings

import numpy as np
import pytest

from rnn_lib.optim import SGD, Adagrad, Adam, Momentum

SHAPES = {"W_xh": (4, 3), "W_hh": (4, 4), "b_h": (4, 1)}


def make_params(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal(shape).astype(dtype) for name, shape in SHAPES.items()}


def gradient_stream(n_steps, seed=1, scale=1.0, dtype=np.float64):
    """n_steps gradient dicts whose entries differ in size by orders of magnitude (so ε and the scales matter)."""
    rng = np.random.default_rng(seed)
    sizes = {name: scale * 10.0 ** rng.integers(-3, 2, size=shape) for name, shape in SHAPES.items()}
    return [
        {name: (sizes[name] * rng.standard_normal(shape)).astype(dtype) for name, shape in SHAPES.items()}
        for _ in range(n_steps)
    ]


def snapshot(opt):
    """Copies of everything a step may change: parameters, buffers, step count."""
    params = {k: v.copy() for k, v in opt.params.items()}
    state = {k: {b: v.copy() for b, v in bufs.items()} for k, bufs in opt.state.items()}
    return params, state, opt.steps


def assert_same(opt, before):
    params, state, steps = before
    assert opt.steps == steps
    for k, v in params.items():
        np.testing.assert_array_equal(opt.params[k], v)  # bit for bit (NaN-free arrays)
    assert opt.state.keys() == state.keys()
    for k, bufs in state.items():
        assert opt.state[k].keys() == bufs.keys()
        for b, v in bufs.items():
            np.testing.assert_array_equal(opt.state[k][b], v)


# ---------------------------------------------------------------------------
# Plain-numpy transcriptions of torch.optim's single-tensor updates.
# ---------------------------------------------------------------------------


def torch_sgd(p, grads, lr, momentum):
    buf, out = None, []
    for g in grads:
        if momentum != 0:
            buf = g.copy() if buf is None else buf * momentum + g  # buf.mul_(momentum).add_(grad)
            g = buf
        p = p - lr * g  # param.add_(grad, alpha=-lr)
        out.append(p)
    return out


def heavy_ball(p, grads, lrs, momentum):
    v, out = np.zeros_like(p), []
    for g, lr in zip(grads, lrs):
        v = momentum * v - lr * g
        p = p + v
        out.append(p)
    return out


def torch_adagrad(p, grads, lr, eps, initial):
    state_sum, out = np.full_like(p, initial), []
    for g in grads:
        state_sum = state_sum + g * g  # state_sum.addcmul_(grad, grad, value=1)
        std = np.sqrt(state_sum) + eps  # state_sum.sqrt().add_(eps)
        p = p - lr * g / std  # param.addcdiv_(grad, std, value=-clr), lr_decay = 0
        out.append(p)
    return out


def torch_adam(p, grads, lr, betas, eps):
    beta1, beta2 = betas
    exp_avg, exp_avg_sq, out = np.zeros_like(p), np.zeros_like(p), []
    for step, g in enumerate(grads, start=1):
        exp_avg = exp_avg + (1 - beta1) * (g - exp_avg)  # exp_avg.lerp_(grad, 1 - beta1)
        exp_avg_sq = exp_avg_sq * beta2 + (1 - beta2) * g * g  # mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1**step
        bias_correction2 = 1 - beta2**step
        step_size = lr / bias_correction1
        denom = np.sqrt(exp_avg_sq) / np.sqrt(bias_correction2) + eps
        p = p - step_size * exp_avg / denom  # param.addcdiv_(exp_avg, denom, value=-step_size)
        out.append(p)
    return out


def run(opt, grads):
    """Step through ``grads``; returns the parameters after every step (copies)."""
    out = []
    for g in grads:
        opt.step(g)
        out.append({k: v.copy() for k, v in opt.params.items()})
    return out


def assert_follows(ours, transcription, start, grads, rtol=1e-13, **hyper):
    for name in SHAPES:
        expected = transcription(start[name], [g[name] for g in grads], **hyper)
        for t, (mine, theirs) in enumerate(zip(ours, expected), start=1):
            np.testing.assert_allclose(mine[name], theirs, rtol=rtol, atol=0, err_msg=f"{name}, step {t}")


@pytest.mark.parametrize("lr, momentum", [(0.1, 0.0), (0.05, 0.9), (0.3, 0.5)])
def test_sgd_follows_torch_step_by_step(lr, momentum):
    params, grads = make_params(), gradient_stream(6)
    start = {k: v.copy() for k, v in params.items()}
    ours = run(SGD(params, lr=lr, momentum=momentum), grads)
    assert_follows(ours, torch_sgd, start, grads, lr=lr, momentum=momentum)


@pytest.mark.parametrize("lr, eps, initial", [(0.01, 1e-10, 0.0), (0.5, 1e-3, 0.0), (0.1, 1e-10, 0.3)])
@pytest.mark.parametrize("scale", [1.0, 1e-5])  # tiny gradients: √s is then comparable to ε
def test_adagrad_follows_torch_step_by_step(lr, eps, initial, scale):
    params, grads = make_params(), gradient_stream(6, scale=scale)
    start = {k: v.copy() for k, v in params.items()}
    ours = run(Adagrad(params, lr=lr, eps=eps, initial_accumulator_value=initial), grads)
    assert_follows(ours, torch_adagrad, start, grads, rtol=1e-12, lr=lr, eps=eps, initial=initial)


@pytest.mark.parametrize(
    "lr, betas, eps", [(1e-3, (0.9, 0.999), 1e-8), (0.1, (0.5, 0.9), 1e-4), (0.01, (0.0, 0.99), 1e-6)]
)
@pytest.mark.parametrize("scale", [1.0, 1e-5])  # tiny gradients: where ε sits (inside or outside the root) shows
def test_adam_follows_torch_step_by_step(lr, betas, eps, scale):
    params, grads = make_params(), gradient_stream(8, scale=scale)
    start = {k: v.copy() for k, v in params.items()}
    ours = run(Adam(params, lr=lr, betas=betas, eps=eps), grads)
    assert_follows(ours, torch_adam, start, grads, rtol=1e-12, lr=lr, betas=betas, eps=eps)


def test_adam_first_step_moves_every_entry_by_about_lr():
    # With the bias correction, m̂ = g and √v̂ = |g| at t = 1: the step is η·g/(|g| + ε), about η, whatever |g| is.
    params, grads = make_params(), gradient_stream(1)
    start = {k: v.copy() for k, v in params.items()}
    Adam(params, lr=0.01).step(grads[0])
    for k in SHAPES:
        g = np.abs(grads[0][k])
        np.testing.assert_allclose(np.abs(params[k] - start[k]), 0.01 * g / (g + 1e-8), rtol=1e-9)
        assert np.all(np.abs(params[k] - start[k]) > 0.0099)  # even for the smallest entries (|g| ~ 1e-3)


def test_adam_buffers_are_the_running_means():
    params, grads = make_params(), gradient_stream(3)
    opt = Adam(params, betas=(0.8, 0.9))
    run(opt, grads)
    g = [gr["W_hh"] for gr in grads]
    m = 0.2 * (0.8**2 * g[0] + 0.8 * g[1] + g[2])
    v = 0.1 * (0.9**2 * g[0] ** 2 + 0.9 * g[1] ** 2 + g[2] ** 2)
    np.testing.assert_allclose(opt.state["W_hh"]["exp_avg"], m, rtol=1e-13)
    np.testing.assert_allclose(opt.state["W_hh"]["exp_avg_sq"], v, rtol=1e-13)
    assert opt.steps == 3


def test_momentum_takes_the_steps_of_sgd_with_momentum_while_lr_is_fixed():
    grads = gradient_stream(10)
    heavy, torch_like = make_params(), make_params()
    ours = run(Momentum(heavy, lr=0.05, momentum=0.9), grads)
    theirs = run(SGD(torch_like, lr=0.05, momentum=0.9), grads)
    for a, b in zip(ours, theirs):
        for k in SHAPES:
            np.testing.assert_allclose(a[k], b[k], rtol=1e-12, atol=1e-14)


def test_momentum_and_sgd_with_momentum_part_when_lr_changes():
    grads = gradient_stream(6)
    start = make_params()
    heavy, torch_like = make_params(), make_params()
    opts = Momentum(heavy, lr=0.05, momentum=0.9), SGD(torch_like, lr=0.05, momentum=0.9)
    lrs = [0.05, 0.05, 0.05, 0.01, 0.01, 0.01]
    for g, lr in zip(grads, lrs):
        for opt in opts:
            opt.lr = lr
            opt.step(g)
    expected = heavy_ball(start["W_hh"], [g["W_hh"] for g in grads], lrs, 0.9)[-1]
    np.testing.assert_allclose(heavy["W_hh"], expected, rtol=1e-12)
    assert np.max(np.abs(heavy["W_hh"] - torch_like["W_hh"])) > 1e-3  # SGD rescaled its whole buffer by the new η


def test_sgd_without_momentum_keeps_no_buffer():
    opt = SGD(make_params(), lr=0.1)
    run(opt, gradient_stream(2))
    assert all(bufs == {} for bufs in opt.state.values()) and opt.steps == 2


def test_float32_parameters_stay_float32_and_follow_torch():
    params, grads = make_params(dtype=np.float32), gradient_stream(5, dtype=np.float32)
    start = {k: v.copy() for k, v in params.items()}
    opt = Adam(params, lr=0.01)
    ours = run(opt, grads)
    assert all(v.dtype == np.float32 for v in params.values())
    assert all(b.dtype == np.float32 for bufs in opt.state.values() for b in bufs.values())
    assert_follows(ours, torch_adam, start, grads, rtol=2e-5, lr=0.01, betas=(0.9, 0.999), eps=1e-8)


def test_parameters_are_updated_in_place():
    params = make_params()
    arrays = dict(params)
    SGD(params, lr=0.1).step(gradient_stream(1)[0])
    assert all(params[k] is arrays[k] for k in SHAPES)


def test_the_callers_gradients_are_neither_changed_nor_kept():
    params, grads = make_params(), gradient_stream(1)
    given = {k: v.copy() for k, v in grads[0].items()}
    opt = SGD(params, lr=0.1, momentum=0.9)
    opt.step(given)
    for k in SHAPES:
        np.testing.assert_array_equal(given[k], grads[0][k])
    given["W_hh"][...] = 1e6  # the learner reuses the array: the buffer must not follow
    np.testing.assert_array_equal(opt.state["W_hh"]["momentum_buffer"], grads[0]["W_hh"])


def test_state_is_read_only_and_a_later_step_does_not_change_what_was_read():
    opt = Adam(make_params())
    grads = gradient_stream(2)
    opt.step(grads[0])
    seen = opt.state["W_hh"]["exp_avg"]
    before = seen.copy()
    with pytest.raises(ValueError):
        seen[0, 0] = 1.0
    opt.step(grads[1])
    np.testing.assert_array_equal(seen, before)


# ---------------------------------------------------------------------------
# All or nothing.
# ---------------------------------------------------------------------------

OPTIMISERS = {
    "SGD": lambda p: SGD(p, lr=0.1),
    "SGD momentum": lambda p: SGD(p, lr=0.1, momentum=0.9),
    "Momentum": lambda p: Momentum(p, lr=0.1),
    "Adagrad": lambda p: Adagrad(p, lr=0.1),
    "Adam": lambda p: Adam(p, lr=0.1),
}


@pytest.fixture(params=list(OPTIMISERS), ids=list(OPTIMISERS))
def stepped(request):
    """An optimiser that has taken two good steps (so it has buffers), and the snapshot of its state."""
    opt = OPTIMISERS[request.param](make_params())
    run(opt, gradient_stream(2))
    return opt, snapshot(opt)


def huge_step(opt):
    """Gradients that make the update overflow in one entry of the last parameter only."""
    grads = gradient_stream(1, seed=5)[0]
    grads["b_h"][2, 0] = 1e300  # g² overflows (Adagrad, Adam); with lr = 1e10, η g overflows (SGD, Momentum)
    opt.lr = 1e10
    return grads


def test_a_step_that_would_overflow_changes_nothing(stepped):
    opt, before = stepped
    with pytest.raises(FloatingPointError, match="'b_h'"):
        opt.step(huge_step(opt))
    assert_same(opt, before)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_gradient_changes_nothing(stepped, bad):
    opt, before = stepped
    grads = gradient_stream(1, seed=6)[0]
    grads["b_h"][1, 0] = bad
    with pytest.raises(FloatingPointError, match="grads\\['b_h'\\]"):
        opt.step(grads)
    assert_same(opt, before)


def test_a_refused_step_can_be_retried(stepped):
    opt, _ = stepped
    with pytest.raises(FloatingPointError):
        opt.step(huge_step(opt))
    opt.lr = 0.1
    opt.step(gradient_stream(1, seed=7)[0])
    assert opt.steps == 3


@pytest.mark.parametrize(
    "edit, error, words",
    [
        (lambda g: g.pop("W_xh"), ValueError, "missing 'W_xh'"),
        (lambda g: g.update(x=np.zeros(3), h0=np.zeros(4)), ValueError, "rnn_lib.backward"),
        (lambda g: g.update(extra=np.zeros(3)), ValueError, "'extra'"),
        (lambda g: g.update(b_h=np.zeros(4)), ValueError, r"\(4, 1\)"),
        (lambda g: g.update(b_h=np.zeros((4, 1), dtype=bool)), TypeError, "bool"),
        (lambda g: g.update(b_h=np.array([["a"]] * 4)), TypeError, "b_h"),
        (lambda g: g.update(W_hh=None), TypeError, "W_hh"),
    ],
    ids=["missing", "x and h0", "extra", "misshaped", "bool", "strings", "None"],
)
def test_bad_gradients_are_refused_and_change_nothing(stepped, edit, error, words):
    opt, before = stepped
    grads = gradient_stream(1, seed=8)[0]
    edit(grads)
    with pytest.raises(error, match=words):
        opt.step(grads)
    assert_same(opt, before)


def test_grads_must_be_a_dict(stepped):
    opt, before = stepped
    with pytest.raises(TypeError, match="grads must be a dict"):
        opt.step([np.zeros((4, 3))])
    assert_same(opt, before)


@pytest.mark.parametrize(
    "bad_lr, error", [(-0.1, ValueError), (0, ValueError), (np.nan, ValueError), ("0.1", TypeError)]
)
def test_a_learning_rate_is_checked_when_it_is_set(stepped, bad_lr, error):
    opt, before = stepped
    lr = opt.lr
    with pytest.raises(error, match="lr"):
        opt.lr = bad_lr
    assert opt.lr == lr
    opt.step(gradient_stream(1, seed=9)[0])  # the optimiser still works, with the old learning rate
    assert opt.steps == before[2] + 1


def test_a_parameter_made_non_finite_outside_the_optimiser_is_refused(stepped):
    opt, before = stepped
    opt.params["W_hh"][1, 1] = np.nan
    with pytest.raises(ValueError, match=r"params\['W_hh'\] holds NaN"):
        opt.step(gradient_stream(1, seed=13)[0])
    opt.params["W_hh"][1, 1] = before[0]["W_hh"][1, 1]
    assert_same(opt, before)


def test_parameters_aliased_after_construction_are_refused_at_the_step(stepped):
    opt, before = stepped
    original = opt.params["b_h"]
    opt.params["b_h"] = opt.params["W_hh"][:, :1]  # same shape, overlapping memory
    with pytest.raises(ValueError, match="share memory"):
        opt.step(gradient_stream(1, seed=10)[0])
    opt.params["b_h"] = original
    assert_same(opt, before)


def test_parameters_reshaped_after_construction_are_refused_at_the_step(stepped):
    opt, before = stepped
    original = opt.params["b_h"]
    opt.params["b_h"] = np.zeros((1, 4))  # still 2-D, but not the shape the optimiser's buffers have
    with pytest.raises(ValueError, match="was made for"):
        opt.step({**gradient_stream(1, seed=11)[0], "b_h": np.zeros((1, 4))})
    opt.params["b_h"] = original
    assert_same(opt, before)


def test_a_parameter_made_read_only_is_refused_before_anything_changes(stepped):
    opt, before = stepped
    opt.params["b_h"].flags.writeable = False  # the last parameter: a commit would fail after the others
    with pytest.raises(ValueError, match="read-only"):
        opt.step(gradient_stream(1, seed=12)[0])
    opt.params["b_h"].flags.writeable = True
    assert_same(opt, before)


# ---------------------------------------------------------------------------
# Bad construction.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, error, words",
    [
        (lambda p: SGD(p, lr=0), ValueError, "lr"),
        (lambda p: SGD(p, lr=-1e-3), ValueError, "lr"),
        (lambda p: SGD(p, lr=np.inf), ValueError, "lr"),
        (lambda p: SGD(p, lr=10**400), ValueError, "lr"),
        (lambda p: SGD(p, lr=True), TypeError, "lr"),
        (lambda p: SGD(p, lr=None), TypeError, "lr"),
        (lambda p: SGD(p, momentum=1.0), ValueError, "momentum"),
        (lambda p: SGD(p, momentum=-0.5), ValueError, "momentum"),
        (lambda p: Momentum(p, momentum=1.9), ValueError, "never forgets"),
        (lambda p: Adagrad(p, eps=0), ValueError, "eps"),
        (lambda p: Adagrad(p, initial_accumulator_value=-1), ValueError, "initial_accumulator_value"),
        (lambda p: Adam(p, betas=(0.9,)), TypeError, "betas"),
        (lambda p: Adam(p, betas=0.9), TypeError, "betas"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), ValueError, "β1"),
        (lambda p: Adam(p, betas=(0.9, 1.5)), ValueError, "β2"),
        (lambda p: Adam(p, eps=-1e-8), ValueError, "eps"),
    ],
)
def test_bad_hyper_parameters_are_refused(make, error, words):
    params = make_params()
    before = {k: v.copy() for k, v in params.items()}
    with pytest.raises(error, match=words):
        make(params)
    assert all(np.array_equal(params[k], before[k]) for k in SHAPES)


def test_defaults_are_torchs():
    p = make_params()
    assert SGD(p).lr == 1e-3 and SGD(p).momentum == 0
    assert Adagrad(p).lr == 1e-2 and Adagrad(p).eps == 1e-10 and Adagrad(p).initial_accumulator_value == 0
    adam = Adam(p)
    assert (adam.lr, tuple(adam.betas), adam.eps) == (1e-3, (0.9, 0.999), 1e-8)


def bad_params():
    W = np.zeros((4, 4))
    with warnings.catch_warnings():  # numpy discourages np.matrix; a learner may still pass one
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        matrix = np.asmatrix(np.zeros((2, 2)))
    cases = {
        "not a dict": ([np.zeros(3)], TypeError, "dict"),
        "empty": ({}, ValueError, "empty"),
        "same array twice": ({"W_hh": W, "W_xh": W}, ValueError, "are the same array"),
        "overlapping view": ({"W_hh": W, "b_h": W[:, :1]}, ValueError, "share memory"),
        "read-only broadcast": ({"b_y": np.broadcast_to(np.zeros(1), (1, 1))}, ValueError, "read-only"),
        "np.matrix": ({"W": matrix}, TypeError, "matrix"),
        "masked array": ({"W": np.ma.zeros((2, 2))}, TypeError, "masked array"),
        "big-endian": ({"W": np.zeros((2, 2), dtype=">f8")}, TypeError, "byte order"),
        "integers": ({"W": np.zeros((2, 2), dtype=int)}, TypeError, "float32 or float64"),
        "a list": ({"W": [[0.0, 1.0]]}, TypeError, "numpy float array"),
        "NaN": ({"W": np.array([[np.nan]])}, ValueError, "finite"),
        "non-str key": ({1: np.zeros(2)}, TypeError, "str keys"),
    }
    return [pytest.param(*v, id=k) for k, v in cases.items()]


@pytest.mark.parametrize("params, error, words", bad_params())
def test_bad_parameters_are_refused(params, error, words):
    with pytest.raises(error, match=words):
        Adam(params)


def test_non_overlapping_views_of_one_array_are_accepted():
    W = np.zeros((4, 4))
    opt = SGD({"even": W[:, ::2], "odd": W[:, 1::2]}, lr=1.0)
    opt.step({"even": np.ones((4, 2)), "odd": 2 * np.ones((4, 2))})
    np.testing.assert_array_equal(W[0], [-1, -2, -1, -2])


def test_repr_names_the_hyper_parameters_and_steps():
    opt = Adam(make_params(), lr=0.01)
    opt.step(gradient_stream(1)[0])
    assert repr(opt) == "Adam(lr=0.01, betas=(0.9, 0.999), eps=1e-08), 1 steps taken"
