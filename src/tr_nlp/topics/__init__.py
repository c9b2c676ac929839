"""Candidate-code discovery: topic-model the uncoded remainder with BERTopic."""

from tr_nlp.topics.candidates import Candidate, Quote, make_candidates
from tr_nlp.topics.discover import (Discovery, discover, dump_candidates, undiscovered,
                                    write_discovery)
from tr_nlp.topics.remainder import Remainder, is_filler, select_remainder

__all__ = ["Candidate", "Discovery", "Quote", "Remainder", "discover", "dump_candidates", "is_filler",
           "make_candidates", "select_remainder", "undiscovered", "write_discovery"]
