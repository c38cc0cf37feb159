# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-fast bench lint messages makemessages lock assets install install-dev clean \
	backup restore

run: install assets messages
	$(BIN)/python -m crm.launcher

test: install-dev assets messages
	@$(BIN)/python -m crm.preflight
	$(BIN)/python -m pytest --create-db -p no:randomly $(PYTEST_ARGS)

test-fast: install-dev assets messages  ## the suite without the browser tests
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

# The large data set (generated once, then reused), every page and a 2-minute load run against
# gunicorn (bench/results.json), then the churn scan, reports and the 100,000-row import.
# `make bench BENCH_ARGS=--quick`: fewer repeats and a 20-second load run; GENERATE_ARGS=--scale
# 0.01 makes a hundredth of the data. The load run needs wrk (apt-get install -y wrk).
bench: install-dev assets messages
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1) || \
	  echo "wrk is missing and could not be installed, the load run is skipped: apt-get install -y wrk"
	$(BIN)/python -m bench.generate $(GENERATE_ARGS)
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.churn_scan
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.imports

# PostgreSQL only. `make restore DUMP=var/backups/x.dump DATABASE_URL=postgres://…/crm_restored`
backup: install
	$(BIN)/python -m crm.backup backup $(DUMP)

restore: install
	@test -n "$(DUMP)" || { echo "usage: make restore DUMP=file [DATABASE_URL=...]"; exit 1; }
	$(BIN)/python -m crm.backup restore $(DUMP)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

# The project installs its dependencies only (no importable package: the code runs from this
# checkout), so a plain install: an editable one would add an empty import hook and a warning.
install: $(BIN)/python
	@test -f $(STAMP).run -a $(STAMP).run -nt pyproject.toml -a $(STAMP).run -nt constraints.txt || \
	  ($(BIN)/pip install -q -c constraints.txt . && touch $(STAMP).run)

install-dev: install
	@test -f $(STAMP).dev -a $(STAMP).dev -nt pyproject.toml -a $(STAMP).dev -nt constraints.txt || \
	  ($(BIN)/pip install -q -c constraints.txt '.[dev]' && touch $(STAMP).dev)

# Bootstrap and Bootstrap Icons, from the npm registry (package-lock.json pins them).
assets: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

# Compiled catalogs are build output (not committed): needs GNU gettext's msgfmt.
messages: install
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install -y gettext"; exit 1; }
	DEBUG=true $(BIN)/python manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules --ignore=var

makemessages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete \
	  --ignore=node_modules --ignore=.venv --ignore=var --ignore=tests --ignore=bench

# Refresh the exact versions after changing pyproject.toml.
lock: install-dev
	$(BIN)/pip freeze --exclude-editable --exclude crm | sed '1i # Exact versions of every Python package, so a fresh install is reproducible.\n# Regenerate with: make lock' > constraints.txt

clean:
	rm -rf $(VENV) node_modules var
