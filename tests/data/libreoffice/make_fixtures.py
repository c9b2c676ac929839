"""Documents as LibreOffice saves them: the demo's ``demo01`` exported by tr_nlp as a Word
document (its text, both coders' codings as comments), opened and saved by LibreOffice
Writer as ``demo01.odt``, and that saved again as Word (``demo01.docx``) and as a flat
(one XML file) document (``demo01.fodt``), as a team working in LibreOffice returns
tr_nlp's documents:

    python tests/data/libreoffice/make_fixtures.py    # needs soffice (Debian: libreoffice-writer-nogui)

``replies.docx`` and ``replies.odt``: a Word document of two of tr_nlp's suggestions,
replied to as Word writes replies (``Yes`` by Anna, ``no`` by Ben; the test helpers build
it), opened and saved by LibreOffice as Word and as ``.odt``: LibreOffice 7.4 keeps each
reply as a comment of its own on the same passage, before the one it answers.

The interview is the demo corpus's, which is synthetic; the replies' passage is the tests'.
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
        replied = Path(tmp) / "replies" / "replies.docx"
        replied.parent.mkdir()
        sys.path.insert(0, str(ROOT / "tests"))
        from conftest import with_replies
        from test_comments import DAY_OFF, MODEL, STIGMA, margin_coded

        with_replies(margin_coded(replied, [(1, DAY_OFF, "beyond_routine: p=0.81", MODEL),
                                            (1, STIGMA, "non_stigmatizing_attitude: p=0.66", MODEL)]),
                     [("0", "Yes", "Anna"), ("1", "no", "Ben")])
        for target in ("docx:MS Word 2007 XML", "odt"):
            subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(HERE), str(replied)],
                           check=True, stdout=sys.stderr)


if __name__ == "__main__":
    main()
