"""Privacy: consistent pseudonymisation of transcripts, with codings kept aligned."""

from tr_nlp.privacy.corpus import pseudonymise_corpus, pseudonymise_interview
from tr_nlp.privacy.pseudonymise import KINDS, OffsetMap, Pseudonymiser, Replacement, read_names

__all__ = ["KINDS", "OffsetMap", "Pseudonymiser", "Replacement", "pseudonymise_corpus", "pseudonymise_interview",
           "read_names"]
