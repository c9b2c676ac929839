"""Reading an utterance table: tr_nlp's ``load_frame`` next to pandas' own reader in one run.

    python benchmarks/table_read.py [--rows 20000] [--wide-rows 1000] [--repeat 3]

Tables (written to a temporary folder): a plain .xlsx of ``--rows`` utterances (interview,
speaker, text); one of ``--wide-rows`` whose rows a team formatted out to the sheet's last
column (XFD), as dragging a format across a wide screen does; and that sheet saved as CSV,
as Excel saves it, each line ending with 16,381 commas.
Baseline: ``pandas.read_excel(path, header=None, dtype=str, keep_default_na=False)``, how
tr_nlp read a sheet's cells before it read them itself, and for the CSV
``pandas.read_csv(path, dtype=str, keep_default_na=False)``, how it read every column.
Measured: ``tr_nlp.ingest.table.load_frame``, which also checks the archive, finds the
header and fills merged cells. Best of ``--repeat`` runs for each.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.styles import Font

from tr_nlp.ingest.table import load_frame


def workbook(path: Path, rows: int, formatted_to_last_column: bool) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["interview_id", "speaker", "text"])
    for k in range(rows):
        said = f"Turn {k}: she sat with me, um, and she listened, you know, not like the others."
        sheet.append([f"i{k // 200}", "Interviewer" if k % 2 == 0 else "Participant", said])
    if formatted_to_last_column:
        for number in range(1, rows + 2):
            sheet.cell(row=number, column=16384).font = Font(bold=True)
    book.save(path)
    return path


def as_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write("interview_id,speaker,text" + "," * 16381 + "\n")
        for k in range(rows):
            said = f"Turn {k}: she sat with me, um, and she listened, you know, not like the others."
            out.write(f"i{k // 200},{'Interviewer' if k % 2 == 0 else 'Participant'},\"{said}\"" + "," * 16381 + "\n")
    return path


def best_of(repeat: int, function: Callable[[], int]) -> tuple[float, int]:
    best, size = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = function()
        best = min(best, time.perf_counter() - start)
    return best, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--wide-rows", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = [(".xlsx, plain", workbook(Path(folder) / "plain.xlsx", args.rows, False)),
                 (".xlsx, to XFD", workbook(Path(folder) / "wide.xlsx", args.wide_rows, True)),
                 (".csv, to XFD", as_csv(Path(folder) / "wide.csv", args.wide_rows))]
        print(f"{'table':<14} {'rows':>7} {'pandas (baseline)':>18} {'tr_nlp load_frame':>18}")
        for name, path in cases:
            if path.suffix == ".csv":
                pandas_s, pandas_rows = best_of(args.repeat, lambda p=path: len(
                    pd.read_csv(p, dtype=str, keep_default_na=False)) + 1)
            else:
                pandas_s, pandas_rows = best_of(args.repeat, lambda p=path: len(
                    pd.read_excel(p, header=None, dtype=str, keep_default_na=False)))
            ours_s, our_rows = best_of(args.repeat, lambda p=path: len(load_frame(p)[0]))
            assert our_rows == pandas_rows - 1, (our_rows, pandas_rows)  # pandas counts the header as a row
            print(f"{name:<14} {our_rows:>7} {pandas_s:>17.2f}s {ours_s:>17.2f}s")


if __name__ == "__main__":
    main()
