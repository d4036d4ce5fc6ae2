# idvdash — every target does its own set-up.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The first Python >= 3.12 on PATH (a .python-version file lets pyenv pick 3.13 here).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

.PHONY: help install demo test lint format lock audit loadtest

help:
	@echo "make demo    install, migrate, create demo logins and serve http://127.0.0.1:8000"
	@echo "make test    install and run the whole test suite (DATABASE_URL picks the database)"
	@echo "make lint    ruff check and format check"
	@echo "make format  ruff fix and format"
	@echo "make lock    regenerate requirements/*.txt from pyproject.toml"
	@echo "make audit   known vulnerabilities (pip-audit) and ruff's security rules"
	@echo "make loadtest  20 reviewers for 60 s against gunicorn while a sync writes (figures; fails on errors)"

install: $(STAMP)

$(STAMP): requirements/dev.txt
	@test -n "$(PYTHON)" || { echo "idvdash needs Python >= 3.12 on PATH" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@

demo: install
	$(BIN)/python manage.py demo

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/python -m uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes --no-header -q -o requirements/base.txt
	$(BIN)/python -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes --no-header -q -o requirements/dev.txt

audit: install
	$(BIN)/ruff check --select S --ignore S101 .
	$(BIN)/python -m tools.audit_deps requirements/dev.txt

loadtest: install
	$(BIN)/python -m tools.loadtest --duration 60 --reviewers 20
