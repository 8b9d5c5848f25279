"""Numbers in a message: read (digits and Spanish words), classified, one picked as the quantity."""

from __future__ import annotations

import re
from typing import NamedTuple

from domain.language.number_words import (
    ARTICLE_ONE,
    HUNDREDS,
    IDIOM_AFTER_ONE,
    MEASURE_UNITS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PAIRED_GOODS,
    PRICE_WORDS,
    QUANTITY_UNITS,
    SPEC_KEYWORDS,
    TEENS,
    TENS,
    TIME_LEAD,
    TIME_WORDS,
    UNITS,
)
from domain.language.text import Text, prepare
from domain.language.words import ANSWER_FILLER, REMOVE_VERBS, STOCK_PLACES, STOPWORDS

MAX_QUANTITY = 100_000
MAX_ORDINAL = 10
_X_NUMBER_RE = re.compile(r"x(\d{1,6})")
_THOUSANDS_RE = re.compile(r"\d{1,3}(?:\.\d{3})+")


class Number(NamedTuple):
    start: int
    end: int
    value: int
    kind: str  # quantity | weak | one | spec | ordinal | price | time | ignore
    words: bool


def _parse_number_words(norms: tuple[str, ...], i: int) -> tuple[int, int] | None:
    """Spanish number words starting at i -> (value, end index)."""
    total, group, last, j, seen, thousands = 0, 0, 4, i, False, False
    while j < len(norms):
        word = norms[j]
        if word in HUNDREDS and last > 3:
            group, last = group + HUNDREDS[word], 3 if word == "ciento" else 1
        elif word in TENS and last > 2:
            group, last = group + TENS[word], 2
            if j + 2 < len(norms) and norms[j + 1] == "y" and norms[j + 2] in UNITS:
                group, last, j = group + UNITS[norms[j + 2]], 1, j + 2
        elif word in TEENS and last > 2:
            group, last = group + TEENS[word], 1
        elif word in UNITS and last > 1:
            group, last = group + UNITS[word], 1
        elif word == "mil" and not thousands:
            total, group, last, thousands = (group or 1) * 1000, 0, 4, True
        else:
            break
        seen, j = True, j + 1
    return (total + group, j) if seen else None


def _read_number(norms: tuple[str, ...], i: int) -> tuple[int, int, bool, bool, bool] | None:
    """Number at i -> (value, end, strong, article_one, spelled); -1 value = not integral."""
    word = norms[i]
    nxt = norms[i + 1] if i + 1 < len(norms) else ""
    if word == "media" and nxt in ("docena", "docenas"):
        return 6, i + 2, True, False, True
    if word in ("docena", "decena"):
        half = word == "docena" and norms[i + 1 : i + 3] == ("y", "media")
        value = (12 if word == "docena" else 10) + (6 if half else 0)
        return value, i + (3 if half else 1), True, False, True
    x_match = _X_NUMBER_RE.fullmatch(word)
    if x_match:
        return int(x_match.group(1)), i + 1, True, False, False
    if word == "x" and nxt.isdigit() and len(nxt) <= 6 and not _is_numeric(norms, i - 1):
        return int(nxt), i + 2, True, False, False
    if word[:1].isdigit() and not word.isdigit():
        return (-1, i + 1, False, False, False) if word[-1].isdigit() else None
    if word.isdigit():
        value, end, spelled = int(word[:12]), i + 1, False
        if nxt == "mil":
            value, end = value * 1000, end + 1
    else:
        parsed = _parse_number_words(norms, i)
        if parsed is None:
            return None
        value, end = parsed
        spelled = True
    return _apply_multiplier(norms, i, value, end, spelled)


