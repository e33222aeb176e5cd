"""course.claims.choices: every comparative claim lists its arbitrary choices, each varied (and where), named in
its sentence, not applicable, or a gap with its cost; the ledger's checks catch a ledger that skips a kind, cites
an unknown claim or calls a choice named that its sentence never names."""

import sys

import pytest

from course import claims
from course.claims import EVERY, choices
from course.claims.choices import KINDS, Ledger, fixed, gap, named, varied
from tests.notebook_files import ROOT

sys.path.insert(0, str(ROOT / "experiments"))
import claims as claims_cli  # noqa: E402  (experiments/claims.py)

REGISTRY = claims.registry()
COMPARATIVE = sorted(choices.COMPARATIVE)


def test_every_registered_claim_is_comparative_or_says_why_not():
    comparative, others = set(choices.COMPARATIVE), set(choices.NOT_COMPARATIVE)
    assert not comparative & others
    assert comparative | others == set(REGISTRY)
    assert all(reason for reason in choices.NOT_COMPARATIVE.values())


@pytest.mark.parametrize("name", COMPARATIVE)
def test_every_comparative_claim_has_each_of_the_six_kinds_of_choice(name):
    entry = choices.COMPARATIVE[name]
    assert entry.why
    assert set(KINDS) <= set(entry.choices), f"{name} lacks {set(KINDS) - set(entry.choices)}"


def test_the_ledger_has_no_problem_of_form():
    assert choices.problems() == []


@pytest.mark.parametrize("name", COMPARATIVE)
def test_every_named_choice_is_named_in_the_claims_sentence_or_budget(name):
    claim = REGISTRY[name]
    text = f"{claim.sentence} {claim.budget}".lower()
    for kind, status in choices.COMPARATIVE[name].choices.items():
        if status.status == "named":
            words = status.words or choices.WORDS[kind]
            assert any(w.lower() in text for w in words), f"{name}, {kind}: none of {words} in {text!r}"


@pytest.mark.parametrize("name", sorted(choices.evidence_claims()))
def test_every_claim_a_varied_choice_cites_exists_and_holds_on_the_stored_rows(name):
    assert name in REGISTRY
    claim = REGISTRY[name]
    assert claim(claims.stored(claim.experiment, claim.tables)).passed


def test_every_stored_table_a_varied_choice_cites_shows_what_the_ledger_says():
    assert choices.table_evidence() == []


def test_every_gap_says_why_and_what_varying_it_would_cost():
    for name, entry in choices.COMPARATIVE.items():
        for kind, status in entry.choices.items():
            if status.status == "gap":
                assert status.reason and "CPU" in status.cost, (name, kind)


# --- the checks themselves, on made-up ledgers -----------------------------------------------------------------------


def made_up_claims():
    made = claims.Claim(
        "made_up", "99", "none", ("",), "the LSTM ends below the RNN at η = 0.01", "300 updates", EVERY, lambda t: {}
    )
    return {"made_up": made, "one_setting": made}


def complete(**changes):
    """A made-up ledger entry that is right: every kind, statuses of each sort."""
    base = {
        "learning_rate": named(),
        "init": gap("PyTorch's uniform", runs=2, experiment="deep_bidirectional"),
        "budget": named(),
        "input_scale": fixed("one-hot inputs"),
        "information": fixed("no position"),
        "batch_size": varied((16, 32), by=("one_setting",)),
    }
    return {"made_up": Ledger("ranks two networks", {**base, **changes})}


def check(ledger):
    return choices.problems(ledger, not_comparative={"one_setting": "a threshold"}, claims=made_up_claims())


def test_a_complete_made_up_entry_has_no_problem():
    assert check(complete()) == []


def test_an_entry_that_misses_a_kind_is_a_problem():
    entry = complete()
    del entry["made_up"].choices["batch_size"]
    assert check(entry) == ["claim made_up lacks the choice batch_size"]


def test_a_varied_choice_citing_an_unknown_claim_is_a_problem():
    found = check(complete(batch_size=varied((16, 32), by=("no_such_claim",))))
    assert found == ["claim made_up, batch_size: varied by no_such_claim, which is no registered claim"]


