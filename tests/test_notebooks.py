"""Notebooks are executed, so they never go stale.

The code cells run in order in one namespace in this process (no Jupyter kernel: a
kernel adds a ZMQ server and a start-up that proved fragile on locked-down machines);
any exception fails the test, naming the cell.
"""

from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, monkeypatch):
    monkeypatch.chdir(path.parent)
    notebook = nbformat.read(path, as_version=4)
    namespace: dict = {"__name__": "__notebook__"}
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    assert cells
    for number, cell in enumerate(cells, start=1):
        try:
            exec(compile(cell.source, f"{path.name}[cell {number}]", "exec"), namespace)  # noqa: S102
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{path.name} code cell {number} failed: {type(exc).__name__}: {exc}")
