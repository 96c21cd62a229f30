# Two commands: `make run` (set up, migrate, load demo data, serve) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app:create_app
#: Databases the suite runs on, one pytest run each ("sqlite" = a temporary SQLite file).
TEST_DATABASE_URLS ?= sqlite
SOURCES := models admin_views reports templates app.py commands.py

.PHONY: run test setup translations messages lint clean

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

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .browser axe-core@4

test: setup $(AXE)
	@for url in $(TEST_DATABASE_URLS); do \
	  echo "== tests on $${url%%://*}"; \
	  TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest || exit 1; \
	done

lint: $(BIN)/flask
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .browser
