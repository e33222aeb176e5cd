"""The tiny shared helper of every experiment: cases, seeds, rows, the quick mode and the comparison.

An experiment is one short script that builds an :class:`Experiment` and calls ``main()``::

    EXPERIMENT = Experiment(
        name="sgd_step_size",                       # → notebooks/data/sgd_step_size.csv
        protocol="SGD on the toy task ...",         # written at the top of the file
        key=("eta", "seed", "epoch"),               # the columns that identify a row
        cases=[{"eta": e, "seed": s} for e in ETAS for s in SEEDS],
        quick=[{"eta": 0.1, "seed": 0}],            # the cases the quick mode re-computes
        run=run_case,                               # run_case(case, quick) → list of row dicts
    )

``run(case, quick)`` must make the same rows whether it runs alone or in the sweep (seed everything
from the case), and with ``quick=True`` it may stop early (fewer epochs): every row it returns must then
be one of the stored rows.

    python experiments/NAME.py            run every case, write notebooks/data/NAME.csv
    python experiments/NAME.py --quick    re-run the quick cases, compare with the stored rows
    python experiments/harness.py --check re-run every experiment's quick mode (make experiments-check)

A stored row is reproduced when every number agrees to 1e-12 relative (text exactly).  Two fields loosen that
for runs that amplify rounding, each with its reason in the experiment's script: ``rtol`` (a diverging or
exploding run, whose last bits differ between numpy/BLAS builds by more than 1e-12 after a few steps) and
``stable`` (a chaotic run: only the rows a different build still reproduces are compared, the first updates).
On one build every row is bit-for-bit the same (the full re-run, ``make experiments``, says so); these fields
exist so that `make test` passes on every build CI and ``make test-oldest`` use.
"""

from __future__ import annotations

import importlib
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from course.results import PACKAGE_DATA_DIR, Results, compare_rows, read_table, write_table

HERE = Path(__file__).resolve().parent
RTOL = 1e-12


def seeds(n):
    """The seeds 0 … n−1: every experiment uses the first n, never a chosen few."""
    return list(range(n))


def grid(**axes):
    """Every combination of the given values, as case dicts: ``grid(seed=seeds(10), eta=(0.1, 0.3))``."""
    cases = [{}]
    for name, values in axes.items():
        cases = [{**case, name: value} for case in cases for value in values]
    return cases


