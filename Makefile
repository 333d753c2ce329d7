# malisim: two commands from a fresh clone.
#   make run    creates .venv (Python >= 3.12), installs the project, runs the default scenario
#   make test   same environment, the whole test suite
.PHONY: run test bench calibration-bench validate repro explore lint browser clean

VENV := .venv
BIN := $(VENV)/bin
# pyenv resolves python3 through .python-version (3.12); otherwise look for python3.12 itself.
PYTHON ?= $(shell command -v python3.12 2>/dev/null || command -v python3)
STAMP := $(VENV)/.installed
SCENARIO ?= scenarios/kidal_2023.toml
RUNS ?= 40

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "malisim needs Python >= 3.12; found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/malisim run $(SCENARIO) --runs $(RUNS) --seed 1 --workers 2
	$(BIN)/malisim plot results/kidal_2023

# The web-app test drives Debian's Chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing: install Debian's chromium package for the web-app test"; fi; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

# Parameter recovery over 20 truths drawn from the prior (docs/CALIBRATION.md): its own target,
# outside make bench (about a quarter of an hour on 2 cores, model 0.18.1).
calibration-bench: $(STAMP)
	$(BIN)/python benchmarks/calibration_recovery.py --workers $$(nproc)

validate: $(STAMP)
	$(BIN)/malisim validate --workers $$(nproc)

# Every library scenario under two Python hash seeds: the same seed must give the same tables.
repro: $(STAMP)
	$(BIN)/python benchmarks/hash_seeds.py

# Property-based tests with new, more examples (make test runs them derandomised).
explore: $(STAMP)
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -q tests/test_invariants.py

# The exact versions of requirements-lock.txt (to reproduce a published result), not the ranges.
locked:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks tools
	$(BIN)/ruff format --check sim tests benchmarks tools

# results/figures/ holds the figures the README shows (tracked): clean keeps it.
clean:
	rm -rf $(VENV) .pytest_cache
	find results -mindepth 1 -maxdepth 1 -type d ! -name figures -exec rm -rf {} +
