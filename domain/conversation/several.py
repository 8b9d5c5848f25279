"""A message with several questions (and orders) gets each answered, in one reply:
"¿tienen cascos? ¿hacen factura? ¿y descuento por cantidad?", and a list of kinds of product,
"casco, guantes y botas"."""

from __future__ import annotations

import re

from domain import texts
from domain.conversation import asides, cards, cart, paying
from domain.conversation.delivering import (
    COST_WORDS,
    carrier_answer,
    delivery_answer,
    place_meant,
    town_meant,
)
from domain.conversation.finding import remember
from domain.conversation.rendering import nothing_found
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Turn
from domain.language import InfoTopic, Intent, Understanding, understand
from domain.language.patterns import CART_VERB_RE, COMPARE_RE, SUPPOSED_BUY_RE
from domain.ports import UnitOfWork
from rag.normalize import fold

# Where one question ends: ?, ¡, a line break, a sentence's full stop, a semicolon, a comma
# before another question ("…botas talla 41, ¿tienen factura?").
QUESTION_END_RE = re.compile(
    r"[?!\n;]+|¿|(?<=[a-záéíóúñ\d)])\.\s+|,\s*(?=(?:y )?(?:tienen|hacen|manejan|venden|"
    r"cu[aá]nto|cu[aá]nta|c[oó]mo|d[oó]nde|cu[aá]ndo|aceptan|reciben|hay|me pueden|se puede|"
    r"puedo|dan|dar[ií]an|expiden|env[ií]an|mandan)\b)",
    re.IGNORECASE,
)
CHATTER = frozenset({Intent.GREETING, Intent.THANKS, Intent.GOODBYE, Intent.AFFIRM, Intent.DENY})
LISTED = 3  # products shown for each question of several
# Where one kind of product of a list ends: a comma, "y", "e", "o".
KIND_END_RE = re.compile(r",|\s(?:y|e|o)\s")
MAX_KINDS = 6
KIND_WORDS = 3  # content words of one kind at most ("guantes de nitrilo")


def pieces_of(text: str) -> list[str]:
    """The message cut where its questions end (pieces of three characters or more); a
    purchase supposed ("si llevo 20 cascos") stays with the question right after it, of which
    it is the condition ("…, ¿hay descuento?"): that is one question, not an order and a
    question."""
    pieces: list[str] = []
    for piece in (piece.strip(" ,.:") for piece in QUESTION_END_RE.split(text)):
        if len(piece) <= 2:
            continue
        supposed = pieces and SUPPOSED_BUY_RE.search(fold(pieces[-1])) and not _asks(pieces[-1])
        if supposed and _asks(piece):
            pieces[-1] = f"{pieces[-1]}, {piece}"
        else:
            pieces.append(piece)
    return pieces


def _asks(piece: str) -> bool:
    """A piece that asks something of its own (a topic: "¿hay descuento?")."""
    return bool(understand(piece).topics)


def questions_in(pieces: list[str]) -> list[tuple[str, Understanding]]:
    """The questions among a message's pieces that ask for something (not "hola", not
    "gracias")."""
    read = [(piece, understand(piece)) for piece in pieces]
    return [
        (piece, meaning)
        for piece, meaning in read
        if meaning.intent not in CHATTER
        and (meaning.product_query or meaning.topics)
        and not _cost_only(meaning)
    ]


def _cost_only(meaning: Understanding) -> bool:
    """ "¿cuánto cobran?" after "¿lo mandan a Rionegro?": what the other question costs, not a
    question of its own (nor a product called «cobran»); a piece that asks nothing ("hola")
    counts as none too."""
    return not meaning.topics and set(meaning.product_query.split()) <= COST_WORDS


