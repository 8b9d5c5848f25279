"""The delivery of the order being checked out: chosen, or following from the address."""

from __future__ import annotations

import re

from domain import texts
from domain.conversation.memory import Contact
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Turn
from domain.delivery import Choice, Method, Quote, describe
from domain.language.words import STOPWORDS
from domain.model import Order
from domain.money import format_cop
from rag.normalize import fold


def quote_for(front: Shopfront, turn: Turn, cart: Order) -> Quote:
    """The delivery chosen, or the one the address names (the shop's city by default)."""
    options = front.shop.delivery_options
    choice = turn.memory.delivery or options.default(said_where(turn))
    return options.quote(choice, cart.lines_total_minor)


def said_where(turn: Turn) -> str:
    """Where the customer said the order goes: their address and neighbourhood, and the
    municipality they chose for a home delivery."""
    contact = turn.memory.contact or Contact()
    chosen = turn.memory.delivery
    town = chosen.place if chosen is not None and chosen.method == Method.HOME else ""
    return f"{contact.value('address')} {contact.value('neighbourhood')} {town}"


def delivery_answer(
    front: Shopfront, turn: Turn, cart: Order | None, text: str, *, brief: bool = False
) -> str:
    """A delivery question answered with figures: "¿el total ya incluye el domicilio?" gets
    this order's fee and total; "¿hacen envíos a Bello?" the shop's delivery policy and what
    this order (or, with no cart, a delivery) would pay to Bello; a question about what it
    costs (or `brief`: "¿y a Bello?" after the policy), the figures alone. Without a cart
    and a served municipality, the policy."""
    named = front.shop.delivery_options.municipality_in(text)
    policy = texts.INFO_DELIVERY.format(delivery=front.shop.delivery_summary())
    if cart is not None and cart.lines and named:
        figures = to_town(front, turn, cart, named)
    elif cart is not None and cart.lines:
        figures = order_figures(front, turn, cart, quote_for(front, turn, cart))
    elif named:
        figures = town_fee(front, named)
    else:
        return policy
    if brief or asks_cost(text):
        return figures
    return policy + "\n\n" + figures


def town_meant(front: Shopfront, turn: Turn, text: str) -> tuple[str | None, str]:
    """The served municipality a delivery question is about, and the question as it is to be
    answered: the one it names (remembered for the next question), or — when it only asks
    what it costs ("¿cuánto cobra el domicilio?" after "¿me los manda a Bello?") — the one
    asked about before, added to the words."""
    town = front.shop.delivery_options.municipality_in(text)
    if town is not None:
        turn.memory.town_asked = town
    elif (
        turn.memory.town_asked
        and front.shop.delivery_options.zone_of(turn.memory.town_asked) is not None
        and asks_cost(text)
        and not names_a_place(text)
    ):
        town = turn.memory.town_asked
        text = f"{text} a {town}"
    return town, text


def town_fee(front: Shopfront, town: str) -> str:
    """ "¿y a Bello?" with nothing in the cart: "🚚 Domicilio a Bello: $15.000. Gratis en
    compras desde $300.000." """
    options = front.shop.delivery_options
    quote = options.quote(Choice(Method.HOME, town), 0)
    line = describe(quote, options)
    if quote.fee_minor and options.free_from_minor:  # a fee a big enough order does not pay
        free = format_cop(options.free_from_minor)
        return texts.DELIVERY_TO_TOWN_FREE_FROM.format(delivery=line, amount=free)
    return texts.DELIVERY_TO_TOWN.format(delivery=line)


def to_town(front: Shopfront, turn: Turn, cart: Order, town: str) -> str:
    """ "¿cuánto sale el envío a Envigado?": what this order would pay for a home delivery to
    `town` (a served municipality), and its total."""
    options = front.shop.delivery_options
    return order_figures(
        front, turn, cart, options.quote(Choice(Method.HOME, town), cart.lines_total_minor)
    )


