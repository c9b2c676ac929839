# Two entry points: `make demo` and `make test`. Both create .venv when missing and
# (re)install the project only when pyproject.toml or constraints.txt changed, so repeated
# calls are fast. constraints.txt holds the versions installed (see `make lock`).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.tr-nlp-installed
OUT    ?= out/demo
# torch is pinned: an unpinned torch pulls a multi-GB CUDA build.
TORCH  := torch==2.13.0
# constraints.txt was resolved on Python 3.11 (what CI runs); other Pythons take the newest
# versions pyproject.toml's ranges admit.
LOCKED := $(shell $(PYTHON) -c 'import sys; print("-c constraints.txt" if sys.version_info[:2] == (3, 11) else "")')

.PHONY: setup browser demo test bench clean lock

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "tr_nlp needs Python >= 3.11, and $(PYTHON) is " + sys.version.split()[0] + ": name another, e.g. make PYTHON=python3.11 demo")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[test]" "$(TORCH)" $(LOCKED)
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

# Two workers, one per core of CI's machine (pytest-xdist), each test file on one worker so
# that its module fixtures are built once: about 430 s where one process took 607 s here.
test: setup browser
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

bench: setup
	$(BIN)/python benchmarks/segment_speed.py

clean:
	rm -rf $(VENV) out .pytest_cache

# Refresh constraints.txt: the newest versions pyproject.toml's ranges admit, installed into a
# scratch venv (the registries must be reachable); run `make test` after, then commit it.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet "$(TORCH)"
	.lock-venv/bin/python -m pip install --quiet -e ".[test]" "$(TORCH)"
	{ sed -n '1,3p' constraints.txt; .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^torch=='; } \
	  > constraints.txt.new && mv constraints.txt.new constraints.txt
	rm -rf .lock-venv
