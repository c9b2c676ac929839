"""How a model's training transcripts were written, and interviews written otherwise (tr_nlp.coding.writing)."""

from __future__ import annotations

import json
import re
import shutil

from typer.testing import CliRunner

from conftest import DEMO
from tr_nlp.cli import app
from tr_nlp.coding.writing import writing, writing_warnings
from tr_nlp.schema import Interview, Turn

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def as_recognised(text: str) -> str:
    """A transcript as an offline speech recogniser writes it: labels kept, speech in lower case, no punctuation."""
    lines = []
    for line in text.splitlines():
        label, said = re.match(r"(\w+: )?(.*)", line).groups()
        lines.append((label or "") + " ".join(re.sub(r"[^\w\s]", " ", said.lower()).split()))
    return "\n".join(lines)


def _interview(text: str) -> Interview:
    return Interview("iv", text, (Turn("P", "participant", 0, len(text)),))


def test_how_a_text_is_written_is_told_by_its_capitals_and_its_sentence_marks():
    said = "She rang me on her day off. I didn't ask her to, you know? And she stayed. "
    assert writing([said * 10]) == {"capitals": True, "punctuation": True}
    assert writing([said.lower() * 10]) == {"capitals": False, "punctuation": True}
    assert writing([said.replace(".", "").replace("?", "") * 10]) == {"capitals": True, "punctuation": False}
    assert writing(["\u6211\u5f88\u597d\u3002\u5979\u6765\u4e86\uff01" * 200]) == {}  # no spaces: words not told
    assert writing([said]) == {}  # too few words to tell


def test_interviews_written_otherwise_than_the_training_transcripts_are_named():
    cased = {"writing": {"capitals": True, "punctuation": True}}
    said = "She rang me on her day off. I didn't ask her to, you know? And she stayed. " * 10
    recognised = _interview(as_recognised(f"P: {said}")[3:])
    (_, message), = writing_warnings(cased, [recognised, _interview(said)])
    assert message.startswith("is written without capital letters or sentence punctuation (a speech recogniser's")
    (_, message), = writing_warnings({"writing": {"capitals": False, "punctuation": False}}, [_interview(said)])
    assert message.startswith("is written with capital letters and sentence punctuation, unlike the transcripts")
    assert not writing_warnings({}, [recognised]) and not writing_warnings({"writing": {}}, [recognised])


def test_code_and_batch_name_the_interviews_a_recogniser_wrote(demo_run, tmp_path):
    # the model learned question marks: on AnnoMI one trained on human transcripts told therapist codes of
    # the same utterances written without them at macro-F1 0.62, not 0.77, and nothing said so
    model = demo_run / "model"
    assert json.loads((model / "card.json").read_text())["writing"] == {"capitals": True, "punctuation": True}
    assert "- written with: capital letters yes, sentence punctuation yes" in (model / "README.md").read_text()
    folder = tmp_path / "new"
    folder.mkdir()
    shutil.copy(DEMO / "interviews" / "demo01.txt", folder)
    text = (DEMO / "interviews" / "demo04.txt").read_text(encoding="utf-8")
    body = text.split("---\n", 2)[-1] if text.startswith("---") else text
    (folder / "asr.txt").write_text(as_recognised(body), encoding="utf-8")
    result = run("code", folder, "--model", model, "-o", tmp_path / "s.csv")
    said = " ".join(result.stderr.split())
    assert result.exit_code == 0, result.stderr
    assert (f"{folder / 'asr.txt'}: is written without capital letters or sentence punctuation (a speech "
            "recogniser's output?), unlike the transcripts the model was trained on") in said
    assert "demo01.txt: is written" not in said
    out = tmp_path / "batch"
    result = run("batch", folder, "--model", model, "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.stderr
    warnings = json.loads((out / "run.json").read_text())["warnings"]
    assert [w.split(":")[0] for w in warnings if "is written without capital letters" in w] == [str(folder / "asr.txt")]
