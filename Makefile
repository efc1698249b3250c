# Recupero — the two commands: `make run` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PY ?= python3
UV := .tools/bin/uv
BIN := .venv/bin
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/recupero_test
PYTEST_ARGS ?=

.PHONY: install run demo test test-pg check bench services browser-deps messages clean

$(UV):
	$(PY) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	touch $@

# The compiled translations (.mo) are build products: written from the committed .po in pure Python (Babel).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po .venv/.synced
	$(BIN)/recupero messages compile --stale

install: .venv/.synced $(MO_FILES)

# Update the catalogues (locale/*/LC_MESSAGES/django.po) from the templates, the code and the error catalogue,
# then write the new English msgstr by hand (tests/test_i18n.py fails on an empty or fuzzy one). Needs GNU
# gettext (xgettext, msgmerge), installed from Debian when missing; running the product does not.
messages: install
	@command -v xgettext >/dev/null || { echo "Installo gettext (Debian)…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext) >/dev/null; }
	$(BIN)/recupero messages extract
	$(BIN)/recupero messages compile

# Serve the app (gunicorn, `recupero serve`) and run the worker together on SQLite; the demo agency is loaded on
# the first run. Ctrl-C stops both.
# DEBUG is off by default everywhere else (config/settings/base.py); the development start turns it on.
run: export DJANGO_DEBUG ?= 1
run: install
	$(BIN)/recupero migrate --noinput -v 0
	$(BIN)/recupero demo --no-migrate
	@echo "Recupero su http://127.0.0.1:$(PORT)/  (Ctrl-C per fermare server e worker)"
	@trap 'kill $$(jobs -p) 2>/dev/null; wait; echo "Recupero fermato."; exit 0' INT TERM; \
	  $(BIN)/recupero worker & \
	  $(BIN)/recupero serve --bind 127.0.0.1:$(PORT) & \
	  wait

# (Re)load the demo agency into the database named by DATABASE_URL (default: SQLite in var/).
demo: install
	$(BIN)/recupero migrate --noinput -v 0
	$(BIN)/recupero demo --reset

# The whole suite; DATABASE_URL=postgres://… runs it on PostgreSQL.
test: install browser-deps
	$(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m browser $(PYTEST_ARGS)

# RECUPERO_SKIP_NODB=1 skips the tests marked `nodb` (no database: run once, by `make test` on SQLite).
test-pg: install services
	DATABASE_URL=$(PG_URL) $(MAKE) test

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check recupero config benchmarks tests
	$(BIN)/mypy recupero config
	$(BIN)/lint-imports

bench: install services
	$(BIN)/python benchmarks/law.py --cases 200000
	$(BIN)/python benchmarks/letters.py --letters 2000
	$(BIN)/python benchmarks/demo.py --cases 100000
	$(BIN)/python benchmarks/case_search.py --cases 100000

# Start PostgreSQL and Redis when they are down (CI machines and fresh boxes).
services:
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	@for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	@redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 || redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no

# Browser tests drive Debian's Chromium (never a downloaded browser).
browser-deps:
	@test -x /usr/bin/chromium || { echo "Installo chromium (Debian)…"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; }

clean:
	rm -rf .venv .tools var test-artifacts
