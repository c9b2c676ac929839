"""Build the synthetic demo corpus from its marked-up sources.

    python corpora/demo/_source/build.py

Each ``interviews/*.tr`` file holds a header (format, speaker labels, which coders coded
it), then one ``I:``/``P:`` line per turn. Coded passages are marked inline as
``[[code:AB,other_code:A|the passage]]`` (coders A and B). The script renders every
interview in its target format (txt, md, docx, vtt), reads the rendered file back with
tr_nlp's own readers, finds each marked passage in the stored text and writes
``codings.csv`` with exact offsets and the quoted text for audit.

Everything here is synthetic: written for this project, about no real person.
"""

from __future__ import annotations

import re
import sys
import textwrap
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEMO = HERE.parent
sys.path.insert(0, str(DEMO.parents[1] / "src"))

import pandas as pd  # noqa: E402

from tr_nlp.ingest import ReadOptions, RoleMap, read_file  # noqa: E402

CODES = {
    "nsa": "non_stigmatizing_attitude",
    "br": "beyond_routine",
    "ic": "interpersonal_continuity",
    "ec": "emotional_climate",
    "si": "social_interaction",
}
CODERS = {"A": "coder_a", "B": "coder_b"}
MARK = re.compile(r"\[\[(?P<codes>[^|\]]+)\|(?P<text>.+?)\]\]")
NOTE = "Synthetic interview written for the tr_nlp demo corpus; it describes no real person."
EXT = {"txt": ".txt", "md": ".md", "docx": ".docx", "vtt": ".vtt"}


def parse_source(path: Path) -> tuple[dict[str, str], list[tuple[str, str, list]]]:
    header_text, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    header = {}
    for line in header_text.splitlines():
        key, _, value = line.partition(":")
        header[key.strip()] = value.strip()
    turns = []
    for line in body.strip().splitlines():
        if not line.strip():
            continue
        who, _, said = line.partition(": ")
        role = "I" if who.strip() == "I" else "P"
        spans = []
        clean, pos, last = [], 0, 0
        for m in MARK.finditer(said):
            clean.append(said[last : m.start()])
            pos += m.start() - last
            codes = []
            for item in m.group("codes").split(","):
                short, _, coders = item.strip().partition(":")
                codes.append((CODES[short], coders))
            spans.append((m.group("text"), codes))
            clean.append(m.group("text"))
            pos += len(m.group("text"))
            last = m.end()
        clean.append(said[last:])
        turns.append((role, "".join(clean).strip(), spans))
    return header, turns


def clock(seconds: float, vtt: bool = False) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    if vtt:
        return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"
    return f"{int(h):02d}:{int(m):02d}:{int(s):02d}"


def render_text(iid: str, header: dict, turns: list, md: bool) -> str:
    labels = [x.strip() for x in header["labels"].split("|")]
    front = f"---\ninterview_id: {iid}\nsynthetic: true\nnote: {NOTE}\n---\n\n"
    lines, t = [], 4.0
    wrap = iid in {"demo04", "demo13"}  # hard-wrapped lines, as some typists do
    for role, said, _ in turns:
        label = labels[0] if role == "I" else labels[1]
        if header.get("header_labels") == "yes":
            m, s = divmod(int(t), 60)
            lines.append(f"{label}  {m}:{s:02d}\n{said}")
        elif header.get("timestamps") == "yes":
            lines.append(f"[{clock(t)}] {label}: {said}")
        elif header.get("timestamps") == "paren":
            lines.append(f"{label} ({clock(t)}): {said}")
        elif md:
            lines.append(f"**{label}:** {said}")
        else:
            line = f"{label}: {said}"
            lines.append(textwrap.fill(line, 88) if wrap else line)
        t += 2 + len(said) / 14
    return front + "\n\n".join(lines) + "\n"


