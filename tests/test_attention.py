"""rnn_lib.attention: scores, masked softmax weights and context, forward and backward (notebook 22).

Every gradient is checked against centred finite differences in float64, both kinds, with and without a mask and
with a gradient on the weights; the same equations in PyTorch autograd are a second oracle (skipped without torch).
"""

import numpy as np
import pytest

from rnn_lib import attention
from rnn_lib.gradcheck import numerical_gradient, relative_error

S, B, H_Q, H_K, A = 5, 3, 4, 6, 7


def problem(kind, masked, seed=0, dtype=np.float64):
    """Params (None for "dot"), keys, query, a mask with rows of different lengths, and two upstream gradients."""
    rng = np.random.default_rng(seed)
    H_q = H_Q if kind == "additive" else H_K
    params = attention.init_params(H_q, H_K, A, rng=rng, dtype=dtype) if kind == "additive" else None
    keys = rng.standard_normal((S, B, H_K)).astype(dtype)
    query = rng.standard_normal((B, H_q)).astype(dtype)
    mask = None
    if masked:
        mask = np.ones((B, S), dtype=bool)
        mask[0, 3:] = False  # a padded sequence of length 3
        mask[2, [0, 2]] = False  # holes anywhere are allowed too
    dcontext = rng.standard_normal((B, H_K)).astype(dtype)
    dweights = rng.standard_normal((B, S)).astype(dtype)
    return params, keys, query, mask, dcontext, dweights


CASES = [(kind, masked) for kind in attention.KINDS for masked in (False, True)]


@pytest.mark.parametrize("kind, masked", CASES)
@pytest.mark.parametrize("with_dweights", [False, True])
def test_every_gradient_matches_centred_differences(kind, masked, with_dweights):
    params, keys, query, mask, dcontext, dweights = problem(kind, masked)
    dweights = dweights if with_dweights else None

    def L():  # a scalar whose gradients are dcontext and dweights
        context, weights, _ = attention.forward(params, keys, query, mask, kind)
        return float(np.sum(context * dcontext) + (0.0 if dweights is None else np.sum(weights * dweights)))

    _, _, cache = attention.forward(params, keys, query, mask, kind)
    grads = attention.backward(params, cache, dcontext, dweights)
    arrays = {"keys": keys, "query": query} | (params or {})
    assert set(grads) == set(arrays)
    for name, array in arrays.items():
        err = relative_error(grads[name], numerical_gradient(L, array))
        assert err < 1e-8, f"{kind}, mask {masked}: {name} relative error {err:.1e}"


@pytest.mark.parametrize("kind", attention.KINDS)
def test_masked_keys_get_weight_exactly_zero_and_no_gradient(kind):
    params, keys, query, mask, dcontext, dweights = problem(kind, True)
    keys[:, 0] *= 50.0  # large scores on sequence 0: its masked keys would otherwise dominate
    _, weights, cache = attention.forward(params, keys, query, mask, kind)
    assert np.all(weights[~mask] == 0.0) and np.all(weights[mask] > 0.0)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, rtol=1e-14)
    dkeys = attention.backward(params, cache, dcontext, dweights)["keys"]
    assert np.all(dkeys.transpose(1, 0, 2)[~mask] == 0.0)


@pytest.mark.parametrize("kind", attention.KINDS)
def test_a_masked_key_changes_nothing(kind):
    params, keys, query, mask, _, _ = problem(kind, True)
    context, weights, _ = attention.forward(params, keys, query, mask, kind)
    edited = keys.copy()
    edited[3:, 0] = 1e3  # sequence 0's padding
    context2, weights2, _ = attention.forward(params, edited, query, mask, kind)
    np.testing.assert_array_equal(context, context2)
    np.testing.assert_array_equal(weights, weights2)


def test_the_dot_kind_divides_the_scores_by_the_square_root_of_H_k():
    _, keys, query, _, _, _ = problem("dot", False)
    _, weights, _ = attention.forward(None, keys, query, kind="dot")
    scores = np.einsum("bh,sbh->bs", query, keys) / np.sqrt(H_K)
    expected = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(weights, expected, rtol=1e-13)


def test_context_is_the_weighted_sum_of_the_keys():
    params, keys, query, mask, _, _ = problem("additive", True)
    context, weights, _ = attention.forward(params, keys, query, mask)
    np.testing.assert_allclose(context, np.einsum("bs,sbh->bh", weights, keys), rtol=1e-13)


