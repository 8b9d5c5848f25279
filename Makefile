PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: venv test demo chat lint bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: venv
	$(PY) -m pytest -q

demo: venv
	$(PY) run_bot.py demo

chat: venv
	$(PY) run_bot.py chat

lint: venv
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