def order_figures(front: Shopfront, turn: Turn, cart: Order, quote: Quote) -> str:
    """ "Para este pedido: Domicilio a …: $12.000. El total con envío queda en …"."""
    goods = turn.discounts.applied(cart).goods_minor  # free delivery went by the subtotal
    total = format_cop(goods + quote.fee_minor)
    options = front.shop.delivery_options
    delivery = describe(quote, options)
    if quote.on_arrival:  # the freight is paid to the carrier: the order's total is the goods
        return texts.DELIVERY_FOR_THIS_ORDER_ON_ARRIVAL.format(delivery=delivery, total=total)
    figures = texts.DELIVERY_FOR_THIS_ORDER.format(delivery=delivery, total=total)
    short = (options.free_from_minor or 0) - cart.lines_total_minor
    if quote.choice.method == Method.HOME and quote.fee_minor and short > 0:  # "¿cuánto me falta?"
        figures += " " + texts.FREE_DELIVERY_SHORT.format(amount=format_cop(short))
    return figures


# A question about what delivery costs, answered with the figures alone.
COST_WORDS = frozenset(
    "cuanto costo cuesta cuestan valor vale incluye incluido total precio cobran cobra "
    "gratis pago pagar".split()
)
_WORD_RE = re.compile(r"[a-z]+")


def asks_cost(text: str) -> bool:
    """ "¿cuánto sería el envío?", "¿el total incluye el domicilio?": about what it costs, not
    how long it takes ("¿cuánto se demora?")."""
    words = set(_WORD_RE.findall(fold(text)))
    return bool(words & COST_WORDS) and not words & TIME_WORDS


def names_a_place(text: str) -> bool:
    """ "…el envío a Rionegro?", "…llegar hasta Marinilla": a place is named (served or not),
    not "a mi casa", "a la obra"."""
    return _place_span(text) is not None


def _place_span(text: str) -> tuple[int, int] | None:
    """Where in `text` a delivery question names where to ("Rionegro" of "¿lo mandan a
    Rionegro?", "La Ceja" of "¿y a La Ceja cuánto vale el envío?"); None when it names
    none, or a common word ("a todo el país", "para la tarde")."""
    folded = fold(text)
    found = _PLACE_RE.search(folded)
    if found is None and _DELIVERY_RE.search(folded):
        found = _LEADING_PLACE_RE.match(folded, len(folded) - len(folded.lstrip(" ¿¡")))
    if found is None:
        return None
    last = found.group(1).split()[-1]
    if last in NOT_PLACES or last in STOPWORDS:
        return None
    return found.span(1)


def unserved_place(front: Shopfront, text: str) -> str | None:
    """ "¿lo mandan a Rionegro?": the place a delivery question names that no delivery zone
    serves, as the customer wrote it; None for a served one or none."""
    if front.shop.delivery_options.municipality_in(text) is not None:
        return None
    span = _place_span(text)
    if span is None:
        return None
    return _as_written(text, *span)


def _as_written(text: str, start: int, end: int) -> str:
    """The words of `fold(text)[start:end]` as the customer wrote them, capitalised as a
    place's name ("La Ceja", "Santa Fe de Antioquia")."""
    folded = fold(text)
    said = text[start:end] if len(folded) == len(text) else folded[start:end]
    return " ".join(
        word if i and fold(word) in _LOWER_IN_NAMES else word[:1].upper() + word[1:]
        for i, word in enumerate(said.split())
    )


def follow_up_place(front: Shopfront, turn: Turn, text: str) -> str | None:
    """ "¿y a Guarne?", "¿y para La Ceja?" right after a delivery question: the place it is
    about, as written; None when the message says more, or names no place."""
    if not turn.memory.town_asked:
        return None
    folded, marks = fold(text), " ¿?¡!.,"
    start = len(folded) - len(folded.lstrip(marks))
    found = _FOLLOW_UP_RE.fullmatch(folded, start, max(start, len(folded.rstrip(marks))))
    if found is None:
        return None
    words = found.group(1)
    if front.shop.delivery_options.municipality_in(words) is None and not _may_be_place(
        front, words
    ):
        return None
    return _as_written(text, *found.span(1))


def _may_be_place(front: Shopfront, words: str) -> bool:
    """Words after "¿y a …?" that may name a place no zone serves: not a common word, a day,
    a way to pay, a verb ("¿y para recoger?"), nor what the shop sells ("¿y para soldar?")."""
    content = [word for word in words.split() if word not in STOPWORDS]
    if not content or content[0] in _NOT_FOLLOWED_PLACES:
        return False
    if len(content) == 1 and INFINITIVE_RE.fullmatch(content[0]):
        return False
    return bool(front.catalog.unknown_words(words, misspelt=False))


