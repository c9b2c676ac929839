"""Every module's docstring examples run, so they cannot drift from the code."""

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import tr_nlp

MODULES = sorted(m.name for m in pkgutil.walk_packages(tr_nlp.__path__, "tr_nlp.") if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed (run with -s)"


def test_every_module_imports_first_in_a_fresh_interpreter():
    """``import tr_nlp.refi`` once failed when no other tr_nlp module came first (a cycle).

    Each module is imported with no tr_nlp module loaded before it; two interpreters share
    the modules between them and run side by side.
    """
    def script(names: list[str]) -> str:
        return (
            "import importlib, sys\n"
            "failed = []\n"
            f"for name in {names!r}:\n"
            "    for loaded in [m for m in sys.modules if m == 'tr_nlp' or m.startswith('tr_nlp.')]:\n"
            "        del sys.modules[loaded]\n"
            "    try:\n"
            "        importlib.import_module(name)\n"
            "    except ImportError as error:\n"
            "        failed.append(f'{name}: {error}')\n"
            "print('\\n'.join(failed))\n"
        )

    halves = [MODULES[0::2], MODULES[1::2]]
    running = [subprocess.Popen([sys.executable, "-c", script(names)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for names in halves]
    for process in running:
        out, err = process.communicate()
        assert process.returncode == 0, err
        assert out.strip() == "", out