@dataclass
class Experiment:
    """One experiment: its cases, how to run one, which of them the quick mode re-runs, what identifies a row.

    ``key`` is a tuple of column names (one table, notebooks/data/NAME.csv), or a dict table → tuple when a
    run fills several tables (files NAME_TABLE.csv); ``run`` then returns a dict table → rows.
    """

    name: str
    protocol: str
    key: tuple | dict
    cases: list
    quick: list
    run: object  # run(case: dict, quick: bool) -> list of rows, or dict table -> list of rows
    holdout: object = None  # holdout(case) -> bool: the cases the quick holdout re-runs on new seeds (None: all)
    rtol: float = RTOL  # how closely the quick mode must reproduce a number (the module docstring says when to loosen)
    stable: object = None  # stable(row) -> bool: the quick rows other numpy/BLAS builds reproduce (None: all)

    @property
    def keys(self) -> dict:
        return self.key if isinstance(self.key, dict) else {"": self.key}

    def path(self, table="") -> Path:
        return PACKAGE_DATA_DIR / f"{self.name}{'_' + table if table else ''}.csv"

    def compute(self, quick: bool) -> dict:
        """table → the rows of every case (or of the quick cases), in order."""
        tables = {table: [] for table in self.keys}
        for case in self.quick if quick else self.cases:
            out = self.run(dict(case), quick)
            for table, rows in (out if isinstance(self.key, dict) else {"": out}).items():
                tables[table].extend(rows)
        return tables

    def holdout_cases(self, new_seeds, full: bool) -> list:
        """The cases on other seeds: every distinct case with its seed replaced (only the quick slice unless full)."""
        templates = []
        for case in self.cases:
            if "seed" not in case:
                raise ValueError(f"{self.name}: its cases have no seed, so it cannot be re-run on other seeds")
            template = {k: v for k, v in case.items() if k != "seed"}
            if template not in templates and (full or self.holdout is None or self.holdout(case)):
                templates.append(template)
        return [{**template, "seed": seed} for template in templates for seed in new_seeds]

    def run_cases(self, cases, jobs: int = 1) -> dict:
        """table → Results of the full runs of ``cases`` (nothing is written), in case order; jobs processes."""
        if jobs > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
                outs = list(pool.map(_run_one, [self.name] * len(cases), cases))
        else:
            outs = [self.run(dict(case), False) for case in cases]
        tables = {table: [] for table in self.keys}
        for out in outs:
            for table, rows in (out if isinstance(self.key, dict) else {"": out}).items():
                tables[table].extend(rows)
        return {t: Results(rows, list(rows[0]) if rows else [], self.protocol) for t, rows in tables.items()}

    def write(self, jobs: int = 1) -> None:
        """Run every case and store the rows (``make experiments``); ``jobs`` processes (the same rows, in order)."""
        start = time.perf_counter()
        header = f"{self.name}: written by experiments/{self.name}.py (python experiments/{self.name}.py)\n"
        if jobs > 1:
            computed = {t: r.rows for t, r in self.run_cases(self.cases, jobs).items()}
        else:
            computed = self.compute(quick=False)
        for table, rows in computed.items():
            path = write_table(self.path(table), rows, header + self.protocol)
            print(f"{self.name}: {len(rows)} rows → {path.relative_to(PACKAGE_DATA_DIR.parent.parent)}")
        print(f"{self.name}: {time.perf_counter() - start:.0f} s")

    def check(self) -> list[str]:
        """Re-run the quick cases; the differences from the stored rows (empty: all reproduced)."""
        missing = [self.path(t) for t in self.keys if not self.path(t).is_file()]
        if missing:
            return [f"{p} is missing: run `make experiments` (or python experiments/{self.name}.py)" for p in missing]
        tables = self.compute(quick=True)
        if not any(tables.values()):
            return [f"{self.name}: the quick mode computed no rows"]
        problems = []
        for table, rows in tables.items():
            stored = read_table(self.path(table))
            rows = [row for row in rows if self.stable is None or self.stable(row)]
            found = compare_rows(stored, rows, self.keys[table], self.rtol)
            problems += [f"{self.path(table).name} {p}" for p in found]
        return problems

    def main(self, argv=None) -> None:
        argv = sys.argv[1:] if argv is None else argv
        if argv == ["--quick"]:
            sys.exit(0 if _report(self.name, self.check()) else 1)
        elif not argv:
            self.write()
        elif len(argv) == 2 and argv[0] == "--jobs" and argv[1].isdigit() and int(argv[1]) >= 1:
            self.write(jobs=int(argv[1]))
        else:
            sys.exit(f"usage: python experiments/{self.name}.py [--quick | --jobs N]")


def _run_one(name, case):
    """One full run of one case of the experiment ``name``, in a worker process (forked: the modules are loaded)."""
    return next(e for e in all_experiments() if e.name == name).run(dict(case), False)


def all_experiments() -> list[Experiment]:
    """Every experiment script in this folder (a module with an EXPERIMENT), by name."""
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))
    found = []
    for path in sorted(HERE.glob("*.py")):
        if path.stem == "harness":
            continue
        module = importlib.import_module(path.stem)
        if isinstance(getattr(module, "EXPERIMENT", None), Experiment):
            found.append(module.EXPERIMENT)
    return found


def _report(name, problems, seconds=None) -> bool:
    took = "" if seconds is None else f" ({seconds:.1f} s)"
    if not problems:
        print(f"{name}: stored rows reproduced{took}")
        return True
    print(f"{name}: NOT reproduced, {len(problems)} problem(s){took}:")
    for line in problems[:40]:
        print("   ", line)
    if len(problems) > 40:
        print(f"    … and {len(problems) - 40} more")
    return False


def check_all() -> bool:
    """Re-run every quick mode; print one line per experiment (and the differences); True if all reproduced."""
    experiments = all_experiments()
    if not experiments:
        print(f"no experiments found in {HERE}")
        return False
    ok = True
    for experiment in experiments:
        start = time.perf_counter()
        problems = experiment.check()
        ok &= _report(experiment.name, problems, time.perf_counter() - start)
    return ok


def write_all() -> None:
    for experiment in all_experiments():
        experiment.write()


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    import harness  # the experiments import this module as `harness`: use that copy, not __main__

    if sys.argv[1:] == ["--check"]:
        sys.exit(0 if harness.check_all() else 1)
    if sys.argv[1:] == ["--all"]:
        harness.write_all()
    else:
        sys.exit("usage: python experiments/harness.py --check | --all")