def test_a_varied_choice_with_no_evidence_or_a_table_without_a_check_is_a_problem():
    assert len(check(complete(batch_size=varied((16, 32))))) == 1
    assert len(check(complete(batch_size=varied((16, 32), table="deep_bidirectional", shows="something")))) == 1


def test_a_choice_called_named_that_the_sentence_never_names_is_a_problem():
    # The sentence names η and the budget "300 updates", but nothing about the batch.
    found = check(complete(batch_size=named()))
    assert len(found) == 1 and "batch_size: named, but its sentence and budget say none of" in found[0]
    assert check(complete(batch_size=named("300 updates"))) == []


def test_a_claim_in_neither_list_or_in_both_or_unknown_is_a_problem():
    assert choices.problems(complete(), not_comparative={}, claims=made_up_claims()) == [
        "claim one_setting is in neither COMPARATIVE nor NOT_COMPARATIVE: decide which, and why"
    ]
    both = choices.problems(complete(), not_comparative={"made_up": "x", "one_setting": "y"}, claims=made_up_claims())
    assert both == ["claim made_up is in both COMPARATIVE and NOT_COMPARATIVE"]
    ghost = {**complete(), "ghost": complete()["made_up"]}
    assert "the ledger lists ghost, which is no registered claim" in check(ghost)


def test_an_unknown_kind_or_a_status_of_no_sort_is_a_problem():
    assert check(complete(colour=fixed("blue"))) == [
        "claim made_up: unknown kind of choice 'colour' (KINDS, EXTRA_KINDS)"
    ]
    assert len(check(complete(batch_size="varied"))) == 1


def test_a_table_check_that_the_stored_rows_contradict_is_reported():
    ledger = complete(batch_size=varied((1,), table="deep_bidirectional", shows="nothing", check=lambda rows: False))
    assert choices.table_evidence(ledger) == [
        "claim made_up, batch_size: the stored rows of deep_bidirectional do not show: nothing"
    ]


def test_a_gap_costs_its_runs_at_the_timed_rate(monkeypatch):
    monkeypatch.setitem(choices.RUN_SECONDS, "made_up", 1.5)
    assert gap("x", runs=40, experiment="made_up").cost == "40 runs of made_up ≈ 60 s CPU"
    assert gap("x", runs=120, experiment="made_up").cost == "120 runs of made_up ≈ 3 min CPU"
    assert gap("x", runs=8000, experiment="made_up").cost == "8000 runs of made_up ≈ 3.3 h CPU"
    with pytest.raises(KeyError):
        gap("x", runs=1, experiment="no_such_experiment")


def test_the_counts_add_up_to_every_choice_of_every_comparative_claim():
    total = choices.counts()
    assert sum(total.values()) == sum(len(e.choices) for e in choices.COMPARATIVE.values())
    assert total["gap"] == sum(len(names) for _, _, names in choices.gaps())


def test_claims_py_choices_prints_the_ledger_and_its_summary(capsys):
    assert claims_cli.main(["--choices"]) == 0
    out = capsys.readouterr().out
    total = choices.counts()
    assert f"{len(COMPARATIVE)} comparative claims" in out
    assert f"{total['varied']} varied, {total['named']} named, {total['not applicable']} not applicable" in out
    assert all(f"  {name}  " in out for name in COMPARATIVE)


def test_experiments_readme_holds_the_gaps_table_the_ledger_makes():
    readme = (ROOT / "experiments" / "README.md").read_text()
    assert "## Arbitrary choices, varied one at a time" in readme
    regenerate = (
        "experiments/README.md: paste python -c 'from course.claims import choices; print(choices.gaps_table())'"
    )
    assert choices.gaps_table() in readme, regenerate
    total = choices.counts()
    today = (
        f"Today: {sum(total.values())} (claim, choice) pairs,\n{total['varied']} varied, {total['named']} named, "
        f"{total['not applicable']} not applicable, {total['gap']} gaps."
    )
    assert today in readme, f"experiments/README.md should say: {today!r}"
    assert f"each of the {len(COMPARATIVE)} comparative claims" in readme
    assert f"the other {len(choices.NOT_COMPARATIVE)} registered claims" in readme
