"""Privacy: consistent pseudonymisation of transcripts, with codings kept aligned."""

from tr_nlp.privacy.corpus import one_case_interviews, pseudonymise_corpus, pseudonymise_interview
from tr_nlp.privacy.names import NameCandidate, name_candidates, names_file
from tr_nlp.privacy.pseudonymise import KINDS, OffsetMap, Pseudonymiser, Replacement, read_names
from tr_nlp.privacy.remap import Remapping

__all__ = ["KINDS", "NameCandidate", "OffsetMap", "Pseudonymiser", "Remapping", "Replacement", "name_candidates",
           "names_file", "one_case_interviews", "pseudonymise_corpus", "pseudonymise_interview", "read_names"]
