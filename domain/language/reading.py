"""The intent decision and `understand`, plus the conversation's small readings."""

from __future__ import annotations

import re
from typing import TypedDict

from domain.language.answers import read_answer
from domain.language.features import Features, build_query, phrase_indices, read_features
from domain.language.guards import INJECTION_RE, injected
from domain.language.meaning import Intent, Understanding
from domain.language.number_words import QUANTITY_UNITS
from domain.language.numbers import (
    Number,
    comma_amount,
    find_numbers,
    only_number,
    pick_quantity,
)
from domain.language.patterns import (
    BUY_RE,
    CHANGE_DATA_RE,
    COUNT_WORDS_RE,
    DONE_RE,
    EACH_RE,
    ITEM_SEPARATOR_RE,
    MORE_RE,
    PRICE_OR_STOCK_RE,
    SET_RE,
)
from domain.language.text import Text, analysed_part, matched_indices, prepare
from domain.language.words import ADDITIVE_AFTER, ADDITIVE_ALSO, ADDITIVE_BEFORE
from rag.normalize import fold


def understand(text: str) -> Understanding:
    """Read one customer message in one pass; never raises on any string.

    The text is prepared once; besides the intent it carries what the conversation
    used to ask for separately (is_done, wants_change, states_number, injection,
    items, is_yes, is_no), each equal to the function of the same name. Only the
    analysed part (MAX_ANALYSED_CHARS) is read; the injection check reads the whole text.
    """
    raw = text if isinstance(text, str) else ""
    analysed = _LONG_SEARCH_RE.sub("busco", analysed_part(raw))
    prepared = prepare(analysed)
    return _read(prepared, injection=injected(raw, prepared), items=_items(analysed))


# "llevo rato buscando cascos": a search, not "llevo" (I take) a "rato".
_LONG_SEARCH_RE = re.compile(
    r"\bllev(?:o|amos) (?:(?:un|una|muy|buen|mucho|harto|rato|tiempo|largo|media|como|m[aá]s|"
    r"de|\d+|dos|tres|varios|varias|d[ií]as|d[ií]a|horas|hora|semanas|semana|meses|mes|"
    r"minutos|todo|toda|la|el|ma[ñn]ana|tarde) )+buscando\b",
    re.IGNORECASE,
)
# Between an amount and its unit: "1 solo par", "una sola caja", "2 no más".
ALONE = frozenset({"solo", "sola", "solos", "solas", "solito", "solita"})


def _read(prepared: Text, *, injection: bool = False, items: tuple[str, ...] = ()) -> Understanding:
    """Everything but the injection check and the item split, which need the whole text."""
    answer = read_answer(prepared)
    cues = _Cues(
        is_done=_is_done(prepared),
        wants_change=_wants_change(prepared),
        states_number=_states_number(prepared),
        injection=injection,
        items=items,
        is_yes=answer.yes,
        is_no=answer.no,
        wants_more=bool(MORE_RE.match(prepared.norm_text.strip())),
    )
    if not prepared.toks or INJECTION_RE.search(prepared.norm_text):
        return Understanding(Intent.OTHER, None, "", (), answer.question, False, None, None, **cues)
    numbers = comma_amount(prepared.raw, find_numbers(prepared.norms), len(prepared.norms))
    each = matched_indices(EACH_RE, prepared)  # "de cada uno": no amount of one, no product
    blocked = phrase_indices(prepared) | each
    numbers = [n for n in numbers if not set(range(n.start, n.end)) & blocked]
    features, removed = read_features(prepared, numbers, answer)
    removed |= each
    intent = _decide(features)
    if features.remove and numbers and intent in (Intent.OTHER, Intent.BUY) and not features.buy:
        intent = Intent.REMOVE  # "quítame uno", "quita 3": of what was just talked about
    setting = bool(numbers) and intent in SETTABLE and bool(SET_RE.search(prepared.norm_text))
    if setting:
        intent = Intent.BUY  # "que sean 5": that many of the product talked about
        removed |= matched_indices(SET_RE, prepared)
    buying = intent in (Intent.BUY, Intent.REMOVE) or only_number(prepared, numbers)
    picked = pick_quantity(numbers, buying)
    if picked is not None and re.search(rf"(?:^|\s)-\s*{picked.value}\b", prepared.raw):
        picked = None  # "-3 conos" is no amount anyone can buy; ask instead
    if picked is not None:
        removed |= set(range(picked.start, picked.end))
        nxt = picked.end
        while nxt < len(prepared.toks) and prepared.norms[nxt] in ALONE:  # "1 solo par"
            nxt += 1
        if nxt < len(prepared.toks) and prepared.norms[nxt] in QUANTITY_UNITS:
            removed.add(nxt)
    if intent == Intent.OTHER and picked is not None and buying:
        intent = Intent.BUY
    query = build_query(prepared, numbers, removed)
    return Understanding(
        intent=intent,
        quantity=picked.value if picked else None,
        product_query=query,
        topics=features.topics,
        is_question=features.question,
        is_follow_up=_follow_up(features, intent, query, prepared),
        ordinal=features.ordinal,
        superlative=features.superlative,
        additive=picked is not None and _is_additive(prepared, picked, setting=setting),
        each=bool(each),
        **cues,
    )


