# The course in two commands:  make lab  (open your workspace)  and  make progress  (see where you are).
# Both create .venv on first use with the Python found as $(PYTHON) (3.10 or newer); make test checks all of it.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

# Jupyter looks for kernels in .venv before the user's own folders, so "python3" is always this course's Python.
export JUPYTER_PREFER_ENV_PATH := 1

# One BLAS thread for tests and notebook execution: the same last digits on every machine.
# COURSE_LANG=en: the committed outputs are the English edition's, whatever language the shell chose.
TEST_ENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 COURSE_LANG=en

NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

# The course's language: COURSE_LANG=zh gives every command below its Chinese edition (README.zh.md); unset, English.
# Not LANG, which every shell sets.  Exported, so JupyterLab's kernels and the tools see it (tools/editions.py).
EDITION := $(or $(strip $(COURSE_LANG)),en)
ifeq ($(filter $(EDITION),en zh),)
$(error COURSE_LANG=$(COURSE_LANG): the course has the editions en (English, the default) and zh (Chinese))
endif
override COURSE_LANG := $(EDITION)
export COURSE_LANG
WORK   := $(if $(filter zh,$(EDITION)),work-zh,work)
SOLVED := $(if $(filter zh,$(EDITION)),zh/notebooks,notebooks)

.PHONY: lab lab-solutions workspace progress progress-test test-oldest test test-zh zh test-threads execute sync student html bench experiments experiments-check clean help teach grade grade-test build-test site-test lab-test wrong-answers-test claims claims-choices claims-holdout

help:
	@echo "make lab      open your workspace, work/, in JupyterLab (creates .venv and work/ on first use)"
	@echo "              COURSE_LANG=zh (after any command): the Chinese edition (README.zh.md); workspace work-zh/"
	@echo "              LAB_ARGS=\"--port 8899 --no-browser\" passes options to JupyterLab"
	@echo "make progress every exercise of your workspace: done, wrong (and why) or not started (NB=13 for one notebook)"
	@echo "make workspace  write work/: your copy of the course, exercises blank; never overwrites anything"
	@echo "make lab-solutions  open the solved edition, notebooks/, in JupyterLab"
	@echo "make test     run the test suite and every notebook under strict nbval"
	@echo "make test-zh  the Chinese edition (generated into zh/notebooks) under strict nbval, with COURSE_LANG=zh"
	@echo "make zh       (re)generate the Chinese edition, zh/notebooks/, from notebooks/ and locale/zh_CN"
	@echo "make test-threads  every notebook under strict nbval with 2 BLAS threads (outputs must not change)"
	@echo "make execute  re-execute the notebooks in place (NB=notebooks/01_forward_pass.ipynb for one)"
	@echo "make sync     regenerate navigation, course map and slide metadata from tools/syllabus.py"
	@echo "make student  write the student edition (solutions removed) to student/notebooks (zh: student/zh/notebooks)"
	@echo "make html     build a static site of the executed notebooks in _site/ (English) and _site/zh/ (Chinese)"
	@echo "make bench    time batched BPTT (RNN, LSTM, GRU) against the reference loop, PyTorch (if installed) and a GEMM,"
	@echo "              and a language-model training step (characters per second) against PyTorch,"
	@echo "              and an encoder-decoder-with-attention training step against PyTorch"
	@echo "make experiments        re-run every experiment in experiments/ and rewrite notebooks/data (over 90 min)"
	@echo "make experiments-check  re-run every experiment's quick mode; fail on any stored row not reproduced"
	@echo "make claims             every registered claim (course.claims) with its n/N on the stored rows (seconds)"
	@echo "make claims-choices     every comparative claim's arbitrary choices: varied, named, not applicable or a gap"
	@echo "make claims-holdout SEEDS=200-204 [FULL=1] [JOBS=2] [NB=15]   re-run what the claims need on new seeds, judge"
	@echo "                        them; fails if a claim misses its rule (quick: 5 seeds within 20 min on 2 cores)"
	@echo "make clean    remove .venv and caches"
	@echo "For lecturers (README, Teaching with it):"
	@echo "make teach        install the lecturer's tools (nbgrader) into .venv"
	@echo "make grade SUBMISSIONS=dir [GRADES=grades]   grade submitted notebooks, each learner in a sandbox"
	@echo "                  (bubblewrap; limits: NOTEBOOK_SECONDS=180 LEARNER_SECONDS=900 MEMORY_MB=4096;"
	@echo "                  docs/grading.md): scores.csv with flags for a human, and feedback"
	@echo "make grade-test   grade the solution, student and planted-mistake editions and a hostile class end to end"
	@echo "make wrong-answers-test  every notebook of the student edition, and with every exercise answered wrong (None,"
	@echo "              raising), and every exercise/checker pair in a fresh kernel: no traceback outside the learner's cells (~20 min)"
	@echo "make build-test   build the site in both languages and install a wheel in a fresh venv (~45 s)"
	@echo "make site-test    open every page of the site offline in Chromium: no formula left as LaTeX"
	@echo "make lab-test     open JupyterLab in Chromium: no news pop-up with the course's settings"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || \
	  { echo "This course needs Python 3.10 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Run: make PYTHON=python3.12 ..."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# setuptools announces every editable install in a box of asterisks, as a warning pip passes on even with
	@# --quiet; it says nothing about this course (rnn_lib is found where it is), so it is filtered out by its text.
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e ".[course,test]"
	@# Build matplotlib's font cache now, so its one-time notice never lands in a notebook's stderr.
	MPLBACKEND=Agg $(BIN)/python -c "import matplotlib.pyplot"
	touch $(STAMP)

# Jupyter refuses to run as root unless told; containers and some CI machines run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

# JupyterLab's defaults for the course (no "get notified about Jupyter news?" pop-up): tools/lab_settings.py.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.d/rnn-course.json

$(LAB_SETTINGS): tools/lab_settings.py $(STAMP)
	$(BIN)/python tools/lab_settings.py

# The learner's workspace (tools/workspace.py): the student edition in work/, written once, never overwritten.
workspace: $(STAMP)
	@$(BIN)/python tools/workspace.py

lab: workspace $(LAB_SETTINGS)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) $(LAB_ARGS) $(WORK)/00_index.ipynb

