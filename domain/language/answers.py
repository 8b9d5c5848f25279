"""Questions, yeses and noes."""

from __future__ import annotations

import re
from typing import NamedTuple

from domain.language.patterns import (
    AFFIRM_RE,
    DENY_ANYWHERE_RE,
    DENY_RE,
    INDIRECT_QUESTION_RE,
    NEGATED_BUY_RE,
    SI_PUNCT_RE,
)
from domain.language.text import Text, prepare
from domain.language.words import (
    LEADING_FILLER,
    QUESTION_SKIP,
    QUESTION_STARTERS,
    SI_CONDITIONAL_NEXT,
)


def _meaningful(text: Text, skip: frozenset[str] = LEADING_FILLER) -> tuple[str, ...]:
    """Normalised tokens without leading fillers like "pues", "oiga", "hola"."""
    norms = text.norms
    i = 0
    while i < len(norms) and norms[i] in skip:
        i += 1
    return norms[i:]


def _asks(text: Text) -> bool:
    if "?" in text.raw or "¿" in text.raw:
        return True
    words = _meaningful(text, QUESTION_SKIP)
    if words and words[0] in QUESTION_STARTERS:
        return True
    return bool(INDIRECT_QUESTION_RE.search(text.norm_text))


class Answer(NamedTuple):
    """What a message answers: is it a question, a yes, a no."""

    question: bool
    yes: bool
    no: bool


def read_answer(text: Text) -> Answer:
    """Whether the prepared text asks, says yes, says no: the question is read once."""
    question = _asks(text)
    no = _denies(text, question)
    return Answer(question, _affirms(text, question, no), no)


def looks_like_question(text: str) -> bool:
    """¿/? anywhere, a leading question word ("cuánto", "tienen"…) or "quiero saber…"."""
    return _asks(prepare(text))


def _affirms(text: Text, question: bool, no: bool) -> bool:
    words = " ".join(_meaningful(text))
    if not words or question or no or NEGATED_BUY_RE.search(words):
        return False
    if not AFFIRM_RE.match(words):
        return False
    parts = words.split()
    if parts[0] == "si" and len(parts) > 1 and not SI_PUNCT_RE.match(text.raw):
        return parts[1] not in SI_CONDITIONAL_NEXT
    return True


def _denies(text: Text, question: bool) -> bool:
    words = " ".join(_meaningful(text))
    if not words:
        return False
    explicit = bool(re.match(r"^\W*no+\s*[,.!;]", text.raw.strip().lower()))
    if question and not explicit:
        return False
    return bool(DENY_RE.match(words) or DENY_ANYWHERE_RE.search(words))


def is_yes(text: str) -> bool:
    """A plain yes ("sí", "dale", "de una", "👍"), not a question, not a no."""
    return read_answer(prepare(text)).yes


def is_no(text: str) -> bool:
    """A no ("no", "nop", "nada más", "eso es todo", "no gracias"); "no" as a whole word."""
    return read_answer(prepare(text)).no
