# Two commands: `make run` (set up, migrate, load demo data, serve) and `make test`;
# `make serve` is the production server (gunicorn; the reference data, no demo data).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app:create_app
#: Databases the suite runs on, one pytest run each ("sqlite" = a temporary SQLite file).
TEST_DATABASE_URLS ?= sqlite
SOURCES := models admin_views reports templates app.py commands.py
#: `make serve`: gunicorn's worker processes (2 per core + 1) and the address it listens on.
WORKERS ?= $(shell echo $$((2 * $$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1) + 1)))
BIND ?= 127.0.0.1:8000
#: The development key in config.py: every process would sign with a key anyone can read.
DEV_SECRET_KEY := dev-only-change-me

.PHONY: run serve load screenshots test setup translations messages lint clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

#: axe-core, the accessibility checker the browser tests run (the npm package).
AXE := .browser/node_modules/axe-core/axe.min.js

setup: $(BIN)/flask translations

translations: $(BIN)/flask
	$(BIN)/pybabel compile --statistics -f -d translations -D "messages admin wtforms"

messages: $(BIN)/flask  ## re-extract the English msgids and merge them into the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -o translations/messages.pot $(SOURCES)
	$(BIN)/pybabel update -i translations/messages.pot -d translations -D messages

run: setup
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask run --host 127.0.0.1 --port 5000

# Every worker and every app server must sign sessions with the same key, so it is set
# once by the administrator, never made up here.
serve: setup
	@if [ -z "$$SECRET_KEY" ] || [ "$$SECRET_KEY" = "$(DEV_SECRET_KEY)" ]; then \
	  echo >&2 "make serve: set SECRET_KEY to a long random value, the same on every app server,"; \
	  echo >&2 "  for example: export SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')"; \
	  exit 1; \
	fi
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask load-reference
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(BIND) --access-logfile - 'app:create_app()'

# The load test (bench/load.sh): 50 simulated staff for 2 minutes against `make serve` on
# PostgreSQL with 100,000 letters; for example `make load LOAD_USERS=10 LOAD_TIME=20s`.
load: setup
	bench/load.sh

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .browser axe-core@4

test: setup $(AXE)
	@for url in $(TEST_DATABASE_URLS); do \
	  echo "== tests on $${url%%://*}"; \
	  TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest || exit 1; \
	done

# The README's screenshots: the browser walks, leaving theirs in docs/screenshots.
screenshots: setup $(AXE)
	SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest tests/test_browser_walks.py

lint: $(BIN)/flask
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .browser
