"""Segmentation into turns / sentences / windows, and mapping codings onto segments."""

from tr_nlp.segment.mapping import coder_coverage, label_matrix, map_codings, unread, unread_by_anyone
from tr_nlp.segment.segmenter import UNITS, Segmenter, load_nlp

__all__ = ["UNITS", "Segmenter", "coder_coverage", "label_matrix", "load_nlp", "map_codings", "unread",
           "unread_by_anyone"]
