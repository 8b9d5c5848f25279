"""Is a model's wording of a reply true to the facts it was given?

The offline draft is built from the database; a model may only reword it. A reworded
reply is kept when every sum of money it states is one of the draft's, every other number
(quantities, stock, order numbers) appears in the draft, and every catalog product it names
is named in the draft. Anything else — an invented price, another product, a changed
total — sends the draft instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.normalize import fold

# "$1.225.000", "1.225.000", "175000", "7", "3,5" → digit strings without separators.
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")
# Money: "$175.000", "$ 175 mil", "175.000 pesos", "1,2 millones".
_MONEY = re.compile(
    r"\$\s*(?P<a>\d[\d.,]*)(?:\s*(?P<ka>mil|millon(?:es)?)\b)?"
    r"|(?P<b>\d[\d.,]*)(?:\s*(?P<kb>mil|millon(?:es)?))?\s*(?:pesos|cop)\b",
    re.IGNORECASE,
)
_SCALE = {"mil": 1_000, "millon": 1_000_000, "millones": 1_000_000}


def _plain(raw: str) -> str:
    digits = re.sub(r"[.,](?=\d{3}(?:\D|$))", "", raw)  # thousands separators
    return digits.replace(",", ".").rstrip(".").lstrip("0") or "0"


def numbers(text: str) -> set[str]:
    """The numbers a text states, written without thousands separators."""
    return {_plain(raw) for raw in _NUMBER.findall(text)}


def amounts(text: str) -> set[float]:
    """The sums of money a text states, in pesos."""
    found = set()
    for match in _MONEY.finditer(fold(text)):
        raw = match.group("a") or match.group("b")
        scale = _SCALE.get((match.group("ka") or match.group("kb") or "").lower(), 1)
        found.add(round(float(_plain(raw)) * scale, 2))
    return found


def named_products(text: str, catalog_names: Iterable[str]) -> set[str]:
    """Catalog product names that appear in `text` (accents and case ignored)."""
    folded = f" {fold(text)} "
    return {name for name in catalog_names if f" {fold(name)} " in folded or fold(name) in folded}


def is_grounded(reply: str, draft: str, catalog_names: Iterable[str]) -> bool:
    """True when `reply` states no number and names no product that `draft` does not."""
    if not reply.strip():
        return False
    if not amounts(reply) <= amounts(draft):
        return False
    if not numbers(_MONEY.sub(" ", fold(reply))) <= numbers(draft):
        return False
    names = list(catalog_names)
    return named_products(reply, names) <= named_products(draft, names)
