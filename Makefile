# Begegnungsatlas Magdeburg – the two commands a newcomer needs:
#   make run    set up (once) and start the app on the Magdeburg data package
#   make test   set up (once, incl. Chromium) and run all checks and tests
#   make serve  like make run, with nginx in front serving the static files (for a room)
# Data package: BEGEGNUNGSATLAS_DATA (default ../shared/data/magdeburg).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run serve test setup setup-test lint unit e2e bench clean

run: setup
	$(BIN)/streamlit run app.py --server.port $(PORT)

serve: setup
	scripts/install_nginx.sh
	$(BIN)/python -m deploy.proxy --port $(PORT)

test: setup-test lint unit e2e

setup: $(VENV)/.installed static/vendor/.installed

setup-test: setup
	scripts/install_chromium.sh
	scripts/install_postgres.sh
	scripts/install_strace.sh
	scripts/install_nginx.sh

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[test,bench]"
	touch $@

static/vendor/.installed: package.json package-lock.json maps/assets.py $(VENV)/.installed
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m maps.assets install
	touch $@

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports  # the layers of ARCHITECTURE.md (contract in pyproject.toml)

unit:
	$(BIN)/pytest -n 2 -m "not e2e"

e2e:
	$(BIN)/pytest -m e2e

bench: setup
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules static/vendor test-artifacts .pytest_cache .ruff_cache .import_linter_cache
