"""Documents as LibreOffice saves them: the demo's ``demo01`` exported by tr_nlp as a Word
document (its text, both coders' codings as comments), opened and saved by LibreOffice
Writer as ``demo01.odt``, and that saved again as Word (``demo01.docx``) and as a flat
(one XML file) document (``demo01.fodt``), as a team working in LibreOffice returns
tr_nlp's documents:

    python tests/data/libreoffice/make_fixtures.py    # needs soffice (Debian: libreoffice-writer-nogui)

The interview is the demo corpus's, which is synthetic.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[2]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        exported = Path(tmp) / "word" / "demo01.docx"
        exported.parent.mkdir()
        subprocess.run([sys.executable, "-m", "tr_nlp", "export", "--corpus",
                        str(ROOT / "corpora" / "demo" / "interviews" / "demo01.txt"),
                        "--codings", str(ROOT / "corpora" / "demo" / "codings.csv"), "-o", str(exported), "--quiet"],
                       check=True)
        odt = Path(tmp) / "odt"
        for target, source, out in (("odt", exported, odt), ("docx:MS Word 2007 XML", odt / "demo01.odt", HERE),
                                    ("fodt", odt / "demo01.odt", HERE)):
            subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(out), str(source)],
                           check=True, stdout=sys.stderr)
        (HERE / "demo01.odt").write_bytes((odt / "demo01.odt").read_bytes())


if __name__ == "__main__":
    main()