lab-solutions: $(STAMP) $(LAB_SETTINGS) $(if $(filter zh,$(EDITION)),zh)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ALLOW_ROOT) $(LAB_ARGS) $(SOLVED)/00_index.ipynb

# The Chinese edition, generated (tools/editions.py): git ignores zh/; it is rewritten whenever it is out of date.
zh: $(STAMP)
	@$(BIN)/python tools/editions.py build zh

# Checks copies of the workspace's notebooks (tools/progress.py); NB=13 (or NB="13 14") for some of them.
progress: $(STAMP)
	@$(BIN)/python tools/progress.py $(NB)

# The whole course solved, through make progress's checker (slow: every notebook runs, about a minute).
progress-test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -s tests/slow/test_progress_course.py

# The oldest versions the course promises (pyproject.toml's floors, Python 3.10) in a venv of their own, and the
# test suite on them (docs/maintaining.md, "The oldest supported versions"). Slow: nice, and not part of make test.
OLDEST        := .venv-oldest
PYTHON_OLDEST ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.10.*/bin/python3.10) python3.10)
OLDEST_STAMP  := $(OLDEST)/.installed-stamp

$(OLDEST_STAMP): pyproject.toml tools/oldest_constraints.py $(STAMP)
	test -x $(OLDEST)/bin/python || $(PYTHON_OLDEST) -m venv $(OLDEST)
	$(OLDEST)/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 10), sys.version'
	$(BIN)/python tools/oldest_constraints.py > $(OLDEST)/constraints.txt
	PYTHONWARNINGS="ignore:Editable installation" $(OLDEST)/bin/python -m pip install --quiet -c $(OLDEST)/constraints.txt -e ".[course,test]"
	MPLBACKEND=Agg $(OLDEST)/bin/python -c "import matplotlib.pyplot"
	touch $(OLDEST_STAMP)

test-oldest: $(OLDEST_STAMP)
	$(OLDEST)/bin/python -m pip list --format=freeze | grep -iE "^(numpy|matplotlib|jupyterlab|ipykernel|pytest|nbval)=="
	$(TEST_ENV) nice -n 10 $(OLDEST)/bin/python -m pytest -rs $(NBVAL) tests notebooks --ignore=tests/teaching --ignore=tests/slow

# Every notebook under strict nbval with two BLAS threads: printed outputs must not depend on the thread count.
test-threads: $(STAMP)
	OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 PYTHONHASHSEED=0 $(BIN)/python -m pytest $(NBVAL) notebooks

test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -rsx $(NBVAL) tests notebooks --ignore=tests/teaching --ignore=tests/slow --ignore=tests/build

# The Chinese edition under strict nbval: its outputs are the English ones with the checkers' feedback translated,
# which is what a kernel with COURSE_LANG=zh prints (CI: .github/workflows/test-zh.yml, on every catalogue change).
test-zh: zh
	$(TEST_ENV) COURSE_LANG=zh $(BIN)/python -m pytest $(NBVAL) zh/notebooks
	$(TEST_ENV) CHECKER_LANGUAGE_FULL=1 $(BIN)/python -m pytest tests/test_checker_language.py

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
	$(BIN)/python benchmarks/bench_seq2seq.py