@pytest.mark.parametrize("kind, masked", CASES)
def test_pytorch_autograd_of_the_same_equations_agrees(kind, masked):
    torch = pytest.importorskip("torch", reason="PyTorch is optional: pip install torch (CPU)")
    params, keys, query, mask, dcontext, dweights = problem(kind, masked, seed=1)
    context, weights, cache = attention.forward(params, keys, query, mask, kind)
    grads = attention.backward(params, cache, dcontext, dweights)
    t = {k: torch.tensor(v, requires_grad=True) for k, v in ({"keys": keys, "query": query} | (params or {})).items()}
    if kind == "additive":
        scores = (torch.tanh(t["query"] @ t["W_q"].T + t["keys"] @ t["W_k"].T) @ t["v"])[..., 0].T
    else:
        scores = torch.einsum("bh,sbh->bs", t["query"], t["keys"]) / H_K**0.5
    if mask is not None:
        scores = scores.masked_fill(~torch.from_numpy(mask), float("-inf"))
    t_weights = torch.softmax(scores, dim=1)
    t_context = torch.einsum("bs,sbh->bh", t_weights, t["keys"])
    ((t_context * torch.from_numpy(dcontext)).sum() + (t_weights * torch.from_numpy(dweights)).sum()).backward()
    np.testing.assert_allclose(context, t_context.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(weights, t_weights.detach().numpy(), rtol=1e-12, atol=1e-14)
    for name, tensor in t.items():
        np.testing.assert_allclose(grads[name], tensor.grad.numpy(), rtol=1e-11, atol=1e-13, err_msg=name)


@pytest.mark.parametrize("kind", attention.KINDS)
def test_float32_stays_float32_and_agrees_with_float64(kind):
    p64, keys, query, mask, dcontext, dweights = problem(kind, True)
    p32 = None if p64 is None else {k: v.astype(np.float32) for k, v in p64.items()}
    args32 = [a.astype(np.float32) for a in (keys, query)]
    c32, w32, cache32 = attention.forward(p32, *args32, mask, kind)
    g32 = attention.backward(p32, cache32, dcontext.astype(np.float32), dweights.astype(np.float32))
    c64, w64, cache64 = attention.forward(p64, keys, query, mask, kind)
    g64 = attention.backward(p64, cache64, dcontext, dweights)
    assert c32.dtype == w32.dtype == np.float32 and all(g.dtype == np.float32 for g in g32.values())
    np.testing.assert_allclose(c32, c64, rtol=1e-4, atol=1e-5)
    for name in g64:
        np.testing.assert_allclose(g32[name], g64[name], rtol=1e-3, atol=1e-4, err_msg=name)


def test_init_params_has_the_issue_shapes_and_pytorch_scale():
    params = attention.init_params(4, 6, 200, rng=np.random.default_rng(0))
    assert {k: v.shape for k, v in params.items()} == {"W_q": (200, 4), "W_k": (200, 6), "v": (200, 1)}
    assert np.abs(params["W_q"]).max() <= 0.5 and np.abs(params["W_q"]).max() > 0.45  # U(−1/√4, 1/√4)
    assert np.abs(params["v"]).max() <= 1 / np.sqrt(200)
    assert attention.init_params(2, 3, 4, dtype=np.float32)["W_k"].dtype == np.float32


def test_init_params_checks_everything_before_it_draws():
    rng = np.random.default_rng(3)
    before = rng.bit_generator.state
    for bad in [dict(A=0), dict(A=2.0), dict(dtype=np.int64), dict(rng=7)]:
        args = {"H_q": 2, "H_k": 3, "A": 4, "rng": rng} | bad
        with pytest.raises((TypeError, ValueError)):
            attention.init_params(args.pop("H_q"), args.pop("H_k"), args.pop("A"), **args)
    assert rng.bit_generator.state == before


def test_the_cache_is_read_only_and_a_snapshot():
    params, keys, query, mask, dcontext, _ = problem("additive", True)
    _, weights, cache = attention.forward(params, keys, query, mask)
    for array in (cache.keys, cache.query, cache.weights, cache.u, cache.mask, weights):
        assert not array.flags.writeable
    expected = attention.backward(params, cache, dcontext)
    keys += 1.0  # the caller's arrays are theirs to edit afterwards
    query *= 2.0
    mask[:] = True
    again = attention.backward(params, cache, dcontext)
    for name in expected:
        np.testing.assert_array_equal(again[name], expected[name])


def _call(kind="additive", **change):
    params, keys, query, mask, _, _ = problem(kind, True)
    args = {"params": params, "keys": keys, "query": query, "mask": mask, "kind": kind} | change
    return attention.forward(args.pop("params"), args.pop("keys"), args.pop("query"), **args)


@pytest.mark.parametrize(
    "change, error, words",
    [
        (dict(kind="bahdanau"), ValueError, "kind must be 'additive' or 'dot'"),
        (dict(kind=None), TypeError, "kind must be the str"),
        (dict(params=None), TypeError, "params must be the dict of attention.init_params"),
        (dict(params={"W_q": np.ones((7, 4))}), ValueError, "params is missing W_k, v"),
        (dict(params={"W_xh": np.ones((2, 2))}), ValueError, "params is missing W_q"),
        (dict(keys=np.ones((5, 3))), ValueError, "keys must have shape (S, B, H_k)"),
        (dict(keys=np.ones((0, 3, 6))), ValueError, "keys must have shape (S, B, H_k)"),
        (dict(keys=np.ones((5, 3, 2))), ValueError, "params['W_k'] must have shape (7, 2)"),
        (dict(keys=np.full((5, 3, 6), np.nan)), ValueError, "keys must be finite"),
        (dict(keys=np.ones((5, 3, 6), dtype=complex)), TypeError, "keys must be real"),
        (dict(query=np.ones((2, 4))), ValueError, "query must have shape (B, H_q) = (3, 4)"),
        (dict(query=np.ones((3, 5))), ValueError, "query must have shape (B, H_q) = (3, 4)"),
        (dict(query=np.array([[np.inf] * 4] * 3)), ValueError, "query must be finite"),
        (dict(mask=np.ones((3, 5))), TypeError, "mask must be a bool array"),
        (dict(mask=np.ones((5, 3), dtype=bool)), ValueError, "mask must have shape (B, S) = (3, 5)"),
        (dict(mask=np.zeros((3, 5), dtype=bool)), ValueError, "mask row 0 has no True"),
        (dict(kind="dot", query=np.ones((3, 4))), ValueError, "H_k = 6 entries per row for kind='dot'"),
        (dict(kind="dot", params="W"), TypeError, "params must be a dict"),
    ],
)
def test_bad_input_is_named_before_anything_is_computed(change, error, words):
    with pytest.raises(error) as info:
        _call(**change)
    assert words in str(info.value)


def test_a_mask_row_with_no_true_is_named_by_its_row():
    mask = np.ones((B, S), dtype=bool)
    mask[1] = False
    with pytest.raises(ValueError, match="mask row 1 has no True"):
        _call(mask=mask)


def test_params_of_another_dtype_are_refused():
    params, *_ = problem("additive", False)
    params["v"] = params["v"].astype(np.float32)
    with pytest.raises(TypeError, match="share one dtype"):
        _call(params=params)


@pytest.mark.parametrize(
    "change, error, words",
    [
        (dict(cache=("not", "a", "cache")), TypeError, "cache must be the third value"),
        (dict(dcontext=np.ones((3, 5))), ValueError, "dcontext must have shape (3, 6)"),
        (dict(dweights=np.ones((3, 4))), ValueError, "dweights must have shape (3, 5)"),
        (dict(dcontext=np.full((3, 6), np.nan)), ValueError, "dcontext must be finite"),
        (dict(params=None), TypeError, "params must be a dict"),
        (dict(params=attention.init_params(4, 6, 2)), ValueError, "another A or dtype"),
    ],
)
def test_backward_names_bad_input(change, error, words):
    params, keys, query, mask, dcontext, _ = problem("additive", True)
    _, _, cache = attention.forward(params, keys, query, mask)
    args = {"params": params, "cache": cache, "dcontext": dcontext, "dweights": None} | change
    with pytest.raises(error) as info:
        attention.backward(**args)
    assert words in str(info.value)


@pytest.mark.parametrize("kind", attention.KINDS)
def test_many_queries_at_once_are_the_one_query_calls_stacked_and_summed(kind):
    params, keys, _, mask, _, _ = problem(kind, True)
    rng = np.random.default_rng(5)
    Tq, H_q = 4, H_Q if kind == "additive" else H_K
    queries, dcontext, dweights = (rng.standard_normal(s) for s in ((Tq, B, H_q), (Tq, B, H_K), (Tq, B, S)))
    context, weights, cache = attention.attend(params, keys.copy(), queries.copy(), mask.copy(), kind)
    grads = attention.attend_backward(params, cache, dcontext, dweights)
    summed = {}
    for t in range(Tq):
        c, w, one = attention.forward(params, keys, queries[t], mask, kind)
        np.testing.assert_allclose(context[t], c, rtol=1e-13)
        np.testing.assert_allclose(weights[t], w, rtol=1e-13)
        g = attention.backward(params, one, dcontext[t], dweights[t])
        np.testing.assert_allclose(grads["query"][t], g.pop("query"), rtol=1e-12, atol=1e-15)
        summed = {k: summed.get(k, 0) + v for k, v in g.items()}  # keys and weights are shared by every query
    for name, total in summed.items():
        np.testing.assert_allclose(grads[name], total, rtol=1e-12, atol=1e-15, err_msg=name)
