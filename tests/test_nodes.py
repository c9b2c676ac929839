"""NVivo node exports: a node's references, read as codings (``--codings``), refused as transcripts."""

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import at_most, make_pdf
from tr_nlp.errors import CodingsError, InputError
from tr_nlp.ingest import load_corpus, read_file
from tr_nlp.ingest.nodes import NodeReference, node_export
from tr_nlp.schema import Coding

P07 = ("Interviewer: Who helped you most?\n"
       "Participant: Karen. She rang me on her day off, she didn't have to.\n"
       "Interviewer: Mm.\n"
       "Participant: And she never talked to me like I was a file. She rang me on her day off again at Christmas.\n")
CODEBOOK = "codes:\n  - name: beyond_routine\n  - name: non_stigmatizing_attitude\n"
WINDOWS = """Name: Nodes\\Helping\\Beyond routine

<Files\\Interviews\\P07> - § 2 references coded  [21.40% Coverage]

Reference 1 - 10.05% Coverage

She rang me on her day off, she didn't have to.

Reference 2 - 11.35% Coverage

She rang me on her day off
again at Christmas.
"""


def corpus_with(tmp_path, *exports, codebook=True, transcripts=None):
    (tmp_path / "interviews").mkdir(exist_ok=True)
    for name, text in (transcripts or {"P07.txt": P07}).items():
        (tmp_path / "interviews" / name).write_text(text, encoding="utf-8")
    (tmp_path / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    return load_corpus([tmp_path / "interviews"], codings=list(exports),
                       codebook=tmp_path / "codebook.yaml" if codebook else None)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_windows_export_codes_each_reference_at_its_place_in_the_order_nvivo_lists_them(tmp_path):
    export = write(tmp_path / "nodes" / "Beyond routine.txt", WINDOWS)
    corpus = corpus_with(tmp_path, export)
    first = P07.index("She rang")
    second = P07.index("She rang", first + 1)  # the phrase said twice: the second reference is the later place
    assert corpus.codings == [
        Coding("P07", first, P07.index("to.") + 3, "beyond_routine", "human"),
        Coding("P07", second, P07.index("Christmas.") + len("Christmas."), "beyond_routine", "human")]
    assert [w for w in corpus.warnings if "node export" in w] == [
        ("1 NVivo node export(s) read as codings: 2 reference(s) of 1 code(s) in 1 file(s), coder 'human' (1 "
         "export(s)); an export joins every user's coding of its node: to keep coders apart, export each one's "
         "nodes into a folder of their own and pass the folder above them")]
    assert [f.path for f in corpus.files] == [str(tmp_path / "interviews" / "P07.txt")]  # no transcript of it


def test_mac_layout_shared_references_other_languages_and_word_documents(tmp_path):
    # NVivo for Mac puts the count on its own line; 'References 1-2' is a passage two users coded; the file
    # names the node where the export does not; a German NVivo translates the words
    mac = ("<Internals\\P07>\n\n2 references coded  [5.1% Coverage]\n\nReferences 1-2 - 5.1% Coverage\n\n"
           "she never talked to me like I was a file.\n")
    german = ("<Dateien\\\\P07> - § 1 Referenz codiert  [10,05% Abdeckung]\n\nReferenz 1 - 10,05% Abdeckung\n\n"
              "She rang me on her day off, she didn't have to.\n")
    document = docx.Document()
    for line in german.split("\n"):
        document.add_paragraph(line)
    document.save(tmp_path / "Beyond routine.docx")
    corpus = corpus_with(tmp_path, write(tmp_path / "Non-stigmatizing attitude.txt", mac),
                         tmp_path / "Beyond routine.docx")
    assert sorted((c.code, P07[c.start:c.end]) for c in corpus.codings) == [
        ("beyond_routine", "She rang me on her day off, she didn't have to."),
        ("non_stigmatizing_attitude", "she never talked to me like I was a file.")]
    assert node_export(mac).references == (NodeReference("P07", "she never talked to me like I was a file.",
                                                         "References 1-2"),)


def test_a_pdf_export_with_lines_wrapped_and_page_numbers(tmp_path):
    lines = WINDOWS.replace("she didn't have to.", "she didn't\nhave to.").split("\n")
    make_pdf(tmp_path / "Beyond routine.pdf", [lines[:9] + ["Page 1 of 2"], lines[9:] + ["Page 2 of 2"]])
    corpus = corpus_with(tmp_path, tmp_path / "Beyond routine.pdf")
    assert [P07[c.start:c.end] for c in corpus.codings] == [
        "She rang me on her day off, she didn't have to.", "She rang me on her day off again at Christmas."]


def test_each_coders_folder_of_exports_is_their_coding(tmp_path):
    # each coder exported the same nodes from their own copy of the project into a folder of their own
    write(tmp_path / "nodes" / "anna" / "Beyond routine.txt", WINDOWS)
    write(tmp_path / "nodes" / "ben" / "Beyond routine.txt", WINDOWS.replace("2 references", "1 reference")
          .split("Reference 2")[0])
    write(tmp_path / "nodes" / "ben" / "~$yond routine.docx", "Word's lock file")
    write(tmp_path / "nodes" / "README.txt", "Exported from NVivo 14 on 3 December.")
    corpus = corpus_with(tmp_path, tmp_path / "nodes")
    assert corpus.warnings[0] == (f"{tmp_path / 'nodes'}: 1 document(s) left out, which are no NVivo node exports: "
                                  f"'{tmp_path / 'nodes' / 'README.txt'}'")
    assert corpus.warnings[-1] == ("2 NVivo node export(s) read as codings: 3 reference(s) of 1 code(s) in 1 "
                                   "file(s), coders 'anna' (1 export(s)), 'ben' (1 export(s))")
    first, second = P07.index("She rang"), P07.rindex("She rang")
    assert sorted((c.coder, c.start) for c in corpus.codings) == [("anna", first), ("anna", second), ("ben", first)]
    # one folder of exports, or folders exporting other nodes (two batches of one coder's), is one coder's
    corpus = corpus_with(tmp_path, tmp_path / "nodes" / "ben")
    assert {c.coder for c in corpus.codings} == {"human"}


def test_references_of_other_files_and_without_text_are_counted_and_files_named_otherwise_matched(tmp_path):
    text = (WINDOWS.replace("<Files\\Interviews\\P07>", "<Files\\p07.docx>")
            + "\n<Files\\P08> - § 1 reference coded  [1% Coverage]\n\nReference 1 - 1% Coverage\n\nGone.\n"
            + "\n<Files\\P07> - § 1 reference coded  [1% Coverage]\n\nReference 1 - 1% Coverage\n\n\n")
    corpus = corpus_with(tmp_path, write(tmp_path / "Beyond routine.txt", text))
    assert len(corpus.codings) == 2
    assert [w.split(": ", 1)[1] for w in corpus.warnings if "Beyond routine.txt" in w] == [
        "2 reference(s) name their file another way (e.g. 'p07.docx'); matched to the interview of that name",
        "1 reference(s) hold no text (a region of a picture or a page) and were left out",
        "1 reference(s) of 1 file(s) not in the corpus were skipped: 'P08' (1)"]


def test_without_a_codebook_the_nodes_last_name_is_the_code(tmp_path):
    corpus = corpus_with(tmp_path, write(tmp_path / "x.txt", WINDOWS), codebook=False)
    assert {c.code for c in corpus.codings} == {"Beyond routine"}


def test_a_node_the_codebook_lacks_and_text_the_transcript_lacks_are_errors_naming_the_reference(tmp_path):
    with pytest.raises(CodingsError, match=r"\[E159\] node 'Nodes\\Helping\\Warmth': it names no code"):
        corpus_with(tmp_path, write(tmp_path / "w.txt", WINDOWS.replace("Beyond routine", "Warmth")))
    changed = WINDOWS.replace("again at Christmas", "at Easter").replace("she didn't", "she did not")
    with pytest.raises(CodingsError, match=r"E159\] node '.*': Reference 1 of 'P07': its text 'She rang "
                                           r"me on her day off, she did not have to.' is not in that interview; nor "
                                           r"are the texts of 1 more reference\(s\); was the transcript changed"):
        corpus_with(tmp_path, write(tmp_path / "c.txt", changed))


def test_a_node_export_among_transcripts_fails_alone_and_is_no_interview(tmp_path):
    write(tmp_path / "interviews" / "Beyond routine.txt", WINDOWS)
    corpus = corpus_with(tmp_path)
    failed = {f.path: f.error for f in corpus.files if f.error is not None}
    assert [i.id for i in corpus.interviews] == ["P07"]
    assert str(failed[str(tmp_path / "interviews" / "Beyond routine.txt")]).endswith(
        "[E139] is an NVivo node export (the 2 reference(s) of node 'Nodes\\Helping\\Beyond routine' in 1 file(s)), "
        "not a transcript; pass it as codings: --codings FILE (or a folder of node exports), or list it under "
        "'codings:' in corpus.yaml")
    # passed as codings too, it is read as codings only
    corpus = corpus_with(tmp_path, tmp_path / "interviews" / "Beyond routine.txt")
    assert [f.error for f in corpus.files] == [None] and len(corpus.codings) == 2


def test_documents_that_are_no_node_export_are_refused_as_codings_and_a_txt_table_still_reads(tmp_path):
    document = docx.Document()
    document.add_paragraph("Interviewer: Who helped you most?")
    document.save(tmp_path / "P08.docx")
    with pytest.raises(InputError, match=r"P08.docx: \[E158\] is neither a codings table nor an NVivo node export"):
        corpus_with(tmp_path, tmp_path / "P08.docx")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: \[E158\]"):
        corpus_with(tmp_path, tmp_path / "empty")
    table = write(tmp_path / "codings.txt", "interview_id,start,end,code,coder\nP07,0,11,beyond_routine,A\n")
    assert [c.coder for c in corpus_with(tmp_path, table).codings] == ["A"]


def test_a_transcript_whose_lines_look_like_references_is_read_as_one():
    # a line of the shape alone, or under no file heading, makes no export
    assert node_export("I: Question 3 - 50% yes\nP: Reference 1 - 2.5% Coverage") is None
    assert node_export("<P07>\nReference 1 - 2.5% Coverage\nText.") is None  # a Mac heading needs its count


def test_long_runs_of_blank_lines_and_spaces_are_read_in_one_pass():
    with at_most(10):
        assert node_export("\n" * 300_000 + "Reference 1 - 1% Coverage") is None
        assert node_export("Reference 1" + " " * 300_000 + "- 1% Coverage\n") is None
        assert node_export(("<Files\\P07>\n" + "\n" * 100_000) * 3 + "Reference 1 - 1% Coverage\nx") is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WINDOWS.split("\n") + ["<\\>", "< / >", "2 references coded [1% Coverage]", "<P07>",
                                                         "Reference 2 - 1% Coverage", "Name:", "<Files\\ >"]),
                max_size=30), st.text(max_size=20))
def test_any_shuffle_of_an_exports_lines_is_read_or_passed_over(lines, noise):
    # a heading naming no file (only its folders' separators) took the last of no names: IndexError
    export = node_export("\n".join([*lines, noise]))
    assert export is None or all(r.label and isinstance(r.text, str) for r in export.references)


def test_read_file_refuses_an_export_in_a_word_document(tmp_path):
    document = docx.Document()
    for line in WINDOWS.split("\n"):
        document.add_paragraph(line)
    document.save(tmp_path / "Beyond routine.docx")
    with pytest.raises(InputError, match="E139"):
        read_file(tmp_path / "Beyond routine.docx")