# Intents a quantity-setting phrase turns into a purchase ("que sean 5" reads as nothing).
SETTABLE = frozenset({Intent.OTHER, Intent.PRODUCT_QUESTION})


class _Cues(TypedDict):
    is_done: bool
    wants_change: bool
    states_number: bool
    injection: bool
    items: tuple[str, ...]
    is_yes: bool
    is_no: bool
    wants_more: bool


def _is_additive(text: Text, picked: Number, *, setting: bool) -> bool:
    """ "quiero 3 más", "ponle 1 más", "agrégame otros 2", "agrégueme 2 cascos blancos
    más", "también quiero 5 chalecos" add to the cart's quantity ("también déjalos en 10",
    `setting` it, does not)."""
    after = text.norms[picked.end] if picked.end < len(text.norms) else ""
    before = text.norms[picked.start - 1] if picked.start > 0 else ""
    last = text.norms[-1] if picked.end < len(text.norms) else ""
    also = set() if setting else ADDITIVE_ALSO & set(text.norms[: picked.start])
    return (
        after in ADDITIVE_AFTER or before in ADDITIVE_BEFORE or last in ADDITIVE_AFTER or bool(also)
    )


def _decide(f: Features) -> Intent:
    """Fixed precedence: specific requests beat generic chat words."""
    if f.remove and f.has_query:
        return Intent.REMOVE
    if f.cancel:
        return Intent.CANCEL
    if f.checkout:
        return Intent.CHECKOUT
    if f.cart and not f.buy:
        return Intent.CART
    if f.my_orders and not (f.buy and f.leading_quantity):
        return Intent.MY_ORDERS
    if f.help_strong:
        return Intent.HELP
    if f.browse and not f.has_query:
        return Intent.BROWSE
    if f.buy:
        return Intent.BUY
    if f.topics:
        return Intent.SHOP_INFO
    if f.negated_buy or (f.no and not f.has_query and not f.question):
        return Intent.DENY
    if (f.leading_quantity or f.strong_quantity) and not f.question:
        return Intent.BUY
    if f.product_verb or f.ordinal or f.superlative or f.has_query:
        return Intent.PRODUCT_QUESTION
    if f.follow_up_marker and not (f.yes or f.no):
        return Intent.PRODUCT_QUESTION
    return _small_talk(f)


def _small_talk(f: Features) -> Intent:
    if f.help_weak:
        return Intent.HELP
    if f.no:
        return Intent.DENY
    if f.yes:
        return Intent.AFFIRM
    if f.goodbye:
        return Intent.GOODBYE  # "chao, gracias" too
    if f.thanks:
        return Intent.THANKS
    if f.greeting:
        return Intent.GREETING
    return Intent.OTHER


def _follow_up(f: Features, intent: Intent, query: str, text: Text) -> bool:
    """Refers back to what was just discussed."""
    if intent not in (Intent.PRODUCT_QUESTION, Intent.BUY, Intent.SHOP_INFO):
        return False
    if f.follow_up_marker:
        return True
    if not query and (f.ordinal is not None or f.superlative is not None):
        return True
    if intent == Intent.BUY and not query:
        return True
    return (
        intent == Intent.PRODUCT_QUESTION
        and not query
        and bool(PRICE_OR_STOCK_RE.search(text.norm_text))
    )


def states_a_number(text: str) -> bool:
    """The message says how many, in digits or words ("un par", "una docena", "3")."""
    return _states_number(prepare(text))


def split_items(text: str) -> list[str]:
    """Several products in one order ("2 cascos blancos y 3 chalecos naranja"), or [text].

    Split only when every piece names its own quantity, so "guantes de nitrilo y vaqueta"
    stays one request; only the analysed part (MAX_ANALYSED_CHARS) is split."""
    return list(_items(analysed_part(text))) or [text]


