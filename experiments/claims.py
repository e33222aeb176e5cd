"""Every registered claim, judged on the stored rows (make claims) or on new seeds (make claims-holdout).

    python experiments/claims.py                              every claim with its n/N on the stored rows
    python experiments/claims.py --holdout 200-204 [--full] [--jobs 2] [--notebooks 15] [--save DIR]
    python experiments/claims.py --judge DIR                  judge the claims on rows a --save run left in DIR
    python experiments/claims.py --choices                    the ledger of every comparative claim's arbitrary
                                                              choices (course/claims/choices.py) and its gaps
                                                              re-run what the claims need on seeds 200-204, judge
                                                              (only the claims of the notebooks named, if given)

The claims are course.claims (one function each; the notebooks assert through the same functions).  The holdout
re-runs, on the given seeds, each experiment a claim reads: by default its quick holdout slice (Experiment.holdout,
the cases the quick claims need, sized so that five seeds take at most 20 minutes on two cores), with --full every
case.  Nothing is written to notebooks/data.  It exits with 1 if any judged claim's rule is not met (a claim
stated for every seed failed in one, or a share fell outside its binomial tolerance), with 2 on bad arguments.

Seeds that shaped a claim never judge it: seeds 0-19 (the stored sweeps) and 100-199 (pilot and search runs, the
reviewers' seeds) are refused.  experiments/README.md lists the ranges.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import harness  # noqa: E402

from course.claims import choices, registry, stored  # noqa: E402
from course.results import read_table, write_table  # noqa: E402

USED_SEEDS = (range(0, 20), range(100, 200))  # stored sweeps; pilots, searches and reviewers


def parse_seeds(text: str) -> list[int]:
    """'200-204' → [200, …, 204]; '200,207' → [200, 207]; refuses seeds that shaped a claim."""
    found = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            raise ValueError(f"SEEDS must look like 200-204 or 200,203 (non-negative ints), got {text!r}")
        found += list(range(int(low), int(high or low) + 1))
    if not found:
        raise ValueError(f"SEEDS gives no seed: {text!r}")
    used = sorted(s for s in found if any(s in r for r in USED_SEEDS))
    if used:
        raise ValueError(
            f"seeds {used} shaped the claims (0-19: stored sweeps; 100-199: pilots, searches, reviewers): a holdout "
            "must use seeds nobody chose them on, e.g. 200 and above (experiments/README.md)"
        )
    return found


def print_verdicts(verdicts) -> bool:
    ok = True
    for notebook in sorted({v.claim.notebook for v in verdicts}):
        print(f"notebook {notebook}")
        for v in verdicts:
            if v.claim.notebook == notebook:
                ok &= v.passed
                print(
                    f"  {'ok  ' if v.passed else 'FAIL'} {v.n:3d}/{v.N:<3d} {v.claim.name}  [{v.claim.rule.text}; {v.claim.budget}]"
                )
                print(f"       {v.claim.sentence}")
                if not v.passed:
                    print(f"       failed in seeds {v.failed_seeds}")
    return ok


def judge_stored(folder=None) -> bool:
    """Every claim on the stored rows (or, with ``folder``, every claim whose rows a --save run left there)."""
    claims = list(registry().values())
    if folder is not None:
        claims = [c for c in claims if all(_saved(folder, c.experiment, t).is_file() for t in c.tables)]
    verdicts = [
        c(
            {t: read_table(_saved(folder, c.experiment, t)) for t in c.tables}
            if folder
            else stored(c.experiment, c.tables)
        )
        for c in claims
    ]
    # A quick holdout saves an experiment's table with only the cases its quick claims read: a claim about the
    # other cases finds no seed in it, which says nothing about the claim (not a failure of it).
    unjudged = [v.claim.name for v in verdicts if folder is not None and v.N == 0]
    verdicts = [v for v in verdicts if v.claim.name not in unjudged]
    ok = print_verdicts(verdicts)
    print(
        f"{len(verdicts)} claims on the {'rows in ' + str(folder) if folder else 'stored rows'}: "
        f"{'all hold' if ok else 'SOME FAIL'}"
    )
    if unjudged:
        print(f"not judged, no rows of theirs in {folder} (a quick holdout leaves them out): {', '.join(unjudged)}")
    return ok


def _saved(folder, experiment, table) -> Path:
    return Path(folder) / f"{experiment}{'_' + table if table else ''}.csv"


def judge_holdout(seeds, full: bool, jobs: int, notebooks=None, save=None) -> bool:
    chosen = [c for c in registry().values() if notebooks is None or c.notebook in notebooks]
    claims = [c for c in chosen if full or c.quick]
    skipped = [c.name for c in chosen if c not in claims]
    experiments = {e.name: e for e in harness.all_experiments()}
    tables, start = {}, time.perf_counter()
    for name in sorted({c.experiment for c in claims}):
        experiment = experiments[name]
        cases = experiment.holdout_cases(seeds, full)
        t0 = time.perf_counter()
        tables[name] = experiment.run_cases(cases, jobs)
        if save is not None:  # keep the rows, to look at them or judge a rewritten claim without re-running
            for table, rows in tables[name].items():
                if rows.rows:
                    write_table(
                        Path(save) / f"{name}{'_' + table if table else ''}.csv",
                        rows.rows,
                        f"{name} on seeds {seeds[0]}-{seeds[-1]} (experiments/claims.py --holdout)",
                    )
        print(
            f"{name}: {len(cases)} runs on seeds {seeds[0]}-{seeds[-1]} in {time.perf_counter() - t0:.0f} s", flush=True
        )
    verdicts = [c({t: tables[c.experiment][t] for t in c.tables}) for c in claims]
    ok = print_verdicts(verdicts)
    print(
        f"{len(verdicts)} claims judged on seeds {seeds[0]}-{seeds[-1]} in {time.perf_counter() - start:.0f} s: "
        f"{'all hold' if ok else 'SOME FAIL'}"
    )
    if skipped:
        print(f"not in the quick holdout (FULL=1 judges them): {', '.join(skipped)}")
    return ok


def print_choices() -> bool:
    """The ledger of arbitrary choices (course.claims.choices), then anything wrong with it; True if nothing is."""
    print(choices.report())
    wrong = choices.problems() + choices.table_evidence()
    for line in wrong:
        print(f"LEDGER PROBLEM: {line}")
    return not wrong


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--holdout", metavar="SEEDS", help="re-run on these seeds, e.g. 200-204")
    parser.add_argument("--full", action="store_true", help="every case, not the quick holdout slice")
    parser.add_argument("--jobs", type=int, default=1, help="processes for the holdout runs")
    parser.add_argument("--notebooks", help="only the claims of these notebooks, e.g. 15 or 07,10")
    parser.add_argument("--save", metavar="DIR", help="also write the holdout's rows as CSV files to DIR")
    parser.add_argument("--judge", metavar="DIR", help="judge the claims on rows saved by --save (no re-run)")
    parser.add_argument(
        "--choices", action="store_true", help="print each comparative claim's arbitrary choices and the gaps"
    )
    args = parser.parse_args(argv)
    if args.choices:
        return 0 if print_choices() else 1
    if args.judge is not None:
        return 0 if judge_stored(args.judge) else 1
    if args.holdout is None:
        return 0 if judge_stored() else 1
    try:
        seeds = parse_seeds(args.holdout)
    except ValueError as err:
        print(err, file=sys.stderr)
        return 2
    if args.jobs < 1:
        print(f"--jobs must be a positive int, got {args.jobs}", file=sys.stderr)
        return 2
    notebooks = None if args.notebooks is None else {n.strip().zfill(2) for n in args.notebooks.split(",")}
    if notebooks is not None and not notebooks & {c.notebook for c in registry().values()}:
        print(f"--notebooks {args.notebooks!r} names no notebook with a registered claim", file=sys.stderr)
        return 2
    return 0 if judge_holdout(seeds, args.full, args.jobs, notebooks, args.save) else 1


if __name__ == "__main__":
    sys.exit(main())
