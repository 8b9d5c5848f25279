"""Putting products in the cart and taking them out, one item or several, with offers."""

from __future__ import annotations

import re
from dataclasses import replace

from domain import texts
from domain.catalog import coverage, word_coverage
from domain.conversation import asides, cards
from domain.conversation.delivering import asks_cost, delivery_answer
from domain.conversation.finding import (
    described_only,
    in_size_range,
    missing_measure,
    remember,
    same_kind,
    size_in_range,
)
from domain.conversation.memory import Offer, Pick
from domain.conversation.rendering import cost_of, nothing_found, product_list, render_cart
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import CART_BUTTONS, OFFER_BUTTONS, Action, Button, Step, Turn
from domain.language import Intent, Understanding, parse_quantity, understand
from domain.language.patterns import (
    CONDITIONAL_BUY_RE,
    PEOPLE_WORDS,
    QUOTE_ASK_RE,
    QUOTE_DOCUMENT_RE,
    QUOTE_RE,
    QUOTE_WORDS,
)
from domain.model import Order, Product
from domain.money import format_cop
from domain.ports import UnitOfWork
from domain.pricing import VolumeDiscounts
from rag.normalize import fold

EACH_AT_MOST = 3  # products "de cada uno" may mean (a longer list: which ones is asked)
TIER_NEAR_SHARE = 10  # a tier is said when a tenth of its units (or one) is missing


async def buy_each(front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding) -> None:
    """ "2 cascos blancos y 3 chalecos": each item in turn."""
    if len(meaning.items) < 2:
        await buy(front, uow, turn, meaning)
    else:
        await buy_items(front, uow, turn, list(meaning.items))


async def buy_items(front: Shopfront, uow: UnitOfWork, turn: Turn, items: list[str]) -> None:
    """Buy items in order; when one needs an answer, the rest wait for it."""
    for n, item in enumerate(items):
        await buy(front, uow, turn, understand(item))
        if turn.memory.waiting() and items[n + 1 :]:
            turn.memory.queued = items[n + 1 :]
            turn.say(texts.THEN_REST.format(rest=" y ".join(items[n + 1 :])))
            return


