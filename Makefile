# Two entry points: `make demo` and `make test`. Both create .venv when missing and
# (re)install the project only when pyproject.toml changed, so repeated calls are fast.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.tr-nlp-installed
OUT    ?= out/demo
# torch is pinned: an unpinned torch pulls a multi-GB CUDA build.
TORCH  := torch==2.13.0

.PHONY: setup demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[test]" "$(TORCH)"
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/tr-nlp demo -o $(OUT)

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/segment_speed.py

clean:
	rm -rf $(VENV) out .pytest_cache
