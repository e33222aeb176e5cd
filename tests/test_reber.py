"""The (embedded) Reber grammar generator, checked against the grammar's definition written independently here.

The definition: Reber strings are B (T S* X L3 | P T* V L4) E with L3 = S | X T* V L4 and
L4 = (P X T* V)* (V | P S) — the language of the graph in Reber (1967), Fahlman (1991), Hochreiter & Schmidhuber
(1997), read off as a regular expression.  Embedded strings are B T <Reber> T E and B P <Reber> P E.
"""

import re

import numpy as np
import pytest

from rnn_lib.data import REBER_SYMBOLS, reber_strings

# The definition as a tiny regular-expression tree: a str is itself, ("seq", …) concatenates, ("alt", …) chooses,
# ("star", x) repeats x any number of times.


def seq(*parts):
    return ("seq", *parts)


def alt(*parts):
    return ("alt", *parts)


def star(part):
    return ("star", part)


L4 = seq(star(seq("PX", star("T"), "V")), alt("V", "PS"))
INNER = seq(
    "B", alt(seq("T", star("S"), "X", alt("S", seq("X", star("T"), "V", L4))), seq("P", star("T"), "V", L4)), "E"
)
EMBEDDED = alt(seq("BT", INNER, "TE"), seq("BP", INNER, "PE"))


def regex(node) -> str:
    if isinstance(node, str):
        return node
    kind, *parts = node
    if kind == "seq":
        return "".join(regex(p) for p in parts)
    if kind == "alt":
        return "(" + "|".join(regex(p) for p in parts) + ")"
    return "(" + regex(parts[0]) + ")*"


def strings(node, budget):
    """Every string of the language of ``node`` with at most ``budget`` symbols (possibly repeated)."""
    if isinstance(node, str):
        if len(node) <= budget:
            yield node
        return
    kind, *parts = node
    if kind == "alt":
        for p in parts:
            yield from strings(p, budget)
    elif kind == "seq":
        if not parts:
            yield ""
            return
        for head in strings(parts[0], budget):
            for rest in strings(seq(*parts[1:]), budget - len(head)):
                yield head + rest
    else:  # star
        yield ""
        for head in strings(parts[0], budget):
            if head:
                for rest in strings(node, budget - len(head)):
                    yield head + rest


REBER_RE = re.compile(regex(INNER))
EMBEDDED_RE = re.compile(regex(EMBEDDED))
MAX_LEN = 20  # enumerate the embedded language this far …
SHORT = 12  # … so that from any prefix of a string this short, the shortest completion (at most 8) is included


@pytest.fixture(scope="module")
def embedded_language():
    return set(strings(EMBEDDED, MAX_LEN))


def legal_after(lang):
    """prefix → the symbols c such that prefix + c starts some string of the language (from the enumeration)."""
    following = {}
    for w in lang:
        for k in range(len(w)):
            following.setdefault(w[:k], set()).add(w[k])
    return lambda prefix: "".join(c for c in REBER_SYMBOLS if c in following.get(prefix, ()))


@pytest.mark.parametrize("embedded, pattern", [(True, EMBEDDED_RE), (False, REBER_RE)])
def test_every_generated_string_belongs_to_the_grammar(embedded, pattern):
    strings, _ = reber_strings(500, embedded=embedded, rng=0)
    bad = [s for s in strings if not pattern.fullmatch(s)]
    assert not bad, bad[:5]


def test_the_known_examples_are_recognised_by_the_test_grammar():
    # Guards the definition above: strings from the literature on the left, non-strings on the right.
    for good in ["BTSSXXTVVE", "BPVVE", "BTXXVPSE", "BPVPXVPXVPXVVE", "BTSXXVPSE"]:
        assert REBER_RE.fullmatch(good), good
    for bad in ["BTSSPXSE", "BPTVVB", "BTXXVVSE", "BPVSPSE", "BTSSSE"]:
        assert not REBER_RE.fullmatch(bad), bad
    assert EMBEDDED_RE.fullmatch("BTBPVVETE") and not EMBEDDED_RE.fullmatch("BTBPVVEPE")


def test_the_enumeration_agrees_with_the_regular_expression(embedded_language):
    assert all(EMBEDDED_RE.fullmatch(w) for w in embedded_language)
    assert "BTBTXSETE" in embedded_language and "BPBPVVEPE" in embedded_language


def test_legal_next_symbols_are_exactly_the_grammars(embedded_language):
    strings, legal = reber_strings(300, rng=1)
    grammar = legal_after(embedded_language)
    checked = 0
    for s, sets in zip(strings, legal):
        if len(s) > SHORT:
            continue
        assert len(sets) == len(s)
        for k in range(len(s)):
            assert sets[k] == grammar(s[: k + 1]), (s, k)
        checked += 1
    assert checked >= 50


def test_after_the_inner_E_only_the_second_symbol_is_legal():
    strings, legal = reber_strings(200, rng=2)
    for s, sets in zip(strings, legal):
        assert sets[-3] == s[1] and sets[-2] == "E" and sets[-1] == ""


def test_every_branch_is_taken_and_both_outer_symbols_occur():
    strings, _ = reber_strings(400, rng=3)
    assert {s[1] for s in strings} == {"T", "P"}
    inner = "".join(s[2:-2] for s in strings)
    for pair in ["BT", "BP", "TS", "TX", "SS", "SX", "XX", "XS", "PT", "PV", "TT", "TV", "VP", "VV", "PX", "PS"]:
        assert pair in inner, pair


def test_same_seed_same_strings_and_a_generator_is_advanced():
    assert reber_strings(20, rng=5) == reber_strings(20, rng=5)
    gen = np.random.default_rng(5)
    first, second = reber_strings(5, rng=gen), reber_strings(5, rng=gen)
    assert first != second


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_strings": 0}, ValueError),
        ({"n_strings": 2.0}, TypeError),
        ({"n_strings": 3, "embedded": 1}, TypeError),
        ({"n_strings": 3, "rng": "seed"}, TypeError),
    ],
)
def test_bad_arguments_are_refused(kwargs, error):
    with pytest.raises(error):
        reber_strings(**kwargs)
