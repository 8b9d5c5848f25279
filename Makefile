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

BENCH ?= ../shared/bench/esci_es_dev

# Quality of the customer retrieval on the development set, through `run_bot.py search`.
# (Baselines and the 10k/100k speed figures come with the search issue.)
bench: venv
	$(PY) run_bot.py search --catalog $(BENCH)/catalog.csv --queries $(BENCH)/queries.jsonl \
		--top-k 10 --out $(VENV)/bench-run.jsonl
	$(PY) scripts/eval_search.py --run $(VENV)/bench-run.jsonl --qrels $(BENCH)/qrels.jsonl

lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy

clean:
	rm -rf $(VENV) .pytest_cache
