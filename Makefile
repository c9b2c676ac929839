# Two entry points: `make demo` and `make test`. Both create .venv when missing and
# (re)install the project only when pyproject.toml changed, so repeated calls are fast.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.tr-nlp-installed
OUT    ?= out/demo
# torch is pinned: an unpinned torch pulls a multi-GB CUDA build.
TORCH  := torch==2.13.0

.PHONY: setup browser demo test bench clean

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

# The report's browser test needs Debian's chromium; install it when absent (never fatal:
# without it that one test is skipped).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing chromium for the report's browser test"; \
	  { $$SUDO apt-get install -y -q chromium || { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }; } \
	    >/dev/null 2>&1 || echo "warning: could not install chromium; the browser test will be skipped" >&2; }

test: setup browser
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/python benchmarks/segment_speed.py

clean:
	rm -rf $(VENV) out .pytest_cache
