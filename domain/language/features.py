"""Every phrase rule evaluated once over a prepared text, and the product words left over."""

from __future__ import annotations

from dataclasses import dataclass

from domain.language.answers import Answer
from domain.language.meaning import CHEAPEST, LARGEST, MOST_EXPENSIVE, SMALLEST, InfoTopic
from domain.language.number_words import ORDINAL_WORDS, TIME_WORDS
from domain.language.numbers import PRICE_OF, Number, is_product_word, pick_quantity
from domain.language.patterns import (
    BROWSE_RE,
    BUY_RE,
    CANCEL_RE,
    CART_RE,
    CHEAPEST_RE,
    CHECKOUT_RE,
    EXPENSIVE_RE,
    FIXED_PHRASE_RE,
    FOLLOW_UP_RE,
    GOODBYE_RE,
    GREETING_RE,
    HELP_STRONG_RE,
    HELP_WEAK_RE,
    IN_STOCK_RE,
    LARGEST_RE,
    MY_ORDERS_RE,
    ORDINAL_SEQ_RE,
    PRICE_K_RE,
    PRODUCT_VERB_RE,
    REMOVE_RE,
    SMALLEST_RE,
    THANKS_RE,
    TOPIC_RES,
)
from domain.language.text import Text, matched_indices
from domain.language.words import INFO_WORDS, ORDINAL_CONTEXT, PRONOUNS, STOPWORDS


@dataclass(frozen=True)
class Features:
    cancel: bool
    remove: bool
    checkout: bool
    cart: bool
    my_orders: bool
    help_strong: bool
    help_weak: bool
    buy: bool
    negated_buy: bool
    product_verb: bool
    topics: tuple[InfoTopic, ...]
    question: bool
    follow_up_marker: bool
    has_query: bool
    leading_quantity: bool
    strong_quantity: bool
    ordinal: int | None
    superlative: str | None
    yes: bool
    no: bool
    thanks: bool
    greeting: bool
    goodbye: bool = False
    browse: bool = False


def _buy_state(text: Text, reserved: set[int]) -> tuple[bool, set[int], bool]:
    """(active buy verb, its token indices, a negated buy verb) — info requests excluded.

    Verbs inside ``reserved`` phrases ("qué llevo", "quiero pagar") do not count.
    """
    active, negated = False, False
    indices: set[int] = set()
    norms = text.norms
    for match in BUY_RE.finditer(text.norm_text):
        idx = text.token_span(match.start(), match.end())
        if set(idx) <= reserved:
            continue
        # The three words before the match: whole tokens, and the token's head when the match
        # starts inside one (the text before it is not split again for every match).
        inside = text.norm_text[text.starts[idx.start] : match.start()].split()
        before = [*norms[max(idx.start - 3, 0) : idx.start], *inside][-3:]
        after = norms[idx[-1] + 1 : idx[-1] + 4] if idx else ()
        indices.update(idx)
        if "no" in before and set(before[before.index("no") + 1 :]) <= PRONOUNS:
            negated = True
        elif not INFO_WORDS & set(after):
            active = True
    return active, indices, negated


def _ordinal(text: Text, numbers: list[Number]) -> tuple[int | None, set[int]]:
    norms = text.norms
    for i, word in enumerate(norms):
        if word not in ORDINAL_WORDS:
            continue
        prev = norms[i - 1] if i else ""
        nxt = " ".join(norms[i + 1 : i + 4])
        alone = len(norms) <= 2 and prev not in ("un", "una")
        if prev in ORDINAL_CONTEXT or ORDINAL_SEQ_RE.match(nxt) or alone:
            used = {i} | ({i + 1} if nxt.startswith("opcion") else set())
            return ORDINAL_WORDS[word], used
    for number in numbers:
        if number.kind == "ordinal":
            return number.value, set(range(number.start, number.end))
    return None, set()


def _superlative(text: Text) -> tuple[str | None, set[int]]:
    cheap = matched_indices(CHEAPEST_RE, text)
    if cheap:
        return CHEAPEST, cheap
    pricey = matched_indices(EXPENSIVE_RE, text)
    if pricey:
        return MOST_EXPENSIVE, pricey
    for kind, pattern in ((SMALLEST, SMALLEST_RE), (LARGEST, LARGEST_RE)):
        if said := matched_indices(pattern, text):
            return kind, said
    return None, set()


