# `make run`: set up and run the main job on the bundled report. `make test`: set up and run every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup clean bench score

$(STAMP): pyproject.toml
	@sh scripts/bootstrap.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/luoshi outline sample
	$(BIN)/luoshi extract sample --format table

test: $(STAMP)
	$(BIN)/python -m pytest

score: $(STAMP)
	$(BIN)/luoshi extract ../shared/seeds/*.txt ../shared/samples/*.txt --format jsonl > /tmp/luoshi-pred.jsonl
	$(PY) ../shared/eval/score.py ../shared/gold /tmp/luoshi-pred.jsonl

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