def render_docx(iid: str, header: dict, turns: list, path: Path) -> None:
    import docx

    labels = [x.strip() for x in header["labels"].split("|")]
    document = docx.Document()
    document.add_heading(f"Interview {iid} (synthetic)", level=1)
    props = document.core_properties
    props.title = f"Interview {iid}"
    props.keywords = "synthetic; tr_nlp demo"
    props.comments = f"interview_id: {iid}\nsynthetic: true\nnote: {NOTE}"
    props.author = "tr_nlp demo corpus"
    props.created = props.modified = datetime(2026, 11, 1, tzinfo=timezone.utc)
    bold = iid != "demo07"  # demo07 writes labels as plain text prefixes
    for role, said, _ in turns:
        label = labels[0] if role == "I" else labels[1]
        paragraph = document.add_paragraph()
        if bold:
            paragraph.add_run(f"{label}:").bold = True
            paragraph.add_run(f" {said}")
        else:
            paragraph.add_run(f"{label}: {said}")
    document.save(str(path))


def render_vtt(iid: str, header: dict, turns: list) -> str:
    labels = [x.strip() for x in header["labels"].split("|")]
    out = ["WEBVTT", "", f"NOTE\ninterview_id: {iid}\nsynthetic: true\nnote: {NOTE}", ""]
    t, n = 3.0, 1
    for role, said, _ in turns:
        label = labels[0] if role == "I" else labels[1]
        sentences = re.split(r"(?<=[.?!])\s+", said)
        for i in range(0, len(sentences), 2):
            chunk = " ".join(sentences[i : i + 2])
            duration = 1.5 + len(chunk) / 15
            payload = f"{label}: {chunk}" if header.get("prefix_labels") == "yes" else f"<v {label}>{chunk}</v>"
            out += [str(n), f"{clock(t, True)} --> {clock(t + duration, True)}", payload, ""]
            t += duration + 0.4
            n += 1
    return "\n".join(out)


def find(text: str, needle: str, start: int) -> tuple[int, int]:
    pattern = r"\s+".join(re.escape(w) for w in needle.split())
    m = re.compile(pattern).search(text, start)
    if m is None:
        raise SystemExit(f"cannot find {needle!r}")
    return m.start(), m.end()


def main() -> None:
    out_dir = DEMO / "interviews"
    out_dir.mkdir(exist_ok=True)
    roles = RoleMap.from_mapping({"Speaker 1": "interviewer", "Speaker 2": "participant"})
    rows = []
    for source in sorted((HERE / "interviews").glob("*.tr")):
        iid = source.stem
        header, turns = parse_source(source)
        fmt = header["format"]
        target = out_dir / f"{iid}{EXT[fmt]}"
        if fmt in {"txt", "md"}:
            target.write_text(render_text(iid, header, turns, fmt == "md"), encoding="utf-8")
        elif fmt == "docx":
            render_docx(iid, header, turns, target)
        else:
            target.write_text(render_vtt(iid, header, turns), encoding="utf-8")
        interview = read_file(target, ReadOptions(roles=roles)).interviews[0]
        assert len(interview.turns) == len(turns), (iid, len(interview.turns), len(turns))
        allowed = set(header.get("coders", ""))
        for turn, (role, said, spans) in zip(interview.turns, turns):
            expected = "interviewer" if role == "I" else "participant"
            assert turn.role == expected, (iid, turn)
            cursor = turn.start
            for quote, codes in spans:
                start, end = find(interview.text, quote, cursor)
                assert end <= turn.end, (iid, quote)
                cursor = end
                for code, coders in codes:
                    for letter in coders:
                        assert letter in allowed, (iid, quote, letter)
                        rows.append((iid, start, end, code, CODERS[letter], interview.text[start:end]))
    frame = pd.DataFrame(rows, columns=["interview_id", "start", "end", "code", "coder", "text"])
    frame = frame.sort_values(["interview_id", "start", "coder", "code"], kind="stable")
    frame.to_csv(DEMO / "codings.csv", index=False)
    print(f"{len(frame)} codings in {frame.interview_id.nunique()} interviews")


if __name__ == "__main__":
    main()
