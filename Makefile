# Maillage — `make run` serves the app with demo data; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Address the server listens on: this machine only by default; MAILLAGE_HOST=0.0.0.0 to serve the network.
MAILLAGE_HOST ?= 127.0.0.1

.PHONY: run serve test test-fast lint bench db clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt constraints.txt $(VENV)/.run-installed
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $@

db: $(VENV)/.run-installed
	$(BIN)/python -m maillage init --demo-if-empty

run: db
	@$(BIN)/python -m maillage demo-accounts
	@echo "Maillage : http://$(MAILLAGE_HOST):$(PORT)"
	$(BIN)/python -m streamlit run serve.py --server.address $(MAILLAGE_HOST) --server.port $(PORT) --server.headless true

# Several Streamlit processes behind HAProxy (sticky sessions), on the database of DATABASE_URL (PostgreSQL
# for real use): `make serve WORKERS=4 DATABASE_URL=postgresql://…`. Proxy on PORT, processes on the next
# ports. The schema is brought up to date first; no demo data is loaded. See docs/deploy.md.
WORKERS ?= 2
serve: $(VENV)/.run-installed
	@command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || { echo "*** HAProxy absent : apt-get install haproxy"; exit 2; }
	$(BIN)/python -m maillage init
	$(BIN)/python scripts/workers.py --workers $(WORKERS) --port $(PORT) --host $(MAILLAGE_HOST)

test: $(VENV)/.dev-installed
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "*** Chromium absent (/usr/bin/chromium) : les tests navigateur seront ignorés (apt-get install chromium)."; \
	fi
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .

test-fast: $(VENV)/.dev-installed
	$(BIN)/python -m pytest -m "not browser" -x -q

SCALE_DB ?= data/echelle.db
bench: $(VENV)/.dev-installed
	@if [ ! -f $(SCALE_DB) ]; then \
	  DATABASE_URL=sqlite:///$(SCALE_DB) $(BIN)/python -m maillage init && \
	  DATABASE_URL=sqlite:///$(SCALE_DB) $(BIN)/python -m maillage generate-scale --councils 1000 --partners 30000 --links 120000 --actions 60000 --seed 1; \
	fi
	DATABASE_URL=sqlite:///$(SCALE_DB) $(BIN)/python -m maillage bench
	$(BIN)/python -m bench.targets_bench --database sqlite:///$(SCALE_DB) --write

clean:
	rm -rf $(VENV) .pytest_cache