async def answer_each(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> bool:
    """Answer every question of a message that has two or more; False (nothing said) for a
    message with one."""
    # "¿cuánto valen?" after "necesito guantes de vaqueta y gafas claras" is about those
    pieces = [piece for piece in pieces_of(text) if not _cost_only(understand(piece))]
    if len(pieces) < 2:  # one question at most, unless it lists kinds: "casco, guantes y botas"
        pieces = await _kinds_listed(front, uow, pieces[0] if pieces else text)
    if len(pieces) < 2:
        return False
    questions = questions_in(pieces)
    if len(questions) < 2:
        return False
    shown: list[int] = []  # every product listed: "¿los 2 son certificados?" means them all
    for piece, meaning in questions:
        before = turn.memory.shown
        await answer_one(front, uow, turn, piece, meaning)
        if turn.memory.shown != before:
            shown += [i for i in turn.memory.shown if i not in shown]
    if len(shown) > len(turn.memory.shown):
        turn.memory.shown = shown
    return True


async def _kinds_listed(front: Shopfront, uow: UnitOfWork, text: str) -> list[str]:
    """The kinds of product a message lists ("casco, guantes y botas", "necesito extintores y
    gabinetes"), as product words, each naming products of its own; [] otherwise: "guantes
    de nitrilo y vaqueta" is one request ("vaqueta" names no product by itself)."""
    folded = fold(text)
    parts = KIND_END_RE.split(folded)
    if not 2 <= len(parts) <= MAX_KINDS or CART_VERB_RE.search(folded):
        return []  # "dame el arnés y la eslinga": both to the cart, not two lists
    if COMPARE_RE.search(folded):
        return []  # "diferencia entre el casco blanco y el de alturas": one comparison
    kinds = []
    for part in parts:
        meaning = understand(part)  # "necesito casco": the kind, not an order without amount
        query = meaning.product_query
        if meaning.quantity is not None or not query or len(query.split()) > KIND_WORDS:
            return []
        if front.catalog.category_for(query) is None:
            found = [i for i, _ in (await front.catalog.scored_ids(query, k=LISTED))]
            if not any(
                front.catalog.names_kind(query, p) for p in await uow.products.list_by_ids(found)
            ):
                return []
        kinds.append(query)
    return kinds


async def answer_one(
    front: Shopfront, uow: UnitOfWork, turn: Turn, piece: str, meaning: Understanding
) -> None:
    town, asked, place = None, piece, None
    if InfoTopic.DELIVERY in meaning.topics:  # a town named, or asked what it costs after one
        town, asked = town_meant(front, turn, piece)
        place = None if town is not None else place_meant(front, turn, piece)
    if meaning.intent == Intent.BUY:
        if not await cart.asks_before_buying(front, uow, turn, meaning, piece):
            await cart.buy_each(front, uow, turn, meaning)
    elif kinds := paying.named(front, turn.step, meaning, piece):  # "pago por daviplata"
        paying.note_choice(front, turn, kinds, asked=paying.only_asks(meaning, piece), text=piece)
        others = [topic for topic in meaning.topics if topic != InfoTopic.PAYMENT]
        if others:
            turn.say(asides.topics_answer(front, others))
    elif town is not None or place is not None:
        if town is not None:  # "¿cuánto demora el envío a Itagüí?": the fee there, the total
            cart_now = await uow.orders.get_cart(turn.chat.chat_id)
            turn.say(delivery_answer(front, turn, cart_now, asked))
        elif place is not None:  # "¿lo mandan a Rionegro?": by the carrier
            turn.say(carrier_answer(front, place))
        besides: list[InfoTopic] = [t for t in meaning.topics if t != InfoTopic.DELIVERY]
        if besides:
            turn.say(asides.topics_answer(front, besides, turn.parts))
    elif meaning.intent == Intent.SHOP_INFO and meaning.topics:  # as when asked alone
        turn.say(asides.topics_answer(front, meaning.topics, turn.parts))
    elif said := asides.shop_answer(front, piece, meaning.product_query):
        turn.say(said)
    elif meaning.intent == Intent.SHOP_INFO or meaning.topics:
        turn.say(asides.topics_answer(front, meaning.topics, turn.parts))
    elif await cart.price_items(front, uow, turn, meaning, piece):  # "precio de 10 overoles y 10…"
        pass
    else:
        products = (await front.finder.find(uow, turn.memory, meaning))[:LISTED]
        query = meaning.product_query[:60]
        if not products:
            turn.say(nothing_found(query, ()))
            return
        remember(turn.memory, products, meaning)
        turn.say(texts.ABOUT.format(query=query) + "\n" + cards.listing(products))
