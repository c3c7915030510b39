# smplatform: `make run` serves the site, `make test` runs every test (SQLite and PostgreSQL),
# `make test-cluster` the cluster test (several nodes behind nginx).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export FLASK_APP := wsgi

.PHONY: run test test-cluster install install-dev system-deps translations migrate seed lint bench-smoke clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed translations
	@SMPLATFORM_SKIP_TEST_DEPS=1 bash tools/system-deps.sh

install-dev: $(VENV)/.installed-dev translations
	@bash tools/system-deps.sh

# Fonts (CJK for PDFs), Pango (WeasyPrint), Chromium (browser tests), PostgreSQL (tests).
system-deps:
	@bash tools/system-deps.sh

translations: $(VENV)/.installed
	$(BIN)/python tools/i18n.py compile

migrate: install
	$(BIN)/flask init-db

seed: migrate
	$(BIN)/flask seed-demo
	$(BIN)/flask create-signing-certificate

run: seed
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite, then again on a throw-away PostgreSQL server (tests/support/pg.py).
test: install-dev
	$(BIN)/python -m pytest -p no:cacheprovider
	SMPLATFORM_TEST_DB=postgresql $(BIN)/python -m pytest -p no:cacheprovider -m "not sqlite_only"

# Several app nodes as production runs them (tests/cluster): PostgreSQL, PgBouncer (transaction
# pooling), Redis, an S3-compatible server (moto), two gunicorn nodes and nginx in front, all
# started by the test on free ports and stopped after. Sessions, files, rate limits and races
# across nodes; a deadline surge with one node killed halfway; send-mail on both nodes.
test-cluster: install-dev
	SMPLATFORM_TEST_CLUSTER=1 $(BIN)/python -m pytest -p no:cacheprovider tests/cluster

# Benchmark smoke (not timed): ~200 declarations in a temporary SQLite file, every benchmarked
# page loaded for 2 s with wrk; fails only on errors (non-2xx/3xx answers, autosave conflicts).
bench-smoke: install-dev
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	$(BIN)/python bench/generate.py --database-url sqlite:///$$dir/smplatform.sqlite3 --declarations 200 >/dev/null && \
	$(BIN)/python bench/run.py --smoke --database-url sqlite:///$$dir/smplatform.sqlite3 --output $$dir/smoke.md

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