def place_meant(front: Shopfront, turn: Turn, text: str) -> str | None:
    """The unserved place a delivery question is about: the one it names, or the one asked
    about just before when it asks what it costs or how long it takes ("¿y cuánto se demora
    en llegar allá?" after Rionegro); remembered for the next question."""
    place = unserved_place(front, text)
    asked = turn.memory.town_asked
    if place is None and asked and front.shop.delivery_options.zone_of(asked) is None:
        words = set(_WORD_RE.findall(fold(text)))
        if words & (COST_WORDS | TIME_WORDS | THERE) and not names_a_place(text):
            place = asked
    if place is not None:
        turn.memory.town_asked = place
    return place


def carrier_answer(front: Shopfront, place: str) -> str:
    """How a parcel gets to a place outside the zones, and how long the shop's own texts say
    it takes (or that none goes there)."""
    carrier = front.shop.delivery_options.carrier
    if carrier is None:
        return texts.NO_DELIVERY_TO.format(place=place)
    fee = (
        texts.CARRIER_FEE.format(fee=format_cop(carrier.fee_minor))
        if carrier.fee_minor is not None
        else ""
    )
    said = texts.CARRIER_TO.format(place=place, note=carrier.note, fee=fee)
    takes = carrier_time(front)
    return f"{said}\n⏱️ {takes}" if takes else said


def carrier_time(front: Shopfront) -> str | None:
    """The sentence of the shop's texts on how long the carrier takes ("Por transportadora a
    otros municipios, de 2 a 5 días hábiles según el destino.")."""
    answer = front.knowledge.answer(CARRIER_TIME_QUESTION)
    for passage in answer.passages if answer is not None else ():
        for sentence in re.split(r"(?<=[.!?])\s+", passage.text):
            words = set(_WORD_RE.findall(fold(sentence)))
            if CARRIER_WORDS & words and words & DURATION_WORDS:
                return sentence.strip()
    return None


CARRIER_TIME_QUESTION = "cuánto se demora el envío por transportadora a otros municipios"
CARRIER_WORDS = frozenset({"transportadora", "transportadoras", "mensajeria", "courier"})
DURATION_WORDS = frozenset({"dias", "dia", "horas", "semana", "semanas"})
THERE = frozenset({"alla", "alli", "aca"})


TIME_WORDS = frozenset("demora demoran tarda tardan tiempo dias horas cuando".split())
NOT_PLACES = frozenset(
    """mi la el casa domicilio oficina obra empresa todo toda todos todas otra otro otras otros
    ustedes usted nombre una uno cualquier cualquiera nivel tiempo tiempos domicilios donde
    fuera afuera mismo misma esa ese esta este nuestra nuestro su sus tu tarde manana noche
    semana proxima fecha hora entrega""".split()
)
# "¿y para el sábado?", "¿y a crédito?": not where to, after a delivery question.
NOT_FOLLOW_UP_PLACES = frozenset(
    """lunes martes miercoles jueves viernes sabado domingo hoy manana tarde noche semana
    credito contado cuotas efectivo tarjeta nequi daviplata transferencia factura
    domicilio envio recoger contraentrega""".split()
)
INFINITIVE_RE = re.compile(r"[a-z]{3,}(ar|er|ir)")
_NOT_FOLLOWED_PLACES = NOT_PLACES | NOT_FOLLOW_UP_PLACES
_LOWER_IN_NAMES = STOPWORDS - {"la", "el", "los", "las"}  # "Santa Fe de Antioquia"
_DELIVERY_WORDS = (
    r"\b(?:envio|envios|domicilio|domicilios|flete|mandar|mandan|enviar|envian|llevar|llevan"
    r"|llegar|llega|despachar|despachan)\b"
)
_ARTICLE = r"(?:(?:la|el|los|las) )?"  # "a La Ceja", "hasta El Retiro"
_PLACE_RE = re.compile(_DELIVERY_WORDS + r".*?\b(?:a|hasta|para) (" + _ARTICLE + r"[a-z]+)")
_DELIVERY_RE = re.compile(_DELIVERY_WORDS)
# "y a Rionegro, ¿cuánto vale el flete?": the place first, the delivery word after.
_LEADING_PLACE_RE = re.compile(r"(?:y )?(?:a|hasta|para) (" + _ARTICLE + r"[a-z]+)")
# "¿y a Guarne?", "¿y para La Ceja?" after a delivery question: only the place.
_FOLLOW_UP_RE = re.compile(r"(?:y )?(?:a|hasta|para) ([a-z]+(?: [a-z]+){0,3})")
