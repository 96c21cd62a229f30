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

.PHONY: run serve load screenshots test setup translations messages lint clean lock browser \
  spreadsheet standby standby-tools pdf document-tools

#: The lock: every package of the app and its `test` extra, pinned with hashes, for every
#: platform and Python from 3.11 (`make lock` writes it; see "Dependencies" in the README).
LOCK := requirements.lock
#: The lock tool (uv), pinned, in its own environment: only `make lock` needs it.
UV_VERSION := 0.13.8
UV := .uv/bin/uv
#: What the lock is made from, as one hash: the lock records it, so an edit to pyproject.toml's
#: dependencies that was not followed by `make lock` stops the install instead of going unseen.
LOCK_INPUTS = $(shell $(PYTHON) -c 'import hashlib, json, tomllib; \
  p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
  s = [p["requires-python"], p["dependencies"], p["optional-dependencies"]["test"]]; \
  print(hashlib.sha256(json.dumps(s).encode()).hexdigest()[:16])' 2>/dev/null)

$(BIN)/flask: $(LOCK) pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo >&2 "make: Python 3.11 or newer is needed (PYTHON=$(PYTHON) is older)"; exit 1; }
	@grep -qx '# inputs: $(LOCK_INPUTS)' $(LOCK) || \
	  { echo >&2 "make: $(LOCK) is older than pyproject.toml's dependencies: run  make lock"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# Resolves pyproject.toml's dependencies from the package index, keeping the locked versions
# that still fit (delete the lock first to move every pin): the one step that changes the lock.
# Commit the lock it writes.
lock:
	[ -x $(UV) ] || { $(PYTHON) -m venv .uv && .uv/bin/pip install --quiet uv==$(UV_VERSION); }
	$(UV) pip compile pyproject.toml --extra test --universal --python-version 3.11 \
	  --generate-hashes --quiet --custom-compile-command "make lock" -o $(LOCK).new
	{ echo '# inputs: $(LOCK_INPUTS)'; cat $(LOCK).new; } > $(LOCK) && rm $(LOCK).new

#: The browser the browser tests drive: Debian's Chromium (Playwright's own download is not
#: used); tests/conftest.py reads the same variable.
export CHROMIUM ?= /usr/bin/chromium
#: axe-core, the accessibility checker the browser tests run (the npm package), at the version
#: the tests were written against.
AXE_VERSION := 4.14.1
AXE := .browser/node_modules/axe-core/axe.min.js

# apt_need PACKAGES: install Debian packages the tests need when make runs as root; otherwise stop
# at once, naming the command that does it.
define apt_need
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
  echo "make: installing $(1) (apt-get)"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
elif command -v apt-get >/dev/null; then \
  echo >&2 "make: the tests need $(1); install with"; \
  echo >&2 "  sudo apt-get update && sudo apt-get install -y $(1)"; exit 1; \
else \
  echo >&2 "make: the tests need $(1) (Debian's names): install them, and set"; \
  echo >&2 "  CHROMIUM to the Chromium executable when it is not $(CHROMIUM)"; exit 1; \
fi
endef

setup: $(BIN)/flask translations pdf

# What WeasyPrint draws the official letters' PDFs with (Pango) and the font they are set in
# (Liberation Sans, Arial's metrics): the system's, never downloaded by the app.
pdf:
	@{ ldconfig -p || /sbin/ldconfig -p; } 2>/dev/null | grep -q libpangoft2-1.0.so.0 || { $(call apt_need,libpango-1.0-0 libpangoft2-1.0-0); }
	@fc-list 2>/dev/null | grep -qi "Liberation Sans" || { $(call apt_need,fontconfig fonts-liberation2); }

# What the tests read the letters with, as their readers would: the PDF's text (pdftotext),
# its page as an image (pdftoppm) and the QR code on it (zbarimg).
document-tools:
	@command -v pdftotext >/dev/null && command -v pdftoppm >/dev/null || { $(call apt_need,poppler-utils); }
	@command -v zbarimg >/dev/null || { $(call apt_need,zbar-tools); }

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

# Checked on every run, not as a file target: a Chromium that is gone must be noticed.
browser:
	@[ -x "$(CHROMIUM)" ] || { $(call apt_need,chromium); }
	@[ -x "$(CHROMIUM)" ] || { echo >&2 "make: no Chromium at CHROMIUM=$(CHROMIUM)"; exit 1; }

# LibreOffice Calc, which opens the CSV and XLSX downloads as an Indonesian and an English
# spreadsheet would (tests/test_spreadsheets.py).
spreadsheet:
	@command -v soffice >/dev/null || { $(call apt_need,libreoffice-calc-nogui); }

$(AXE):
	@command -v npm >/dev/null || { $(call apt_need,nodejs npm); }
	npm install --silent --no-audit --no-fund --prefix .browser axe-core@$(AXE_VERSION)

# The server's own tools (pg_basebackup, pg_ctl), for the standby check below.
standby-tools:
	@command -v pg_basebackup >/dev/null || { $(call apt_need,postgresql); }

# After the suite on PostgreSQL, the province deployment the README describes is checked on
# that server (bench/standby_check.py, about a minute): a streaming standby made with
# pg_basebackup -R, read by the reports, promoted, and removed.
test: browser spreadsheet document-tools $(AXE) setup \
  $(if $(filter postgresql%,$(TEST_DATABASE_URLS)),standby-tools)
	@for url in $(TEST_DATABASE_URLS); do \
	  echo "== tests on $${url%%://*}"; \
	  TEST_DATABASE_URL="$$url" $(BIN)/python -m pytest || exit 1; \
	  case "$$url" in postgresql*) \
	    echo "== the province deployment: a streaming standby of $${url%/*}"; \
	    $(BIN)/python bench/standby_check.py "$$url" || exit 1;; \
	  esac; \
	done

# The standby check alone, against the PostgreSQL server STANDBY_PRIMARY names (its database
# is not touched: the check makes and drops its own).
STANDBY_PRIMARY ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres
standby: standby-tools setup
	$(BIN)/python bench/standby_check.py $(STANDBY_PRIMARY)

# The README's screenshots, taken in Chromium from a fresh demo database (docs/screenshots.py).
screenshots: browser setup
	$(BIN)/python docs/screenshots.py docs/screenshots

lint: $(BIN)/flask
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .browser .uv
