# Data Service Toolkit. The two commands a newcomer needs: `make book` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CITY   ?= port-mallory
# Languages to build: empty means the published ones (daas/core/i18n.py); en,es,pt for review.
LANGUAGES ?=

.PHONY: book test setup browser lint format normalize lock vendor clean

## Set up .venv (re-used while requirements.txt is unchanged) and build the site, one folder per
## language (_build/html/<lang>/) and a root page that picks the reader's language.
book: setup
	$(BIN)/daas book build --city $(CITY) --languages "$(LANGUAGES)"

## Set up .venv and Chromium, build the site, then run every test; prints the five slowest tests
## and the wall time of everything after the setup.
test: setup browser
	@start=$$(date +%s); status=0; \
	$(BIN)/daas book build --city $(CITY) --languages "$(LANGUAGES)" \
	&& $(BIN)/ruff check . && $(BIN)/ruff format --check . \
	&& $(BIN)/python -m pytest tests notebooks exercises -n 2 --dist loadfile --durations=5 \
	  --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	|| status=$$?; \
	echo "make test: $$(( $$(date +%s) - start )) s wall time (book build, lint, tests)"; \
	exit $$status

setup:
	@PYTHON=$(PYTHON) VENV=$(VENV) sh tools/setup_env.sh

browser:
	@sh tools/ensure_chromium.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Normalise every committed notebook (execution counts, metadata, cell ids).
normalize: setup
	$(BIN)/daas notebooks normalize

## Re-resolve requirements.in into the fully pinned requirements.txt.
lock:
	sh tools/lock_requirements.sh

## Re-vendor vega, vega-lite, vega-embed and the widget manager from npm at altair's versions.
vendor: setup
	$(BIN)/daas assets vendor

clean:
	rm -rf _build
