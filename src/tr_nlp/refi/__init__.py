"""REFI-QDA (QDA-XML 1.0) interchange shared by :mod:`tr_nlp.ingest.qdpx` and :mod:`tr_nlp.export.qdpx`.

- :mod:`~tr_nlp.refi.vocab`: namespaces, deterministic GUIDs, how tr_nlp's code guidance
  and exclusive groups are kept in fields every QDA tool shows;
- :mod:`~tr_nlp.refi.codes`: codebooks in a project and ``.qdc`` codebook files;
- :mod:`~tr_nlp.refi.safety`: guarded zip reading and defused XML parsing.
"""

from tr_nlp.refi.codes import codebook_to_qdc, read_qdc, write_qdc
from tr_nlp.refi.safety import MAX_MB, SafeZip, parse_xml
from tr_nlp.refi.vocab import CANDIDATE_PARENT, CODEBOOK_NS, GROUP_MARK, NS, SPEAKERS_VARIABLE, guid

__all__ = [
    "CANDIDATE_PARENT", "CODEBOOK_NS", "GROUP_MARK", "MAX_MB", "NS", "SPEAKERS_VARIABLE", "SafeZip",
    "codebook_to_qdc", "guid", "parse_xml", "read_qdc", "write_qdc",
]
