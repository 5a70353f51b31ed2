# Sustain: `make run` serves the demo, `make test` runs every test on SQLite and PostgreSQL.
PY ?= python3
UV := $(PY) -m uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_SYSTEM_CERTS := 1
# This environment sets PYTHONDONTWRITEBYTECODE; compile once at install so commands start fast.
export UV_COMPILE_BYTECODE := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup run test test-deps lint clean

## setup: create the virtual environment and install the locked dependencies (idempotent).
setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PY) -m pip install --quiet uv
	$(UV) sync --locked --quiet
	@touch $@

## run: migrate the embedded database, load the demo if it is empty, serve with the worker.
run: setup
	$(VENV)/bin/sustain migrate --noinput -v0
	$(VENV)/bin/sustain demo --if-empty
	$(VENV)/bin/sustain serve --host $${HOST:-127.0.0.1} --port $${PORT:-8000}

## test-deps: the system packages the tests use (Debian's PostgreSQL and Chromium).
test-deps:
	@scripts/install-test-deps

## test: the whole suite, once on SQLite and once on a real PostgreSQL server.
test: setup test-deps
	@scripts/test-all $(ARGS)

## lint: ruff (lint and format) and mypy with django-stubs over src and tests, strict
## (the files and flags are in pyproject.toml's [tool.mypy]).
lint: setup
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var
