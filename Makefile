# ocop: two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml 2>/dev/null | sha1sum | cut -c1-12)
PORT ?= 8000
PYTEST_WORKERS ?= 2

.PHONY: install system-deps demo serve test check lint layers types audit migrations-check openapi api-docs lock clean engines-test

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv
	@$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	@$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)
	@$(BIN)/pybabel --quiet compile -d ocop/locale -D django

# Debian packages the tests use: a real browser, PDF and QR tools, fonts with every Vietnamese diacritic.
system-deps:
	@bash scripts/system-deps.sh

# The QR codes printed on demo certificates point at the address the demo is served on.
demo: export OCOP_SITE_URL ?= http://127.0.0.1:$(PORT)
demo: install
	@$(BIN)/python manage.py migrate --no-input -v0
	@$(BIN)/python manage.py load_units --if-empty
	@# Loading again is "unchanged" and a frozen version takes the sheets it lacks; a refused change prints why
	@# and the demo still starts on the rubric data already in the database.
	@$(BIN)/python manage.py load_rubrics -v0 || echo "!! Rubric data not loaded (reasons above); the demo runs on the data already in its database."
	@$(BIN)/python manage.py seed_demo
	@echo "Serving on http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	@$(BIN)/gunicorn ocop.wsgi -b 127.0.0.1:$(PORT) --workers 2 --threads 4 --access-logfile - --log-level warning

test: install system-deps
	@$(BIN)/python -m pytest -q -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	@$(BIN)/ruff format --check ocop tests
	@$(BIN)/ruff check ocop tests

# The import contract: an app imports only the apps below it in INSTALLED_APPS (scripts/check_layers.py).
layers: install
	@$(BIN)/python scripts/check_layers.py

# Known vulnerabilities in the locked dependencies (scripts/audit_deps.py says how many it could audit).
audit: install
	@$(BIN)/python scripts/audit_deps.py

# Types of core, the rubric engine, and every app's services and policies (a module or a package).
types: install
	@$(BIN)/mypy ocop/core ocop/rubrics/engine.py $(wildcard ocop/*/services.py ocop/*/services ocop/*/policies.py)

migrations-check: install
	@OCOP_ENV=test OCOP_DATA_DIR=var/test $(BIN)/python manage.py makemigrations --check --dry-run -v1

# Refresh the committed API documents after an API change: the OpenAPI snapshot and the table of error codes
# (tests/test_openapi.py and tests/test_error_codes.py compare them with the code).
api-docs: install
	@OCOP_ENV=test OCOP_DATA_DIR=var/test $(BIN)/python manage.py openapi --write
	@OCOP_ENV=test OCOP_DATA_DIR=var/test $(BIN)/python manage.py error_codes --write

openapi: api-docs

# Every check CI runs: format, lint, layers, types, migrations up to date, dependency audit, then the whole suite.
check: lint layers types migrations-check audit test

# The production form on real engines (PostgreSQL, Redis, S3, Celery): docs/deploy.md's rehearsal, bounded.
engines-test: install
	@bash scripts/ci-engines.sh

lock:
	@$(BIN)/uv pip compile -q pyproject.toml --extra dev -o requirements.lock

clean:
	rm -rf var/test test-artifacts
