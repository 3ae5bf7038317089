# tiedhands — the two commands: `make demo` and `make test`.
# Both create .venv when it is missing and install what they need into it.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip install --progress-bar off --disable-pip-version-check

.PHONY: demo test lint typecheck docs pytest notebooks chromium browser bench clean

# Run a tier of `make test` and say how long it took.
timed = start=$$(date +%s); $(2) && echo "== tier $(1): $$(( $$(date +%s) - start )) s"

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
	@echo
	@echo "== Tied hands or capability? The US audience cost beside Russia-China and US-Philippines cooperation (illustrative magnitudes) =="
	$(BIN)/tiedhands decompose --treaty us-philippines-1951 --scenario philippine-vessel-armed-attack --profile russia-china-2020s --profile us-philippines --param c_L=3 --param a=3 --param c_C=3.6

lint: $(VENV)/.installed-dev
	@$(call timed,lint,$(BIN)/ruff check games treaties analysis tests benchmarks docs/notebooks)

typecheck: $(VENV)/.installed-dev
	@$(call timed,typecheck,$(BIN)/mypy)

# The documentation site: any warning (a broken link or anchor) fails the build
# (not --quiet: it hides the warnings that --strict counts).
docs: $(VENV)/.installed-dev
	@$(call timed,docs,NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site)

# Unit, property and differential tests and doctests, on every core.
pytest: $(VENV)/.installed-dev
	@$(call timed,pytest,$(BIN)/pytest -n auto -p no:cacheprovider \
		--ignore=tests/test_notebooks.py --ignore=tests/test_classroom_browser.py)

# The tutorial notebooks, executed with nbclient.
notebooks: $(VENV)/.installed-dev
	@$(call timed,notebooks,$(BIN)/pytest -p no:cacheprovider tests/test_notebooks.py)

# The browser test needs Debian's chromium (never `playwright install`): installed with
# apt-get only in CI or as root on Debian; elsewhere the test is skipped with a notice.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif grep -qs '^ID=debian' /etc/os-release && { [ "$$CI" = true ] || [ "$$(id -u)" = 0 ]; }; then \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else echo "note: /usr/bin/chromium is missing; tests/test_classroom_browser.py will be skipped"; fi

browser: $(VENV)/.installed-dev chromium
	@$(call timed,browser,$(BIN)/pytest -p no:cacheprovider -rs tests/test_classroom_browser.py)

test: lint typecheck docs pytest notebooks browser

# Speed against the alternatives (pygambit, nashpy, plain loops), measured in one run (ratios, never asserted).
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/bench_solvers.py
	$(BIN)/python benchmarks/bench_batch.py
	$(BIN)/python benchmarks/bench_decompose.py
	$(BIN)/python benchmarks/bench_atop.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
