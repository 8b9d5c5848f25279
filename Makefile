PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv test test-fast demo chat lint bench chaos loadtest image clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# One pytest-xdist worker per core (`-n 0`: one process); each test has its own database
# (tmp_path) and servers (port 0), so they run apart.
test: venv
	$(PY) -m pytest -q -n auto

# Unit and database tests: no end-to-end through the local Bot API (tests that use the
# `api` fixture are marked e2e), no subprocess (cli); see tests/conftest.py.
test-fast: venv
	$(PY) -m pytest -q -n auto -m "not e2e and not cli"

demo: venv
	$(PY) run_bot.py demo

chat: venv
	$(PY) run_bot.py chat

BENCH ?= ../shared/bench/esci_es_dev

# Our retrieval (through `run_bot.py search`) against BM25 and char-n-gram TF-IDF: quality on
# the development set, then speed, memory and change time at 10k and 100k generated products.
# Figures also in .venv/bench/results.json; `$(PY) scripts/bench.py --quick` for 10k only.
bench: venv
	$(PY) scripts/bench.py --dev $(BENCH)

# Try to break the running bot (kill -9, Bot API faults, locks, a full disk, bad bodies) and
# print what was promised, delivered, duplicated and lost; exits 1 if anything must-be-zero isn't.
chaos: venv
	$(PY) scripts/chaos.py

# Our bot and a bare aiogram echo bot (the framework's floor), webhook and long polling, through
# the local Bot API server: updates/s at 40 in flight, first-reply p50/p99 at a steady 30/s,
# CPU ms per update, RSS, /health under load, and the ratios (about 3 min).
# e.g. `make loadtest LOADTEST_ARGS="--modes webhook --seconds 30 --profile .venv/profile"`.
LOADTEST_ARGS ?=
loadtest: venv
	$(PY) scripts/loadtest.py $(LOADTEST_ARGS)

# Build the container image with buildah FROM a stand-in base (Debian bookworm's python, made
# with mmdebstrap: Docker Hub is out of reach) and smoke-run it: webhook --workers 2 against
# the local Bot API; /health, the HEALTHCHECK, a reply to "hola" (about 3 min; as root).
image: venv
	bash .ci/image.sh

lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy

clean:
	rm -rf $(VENV) .pytest_cache