def is_done(text: str) -> bool:
    """ "listo" after "¿algo más?": the customer has everything."""
    return _is_done(prepare(text))


def wants_change(text: str) -> bool:
    """The customer wants to change delivery data ("cambiar dirección", "otro número")."""
    return _wants_change(prepare(text))


def _states_number(text: Text) -> bool:
    return bool(COUNT_WORDS_RE.search(text.norm_text))


def _is_done(text: Text) -> bool:
    return bool(DONE_RE.match(text.norm_text.strip()))


def _wants_change(text: Text) -> bool:
    return bool(CHANGE_DATA_RE.search(text.norm_text))


def _items(text: str) -> tuple[str, ...]:
    """The pieces of a several-item order, or () when it is one request.

    Each piece is read on its own (never split again); a piece repeated is read once.
    """
    shared = _for_each(text)
    if shared is not None:  # "dotación para 10 trabajadores: overol, botas y casco"
        return shared
    head, colon, tail = text.partition(":")
    if colon and not states_a_number(head):  # "para mi empresa: 10 cascos, 20 guantes…"
        listed = _items(tail)
        if listed:
            return listed
    pieces = [p.strip() for p in ITEM_SEPARATOR_RE.split(text) if p and p.strip()]
    if len(pieces) < 2:
        return ()
    if BUY_RE.search(fold(pieces[0])):  # "dame el arnés y la eslinga": one of each
        pieces = [_THE_ONE_RE.sub("1 ", piece) for piece in pieces]
    items = [piece for piece in dict.fromkeys(pieces) if _is_item(piece)]
    # "Buenas tardes, 10 cascos, 20 guantes…": pieces that name no product are left out.
    rest = [piece for piece in pieces if piece not in items]
    if len(items) < 2 or any(_read(prepare(piece)).product_query for piece in rest):
        return ()
    return tuple(items)


# "el arnés", "la eslinga" in an order: one of it (not "el de 10", "la más barata").
_THE_ONE_RE = re.compile(
    r"\b(?:el|la) (?!de\b|del\b|que\b|mas\b|mismo\b|misma\b|otro\b|otra\b|primer|segund|"
    r"tercer|ultim)",
    re.IGNORECASE,
)
# "para 10 trabajadores": one of each product for each of them.
_FOR_EACH_RE = re.compile(
    r"\b(?:para|de) (\d{1,4}) (?:trabajadores|personas|empleados|operarios|colaboradores|"
    r"obreros|tecnicos|técnicos|guardas|vigilantes|brigadistas)\b",
    re.IGNORECASE,
)
# What names the order as a whole, not a product of it.
_KIT_WORDS_RE = re.compile(
    r"\b(?:necesito|necesitamos|quiero|queremos|requiero|requerimos|cotizar|cotizacion|"
    r"cotización|la|una|el|dotaci[oó]n(?: completa)?|kit|para|mi|nuestra|empresa)\b",
    re.IGNORECASE,
)


def _for_each(text: str) -> tuple[str, ...] | None:
    """ "overol, botas y casco para 10 trabajadores": each product, none with an amount of
    its own, 10 times; None when the message is not such a list."""
    found = _FOR_EACH_RE.search(text)
    if found is None:
        return None
    count = found.group(1)
    rest = (text[: found.start()] + " " + text[found.end() :]).replace(":", ",")
    pieces = (p.strip(" .") for p in ITEM_SEPARATOR_RE.split(rest) if p)
    # Each piece as written, and what it names once the words about the order are gone.
    named = [(p, kept) for p in pieces if p and (kept := _KIT_WORDS_RE.sub("", p).strip())]
    # "botas talla 40": a size, not an amount of their own.
    amounts = (pick_quantity(find_numbers(prepare(p).norms), buying=True) for p, _ in named)
    if len(named) < 2 or any(amount is not None for amount in amounts):
        return None
    items = [f"{count} {kept}" for _, kept in named]
    if not all(_read(prepare(item)).product_query for item in items):
        return None
    return tuple(dict.fromkeys(items))


def _is_item(piece: str) -> bool:
    """The piece names a quantity and a product: "2 cascos blancos", "1 del tercero"."""
    prepared = prepare(piece)
    if pick_quantity(find_numbers(prepared.norms), buying=True) is None:
        return False
    read = _read(prepared)
    return bool(read.product_query) or read.ordinal is not None
