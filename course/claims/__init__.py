"""Every empirical claim of the notebooks as code: one function per claim, one definition for every use.

A claim is a sentence a notebook says about an experiment ("with forget bias 3 the LSTM solved the task in every
seed").  Here it is a function over the experiment's result tables that says, seed by seed, whether the sentence
held, wrapped by :func:`claim` with the sentence, the notebook, the experiment, the budget and the **rule** that
decides whether the claim as stated survived:

- :data:`EVERY`: it must hold in every seed (N of N);
- :func:`at_least` (p): "in most seeds", at least a share p; refuted when n of N is so low that a true share of
  p would give n or fewer with probability below α = 0.05 (one-sided binomial test);
- :func:`at_most` (p): "in few seeds", the mirror image;
- :func:`about` (p): "in about p of the seeds": n must lie in the two-sided binomial acceptance region of
  Binomial(N, p) at α = 0.05;
- :data:`OVERALL`: a statement about the whole table (a median, an ordering of counts), true or false once (N = 1).

Calling a claim on tables gives a :class:`Verdict` (``n``, ``N``, the seeds it held in, ``passed``).  The notebook
calls the same function on the stored rows (:func:`stored`) and asserts ``verdict.passed``; ``make claims`` prints
every claim on the stored rows, and ``make claims-holdout SEEDS=a-b`` re-runs the experiments on other seeds and
calls the same functions on the new rows (experiments/claims.py).

The claims live in one module per experiment family (``long_lags`` …); :func:`registry` lists them all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..results import load_results

ALPHA = 0.05


def _binom_cdf(k, n, p):
    """P(X ≤ k) for X ~ Binomial(n, p)."""
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(0, k + 1)) if k >= 0 else 0.0


@dataclass(frozen=True)
class Rule:
    """How many of N seeds a claim must hold in; ``text`` says it in words."""

    kind: str  # "every", "at_least", "at_most", "about", "overall"
    p: float = 1.0
    alpha: float = ALPHA

    @property
    def text(self) -> str:
        if self.kind == "every":
            return "every seed"
        if self.kind == "overall":
            return "over the whole table"
        words = {"at_least": "at least", "at_most": "at most", "about": "about"}[self.kind]
        return f"{words} {100 * self.p:g} % of seeds, binomial test at α = {self.alpha}"

    def passes(self, n: int, N: int) -> bool:
        if N == 0:
            return False
        if self.kind in ("every", "overall"):
            return n == N
        low = _binom_cdf(n, N, self.p)  # P(X ≤ n)
        high = 1.0 - _binom_cdf(n - 1, N, self.p)  # P(X ≥ n)
        if self.kind == "at_least":
            return low >= self.alpha
        if self.kind == "at_most":
            return high >= self.alpha
        return low >= self.alpha / 2 and high >= self.alpha / 2


EVERY = Rule("every")
OVERALL = Rule("overall")


def at_least(p, alpha=ALPHA) -> Rule:
    """The claim holds in at least a share p of the seeds (refuted by a one-sided binomial test at alpha)."""
    return Rule("at_least", float(p), alpha)


def at_most(p, alpha=ALPHA) -> Rule:
    """The claim holds in at most a share p of the seeds (refuted by a one-sided binomial test at alpha)."""
    return Rule("at_most", float(p), alpha)


def about(p, alpha=ALPHA) -> Rule:
    """The claim holds in about a share p of the seeds (two-sided binomial acceptance region at alpha)."""
    return Rule("about", float(p), alpha)


@dataclass
class Verdict:
    """What a claim found on some tables: held in ``n`` of ``N`` seeds (or once, N = 1, for OVERALL)."""

    claim: Claim
    held: dict  # seed → bool (OVERALL: {"all": bool})
    n: int = field(init=False)
    N: int = field(init=False)

    def __post_init__(self):
        self.n, self.N = sum(map(bool, self.held.values())), len(self.held)

    @property
    def passed(self) -> bool:
        return self.claim.rule.passes(self.n, self.N)

    @property
    def failed_seeds(self) -> list:
        return [s for s, ok in self.held.items() if not ok]

    def _ipython_display_(self) -> None:
        # A notebook cell that ends with claim.check(...) has printed the verdict already: show it once, not twice
        # (and never the dataclass's long repr, with its function address).
        if self.__dict__.pop("_printed", False):
            return
        print(self)

    def __str__(self) -> str:
        mark = "holds" if self.passed else "FAILS"
        if self.claim.rule.kind == "overall":
            return f"{mark} [{self.claim.rule.text}]: {self.claim.sentence}"
        return f"{mark} in {self.n}/{self.N} [{self.claim.rule.text}]: {self.claim.sentence}"


@dataclass(frozen=True)
class Claim:
    """One registered claim; call it on tables (dict table → Results) to get a :class:`Verdict`."""

    name: str
    notebook: str
    experiment: str
    tables: tuple
    sentence: str
    budget: str
    rule: Rule
    judge: object  # judge(tables) → dict seed → bool, or a bool for OVERALL
    quick: bool = True  # judged by the quick holdout (its rows are in the experiment's quick holdout slice)

    def __call__(self, tables) -> Verdict:
        missing = [t for t in self.tables if t not in tables]
        if missing:
            raise KeyError(f"claim {self.name} needs the tables {self.tables} of {self.experiment}; missing {missing}")
        held = self.judge(tables)
        if self.rule.kind == "overall":
            held = {"all": bool(held)}
        elif not isinstance(held, dict):
            raise TypeError(f"claim {self.name} must judge seed by seed (a dict seed → bool), got {type(held)}")
        return Verdict(self, {k: bool(v) for k, v in held.items()})

    def check(self, tables) -> Verdict:
        """The verdict, printed; AssertionError (naming the seeds it failed in) unless the rule is met."""
        verdict = self(tables)
        print(verdict)
        verdict.__dict__["_printed"] = True
        assert verdict.passed, f"claim {self.name} failed in seeds {verdict.failed_seeds}"
        return verdict


_REGISTRY: dict[str, Claim] = {}


def claim(*, notebook, experiment, sentence, budget, rule, tables=("",), quick=True):
    """Register the decorated judge as a claim (its function name is the claim's name, unique)."""

    def register(judge):
        if judge.__name__ in _REGISTRY:
            raise ValueError(f"a claim named {judge.__name__} is already registered")
        made = Claim(judge.__name__, notebook, experiment, tuple(tables), sentence, budget, rule, judge, quick)
        _REGISTRY[made.name] = made
        return made

    return register


def stored(experiment, tables=("",)) -> dict:
    """The stored tables of an experiment, as a claim takes them: table → Results (``""``: the single file)."""
    return {t: load_results(f"{experiment}_{t}" if t else experiment) for t in tables}


def registry() -> dict[str, Claim]:
    """Every registered claim, by name (importing the claim modules registers them)."""
    from . import (  # noqa: F401  (importing a module registers its claims)
        attention,
        clipping,
        deep,
        encoder_decoder,
        gradient_reach,
        long_lags,
        projects,
        sequences,
        sgd_step_size,
        tbptt_cosine,
    )

    return dict(_REGISTRY)


def by_seed(rows, judge) -> dict:
    """seed → judge(the rows of that seed), over the seeds present in ``rows`` (a Results table)."""
    return {seed: judge(rows.where(seed=seed)) for seed in rows.values("seed")}