def _apply_multiplier(
    norms: tuple[str, ...], i: int, value: int, end: int, spelled: bool
) -> tuple[int, int, bool, bool, bool]:
    """Handle "docena(s)", "decena(s)" and "par(es)" right after a number."""
    one = spelled and end == i + 1 and norms[i] in ARTICLE_ONE
    nxt = norms[end] if end < len(norms) else ""
    if nxt in ("docena", "docenas", "decena", "decenas"):
        value *= 12 if nxt.startswith("doc") else 10
        end += 1
        if norms[end : end + 2] == ("y", "media") and nxt.startswith("doc"):
            value, end = value + 6, end + 2
        return value, end, True, False, spelled
    if nxt in ("par", "pares"):
        # "un par de botas": one pair of what is sold by the pair; "un par de cascos": two.
        paired = norms[end + 1 : end + 2] == ("de",) and end + 2 < len(norms)
        paired = paired and norms[end + 2] in PAIRED_GOODS
        return (2 if one and not paired else value), end + 1, True, False, spelled
    return value, end, False, one, spelled


def _is_numeric(norms: tuple[str, ...], i: int) -> bool:
    return 0 <= i < len(norms) and (norms[i].isdigit() or norms[i] in NUMBER_WORDS - {"y"})


def is_product_word(norm: str) -> bool:
    return (
        norm.isalpha()
        and norm not in STOPWORDS
        and norm not in NUMBER_WORDS
        and norm not in ORDINAL_WORDS
        and norm not in QUANTITY_UNITS
        and norm not in REMOVE_VERBS
    )


def _classify(norms: tuple[str, ...], start: int, end: int, value: int, one: bool) -> str:
    """Decide what a number means from its neighbours."""
    prev = norms[start - 1] if start > 0 else ""
    prev2 = norms[start - 2] if start > 1 else ""
    nxt = norms[end] if end < len(norms) else ""
    spans_mil = "mil" in norms[start:end]
    if value < 0:
        priced = prev == "$" or nxt in PRICE_WORDS or _THOUSANDS_RE.fullmatch(norms[start])
        return "price" if priced else "spec"
    if value == 0 or (value > MAX_QUANTITY and not spans_mil):
        return "ignore"
    if prev == "$" or nxt in PRICE_WORDS or (spans_mil and norms[start] != "mil"):
        return "price"
    if one and (nxt in IDIOM_AFTER_ONE or prev == "de"):
        return "ignore"
    if nxt == "gracias":
        return "ignore"
    next2 = norms[end + 1] if end + 1 < len(norms) else ""
    if nxt in TIME_WORDS or (prev == "las" and prev2 in TIME_LEAD):
        return "time"
    if nxt == "a" and (next2.isdigit() or next2 == "las"):
        return "time"
    if prev in ("a", "y") and _is_numeric(norms, start - 2):
        return "time" if prev == "a" else "spec"
    if not one and value <= MAX_ORDINAL and _is_ordinal_context(prev, prev2):
        return "ordinal"
    if _is_spec_context(norms, start, prev, prev2, nxt):
        return "spec"
    return "one" if one else "weak"


def _is_ordinal_context(prev: str, prev2: str) -> bool:
    return prev in ("el", "la", "opcion") or (prev == "numero" and prev2 in ("el", "la", "opcion"))


# "el precio de 10 overoles", "cotización de 20 cascos": an amount follows.
PRICE_OF = frozenset({"precio", "precios", "valor", "costo", "cotizacion", "total"})
# Verbs that put a number after "en" as the amount: "déjalo en 1", "quédese en 3".
SETS_AMOUNT_RE = re.compile(r"(dej|pon|baj|sub|cambi|qued|aument|reduc|rebaj)\w*$")


def _is_spec_context(norms: tuple[str, ...], start: int, prev: str, prev2: str, nxt: str) -> bool:
    """Sizes, models, measures: "de 20 libras", "talla 42", "referencia 3m 6200"."""
    if prev == "de" and prev2 in PRICE_OF and nxt not in MEASURE_UNITS:
        return False  # "precio de 10 overoles": ten of them
    if prev in SPEC_KEYWORDS or prev in ("de", "del", "el", "la", "lo", "al"):
        return True
    mixed_prev = any(c.isdigit() for c in prev) and any(c.isalpha() for c in prev)
    if mixed_prev or (prev2 in SPEC_KEYWORDS and any(c.isdigit() for c in prev)):
        return True
    if nxt in MEASURE_UNITS or (nxt == "x" and _is_numeric(norms, start + 2)):
        return True
    if prev == "x" and _is_numeric(norms, start - 2):
        return True
    if prev in STOCK_PLACES and prev2 == "en":  # "¿tienen en bodega 10 arneses?"
        return False
    if prev == "en" and nxt not in QUANTITY_UNITS and not SETS_AMOUNT_RE.match(prev2):
        return True  # "¿y en 43?": the size, not 43 boots ("déjalo en 1" is an amount)
    return is_product_word(prev) and nxt not in QUANTITY_UNITS


