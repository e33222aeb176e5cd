"""course.claims: every registered claim holds on the stored rows, is the function its notebook calls, and its
rule decides as it says; experiments/claims.py refuses the seeds that shaped the claims."""

import sys

import pytest

from course import claims
from course.claims import EVERY, OVERALL, about, at_least, at_most
from course.results import Results, write_table
from tests.notebook_files import NOTEBOOK_DIR, ROOT, code_cells, read

sys.path.insert(0, str(ROOT / "experiments"))
import claims as claims_cli  # noqa: E402  (experiments/claims.py)
import harness  # noqa: E402

REGISTRY = claims.registry()


def notebook_source(number):
    (path,) = NOTEBOOK_DIR.glob(f"{number}_*.ipynb")
    return "\n".join(cell.source for cell in code_cells(read(path)))


def test_the_registry_covers_the_notebooks_that_assert_stored_results():
    assert {c.notebook for c in REGISTRY.values()} >= {"07", "09", "10", "12", "15", "18", "19"}


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_claim_holds_on_the_stored_rows(name):
    claim = REGISTRY[name]
    verdict = claim(claims.stored(claim.experiment, claim.tables))
    assert verdict.passed, f"{name}: {verdict} (failed in {verdict.failed_seeds})"
    assert verdict.N >= 1


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_claim_is_checked_by_its_notebook(name):
    claim = REGISTRY[name]
    source = notebook_source(claim.notebook)
    assert f".{name}" in source and ".check(" in source, f"notebook {claim.notebook} never calls the claim {name}"


def test_every_claim_reads_an_experiment_that_exists_and_can_run_on_new_seeds():
    experiments = {e.name: e for e in harness.all_experiments()}
    for claim in REGISTRY.values():
        assert claim.experiment in experiments, claim.name
        cases = experiments[claim.experiment].holdout_cases([1234], full=not claim.quick)
        assert cases and all(case["seed"] == 1234 for case in cases), claim.name


@pytest.mark.parametrize(
    "rule, n, N, passes",
    [
        (EVERY, 5, 5, True),
        (EVERY, 4, 5, False),
        (OVERALL, 1, 1, True),
        (OVERALL, 0, 1, False),
        (at_least(0.9), 3, 5, True),  # P(X ≤ 3 | 5, 0.9) = 0.081 ≥ 0.05
        (at_least(0.9), 2, 5, False),  # P(X ≤ 2 | 5, 0.9) = 0.0086
        (at_most(0.1), 2, 5, True),  # P(X ≥ 2 | 5, 0.1) = 0.081
        (at_most(0.1), 3, 5, False),  # P(X ≥ 3 | 5, 0.1) = 0.0086
        (about(0.5), 0, 5, True),  # P(X = 0 | 5, 0.5) = 0.031 ≥ 0.025
        (about(0.5), 0, 10, False),  # 0.001
        (about(0.2), 10, 10, False),
        (EVERY, 0, 0, False),  # no seed judged: no verdict
    ],
)
def test_a_rule_passes_exactly_when_its_binomial_tolerance_allows(rule, n, N, passes):
    assert rule.passes(n, N) is passes


def make_claim(rule, judge):
    return claims.Claim("made_up", "99", "none", ("",), "a sentence", "no budget", rule, judge)


def test_a_claim_that_fails_in_one_seed_names_it_and_check_raises():
    claim = make_claim(EVERY, lambda tables: {s: s != 7 for s in tables[""].values("seed")})
    table = Results([{"seed": s} for s in (3, 7, 9)], ["seed"])
    verdict = claim({"": table})
    assert (verdict.n, verdict.N, verdict.passed, verdict.failed_seeds) == (2, 3, False, [7])
    with pytest.raises(AssertionError, match=r"failed in seeds \[7\]"):
        claim.check({"": table})


def test_a_seed_by_seed_rule_refuses_a_single_verdict():
    with pytest.raises(TypeError, match="seed by seed"):
        make_claim(EVERY, lambda tables: True)({"": Results([], ["seed"])})


def test_a_claim_names_the_tables_it_misses():
    with pytest.raises(KeyError, match="missing"):
        make_claim(EVERY, lambda tables: {})({"other": Results([], [])})


@pytest.mark.parametrize("text", ["0-4", "105", "198-202", "10,300"])
def test_the_holdout_refuses_seeds_that_shaped_the_claims(text):
    with pytest.raises(ValueError, match="shaped the claims"):
        claims_cli.parse_seeds(text)


def test_the_holdout_reads_ranges_and_lists():
    assert claims_cli.parse_seeds("200-203,250") == [200, 201, 202, 203, 250]
    with pytest.raises(ValueError, match="must look like"):
        claims_cli.parse_seeds("two hundred")


def test_holdout_cases_replace_the_seed_and_keep_every_other_setting():
    experiment = next(e for e in harness.all_experiments() if e.name == "sgd_step_size")
    cases = experiment.holdout_cases([300, 301], full=True)
    stored = {tuple(sorted((k, v) for k, v in c.items() if k != "seed")) for c in experiment.cases}
    made = {tuple(sorted((k, v) for k, v in c.items() if k != "seed")) for c in cases}
    assert made == stored and {c["seed"] for c in cases} == {300, 301} and len(cases) == 2 * len(stored)


def test_judging_saved_rows_skips_a_claim_whose_cases_are_absent_and_still_fails_a_wrong_one(
    tmp_path, monkeypatch, capsys
):
    write_table(tmp_path / "made_up.csv", [{"variant": "a", "seed": 300, "x": 1.0}], "made up")

    def made(name, variant, value):
        judge = lambda t: claims.by_seed(t[""].where(variant=variant), lambda r: r.column("x")[0] == value)  # noqa: E731
        return claims.Claim(name, "99", "made_up", ("",), name, "no budget", EVERY, judge)

    found = {"holds": made("holds", "a", 1.0), "absent": made("absent", "b", 1.0)}
    monkeypatch.setattr(claims_cli, "registry", lambda: found)
    assert claims_cli.judge_stored(tmp_path)
    out = capsys.readouterr().out
    assert "ok     1/1   holds" in out and "not judged" in out and "absent" in out.split("not judged")[1]
    found["fails"] = made("fails", "a", 2.0)
    assert not claims_cli.judge_stored(tmp_path)
    assert "FAIL   0/1   fails" in capsys.readouterr().out
