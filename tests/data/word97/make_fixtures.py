"""The Word 97-2003 (.doc) files beside this script, and the .docx each was saved from.

Each .docx is written with python-docx (``labelled_docx``, ``table_docx``: the tests build
them again to compare), then saved as Word 97-2003 by LibreOffice's "MS Word 97" filter:

    python tests/data/word97/make_fixtures.py    # needs soffice (Debian: libreoffice-writer-nogui)

The transcripts are synthetic.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import docx
from docx.oxml import parse_xml

HERE = Path(__file__).parent
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
STIGMA = "she never looked at me like I was my diagnosis"
DAY_OFF = "she rang me on her day off"


def _field(paragraph, code: str, result: str) -> None:
    for xml in ('<w:r {w}><w:fldChar w:fldCharType="begin"/></w:r>',
                f'<w:r {{w}}><w:instrText xml:space="preserve"> {code} </w:instrText></w:r>',
                '<w:r {w}><w:fldChar w:fldCharType="separate"/></w:r>', f"<w:r {{w}}><w:t>{result}</w:t></w:r>",
                '<w:r {w}><w:fldChar w:fldCharType="end"/></w:r>'):
        paragraph._p.append(parse_xml(xml.format(w=_W)))


def labelled_docx(path: Path) -> Path:
    """Labelled paragraphs (a colon, or a bold name), margin comments, a field, a tracked
    change, a line break and characters beyond Latin-1 and beyond 16 bits."""
    document = docx.Document()
    document.core_properties.title = "Interview 7"
    document.core_properties.author = "Study team"
    document.add_paragraph("Interview 7, ward study")
    document.add_paragraph("Interviewer: So, um, how was the ward? Caf\u00e9 \u2014 \u201cquiet\u201d or not?")
    first = document.add_paragraph()
    first.add_run("Participant").bold = True
    first.add_run(" Well\u2026 the nurse, Jo. Because ")
    stigma = first.add_run(STIGMA)
    first.add_run(", you know? And once ")
    day_off = first.add_run(DAY_OFF)
    first.add_run(" \U0001F60A.")
    asked = document.add_paragraph("Interviewer: And the ")
    asked._p.append(parse_xml(f'<w:del {_W} w:id="91" w:author="Ann" w:date="2020-01-01T00:00:00Z"><w:r>'
                              '<w:delText>DELETED </w:delText></w:r></w:del>'))
    asked._p.append(parse_xml(f'<w:ins {_W} w:id="92" w:author="Ann" w:date="2020-01-01T00:00:00Z"><w:r>'
                              '<w:t xml:space="preserve">inserted </w:t></w:r></w:ins>'))
    asked.add_run("leaflet?")
    second = document.add_paragraph()
    second.add_run("Participant:").bold = True
    second.add_run(" See ")
    _field(second, 'HYPERLINK "http://example.org"', "the leaflet")
    second.add_run(". And the ward, well.").add_break()
    again = second.add_run(STIGMA)
    second.add_run(", that's what I wanted.")
    document.add_comment([again], text="Non-stigmatizing attitude", author="Anna Smith", initials="AS")
    document.add_comment([day_off], text="Beyond routine: she came anyway", author="Ben", initials="B")
    document.add_comment([stigma], text="check with P whether this was the same nurse", author="Ben", initials="B")
    document.save(str(path))
    return path


def table_docx(path: Path) -> Path:
    """A transcript table: time, speaker, speech (a cell of two lines, an empty one) and codes."""
    document = docx.Document()
    document.add_paragraph("Interview 12, 3 March")
    rows = [("Time", "Speaker", "Text", "Codes"),
            ("00:00:05", "Interviewer", "How did the nurse treat you?", ""),
            ("00:00:09", "Participant", "Like a person.\nNot a file.", "non_stigmatizing_attitude"),
            ("00:00:20", "Interviewer", "", ""),
            ("00:00:25", "Participant", "She stayed late, after her shift.", "beyond_routine")]
    table = document.add_table(rows=0, cols=4)
    for row in rows:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    document.add_paragraph("End of transcript.")
    document.save(str(path))
    return path


FIXTURES = {"labelled": labelled_docx, "table": table_docx}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in FIXTURES.items():
            source = make(Path(tmp) / f"{name}.docx")
            subprocess.run(["soffice", "--headless", "--convert-to", "doc:MS Word 97", "--outdir", str(HERE),
                            str(source)], check=True)
    sys.stdout.write(f"wrote {', '.join(f'{name}.doc' for name in FIXTURES)} in {HERE}\n")


if __name__ == "__main__":
    main()
