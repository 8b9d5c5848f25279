"""After an add to the cart: up to three products in stock that "también te pueden servir" —
what other customers bought with it, then its category — unless the shop turned it off."""

from __future__ import annotations

from domain import texts
from domain.button import Button
from domain.conversation.cards import short_name
from domain.conversation.finding import same_kind
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Action, Step, Turn
from domain.model import Product
from domain.money import format_cop
from domain.ports import UnitOfWork
from rag.normalize import tokenize

RELATED = 3


async def suggest(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    """Below the cart, when this reply added a product and asks nothing else."""
    if not front.shop.related_products or not turn.added or turn.step != Step.CART:
        return
    if turn.memory.waiting() or turn.memory.queued or turn.cart is None:
        return
    products = await related_to(uow, turn.added[-1], {n.product_id for n in turn.cart.lines})
    if not products:
        return
    lines = [
        texts.RELATED_LINE.format(name=p.name, price=format_cop(p.price_minor)) for p in products
    ]
    turn.say(texts.RELATED + "\n" + "\n".join(lines))
    add = tuple(
        Button(
            texts.BUTTON_ADD_RELATED.format(name=short_name(p.name, 24)), f"{Action.ADD}:{p.id}:1"
        )
        for p in products
    )
    turn.buttons = (*turn.buttons, *((button,) for button in add))


async def related_to(uow: UnitOfWork, product: Product, exclude: set[int]) -> list[Product]:
    """In stock and not in the cart: bought together with it first, then its category, other
    kinds before the same kind (the product as this reply read it: no second read)."""
    product_id = product.id
    together = await uow.orders.bought_with(product_id, RELATED * 3)
    candidates = [p for p in await uow.products.list_by_ids(together) if p.visible]
    if product.category:  # its category: other kinds first (the chin strap beside a helmet)
        shelf = await uow.products.shelf_page(product.category, limit=RELATED * 5)
        shelf = [p for p in shelf if p.visible]
        candidates += sorted(shelf, key=lambda p: same_kind(p.name, product.name))
    chosen: list[Product] = []
    for candidate in candidates:
        taken = {p.id for p in chosen} | exclude | {product_id}
        if candidate.id in taken or variant(candidate.name, product.name):
            continue
        if any(variant(candidate.name, p.name) for p in chosen):
            continue  # one size of a boot, not three
        if same_kind(candidate.name, product.name) and any(
            same_kind(p.name, product.name) for p in chosen
        ):
            continue  # one other boot at most beside a boot
        chosen.append(candidate)
    return chosen[:RELATED]


def variant(name: str, other: str) -> bool:
    """The same product in another size or colour ("… talla 38" beside "… talla 40", "… blanco"
    beside "… amarillo"): their names differ by one word at most. Not a suggestion: the
    customer chose theirs."""
    mine, theirs = set(tokenize(name)), set(tokenize(other))
    return len(mine - theirs) <= 1 and len(theirs - mine) <= 1 and len(mine & theirs) >= 2
