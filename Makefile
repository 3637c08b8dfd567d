# The two commands a newcomer needs: `make run` and `make test` (README).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint migrate demo worker serve clean vendor bench

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo

# Serves the platform with the background worker beside it (imports and reminders run there).
run: demo
	@echo ""
	@echo "隐患排查整治平台: http://$(HOST):$(PORT)/  （API 文档: http://$(HOST):$(PORT)/api/v1/docs/）"
	@$(PY) manage.py db_worker > worker.log 2>&1 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: $(VENV)/.installed lint
	$(PY) manage.py makemigrations --check --dry-run -v0 --settings=config.settings_test
	$(PY) -m pytest

vendor:
	./scripts/vendor-static.sh

# The performance targets of DESIGN.md on SQLite and PostgreSQL (docs/benchmarks.md); BENCH_FRACTION=1 for full size.
bench: $(VENV)/.installed
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles worker.log