def _topics(text: Text) -> tuple[tuple[InfoTopic, ...], set[int]]:
    found: list[InfoTopic] = []
    used: set[int] = set()
    spans: dict[InfoTopic, set[int]] = {}
    for topic, pattern in TOPIC_RES:
        indices = matched_indices(pattern, text)
        if indices:
            found.append(topic)
            spans[topic] = indices
            used |= indices
    hours, delivery = spans.get(InfoTopic.HOURS), spans.get(InfoTopic.DELIVERY)
    if hours and delivery and hours <= delivery:  # "¿a qué hora llega?": the delivery's time
        found.remove(InfoTopic.HOURS)
    return tuple(found), used


def build_query(text: Text, numbers: list[Number], removed: set[int]) -> str:
    """Product words, sizes and units left after removing intent and filler words."""
    spelled_specs = {n.start: n for n in numbers if n.kind == "spec" and n.words}
    skip = set(removed)
    for number in numbers:
        if number.kind != "spec" or number.start in spelled_specs:
            skip |= set(range(number.start, number.end))
    words: list[str] = []
    for i, tok in enumerate(text.toks):
        if i in spelled_specs:
            words.append(str(spelled_specs[i].value))
        elif i in skip or tok.norm in STOPWORDS or tok.norm in ORDINAL_WORDS:
            continue
        elif tok.norm == "$" or PRICE_K_RE.fullmatch(tok.norm):
            continue
        else:
            words.append(tok.raw)
    return " ".join(words)[:200].strip()


def _leading(text: Text, number: Number | None) -> bool:
    if number is None or number.kind not in ("quantity", "weak", "one"):
        return False
    before = text.norms[: number.start]
    if PRICE_OF.intersection(before):  # "precio de 10 overoles": asked, not ordered
        return False
    return all(not is_product_word(w) for w in before)


def read_features(text: Text, numbers: list[Number], answer: Answer) -> tuple[Features, set[int]]:
    """Every phrase rule evaluated once, plus token indices to drop from the query."""
    nt = text.norm_text
    reserved: set[int] = set()
    for pattern in (CANCEL_RE, REMOVE_RE, CHECKOUT_RE, CART_RE, MY_ORDERS_RE, HELP_STRONG_RE):
        reserved |= matched_indices(pattern, text)
    buy, buy_idx, negated = _buy_state(text, reserved)
    ordinal, ordinal_idx = _ordinal(text, numbers)
    superlative, super_idx = _superlative(text)
    topics, topic_idx = _topics(text)
    courtesy = matched_indices(THANKS_RE, text) | matched_indices(GOODBYE_RE, text)
    browse_idx = matched_indices(BROWSE_RE, text) | matched_indices(IN_STOCK_RE, text)
    removed = reserved | buy_idx | ordinal_idx | super_idx | topic_idx | courtesy | browse_idx
    for number in numbers:
        if number.kind in ("price", "time", "ignore", "ordinal"):
            removed |= set(range(number.start, number.end))
        if number.kind == "time" and number.end < len(text.toks):
            removed |= {number.end} if text.norms[number.end] in TIME_WORDS else set()
    has_query = bool(build_query(text, numbers, removed | _weak_indices(numbers)))
    first = pick_quantity(numbers, buying=False)
    features = Features(
        cancel=bool(CANCEL_RE.search(nt)),
        remove=bool(REMOVE_RE.search(nt)),
        checkout=bool(CHECKOUT_RE.search(nt)),
        cart=bool(CART_RE.search(nt)),
        my_orders=bool(MY_ORDERS_RE.search(nt)),
        help_strong=bool(HELP_STRONG_RE.search(nt)),
        help_weak=bool(HELP_WEAK_RE.search(nt)),
        buy=buy,
        negated_buy=negated,
        product_verb=bool(PRODUCT_VERB_RE.search(nt)),
        topics=topics,
        question=answer.question,
        follow_up_marker=_follow_up_marker(text),
        has_query=has_query,
        leading_quantity=_leading(text, first),
        strong_quantity=first is not None and first.kind == "quantity",
        ordinal=ordinal,
        superlative=superlative,
        yes=answer.yes,
        no=answer.no,
        thanks=bool(THANKS_RE.search(nt)),
        greeting=bool(GREETING_RE.search(nt)),
        goodbye=bool(GOODBYE_RE.search(nt)),
        browse=bool(browse_idx),
    )
    return features, removed


def phrase_indices(text: Text) -> set[int]:
    """Tokens of fixed phrases whose number words are not amounts ("hacer un pedido")."""
    return matched_indices(FIXED_PHRASE_RE, text)


def _weak_indices(numbers: list[Number]) -> set[int]:
    picked = pick_quantity(numbers, buying=True)
    return set(range(picked.start, picked.end)) if picked else set()


def _follow_up_marker(text: Text) -> bool:
    if FOLLOW_UP_RE.search(text.norm_text):
        return True
    norms = text.norms
    return len(norms) <= 5 and norms[0] in ("en", "de", "con", "sin")
