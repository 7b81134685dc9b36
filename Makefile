# `make run`: set up and run the main job on the bundled report. `make test`: set up and run every test.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The exact versions (with hashes) the suite passed with: runtime and test extras. `make lock`
# refreshes it from pyproject.toml's ranges with today's releases; run the suite, then commit both.
LOCK := requirements.lock
UV_VERSION := 0.13.9

.PHONY: run test setup clean bench score lock

$(STAMP): pyproject.toml $(LOCK)
	@sh scripts/bootstrap.sh
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --no-deps --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

# Re-resolve the lock with today's releases (needs the registry); then `make test` and commit it.
lock:
	$(PY) -m venv .venv-lock
	.venv-lock/bin/pip install -q uv==$(UV_VERSION)
	.venv-lock/bin/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 \
	  --generate-hashes --upgrade --quiet -o $(LOCK)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/luoshi import sample sample:ln-2024-plan-exec.txt
	$(BIN)/luoshi compare
	$(BIN)/luoshi demo

test: $(STAMP)
	$(BIN)/python -m pytest

# Accuracy with the shared scorer: the example + plan-exec sample, the twelve real 2026 reports,
# then our regression corpora.
score: $(STAMP)
	$(BIN)/luoshi extract ../shared/seeds/*.txt ../shared/samples/*.txt --format jsonl > /tmp/luoshi-shared.jsonl
	$(PY) ../shared/eval/score.py ../shared/gold /tmp/luoshi-shared.jsonl
	$(BIN)/luoshi extract ../shared/real/docs/*.txt --format jsonl > /tmp/luoshi-real.jsonl
	$(PY) ../shared/eval/score.py ../shared/real/gold /tmp/luoshi-real.jsonl
	$(BIN)/luoshi extract tests/corpus/*.txt --format jsonl > /tmp/luoshi-corpus.jsonl
	$(PY) ../shared/eval/score.py tests/corpus/gold /tmp/luoshi-corpus.jsonl
	@if [ -d tests/heldout/gold ]; then \
	  $(BIN)/luoshi extract tests/heldout/*.txt --format jsonl > /tmp/luoshi-heldout.jsonl; \
	  $(PY) ../shared/eval/score.py tests/heldout/gold /tmp/luoshi-heldout.jsonl; fi

# Speed: reports per second on one core, the twelve real reports beside the peer library
# (jionlp, the `bench` extra: installed here when the registry answers, else its columns are
# skipped) and a regex floor.
bench: $(STAMP)
	-$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python bench/bench_extract.py

clean:
	rm -rf $(VENV) .venv-lock build *.egg-info src/*.egg-info
