# The two commands of the README: `make lab` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# JupyterLab and Voila refuse to run as root unless told; containers and CI run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
PYTEST_ARGS ?=

.PHONY: lab present site test lint unit notebooks browser format bench figures clean help

help:
	@echo "make lab      set up .venv and open the lessons in JupyterLab"
	@echo "make test     set up .venv and run every test (lint, unit, notebooks, browser)"
	@echo "make present  serve the lessons without code in Voila, for a projector"
	@echo "make site     build the course as static pages in site/ (English) and site/zh/ (Chinese)"
	@echo "make bench    run the benchmarks in bench/ and print their figures"
	@echo "make figures  regenerate docs/ images (the README diagram)"

# pip: wheels from its cache, no version check, no upgrade of pip itself, no byte-compiling
# of every installed file (Python compiles what it imports, once).
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --no-input --prefer-binary --no-compile
# Unit tests and lessons run on every core (pytest-xdist); a file's tests stay together.
WORKERS ?= auto
PARALLEL := -n $(WORKERS) --dist loadfile

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -e ".[lab,test]"
	$(PY) scripts/lab_settings.py $(VENV)
	touch $(STAMP)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=notebooks notebooks/00_start_here.ipynb

# Voila with voila.json (per-visitor data folders, kernels released and culled): see README.
present: $(STAMP)
	CALF_TUTORIAL_PROJECTOR=1 $(PY) -m tutorial.site.present --Voila.ip=127.0.0.1 notebooks

# The course as static pages: opens from disk or any static host, no kernel, no network.
site: $(STAMP)
	$(PY) -m tutorial.site --out site --notebooks notebooks --all-languages

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) scripts/check_notebooks.py notebooks
	$(PY) scripts/make_zh_notebooks.py check

unit: $(STAMP)
	$(VENV)/bin/pytest -m "not browser" $(PARALLEL) $(PYTEST_ARGS)

notebooks: $(STAMP)
	CALF_TUTORIAL_HOME=$$(mktemp -d) CALF_TUTORIAL_CACHE=$$(mktemp -d) MPLBACKEND=Agg $(VENV)/bin/pytest --nbval-lax notebooks $(PARALLEL) $(PYTEST_ARGS)

browser: $(STAMP)
	$(PY) scripts/ensure_browser.py
	$(VENV)/bin/pytest -m browser --durations=15 $(PYTEST_ARGS)

# After the lint, the browser tests run in the foreground and the unit tests and lessons beside
# them at the lowest CPU priority, in the CPU the browser tests leave idle (scripts/run_tests.py).
# `make unit notebooks browser` runs the same one after the other.
test: lint
	$(PY) scripts/run_tests.py $(MAKE)

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/nbstripout notebooks/*.ipynb notebooks/zh/*.ipynb

bench: $(STAMP)
	$(PY) bench/render.py
	$(PY) bench/timer_accuracy.py
	$(PY) bench/timer_build.py
	$(PY) bench/lessons.py
	$(PY) bench/quiz.py
	$(PY) bench/store.py
	$(PY) bench/fifty_steps.py
	$(PY) bench/hostile_files.py
	$(PY) bench/voila_lesson7.py
	$(PY) bench/kernel_cost.py
	$(PY) bench/site.py

figures: $(STAMP)
	$(PY) scripts/make_figures.py

clean:
	rm -rf $(VENV) site .pytest_cache .ruff_cache .hypothesis test-artifacts
