"""Browsing and the cart steps: what the customer's intent asks for, answered."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from domain import texts
from domain.catalog import coverage, word_coverage
from domain.conversation import (
    aftercare,
    asides,
    billing,
    cards,
    cart,
    checkout,
    details,
    privacy,
    several,
    shelves,
)
from domain.conversation.delivering import (
    asks_cost,
    carrier_answer,
    delivery_answer,
    follow_up_place,
    names_a_place,
    order_figures,
    place_meant,
    quote_for,
    town_meant,
)
from domain.conversation.finding import (
    LIST_SIZE,
    described_only,
    in_size_range,
    kind_described_only,
    missing_measure,
    remember,
)
from domain.conversation.memory import Offer
from domain.conversation.rendering import (
    name_part,
    nothing_found,
    product_detail,
    product_list,
    stock_list,
)
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import SHOPPING_STEPS, Action, Button, Step, Turn
from domain.language import InfoTopic, Intent, Understanding, understand
from domain.language.patterns import (
    COMPARE_RE,
    COMPARED_SPLIT_RE,
    COMPLAINT_RE,
    HOW_MANY_RE,
    INTRO_RE,
    ONE_MORE_RE,
    ORDER_CHANGE_RE,
    PAID_RE,
    REPEAT_RE,
    REQUEST_RE,
    RETURN_RE,
)
from domain.language.words import ATTRIBUTE_WORDS
from domain.model import InvoiceData, Product
from domain.money import format_cop
from domain.ports import UnitOfWork
from rag.normalize import fold

COMPARED_AT_MOST = 3  # products "¿cuál es la diferencia?" compares of a list


async def on_browsing(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> None:
    request = _after_introduction(text)
    if request is not None:  # "soy de una constructora y necesito 5 cascos": the request
        text, meaning = request, understand(request)
    company = billing.company_named(front, text)
    if company is not None:  # "a nombre de Constructora ABC SAS": who the factura is for
        billing.note_company(turn, company[0])
        text = company[1]
        meaning = understand(text)
        if not meaning.product_query:
            return
    alternatives, turn.memory.alternatives = turn.memory.alternatives, ""
    quoted, turn.memory.quoted = turn.memory.quoted, []
    yes = meaning.intent == Intent.AFFIRM and not meaning.is_question
    if meaning.wants_more and turn.memory.more:
        await shelves.on_button(front, uow, turn, turn.memory.more)
    elif meaning.wants_more and turn.memory.listed and not meaning.product_query:
        turn.say(texts.NOTHING_MORE)
    elif alternatives and yes:  # "¿Te muestro otras opciones?" — "sí"
        await show_alternatives(front, uow, turn, alternatives)
    elif alternatives and _asks_restock(front, meaning, text):  # "¿cuándo les llega?"
        contact = front.shop.contact
        ask = texts.RESTOCK_ASK_SHOP.format(contact=contact) if contact else ""
        name = await _sold_out_name(front, uow, alternatives)
        turn.say(texts.RESTOCK_UNKNOWN.format(name=name, ask=ask))
        turn.memory.alternatives = alternatives  # "sí" still shows the others
    elif alternatives and meaning.quantity and not meaning.product_query:  # "3" after it
        name = await _sold_out_name(front, uow, alternatives)
        turn.say(texts.SOLD_OUT_AMOUNT.format(name=name))  # not 3 of the product before it
        turn.memory.alternatives = alternatives
    elif quoted and (yes or _adds_them(meaning)):  # "¿Te los agrego al carrito?" — "sí"
        await cart.buy_items(front, uow, turn, quoted)
    elif await _consents_after_all(uow, turn, text):  # "bueno, sí autorizo" after declining
        await privacy.answer_consent(front, uow, turn, accepted=True)
        await checkout.begin(front, uow, turn)
    elif (place := follow_up_place(front, turn, text)) is not None:  # "¿y a Guarne?"
        await shop_question(
            front, uow, turn, [InfoTopic.DELIVERY], f"¿cuánto vale el envío a {place}?"
        )
    elif not (
        await _said_outright(front, uow, turn, meaning, text)
        or await _answers_a_question(uow, turn, meaning, text)
    ):
        if meaning.product_query or meaning.intent == Intent.BROWSE:
            turn.memory.offer = None  # a new request: an earlier "¿Los llevas?" is left behind
        if not await several.answer_each(front, uow, turn, text):
            await _by_intent(front, uow, turn, meaning, text)
    if turn.step in SHOPPING_STEPS:
        await cart.drain_queue(front, uow, turn)
    if turn.memory.invoice is None and billing.wants(front, meaning, text):  # "con factura"
        turn.memory.invoice = InvoiceData()  # its data is asked at the end of the checkout
        turn.say(texts.INVOICE_NOTED_LATER)


async def _said_outright(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> bool:
    """Phrases that say what the message is, whatever else it names: an introduction, a
    complaint, a return, a person asked for, a payment made, a quote, the last order again.
    False (nothing said) for any other message."""
    folded = fold(text)
    if _introduces_only(text):  # "hola, soy de una empresa de construcción"
        turn.say(greeting(front, turn))
    elif COMPLAINT_RE.search(folded):  # "esto es un mal servicio"
        await asides.complain(uow, front, turn, text)
    elif RETURN_RE.search(folded):  # "quiero devolver unas botas", "si me quedan grandes…"
        await shop_question(front, uow, turn, (InfoTopic.WARRANTY,), text)
    elif (moved := _address_given(meaning, text)) and await aftercare.move_order(
        front, uow, turn, moved
    ):
        pass  # "quiero cambiar la dirección, es Cra 50 # 20-10" with an order confirmed
    elif ORDER_CHANGE_RE.search(folded) and await aftercare.change_asked(front, uow, turn):
        pass  # "¿lo puedo cambiar a 3 cascos?" with an order confirmed and no cart
    elif cart.SWAP_RE.search(folded) and await cart.swap(front, uow, turn, text):
        pass  # "cámbieme los chalecos naranja por los verdes"
    elif asides.asks_for_person(text):  # "quiero hablar con una persona"
        asides.ask_for_person(uow, front, turn, text)
    elif PAID_RE.search(folded) and await aftercare.told_paid(front, uow, turn, text):  # "ya pagué"
        pass
    elif await aftercare.how_to_pay(front, uow, turn, text):
        pass  # "¿cuánto le debo?", "¿a qué número le consigno?" with an order to pay
    elif await cart.quote_of_items(front, uow, turn, text):
        pass  # "cotízame 25 chalecos naranja": what 25 cost
    elif cart.asks_for_quote(front, meaning, text):  # "¿me envían la cotización en PDF?"
        await cart.quote(front, uow, turn, text)
    elif REPEAT_RE.search(folded):  # "quiero lo mismo de la vez pasada"
        await cart.repeat_last(uow, turn)
    else:
        return False
    return True


async def _answers_a_question(
    uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> bool:
    """An answer to what the bot just asked: the offer, a number from the list, how many."""
    memory = turn.memory
    intent = meaning.intent
    if memory.offer and intent in (Intent.AFFIRM, Intent.DENY) and not meaning.is_question:
        await cart.answer_offer(uow, turn, accept=intent == Intent.AFFIRM)
        return True
    if memory.offer and _takes_the_offer(memory.offer, meaning, text):  # "deme las que haya"
        await cart.answer_offer(uow, turn, accept=True)
        return True
    choice = text.strip()
    waiting_quantity = memory.awaiting_quantity is not None
    if not waiting_quantity and choice.isdigit() and 0 < int(choice) <= len(memory.listed):
        product = await uow.products.get(memory.listed[int(choice) - 1])
        if product is not None:
            await cart.chosen(uow, turn, product)
            return True
    # Not "2 de cada uno", nor "quita 3" (units off the cart, not of the product shown).
    asked = intent not in (Intent.SHOP_INFO, Intent.MY_ORDERS, Intent.REMOVE) and not meaning.each
    if waiting_quantity and meaning.quantity and asked:  # not "2 de cada uno"
        product = await uow.products.get(memory.awaiting_quantity or 0)
        if product is not None and not meaning.product_query:
            await cart.add(uow, turn, product, meaning.quantity, additive=meaning.additive)
            return True
    return False


# "¿cuándo les llega?", "¿cuándo vuelven a tener?" right after a product sold out.
RESTOCK_RE = re.compile(
    r"\bcuando (les |te |le )?(llega|llegan|vuelve|vuelven|entra|entran|tienen|tendran|"
    r"hay|habra|traen|surten|consiguen)\b|\bvuelve(n)? a (llegar|entrar|tener)\b"
)


def _asks_restock(front: Shopfront, meaning: Understanding, text: str) -> bool:
    """ "¿cuándo les llega?" (of what just sold out), not "¿cuándo hay domicilio a Bello?" nor
    "¿cuándo tienen abierto?"."""
    folded = fold(text)
    found = RESTOCK_RE.search(folded)
    return (
        found is not None
        and _said_alone(folded, found)
        and set(meaning.topics) <= {InfoTopic.DELIVERY}
        and not DELIVERY_WORDS_RE.search(folded)
        and front.shop.delivery_options.municipality_in(text) is None
    )


DELIVERY_WORDS_RE = re.compile(r"\b(domicilio|domicilios|envio|envios|pedido|orden|paquete)\b")
# "deme las que haya", "las que tenga", "pues lo que quede": the units there are.
WHAT_THERE_IS_RE = re.compile(
    r"\b(las?|los?|lo) (que|q) (haya|hay|tenga|tengas|tengan|tiene|tienes|tienen|quede|"
    r"queden|queda|quedan)\b"
)


def _takes_the_offer(offer: Offer, meaning: Understanding, text: str) -> bool:
    """ "Solo tengo 5… ¿Los llevas?" answered "deme las que haya" or "dame las 5"."""
    if meaning.is_question:
        return False
    folded = fold(text)
    found = WHAT_THERE_IS_RE.search(folded)
    if found is None:
        return meaning.quantity == offer.quantity and not meaning.product_query
    return _said_alone(folded, found)  # not "mejor las que tengas en talla 42"


def _said_alone(folded: str, found: re.Match[str]) -> bool:
    """The phrase `found` comes with no product words around it."""
    return not understand(folded[: found.start()] + " " + folded[found.end() :]).product_query


async def _by_intent(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> None:
    in_cart = turn.step == Step.CART
    if in_cart and meaning.intent == Intent.PRODUCT_QUESTION and not meaning.is_question:
        more = ONE_MORE_RE.match(fold(text))  # "y un botiquín" beside the cart: one more thing
        if more is not None:
            one = 1 if more.group(3) in ("un", "una") else None
            meaning = replace(meaning, intent=Intent.BUY, quantity=meaning.quantity or one)
    intent = meaning.intent
    match intent:
        case Intent.GREETING:
            turn.say(greeting(front, turn))
        case Intent.BROWSE:
            await shelves.show_shelves(uow, turn)
        case Intent.GOODBYE:
            turn.say(texts.GOODBYE)
        case Intent.HELP:
            turn.say(texts.START.format(name="", shop=front.shop.name, example=front.example()))
        case Intent.THANKS:
            turn.say(texts.THANKS)
        case Intent.SHOP_INFO:
            await shop_question(front, uow, turn, meaning.topics, text)
        case Intent.MY_ORDERS:
            turn.say(await asides.my_orders(front, uow, turn.chat))
        case Intent.CART:
            if InfoTopic.DELIVERY in meaning.topics:  # "¿cuánto queda todo con domicilio?"
                await _with_delivery(front, uow, turn, text)
            await cart.show(uow, turn)
        case Intent.CHECKOUT:
            await checkout.begin(front, uow, turn)
        case Intent.CANCEL:
            turn.say(texts.NOTHING_TO_CANCEL)
        case Intent.DENY | Intent.AFFIRM if in_cart and (intent == Intent.DENY or meaning.is_done):
            await checkout.begin(front, uow, turn)
        case Intent.DENY:
            await _on_no(front, uow, turn)
        case Intent.AFFIRM:
            await _on_yes(uow, turn)
        case Intent.REMOVE:
            await cart.remove(uow, turn, meaning)
        case Intent.BUY:
            if not await cart.asks_before_buying(front, uow, turn, meaning, text):
                await cart.buy_each(front, uow, turn, meaning)
        case _:
            await product_question(front, uow, turn, meaning, text)


async def _with_delivery(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> None:
    """The delivery fee and the total with it, for the cart there is (to the municipality
    named, else the shop's city)."""
    cart_now = await uow.orders.get_cart(turn.chat.chat_id)
    if cart_now is not None and cart_now.lines:
        turn.say(delivery_answer(front, turn, cart_now, text, brief=True))


async def _sold_out_name(front: Shopfront, uow: UnitOfWork, alternatives: str) -> str:
    """The sold-out product "¿Te muestro otras opciones?" was asked about."""
    gone = await front.finder.unavailable(uow, alternatives, hidden=True)
    return gone.name if gone is not None else alternatives[:60]


def _address_given(meaning: Understanding, text: str) -> str | None:
    """The new address a message gives for the order ("quiero cambiar la dirección, es …",
    "la dirección es …"): not asked ("¿me confirmas que la dirección es…?"), not the shop's
    ("la dirección del local es…"), nor given with products asked for."""
    if meaning.is_question or meaning.intent == Intent.BUY or SHOPS_OWN_RE.search(fold(text)):
        return None
    fix = checkout.corrected_field(text)
    return fix[1] if fix is not None and fix[0] == "address" else None


# "la dirección del local", "la dirección de ustedes": the shop's, not the order's.
SHOPS_OWN_RE = re.compile(r"\bdireccion (del local|de la tienda|de ustedes|suya|de su)")


async def _consents_after_all(uow: UnitOfWork, turn: Turn, text: str) -> bool:
    """The data notice declined, the cart kept: "bueno, sí autorizo" takes it back."""
    if not turn.memory.consent_declined or turn.memory.offer is not None:
        return False
    if privacy.consent_in_words(text) is not True:
        return False
    return await uow.customers.consent_of(turn.chat.user_id) is None


async def shop_question(
    front: Shopfront,
    uow: UnitOfWork,
    turn: Turn,
    topics: Sequence[InfoTopic],
    text: str,
    *,
    brief: bool = False,
) -> None:
    """The profile's lines for the topics asked, and what the shop's documents add. A
    delivery question naming a served municipality ("¿cuánto sale el envío a Envigado?",
    "¿y a Bello?") gets its fee there, and with products in the cart this order's total
    (`brief`: those figures without the policy); "¿cuánto sería el envío?" with products in
    the cart, the policy and this order's fee and total. What it costs asked after a town
    ("¿cuánto cobra el domicilio?" after "¿me los manda a Bello?") is asked for that town."""
    delivery = InfoTopic.DELIVERY in topics
    town = None
    if delivery:
        town, text = town_meant(front, turn, text)
    cart_now = None
    if delivery and (town is not None or (asks_cost(text) and not names_a_place(text))):
        cart_now = await uow.orders.get_cart(turn.chat.chat_id)
    place = place_meant(front, turn, text) if delivery and town is None else None
    if town is not None or place is not None:
        if town is not None:
            turn.say(delivery_answer(front, turn, cart_now, text, brief=brief))
        elif place is not None:  # "¿lo mandan a Rionegro?": the carrier, how long it takes
            turn.say(carrier_answer(front, place))
        topics = [topic for topic in topics if topic != InfoTopic.DELIVERY]
        if topics:
            turn.say(asides.topics_answer(front, topics))
        if place is not None:
            return  # its time is said; the documents' metro times would not be its own
    else:
        turn.say(asides.topics_answer(front, topics))
        if cart_now is not None and cart_now.lines:  # the fees, and what this order pays
            turn.say(order_figures(front, turn, cart_now, quote_for(front, turn, cart_now)))
    if InfoTopic.DISCOUNT in topics:  # that answer is the shop's own text already
        await _cart_discount(uow, turn)  # "¿el total ya tiene el descuento?"
        return
    if more := asides.documents_answer(front, text):
        turn.say(more)


async def _cart_discount(uow: UnitOfWork, turn: Turn) -> None:
    """What the volume discount takes off the cart there is, and its total with it."""
    cart_now = await uow.orders.get_cart(turn.chat.chat_id)
    priced = turn.discounts.applied(cart_now) if cart_now is not None else None
    if priced is not None and priced.discount_minor:
        discount, total = format_cop(priced.discount_minor), format_cop(priced.goods_minor)
        turn.say(texts.CART_HAS_DISCOUNT.format(discount=discount, total=total))


async def show_alternatives(front: Shopfront, uow: UnitOfWork, turn: Turn, query: str) -> None:
    """What is in stock for what the customer asked, after its product was sold out."""
    meaning = understand(query)
    products = await front.finder.find(uow, turn.memory, meaning)
    hidden = None if products else await front.finder.unavailable(uow, query, hidden=True)
    if hidden is not None:  # nothing else says those words: its category, in stock
        shelf = await uow.products.shelf_page(hidden.category, limit=LIST_SIZE)
        products = [p for p in shelf if p.visible]
    if not products:
        turn.say(texts.NO_ALTERNATIVES)
        return
    remember(turn.memory, products, meaning)
    await cards.with_photos(uow, turn, products)
    turn.say(product_list(products) + "\n\n" + texts.PRODUCT_LIST_FOOTER)
    turn.buttons = cards.product_rows(products)


def _after_introduction(text: str) -> str | None:
    """The request after who writes ("soy de una constructora y necesito 5 cascos": "necesito
    5 cascos"); None when the message does not start by saying where they write from."""
    folded = fold(text)
    intro = INTRO_RE.search(folded)
    if intro is None or not folded[intro.end() :].lstrip().startswith("de "):
        return None
    if len(folded) != len(text):  # a place in one is not the same place in the other
        return None
    request = REQUEST_RE.search(folded, intro.end())
    if request is None or request.group() == "?":
        return None
    return text[request.start() :]


def _introduces_only(text: str) -> bool:
    folded = fold(text)
    return bool(INTRO_RE.search(folded)) and not REQUEST_RE.search(folded)


def _compared(text: str) -> int:
    """How many products a comparison names ("entre el de carnaza y el de vaqueta": 2, at
    most 3); 0 when the message compares nothing."""
    folded = fold(text)
    found = COMPARE_RE.search(folded)
    if found is None:
        return 0
    parts = COMPARED_SPLIT_RE.split(folded[found.end() :])
    named = [part for part in parts if part.strip(" ?¿!.")]
    return max(2, min(3, len(named)))


async def _compare_shown(uow: UnitOfWork, turn: Turn) -> None:
    """ "¿cuál es la diferencia?" after a list: those that say all that was asked ("los de 10
    libras"), else the first ones."""
    memory = turn.memory
    shown = [p for p in await uow.products.list_by_ids(memory.shown) if p.visible]
    asked = [p for p in shown if coverage(memory.last_query, p) == 1.0]
    cards.compare(turn, (asked if len(asked) > 1 else shown)[:COMPARED_AT_MOST])


# "el de alturas", "la de cuero": the noun said before is left out.
ELIDED_RE = re.compile(r"^(el|la|los|las) (de|del|para|con) ")


async def _each_compared(
    front: Shopfront, uow: UnitOfWork, text: str, found: list[Product]
) -> list[Product]:
    """The product each part of a comparison names ("entre el ABC y el CO2": the best ABC,
    the best CO2), from those found for the whole message first; each once."""
    folded = fold(text)
    asked = COMPARE_RE.search(folded)
    parts = COMPARED_SPLIT_RE.split(folded[asked.end() :]) if asked else []
    named: list[Product] = []
    for part in parts[:COMPARED_AT_MOST]:
        query = understand(part).product_query
        if not query:
            continue
        if named and ELIDED_RE.match(part.strip()):  # "y el de alturas": a helmet too
            query = f"{named[0].name.split()[0]} {query}"
        best = next((p for p in found if coverage(query, p) == 1.0), None)
        if best is None:
            hits = [i for i, _ in await front.catalog.scored_ids(query, k=1)]
            best = next(iter(await uow.products.list_by_ids(hits)), None)
        if best is not None and best.visible and best not in named:
            named.append(best)
    return named


def _for_purpose(text: str, query: str) -> bool:
    """ "¿qué me recomiendas para soldadura?": the words say what it is for, not what it is."""
    first = fold(query).split()[:1]
    return (
        bool(first)
        and re.search(rf"\bpara (el |la |los |las )?{re.escape(first[0])}\b", fold(text))
        is not None
    )


def greeting(front: Shopfront, turn: Turn) -> str:
    """The shop's own greeting when its profile has one."""
    name = name_part(turn.chat.first_name)
    own = front.shop.greeting
    if not own:
        return texts.GREETING.format(name=name, shop=front.shop.name)
    if own.startswith("¡Hola!"):  # "¡Hola, Laura!": the customer by their name
        return f"¡Hola{name}!{own[len('¡Hola!') :]}"
    return own


async def _on_no(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    current = await uow.orders.get_cart(turn.chat.chat_id)
    if turn.step == Step.CART and current and current.lines:
        await checkout.begin(front, uow, turn)
    else:
        turn.memory.offer = None
        turn.say(texts.OKAY)


async def _on_yes(uow: UnitOfWork, turn: Turn) -> None:
    """A bare "sí" answers the last question the bot asked."""
    memory = turn.memory
    if memory.awaiting_quantity is not None:
        product = await uow.products.get(memory.awaiting_quantity)
        if product is not None:
            turn.say(texts.ASK_QUANTITY.format(name=product.name))
            return
    if memory.listed:
        turn.say(texts.PRODUCT_LIST_FOOTER)
        return
    current = await uow.orders.get_cart(turn.chat.chat_id)
    turn.say(texts.WHAT_ELSE if current and current.lines else texts.HOW_CAN_I_HELP)


async def product_question(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> None:
    if _names_a_town_only(front, meaning.product_query):  # "¿y a Bello?": delivery there
        await shop_question(front, uow, turn, (InfoTopic.DELIVERY,), text, brief=True)
        return
    if await details.other_versions(front, uow, turn, text):  # "¿tienen en otro color?"
        return
    if await details.detail_asked(front, uow, turn, meaning, text):  # "¿es certificado?"
        return
    if not meaning.product_query and _compared(text) and len(turn.memory.shown) > 1:
        await _compare_shown(uow, turn)  # "¿cuál es la diferencia?" after a list
        return
    from_list = (meaning.superlative or meaning.ordinal) and (
        turn.memory.listed or turn.memory.shown
    )
    # Not for "el más pequeño" of the list ("pequeñas empresas" in the shop's vision), nor
    # "¿qué diferencia hay entre el ABC y el CO2?" (the recharge service names both), nor a
    # category named ("¿tienen señalización?": its signs, not the custom-sign service).
    query = meaning.product_query
    skip_shop = from_list or (query and (_compared(text) or _names_category(front, query)))
    said = None if skip_shop else asides.shop_answer(front, text, meaning.product_query)
    if said:
        turn.say(said)
        return
    if await cart.say_unavailable(front, uow, turn, meaning.product_query):
        return
    if await cart.price_items(front, uow, turn, meaning, text):  # "precio de 10 overoles y 10…"
        return
    if await cart.answer_amount(front, uow, turn, meaning):  # "¿tienen 10 cascos blancos?"
        return
    how_many = bool(HOW_MANY_RE.search(fold(text)))
    if how_many and not meaning.product_query:  # "cuántas unidades tienen": of those shown
        meaning = replace(meaning, is_follow_up=True)
    if turn.memory.shown and _only_attributes(meaning.product_query):  # "¿y en blanco?"
        meaning = replace(meaning, is_follow_up=True)
        shown = turn.memory.shown
        products = await details.shown_in(front, uow, shown, meaning.product_query)
        if not products:
            await details.no_such_version(front, uow, turn, shown, meaning.product_query)
            return
    else:
        products = await front.finder.find(uow, turn.memory, meaning)
    if not products and meaning.intent == Intent.OTHER:
        turn.say(texts.FALLBACK.format(example=front.example()))
        return
    if not products and not meaning.product_query:  # "¿cuántos hay?" with nothing shown
        turn.say(texts.ASK_PRODUCT)
        return
    if not products:
        query = meaning.product_query.strip()[:60]
        turn.say(nothing_found(query, front.categories()))
        return
    query = meaning.product_query.strip()
    if not meaning.is_follow_up and (fitting := in_size_range(query, products)):
        products = fitting  # "botas talla 43": the one in sizes 37 to 44, not the others
    if not meaning.is_follow_up and described_only(query, products):
        await cards.suggest(uow, turn, query, products, purpose=_for_purpose(text, query))
        return
    if not meaning.is_follow_up and (mention := kind_described_only(query, products)):
        await cards.suggest(uow, turn, query, mention)  # "linternas de casco": not sold
        return
    remember(turn.memory, products, meaning)
    if len(products) > 1 and (compared := _compared(text)):  # "¿qué diferencia hay entre…?"
        named = await _each_compared(front, uow, text, products)
        cards.compare(turn, named if len(named) > 1 else products[:compared])
        return
    if how_many:  # "¿cuántos hay?": the units, not "disponible"
        turn.say(stock_list(products) + "\n\n" + texts.PRODUCT_LIST_FOOTER)
        turn.buttons = cards.product_rows(products)
        return
    await cards.with_photos(uow, turn, products)
    if not meaning.is_follow_up and front.catalog.unknown_words(query):
        nearest = texts.NEAREST_ONLY.format(query=query[:60])  # "guantes de látex": none is
        turn.say(product_list(products, nearest) + "\n\n" + texts.PRODUCT_LIST_FOOTER)
        turn.buttons = cards.product_rows(products)
        return
    if len(products) == 1:
        turn.memory.awaiting_quantity = products[0].id
        turn.say(product_detail(products[0]))
        turn.buttons = cards.amount_buttons(products[0])
        return
    if missing_measure(query, products):  # "extintores de 30 libras": none is
        listing = product_list(products, texts.NEAREST_ONLY.format(query=query[:60]))
    elif _for_purpose(text, query):  # "¿tienen algo para soldar?"
        listing = product_list(products, texts.FOR_PURPOSE.format(query=query[:60]))
    else:
        listing = product_list(products)
    turn.say(listing + "\n\n" + texts.PRODUCT_LIST_FOOTER)
    turn.memory.more = f"{Action.MORE}:{len(products)}" if len(products) >= LIST_SIZE else ""
    more = ((Button(texts.BUTTON_MORE_RESULTS, turn.memory.more),),) if turn.memory.more else ()
    turn.buttons = (*cards.product_rows(products), *more)


def _adds_them(meaning: Understanding) -> bool:
    """ "agrégalos", "mándelos": an order with no product and no amount of its own."""
    return meaning.intent == Intent.BUY and not meaning.product_query and not meaning.quantity


def _names_category(front: Shopfront, query: str) -> bool:
    """The words are a category's name, all of them ("señalización", "trabajo en alturas")."""
    category = front.catalog.category_for(query)
    return category is not None and word_coverage(query, category) == 1.0


def _names_a_town_only(front: Shopfront, query: str) -> bool:
    """The product words are a municipality the shop delivers to, and nothing else."""
    town = front.shop.delivery_options.municipality_in(query)
    return town is not None and fold(town).split() == fold(query).split()


def _only_attributes(query: str) -> bool:
    """The product words only tell a colour, a size or a number ("azul talla L", "43" of
    "¿y en 43?"), not only what they are ("¿de qué tamaño?")."""
    words = fold(query).split()
    told = [w for w in words if w not in ATTRIBUTE_NOUNS]
    return bool(told) and all(w in ATTRIBUTE_WORDS or w.isdigit() for w in words)


ATTRIBUTE_NOUNS = frozenset("color colores talla tallas numero tamano tamanos".split())
