# The course in two commands:  make lab  (open it)  and  make test  (check all of it).
# Both create .venv on first use with the Python found as $(PYTHON) (3.10 or newer).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# Jupyter looks for kernels in .venv before the user's own folders, so "python3" is always this course's Python.
export JUPYTER_PREFER_ENV_PATH := 1

# One BLAS thread for tests and notebook execution: the same last digits on every machine.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

.PHONY: lab test test-threads execute sync student html bench experiments experiments-check claims claims-holdout clean help teach grade grade-test site-test lab-test

help:
	@echo "make lab      open the course in JupyterLab (creates .venv on first use)"
	@echo "make test     run the test suite and every notebook under strict nbval"
	@echo "make test-threads  every notebook under strict nbval with 2 BLAS threads (outputs must not change)"
	@echo "make execute  re-execute the notebooks in place (NB=notebooks/01_forward_pass.ipynb for one)"
	@echo "make sync     regenerate navigation, course map and slide metadata from tools/course.py"
	@echo "make student  write the student edition (solutions removed) to student/notebooks"
	@echo "make html     build a static site of the executed notebooks in _site/"
	@echo "make bench    time batched BPTT (RNN, LSTM, GRU) against the reference loop, PyTorch (if installed) and a GEMM,"
	@echo "              and a language-model training step (characters per second) against PyTorch"
	@echo "make experiments        re-run every experiment in experiments/ and rewrite notebooks/data (over 90 min)"
	@echo "make experiments-check  re-run every experiment's quick mode; fail on any stored row not reproduced"
	@echo "make claims             every registered claim (rnn_lib.claims) with its n/N on the stored rows (seconds)"
	@echo "make claims-holdout SEEDS=200-204 [FULL=1] [JOBS=2] [NOTEBOOKS=07,08]   re-run what the claims need on new"
	@echo "                        seeds and judge them (only the claims of the notebooks named, if given)"
	@echo "                        them; fails if a claim misses its rule (quick: 5 seeds within 20 min on 2 cores)"
	@echo "make clean    remove .venv and caches"
	@echo "For lecturers (README, Teaching with it):"
	@echo "make teach        install the lecturer's tools (nbgrader) into .venv"
	@echo "make grade SUBMISSIONS=dir [GRADES=grades]   grade submitted notebooks: scores.csv and feedback"
	@echo "make grade-test   grade the solution, student and a planted-mistake edition end to end (nbgrader)"
	@echo "make site-test    open every page of the site offline in Chromium: no formula left as LaTeX"
	@echo "make lab-test     open JupyterLab in Chromium: no news pop-up with the course's settings"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || \
	  { echo "This course needs Python 3.10 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Run: make PYTHON=python3.12 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[course,test]"
	@# Build matplotlib's font cache now, so its one-time notice never lands in a notebook's stderr.
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	touch $(STAMP)

# Jupyter refuses to run as root unless told; containers and some CI machines run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# JupyterLab's defaults for the course (no "get notified about Jupyter news?" pop-up): tools/lab_settings.py.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d/rnn-course.json

$(LAB_SETTINGS): tools/lab_settings.py $(STAMP)
	$(BIN)/python tools/lab_settings.py

lab: $(STAMP) $(LAB_SETTINGS)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) notebooks/00_index.ipynb

# Every notebook under strict nbval with two BLAS threads: printed outputs must not depend on the thread count.
test-threads: $(STAMP)
	OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 PYTHONHASHSEED=0 $(BIN)/python -m pytest $(NBVAL) notebooks

test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest $(NBVAL) tests notebooks --ignore=tests/teaching

execute: $(STAMP)
	$(TEST_ENV) $(BIN)/python tools/execute_notebooks.py $(or $(NB),notebooks/*.ipynb)

sync: $(STAMP)
	$(BIN)/python tools/sync_notebooks.py

student: $(STAMP)
	$(BIN)/python tools/make_student.py

html: $(STAMP)
	$(BIN)/python tools/build_site.py

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_bptt.py
	$(BIN)/python benchmarks/bench_gated.py
	$(BIN)/python benchmarks/bench_lm.py

# The slow sweeps behind the notebooks' figures (experiments/README.md); nice: they share the machine.
experiments: $(STAMP)
	$(TEST_ENV) nice -n 10 $(BIN)/python experiments/harness.py --all

experiments-check: $(STAMP)
	$(TEST_ENV) $(BIN)/python experiments/harness.py --check

# Claims are code (rnn_lib/claims): judged on the stored rows, or on seeds nobody chose them on (experiments/README).
claims: $(STAMP)
	$(TEST_ENV) $(BIN)/python experiments/claims.py

JOBS ?= 2
claims-holdout: $(STAMP)
	@test -n "$(SEEDS)" || { echo "Usage: make claims-holdout SEEDS=200-204 [FULL=1] [JOBS=2] [NOTEBOOKS=07,08]  (seeds 200 and above)"; exit 2; }
	$(TEST_ENV) nice -n 10 $(BIN)/python experiments/claims.py --holdout $(SEEDS) $(if $(FULL),--full) --jobs $(JOBS) $(if $(NOTEBOOKS),--notebooks $(NOTEBOOKS))

# --- for lecturers: the optional groups "teach" (nbgrader) and "browser" (playwright) of pyproject.toml ---------
TEACH_STAMP   := $(VENV)/.teach-stamp
BROWSER_STAMP := $(VENV)/.browser-stamp
CHROMIUM ?= /usr/bin/chromium
GRADES   ?= grades

$(TEACH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[course,test,teach]"
	touch $(TEACH_STAMP)

$(BROWSER_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[course,test,browser]"
	touch $(BROWSER_STAMP)

teach: $(TEACH_STAMP)

grade: $(TEACH_STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "Usage: make grade SUBMISSIONS=folder [GRADES=folder]  (README: Teaching with it)"; exit 2; }
	$(TEST_ENV) $(BIN)/python tools/grade.py "$(SUBMISSIONS)" "$(GRADES)"

grade-test: $(TEACH_STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -s tests/teaching/test_grading.py

site-test: $(BROWSER_STAMP)
	@test -x "$(CHROMIUM)" || { echo "No Chromium at $(CHROMIUM): apt-get install chromium, or make site-test CHROMIUM=/path"; exit 2; }
	CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest -s tests/teaching/test_site_offline.py

lab-test: $(BROWSER_STAMP) $(LAB_SETTINGS)
	@test -x "$(CHROMIUM)" || { echo "No Chromium at $(CHROMIUM): apt-get install chromium, or make lab-test CHROMIUM=/path"; exit 2; }
	CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest -s tests/teaching/test_lab_news.py

clean:
	rm -rf $(VENV) build *.egg-info _site .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