# The slow sweeps behind the notebooks' figures (experiments/README.md); nice: they share the machine.
experiments: $(STAMP)
	$(TEST_ENV) nice -n 10 $(BIN)/python experiments/harness.py --all

experiments-check: $(STAMP)
	$(TEST_ENV) $(BIN)/python experiments/harness.py --check

# Claims are code (course/claims): judged on the stored rows, or on seeds nobody chose them on (experiments/README).
claims: $(STAMP)
	$(TEST_ENV) $(BIN)/python experiments/claims.py

# The ledger of issue 21, item 2: per comparative claim, each arbitrary choice varied, named, not applicable or a gap.
claims-choices: $(STAMP)
	$(TEST_ENV) $(BIN)/python experiments/claims.py --choices

JOBS ?= 2
claims-holdout: $(STAMP)
	@test -n "$(SEEDS)" || { echo "Usage: make claims-holdout SEEDS=200-204 [FULL=1] [JOBS=2]  (seeds 200 and above)"; exit 2; }
	$(TEST_ENV) nice -n 10 $(BIN)/python experiments/claims.py --holdout $(SEEDS) $(if $(FULL),--full) --jobs $(JOBS) $(if $(NB),--notebooks $(NB))

# --- for lecturers: the optional groups "teach" (nbgrader) and "browser" (playwright) of pyproject.toml ---------
TEACH_STAMP   := $(VENV)/.teach-stamp
BROWSER_STAMP := $(VENV)/.browser-stamp
CHROMIUM ?= /usr/bin/chromium
GRADES   ?= grades

$(TEACH_STAMP): $(STAMP)
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e ".[course,test,teach]"
	touch $(TEACH_STAMP)

$(BROWSER_STAMP): $(STAMP)
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/python -m pip install --quiet -e ".[course,test,browser]"
	touch $(BROWSER_STAMP)

teach: $(TEACH_STAMP)

# Learners' code runs in a bubblewrap sandbox (docs/grading.md); without bubblewrap, grading refuses to run unless
# UNSAFE_NO_SANDBOX=1 (then their code runs with your rights, and the command says what that risks).
NOTEBOOK_SECONDS ?= 180
LEARNER_SECONDS  ?= 900
MEMORY_MB        ?= 4096
GRADE_LIMITS := --notebook-seconds $(NOTEBOOK_SECONDS) --learner-seconds $(LEARNER_SECONDS) --memory-mb $(MEMORY_MB)

grade: $(STAMP)
	@test -n "$(SUBMISSIONS)" || { echo "Usage: make grade SUBMISSIONS=folder [GRADES=folder]  (docs/grading.md)"; exit 2; }
	$(TEST_ENV) $(BIN)/python tools/grade.py "$(SUBMISSIONS)" "$(GRADES)" $(GRADE_LIMITS) --lang $(EDITION) \
	  $(if $(filter 1,$(UNSAFE_NO_SANDBOX)),--unsafe-no-sandbox)

# Needs bubblewrap (apt-get install bubblewrap); nbgrader (make teach) for its configuration's test.
grade-test: $(TEACH_STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -s tests/teaching/test_grading.py

# Slow (every notebook twice, each pair in a kernel of its own); make test runs a fast part (tests/test_wrong_answers.py).
wrong-answers-test: $(STAMP)
	$(TEST_ENV) nice -n 10 $(BIN)/python -m pytest -q tests/teaching/test_wrong_answers_every_notebook.py

# The site of both languages and the wheel in a fresh venv (~45 s): what a build needs, not every change.
build-test: $(STAMP)
	$(TEST_ENV) $(BIN)/python -m pytest -q tests/build

site-test: $(BROWSER_STAMP)
	@test -x "$(CHROMIUM)" || { echo "No Chromium at $(CHROMIUM): apt-get install chromium, or make site-test CHROMIUM=/path"; exit 2; }
	CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest -s tests/teaching/test_site_offline.py

lab-test: $(BROWSER_STAMP) $(LAB_SETTINGS)
	@test -x "$(CHROMIUM)" || { echo "No Chromium at $(CHROMIUM): apt-get install chromium, or make lab-test CHROMIUM=/path"; exit 2; }
	CHROMIUM="$(CHROMIUM)" $(BIN)/python -m pytest -s tests/teaching/test_lab_news.py

clean:
	rm -rf $(VENV) build *.egg-info _site zh .pytest_cache .ruff_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
