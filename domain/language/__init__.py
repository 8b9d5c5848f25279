"""Offline understanding of Colombian-Spanish customer messages.

Rule based and deterministic: the text is tokenised, each token gets a normalised
form (lower case, no accents, slang and stretched letters fixed), numbers are
read and classified (quantity, size/spec, price, time, list position) and a
fixed precedence of phrase rules picks one intent.

This module decides what is public; the package's modules share their internals
by plain names (``text.prepare``, ``patterns.BUY_RE``…) that are not re-exported.
"""

from domain.language.answers import is_no, is_yes, looks_like_question
from domain.language.guards import looks_like_injection
from domain.language.meaning import CHEAPEST, MOST_EXPENSIVE, InfoTopic, Intent, Understanding
from domain.language.numbers import MAX_ORDINAL, MAX_QUANTITY, parse_quantity
from domain.language.reading import is_done, split_items, states_a_number, understand, wants_change
from domain.language.text import MAX_ANALYSED_CHARS, analysed_part, strip_accents

__all__ = [
    "CHEAPEST",
    "MAX_ANALYSED_CHARS",
    "MAX_ORDINAL",
    "MAX_QUANTITY",
    "MOST_EXPENSIVE",
    "InfoTopic",
    "Intent",
    "Understanding",
    "analysed_part",
    "is_done",
    "is_no",
    "is_yes",
    "looks_like_injection",
    "looks_like_question",
    "parse_quantity",
    "split_items",
    "states_a_number",
    "strip_accents",
    "understand",
    "wants_change",
]
