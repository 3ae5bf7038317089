# tiedhands — the two commands: `make demo` and `make test`.
# Both create .venv when it is missing and install what they need into it.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --progress-bar off --disable-pip-version-check

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# One stamp per set of extras; reinstalled when pyproject.toml changes.
$(VENV)/.installed-core: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) -e ".[dev]"
	touch $@

demo: $(VENV)/.installed-core
	@echo "== Tied hands: every built-in treaty against every built-in scenario =="
	$(BIN)/tiedhands compare
	@echo
	@echo "== One verdict in full: China's 1961 treaty if the DPRK is attacked =="
	$(BIN)/tiedhands analyze --treaty china-dprk-1961 --scenario korea-dprk-attacked
	@echo
	@echo "== Why the USSR could stay out of the 1962 Sino-Indian war without breaking its treaty =="
	$(BIN)/tiedhands coverage --treaty sino-soviet-1950 --scenario sino-indian-1962
	@echo
	@echo "== Tying hands as a signal: a binding treaty separates, an exempt one is cheap talk =="
	$(BIN)/tiedhands signal --treaty china-dprk-1961 --scenario korea-dprk-attacked
	$(BIN)/tiedhands signal --treaty sino-soviet-1950 --scenario sino-indian-1962
	@echo
	@echo "== Not one parameter choice: verdict shares over 20,000 Monte Carlo draws =="
	$(BIN)/tiedhands compare --draws 20000 --seed 1 --dist "p_I=beta(2,5)" --dist "a=lognormal(0,1)" --dist "c_A=uniform(1,5)"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check games treaties analysis tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest

test: lint typecheck pytest

# Speed against pygambit and nashpy, measured in one run (ratios, never asserted).
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_solvers.py
	$(BIN)/python benchmarks/bench_batch.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
