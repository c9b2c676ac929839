"""Every module's docstring examples run, so they cannot drift from the code."""

import doctest
import importlib
import pkgutil

import pytest

import tr_nlp

MODULES = sorted(m.name for m in pkgutil.walk_packages(tr_nlp.__path__, "tr_nlp.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (run with -s)"
