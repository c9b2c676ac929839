"""The LibreOffice Calc (.ods) files beside this script, as Calc itself writes them.

Each is a workbook written with pandas and openpyxl (the tests compare what both read),
then saved as .ods by LibreOffice:

    python tests/data/ods/make_fixtures.py    # needs soffice (Debian: libreoffice-calc-nogui)

``coding.ods``: a sheet of quotes per coder (``Anna``, ``Ben``) and one of notes, as
``tests/test_codings.py`` builds it; ``offsets.ods``: a codings table whose offsets are
formatted with a thousands separator (Calc shows ``1,234``); ``codebook.ods``: a
codebook whose examples are lines of one cell, a second example on a row of its own;
``coding.fods``: ``coding.ods`` saved by Calc as a flat (one XML file) spreadsheet.
The quotes are synthetic.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent


def coding_sheets() -> dict[str, pd.DataFrame]:
    quotes = pd.DataFrame({"interview_id": ["i"], "code": ["warmth"], "text": ["Sam did"]})
    return {"Anna": quotes, "Ben": quotes.assign(text=["she stayed late"]),
            "Notes": pd.DataFrame({"memo": ["check p3"]})}


def offsets_sheet() -> pd.DataFrame:
    return pd.DataFrame({"interview_id": ["i"], "start": [1234], "end": [1241], "code": ["warmth"],
                         "coder": ["Anna"]})


def codebook_sheet() -> pd.DataFrame:
    return pd.DataFrame({"Code": ["warmth", "", "beyond_routine"],
                         "Definition": ["Kindness shown.", "", "More than the role asks."],
                         "Examples": ["Sam did.\nShe asked after my sister.", "He called back.",
                                      "She rang on her day off."]})


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with pd.ExcelWriter(out / "coding.xlsx") as writer:
            for name, frame in coding_sheets().items():
                frame.to_excel(writer, sheet_name=name, index=False)
        with pd.ExcelWriter(out / "offsets.xlsx") as writer:
            offsets_sheet().to_excel(writer, sheet_name="Codings", index=False)
            for column in (2, 3):
                writer.sheets["Codings"].cell(row=2, column=column).number_format = "#,##0"
        codebook_sheet().to_excel(out / "codebook.xlsx", index=False)
        workbooks = [str(out / f"{name}.xlsx") for name in ("coding", "offsets", "codebook")]
        subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(HERE), *workbooks],
                       check=True, stdout=sys.stderr)
        subprocess.run(["soffice", "--headless", "--convert-to", "fods", "--outdir", str(HERE),
                        str(HERE / "coding.ods")], check=True, stdout=sys.stderr)


if __name__ == "__main__":
    main()