def find_numbers(norms: tuple[str, ...]) -> list[Number]:
    numbers: list[Number] = []
    i = 0
    while i < len(norms):
        read = _read_number(norms, i)
        if read is None:
            i += 1
            continue
        value, end, strong, one, spelled = read
        kind = _classify(norms, i, end, value, one)
        if strong and kind in ("weak", "spec") and norms[i - 1 : i] != ("de",):
            kind = "quantity"
        elif kind == "weak" and end < len(norms) and norms[end] in QUANTITY_UNITS:
            kind = "quantity"
        numbers.append(Number(i, end, value, kind, spelled))
        i = end
    return _phones_ignored(norms, numbers)


def _phones_ignored(norms: tuple[str, ...], numbers: list[Number]) -> list[Number]:
    """Digit groups that together are a phone number ("300 123 4567", "+57 312 456 7890",
    "604 444 5566") are no amount: each of them is ignored."""
    out = list(numbers)
    i = 0
    while i < len(out):
        j = i
        while (
            j + 1 < len(out)
            and out[j + 1].start == out[j].end
            and norms[out[j + 1].start].isdigit()
        ):
            j += 1
        run = out[i : j + 1]
        digits = "".join(norms[n.start] for n in run)
        if len(run) > 1 and all(norms[n.start].isdigit() for n in run) and _is_phone(digits):
            out[i : j + 1] = [n._replace(kind="ignore") for n in run]
        i = j + 1
    return out


def _is_phone(digits: str) -> bool:
    """A Colombian mobile (3…) or landline (60…) number, with or without the country code."""
    if len(digits) == 12 and digits.startswith("57"):
        digits = digits[2:]
    return len(digits) == 10 and digits.startswith(("3", "60"))


_COMMA_AMOUNT_RE = re.compile(r",\s*\d{1,5}\s*(unidades|unidad|und|uds|u)?\s*[.!¡]*\s*$", re.I)


def comma_amount(raw: str, numbers: list[Number], count: int) -> list[Number]:
    """ "me llevo ese de alturas, 3", "dame el blanco, 2": a number the message ends with,
    after a comma, is the amount (not the product's "alturas 3")."""
    if not numbers or not _COMMA_AMOUNT_RE.search(raw):
        return numbers
    last = numbers[-1]
    ends = last.end == count or (last.end == count - 1)
    if not ends or last.words or last.kind in ("quantity", "ignore", "price", "time"):
        return numbers
    return [*numbers[:-1], last._replace(kind="quantity")]


def pick_quantity(numbers: list[Number], buying: bool) -> Number | None:
    for kinds in (("quantity",), ("weak",), ("one",) if buying else ()):
        for number in numbers:
            if number.kind in kinds:
                return number
    return None


def only_number(text: Text, numbers: list[Number]) -> bool:
    """The message is just a number phrase ("una", "solo dos", "10 porfa")."""
    covered = {i for n in numbers for i in range(n.start, n.end)}
    rest = [t.norm for i, t in enumerate(text.toks) if i not in covered]
    return bool(numbers) and all(w in ANSWER_FILLER or w in QUANTITY_UNITS for w in rest)


def parse_quantity(text: str, *, buying: bool = True) -> int | None:
    """Units asked for in the customer's words; sizes, prices and times never count.

    ``buying`` (default: the text answers "¿cuántas?") lets "un/una/uno" mean 1.
    """
    prepared = prepare(text)
    picked = pick_quantity(find_numbers(prepared.norms), buying)
    return picked.value if picked else None