async def drain_queue(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """Items of an earlier multi-item order, once its question is answered."""
    if turn.memory.waiting() or not turn.memory.queued:
        return
    queued, turn.memory.queued = turn.memory.queued, []
    await buy_items(front, uow, turn, queued)


async def buy(front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding) -> None:
    memory = turn.memory
    query = meaning.product_query
    if meaning.each and not query and await _buy_of_each(uow, turn, meaning.quantity or 1):
        return
    said = None if meaning.is_follow_up else asides.shop_answer(front, query, query)
    if said:  # "necesito dotación para 10 trabajadores": the shop's word on it, not a product
        turn.say(said)
        return
    follow_up = meaning.is_follow_up  # "y unas monjas": only a product of that kind
    if await say_unavailable(front, uow, turn, meaning.product_query, named=follow_up):
        return
    products = await front.finder.find(uow, memory, meaning, picking=True)
    if not products:
        if meaning.product_query:
            turn.say(nothing_found(meaning.product_query[:60], front.categories()))
        else:
            turn.say(texts.ASK_PRODUCT)
        return
    if not meaning.is_follow_up and described_only(meaning.product_query, products):
        await cards.suggest(uow, turn, meaning.product_query.strip(), products)
        return
    if not meaning.is_follow_up and (fitting := in_size_range(meaning.product_query, products)):
        products = fitting  # "2 botas talla 43": the one in sizes 37 to 44
    remember(memory, products, meaning)
    # "2 botas talla 46", "guantes de látex" where none is: the nearest, to pick from, never
    # put in the cart.
    nearest = not meaning.is_follow_up and (
        missing_measure(meaning.product_query, products)
        or bool(front.catalog.unknown_words(meaning.product_query))
    )
    if nearest:
        query = meaning.product_query.strip()[:60]
        offer_pick(turn, products, meaning, texts.NEAREST_ONLY.format(query=query))
        return
    if len(products) > 1:
        offer_pick(turn, products, meaning, texts.WHICH_ONE)
        return
    product = products[0]
    if not meaning.is_follow_up and (size := size_in_range(meaning.product_query, product)):
        product = replace(product, name=f"{product.name} ({size})")  # the size goes with it
    if meaning.quantity is None:
        memory.awaiting_quantity = product.id
        turn.say(texts.ASK_QUANTITY.format(name=product.name))
        return
    await add(uow, turn, product, meaning.quantity, additive=meaning.additive)


async def _buy_of_each(uow: UnitOfWork, turn: Turn, quantity: int) -> bool:
    """ "2 de cada uno": that many of each product just talked about — the list shown, or
    the two products shown one after the other ("¿y el amarillo?" after the white helmet).
    False when there are not two to speak of."""
    memory = turn.memory
    if 1 < len(memory.shown) <= EACH_AT_MOST:
        ids = memory.shown
    elif len(memory.earlier) == 1 and memory.shown:
        ids = memory.earlier + memory.shown
    else:
        return False
    products = [p for p in await uow.products.list_by_ids(list(dict.fromkeys(ids))) if p.visible]
    if len(products) < 2:
        return False
    for product in products:
        await add(uow, turn, product, quantity)
        if memory.offer is not None:  # not that many of this one: its answer first
            break
    return True


def offer_pick(
    turn: Turn, products: list[Product], meaning: Understanding, header: str, listing: str = ""
) -> None:
    """The products listed under `header` (or as `listing` says them), one button each: a
    tap adds the amount the customer named (or asks how many)."""
    turn.memory.pick = Pick(meaning.quantity)
    turn.say(listing or product_list(products, header))
    turn.buttons = tuple(
        (Button(f"{n}. {p.name}"[:60], f"{Action.PICK}:{p.id}"),) for n, p in enumerate(products, 1)
    )


async def price_items(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> bool:
    """ "precio de 10 overoles talla L y 10 pares de botas talla 41": each item's total for
    its amount and whether there are that many, and the sum; a "sí" then puts them in the
    cart. False when the message is not two or more items with amounts ("el precio del arnés
    y la eslinga" says none: each is listed with its price)."""
    if meaning.intent != Intent.PRODUCT_QUESTION or len(meaning.items) < 2:
        return False
    if parse_quantity(text, buying=False) is None:
        return False
    lines, quoted, total = [texts.PRICES_HEADER], [], 0
    for item in meaning.items:
        asked = understand(item)
        amount = asked.quantity
        if not amount or not asked.product_query:
            return False
        found = await front.finder.find(uow, turn.memory, asked, picking=True)
        products = [p for p in found if p.visible]
        if len(products) != 1:  # none, or several to choose from: said, not summed
            cheapest = min((p.price_minor for p in products), default=None)
            lines.append(
                texts.PRICE_LINE_NONE.format(quantity=amount, query=asked.product_query)
                if cheapest is None
                else texts.PRICE_LINE_OPTIONS.format(
                    quantity=amount, query=asked.product_query, price=format_cop(cheapest)
                )
            )
            continue
        product = products[0]
        counted = min(amount, product.stock)  # "solo quedan 9": the 9 are counted
        cost = turn.discounts.cost(product.price_minor, counted)
        line = texts.PRICE_LINE if counted == amount else texts.PRICE_LINE_SHORT
        said = cost_of(turn.discounts, product.price_minor, counted)
        lines.append(line.format(quantity=amount, name=product.name, stock=product.stock, **said))
        if counted:
            total += cost
            quoted.append(f"{counted} {product.name}")
    if quoted:
        lines.append(texts.PRICES_TOTAL.format(total=format_cop(total)))
    turn.memory.quoted = quoted
    turn.say("\n".join(lines) + ("\n\n" + texts.PRICES_ADD if quoted else ""))
    return True


async def answer_amount(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, least: int = 2
) -> bool:
    """ "¿tienen 10 cascos blancos?", "¿cuánto valen 10?": whether there are that many. One
    product is offered with its total (a "sí" adds them); several are listed with what each
    has for that amount (a tap adds it). Nothing goes in the cart by itself. False when the
    question names no amount or nothing in stock matches."""
    amount = meaning.quantity
    if meaning.intent != Intent.PRODUCT_QUESTION or not amount or amount < least:
        return False
    if not meaning.product_query:
        return False
    found = await front.finder.find(uow, turn.memory, meaning, picking=True)
    products = [p for p in found if p.visible]
    if not products:
        return False
    remember(turn.memory, products, meaning)
    if len(products) > 1:
        lines = [texts.FOR_AMOUNT.format(quantity=amount)]
        lines += [
            texts.AMOUNT_LINE.format(
                n=n, name=p.name, price=format_cop(p.price_minor), state=_for_amount(p, amount)
            )
            for n, p in enumerate(products, 1)
        ]
        listing = "\n".join(lines) + "\n\n" + texts.IF_YOU_ORDER.format(quantity=amount)
        offer_pick(turn, products, meaning, "", listing)
        return True
    product = products[0]
    if product.stock < amount:
        await add(uow, turn, product, amount)  # "Solo tengo 4… ¿Los llevas?"
        return True
    turn.memory.offer = Offer(product.id, amount)
    price, said = (
        format_cop(product.price_minor),
        cost_of(turn.discounts, product.price_minor, amount),
    )
    turn.say(texts.HAVE_AMOUNT.format(quantity=amount, name=product.name, price=price, **said))
    turn.buttons = OFFER_BUTTONS
    return True


def _for_amount(product: Product, amount: int) -> str:
    if product.stock >= amount:
        return texts.AMOUNT_ENOUGH.format(quantity=amount)
    if product.stock == 1:
        return texts.AMOUNT_SHORT_ONE
    return texts.AMOUNT_SHORT.format(stock=product.stock)


async def asks_before_buying(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> bool:
    """ "¿hay descuento si compro 30 chalecos?": a question about a purchase, not an order.
    The question is answered and the products are offered to pick (a tap adds the 30);
    nothing goes in the cart by itself. False for any other message."""
    if not CONDITIONAL_BUY_RE.search(fold(text)):
        return False
    if not meaning.topics:  # "¿a cuánto me queda cada chaleco si llevo 50?": what that costs
        if not (meaning.is_question or asks_cost(text)):
            return False
        asked = replace(meaning, intent=Intent.PRODUCT_QUESTION)
        return await answer_amount(front, uow, turn, asked, least=1)
    turn.say(asides.topics_answer(front, meaning.topics, quantity=meaning.quantity))
    products = await front.finder.find(uow, turn.memory, meaning, picking=True)
    if products:
        remember(turn.memory, products, meaning)
        amount = meaning.quantity
        header = texts.IF_YOU_ORDER.format(quantity=amount) if amount else texts.IF_YOU_ORDER_ANY
        offer_pick(turn, products, meaning, header)
    return True


async def say_unavailable(
    front: Shopfront, uow: UnitOfWork, turn: Turn, query: str, *, named: bool = False
) -> bool:
    """Name a product the customer asked for that is sold out or withdrawn (`named`: only
    one whose kind the words say, "monjas" for the "Monja ignífuga", not a detail of the
    product just shown)."""
    hidden = await front.finder.unavailable(uow, query)
    if hidden is None or (named and not front.catalog.names_kind(query, hidden)):
        return False
    template = texts.OUT_OF_STOCK if hidden.active else texts.NOT_AVAILABLE
    turn.say(template.format(name=hidden.name))
    turn.memory.forget_questions()
    turn.memory.alternatives = query  # "sí" shows what there is for it
    return True


async def chosen(uow: UnitOfWork, turn: Turn, product: Product) -> None:
    """The customer picked one product from a list."""
    pick, turn.memory.pick = turn.memory.pick, None
    turn.memory.shown = [product.id]
    if pick is not None and pick.quantity:
        await add(uow, turn, product, pick.quantity)
    else:
        turn.memory.awaiting_quantity = product.id
        turn.say(texts.ASK_QUANTITY.format(name=product.name))


async def add(
    uow: UnitOfWork, turn: Turn, product: Product, quantity: int, *, additive: bool = False
) -> None:
    """Put `quantity` in the cart (on top of what is there when `additive`); the reply says
    what the line holds now."""
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    lines = cart.lines if cart else ()
    before = sum(line.quantity for line in lines if line.product_id == product.id)
    if additive:
        quantity += before
    turn.memory.forget_questions()
    if not product.visible:
        turn.say(texts.OUT_OF_STOCK.format(name=product.name))
        return
    if quantity > product.stock:
        turn.memory.offer = Offer(product.id, product.stock)
        template = texts.OFFER_PARTIAL_ONE if product.stock == 1 else texts.OFFER_PARTIAL
        price = format_cop(product.price_minor)
        said = cost_of(turn.discounts, product.price_minor, product.stock)
        turn.say(template.format(stock=product.stock, name=product.name, price=price, **said))
        turn.buttons = OFFER_BUTTONS
        return
    order = await uow.orders.set_line(turn.chat.chat_id, turn.chat.user_id, product, quantity)
    turn.added.append(product)
    if before and additive:
        turn.say(
            texts.ADDED_MORE.format(added=quantity - before, quantity=quantity, name=product.name)
        )
    elif before and before != quantity:
        turn.say(texts.QUANTITY_SET.format(quantity=quantity, name=product.name, before=before))
    elif before:  # "sí" to an offer of what the line holds already
        turn.say(texts.QUANTITY_SAME.format(quantity=quantity, name=product.name))
    else:
        price = format_cop(product.price_minor)
        turn.say(texts.ADDED.format(quantity=quantity, name=product.name, price=price))
    if hint := tier_hint(turn.discounts, product, quantity):
        turn.say(hint)
    # The cart is shown once, at the end of the reply (several items may be added).
    turn.cart = order
    turn.buttons = CART_BUTTONS
    turn.step = Step.CART


def tier_hint(discounts: VolumeDiscounts, product: Product, quantity: int) -> str:
    """The next volume tier, when it is in stock and within reach: "con 50 pagas $675.000,
    menos que por 49", or "con 2 más (20) tienes 5 % de descuento"; "" otherwise."""
    tier = discounts.next_tier(quantity)
    if tier is None or tier.from_units > product.stock:
        return ""
    now = discounts.cost(product.price_minor, quantity)
    then = discounts.cost(product.price_minor, tier.from_units)
    if then <= now:
        compared = texts.TIER_LESS if then < now else texts.TIER_SAME
        return texts.TIER_CHEAPER.format(
            units=tier.from_units,
            total=format_cop(then),
            percent=tier.shown,
            compared=compared,
            quantity=quantity,
        )
    missing = tier.from_units - quantity
    if missing <= max(1, tier.from_units // TIER_NEAR_SHARE):
        return texts.TIER_NEAR.format(missing=missing, units=tier.from_units, percent=tier.shown)
    return ""


async def repeat_last(uow: UnitOfWork, turn: Turn) -> None:
    """ "quiero lo mismo de la vez pasada": the lines of the customer's last order, added to
    the cart at today's prices as far as there is stock; what is no longer sold is said."""
    orders = await uow.orders.list_for_user(turn.chat.user_id, limit=1)
    if not orders:
        turn.say(texts.NO_ORDER_TO_REPEAT)
        return
    last = orders[0]
    turn.say(texts.REPEATING.format(order_id=last.id))
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    held = {line.product_id: line.quantity for line in cart.lines} if cart else {}
    gone: list[str] = []
    for line in last.lines:
        product = await uow.products.get(line.product_id)
        room = product.stock - held.get(line.product_id, 0) if product else 0
        if product is None or not product.visible or room <= 0:
            gone.append(line.name)
            continue
        await add(uow, turn, product, min(line.quantity, room), additive=True)
    if gone:
        turn.say(texts.REPEAT_GONE.format(names=", ".join(gone)))


async def answer_offer(uow: UnitOfWork, turn: Turn, *, accept: bool) -> None:
    offer, turn.memory.offer = turn.memory.offer, None
    if offer is None:
        turn.say(texts.OKAY)
        return
    if not accept:
        turn.say(texts.OFFER_DECLINED)
        return
    product = await uow.products.get(offer.product_id)
    if product is None:
        turn.say(texts.OKAY)
        return
    await add(uow, turn, product, min(offer.quantity, product.stock) or 1)


async def show(uow: UnitOfWork, turn: Turn) -> None:
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    if not cart or not cart.lines:
        turn.say(texts.CART_EMPTY)
        turn.step = Step.BROWSING
        return
    say_cart(turn, cart)


async def quote_of_items(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> bool:
    """ "cotízame 25 chalecos naranja", "hazme una cotización de 30 extintores de 10 lb":
    what those amounts cost, as asked "¿cuánto valen…?" (their discount with them); nothing
    goes in the cart by itself. False when the quote names no amount of a product."""
    folded = fold(text)
    asked = QUOTE_ASK_RE.sub("cuanto valen ", folded, count=1)
    if asked == folded:
        return False
    meaning = understand(asked)
    if meaning.quantity is None or not meaning.product_query:
        return False
    if PEOPLE_WORDS & set(meaning.product_query.split()):  # "para 10 trabajadores": a head count
        return False
    return await price_items(front, uow, turn, meaning, asked) or await answer_amount(
        front, uow, turn, meaning
    )


def asks_for_quote(front: Shopfront, meaning: Understanding, text: str) -> bool:
    """ "¿me envían la cotización en PDF?", "cotízame eso con envío a Bello": a quote of the
    cart, no product named ("necesito cotizar 20 overoles" is what 20 cost: quote_of_items)."""
    if not QUOTE_RE.search(fold(text)):
        return False
    town = front.shop.delivery_options.municipality_in(text) or ""
    named = set(fold(meaning.product_query).split()) - set(fold(town).split())
    return named <= QUOTE_WORDS


async def quote(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> None:
    """The cart as a quote, with the delivery to the shop's city (or the municipality named)
    and the total; with an empty cart, how to get one. A PDF cannot be made here: the shop's
    contact is given for that."""
    current = await uow.orders.get_cart(turn.chat.chat_id)
    if current is None or not current.lines:
        turn.say(texts.QUOTE_HOW)
    else:
        figures = delivery_answer(front, turn, current, text, brief=True)
        lines = render_cart(current, turn.discounts).removeprefix(texts.CART_HEADER + "\n")
        turn.say(f"{texts.QUOTE_HEADER}\n{lines}\n\n{figures}")
        turn.buttons = CART_BUTTONS
        turn.step = Step.CART
    if QUOTE_DOCUMENT_RE.search(fold(text)):
        contact = front.shop.contact
        document = texts.QUOTE_DOCUMENT.format(contact=contact) if contact else ""
        turn.say(document or texts.QUOTE_DOCUMENT_NO_CONTACT)


def say_cart(turn: Turn, cart: Order) -> None:
    """The cart, "¿algo más?" and the cart's buttons, now."""
    turn.say(render_cart(cart, turn.discounts) + "\n\n" + texts.ANYTHING_ELSE)
    turn.buttons = CART_BUTTONS


async def remove(uow: UnitOfWork, turn: Turn, meaning: Understanding) -> None:
    cart = await uow.orders.get_cart(turn.chat.chat_id)
    if not cart or not cart.lines:
        turn.say(texts.CART_EMPTY)
        turn.step = Step.BROWSING
        return
    target = await _line_meant(uow, turn, cart, meaning.product_query)
    if target is None:
        return
    line = next(ln for ln in cart.lines if ln.product_id == target.id)
    some = meaning.quantity
    if some is not None and some < line.quantity:  # "quíteme un chaleco": one of the four
        left = line.quantity - some
        fewer = await uow.orders.set_line(turn.chat.chat_id, turn.chat.user_id, target, left)
        turn.say(texts.REMOVED_SOME.format(removed=some, name=target.name, quantity=left))
        say_cart(turn, fewer)
        turn.step = Step.CART
        return
    order = await uow.orders.remove_line(turn.chat.chat_id, target.id)
    turn.say(texts.REMOVED.format(name=target.name))
    if order is None or not order.lines:
        await uow.orders.discard_cart(turn.chat.chat_id)
        turn.say(texts.CART_NOW_EMPTY)
        turn.step = Step.BROWSING
        return
    say_cart(turn, order)
    turn.step = Step.CART


# "cámbieme los chalecos naranja por los verdes", "cambia el casco blanco por uno amarillo"
SWAP_RE = re.compile(
    r"\bcambi\w*\s+(?:el |la |los |las )?(?P<old>.+?)\s+por\s+"
    r"(?:el |la |los |las |uno |una |unos |unas )?(?P<new>[^?¿!.]+)"
)


async def swap(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> bool:
    """ "cámbieme los chalecos naranja por los verdes": the cart's line of the first goes (or
    the units said: "uno de los cascos blancos"), as many of the second come in (its kind said
    by the first when the words name none: "los verdes"). Several candidates are listed to
    pick from, the cart untouched (the customer then takes the old one out). False when the
    message names no line of the cart or nothing to put instead."""
    found = SWAP_RE.search(fold(text))
    cart = await uow.orders.get_cart(turn.chat.chat_id) if found is not None else None
    if found is None or cart is None or not cart.lines:
        return False
    in_cart = await uow.products.list_by_ids([line.product_id for line in cart.lines])
    ranked = sorted(in_cart, key=lambda p: coverage(found["old"], p), reverse=True)
    if not ranked or coverage(found["old"], ranked[0]) == 0:
        return False
    old = ranked[0]
    held = next(line.quantity for line in cart.lines if line.product_id == old.id)
    one = re.match(r"(un|una|uno)\b", found["old"]) is not None  # "uno de los cascos…"
    said = 1 if one else understand(found["old"]).quantity
    quantity = min(said, held) if said else held
    wanted = found["new"].strip()
    candidates = await front.finder.find(uow, turn.memory, understand(wanted), picking=True)
    if not any(same_kind(p.name, old.name) for p in candidates):  # "los verdes": of its kind
        wanted = f"{old.name.split()[0]} {wanted}"
        candidates = await front.finder.find(uow, turn.memory, understand(wanted), picking=True)
    products = [p for p in candidates if p.id != old.id and p.visible]
    if len(products) != 1:  # none, or several: the cart stays as it is until one is clear
        if products:
            header = texts.WHICH_INSTEAD.format(name=old.name)
            offer_pick(turn, products, understand(f"{quantity} {wanted}"), header)
        return bool(products)
    if quantity < held:
        await uow.orders.set_line(turn.chat.chat_id, turn.chat.user_id, old, held - quantity)
    else:
        await uow.orders.remove_line(turn.chat.chat_id, old.id)
    turn.say(texts.SWAPPED_OUT.format(quantity=quantity, name=old.name))
    await add(uow, turn, products[0], quantity)
    return True


async def _line_meant(uow: UnitOfWork, turn: Turn, cart: Order, query: str) -> Product | None:
    """The cart line a removal names; without a name ("quítame uno"), the only line or the
    product just talked about. None (and the customer is asked) when it is not clear."""
    in_cart = await uow.products.list_by_ids([line.product_id for line in cart.lines])
    if query:
        ranked = sorted(
            in_cart,
            key=lambda p: (coverage(query, p), word_coverage(query, p.name)),
            reverse=True,
        )
        if ranked and coverage(query, ranked[0]) > 0:
            return ranked[0]
        turn.say(texts.NOT_IN_CART.format(query=query[:60]))
        say_cart(turn, cart)
        return None
    if len(in_cart) == 1:
        return in_cart[0]
    recent = [p for p in in_cart if p.id in turn.memory.shown[:1]]
    if recent:
        return recent[0]
    turn.say(texts.WHICH_TO_REMOVE.format(example=cart.lines[0].name.split()[0].lower()))
    say_cart(turn, cart)
    return None
