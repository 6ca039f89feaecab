# Data Service Toolkit. The two commands a newcomer needs: `make book` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Empty: each language's site shows its own example city; CITY=<slug> shows that city in all.
CITY   ?=
# Languages to build: empty means the published ones (daas/core/i18n.py); en,es,pt for review.
LANGUAGES ?=
UPGRADE ?= 0
# What the code imports is declared in pyproject.toml (see its [tool.deptry] notes).
DEPTRY = $(BIN)/deptry . \
	&& $(BIN)/deptry tests benchmarks --exclude '\.venv|_build' --ignore DEP002,DEP004

.PHONY: book test setup setup-dev browser lint format normalize lock vendor linkcheck clean

## Set up .venv with the run-time lock (re-used while it is unchanged) and build the site, one
## folder per language (_build/html/<lang>/) and a root page that picks the reader's language.
book: setup
	$(BIN)/daas book build $(if $(CITY),--city $(CITY)) --languages "$(LANGUAGES)"

## Set up .venv with the test and tool lock and Chromium, build the site, then run every test;
## prints the five slowest tests and the wall time of everything after the setup. mypy (one core,
## half a minute from cold) checks the types while the site builds; its report follows the build.
test: setup-dev browser
	@start=$$(date +%s); status=0; types=$$(mktemp); \
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/lint-imports && $(DEPTRY) \
	&& { $(BIN)/mypy > $$types 2>&1 & mypy_pid=$$!; \
	     $(BIN)/daas book build $(if $(CITY),--city $(CITY)) --languages "$(LANGUAGES)"; built=$$?; \
	     wait $$mypy_pid; typed=$$?; cat $$types; [ $$built -eq 0 ] && [ $$typed -eq 0 ]; } \
	&& $(BIN)/python -m pytest tests notebooks exercises -n 2 --dist loadfile --durations=5 \
	  --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	|| status=$$?; rm -f $$types; \
	echo "make test: $$(( $$(date +%s) - start )) s wall time (lint, book build, tests)"; \
	exit $$status

## .venv with requirements/run.txt: the kit and its kernels (daas, jupyter-book, JupyterLab...).
setup:
	@PYTHON=$(PYTHON) VENV=$(VENV) LOCK=run sh tools/setup_env.sh

## .venv with requirements/dev.txt: run.txt plus tests and tooling (pytest, ruff, mypy...).
setup-dev:
	@PYTHON=$(PYTHON) VENV=$(VENV) LOCK=dev sh tools/setup_env.sh

browser:
	@sh tools/ensure_chromium.sh

## ruff; lint-imports: the package's layers ([tool.importlinter] in pyproject.toml); deptry: what
## the code imports is declared in pyproject.toml (the [tool.deptry] notes); mypy: the package's
## types ([tool.mypy] in pyproject.toml).
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(DEPTRY)
	$(BIN)/mypy

format: setup-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Normalise every committed notebook (execution counts, metadata, cell ids).
normalize: setup
	$(BIN)/daas notebooks normalize

## Re-resolve requirements/run.in and dev.in into the fully pinned run.txt and dev.txt, keeping
## the versions already pinned (UPGRADE=1: the newest of everything).
lock:
	UPGRADE=$(UPGRADE) sh tools/lock_requirements.sh

## Re-vendor vega, vega-lite, vega-embed and the widget manager from npm at altair's versions.
vendor: setup
	$(BIN)/daas assets vendor

## Check every external link of the English site (each source in book/_data/sources.yml too) with
## Sphinx's link checker, pages not executed. It needs the network, so `make test` leaves it out;
## the report is _build/linkcheck/_build/linkcheck/output.txt.
linkcheck: setup
	$(BIN)/python -c "import sys; from daas.site.sources import linkcheck; sys.exit(linkcheck())"

clean:
	rm -rf _build
