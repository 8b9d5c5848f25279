"""How products are shown: a list with its buttons (Ver, 🛒 Agregar), a product's card with
quick amounts, the photos that go with them, and suggestions for what the shop does not have."""

from __future__ import annotations

from collections.abc import Sequence

from domain import texts
from domain.button import Button, Buttons
from domain.conversation.finding import snippet
from domain.conversation.rendering import availability
from domain.conversation.turn import Action, Turn
from domain.model import Product
from domain.money import format_cop
from domain.ports import UnitOfWork

QUANTITIES = (1, 2, 3, 5)  # the card's quick amounts
NAME_IN_BUTTON = 28
DESCRIPTION_IN_CARD = 600  # the card is a photo caption: 1024 characters in all
SUGGESTIONS = 3


def amount_buttons(product: Product) -> Buttons:
    """ "🛒 1", "🛒 2"…: add that many at once (the amounts in stock)."""
    if not product.visible:
        return ()
    return (
        tuple(
            Button(texts.BUTTON_ADD_AMOUNT.format(quantity=q), f"{Action.ADD}:{product.id}:{q}")
            for q in QUANTITIES
            if q <= product.stock
        ),
    )


def listing(products: Sequence[Product]) -> str:
    return "\n".join(
        texts.PRODUCT_LINE.format(
            n=n,
            name=p.name,
            price=format_cop(p.price_minor),
            availability=availability(p) if p.visible else texts.SOLD_OUT,
        )
        for n, p in enumerate(products, 1)
    )


def product_rows(products: Sequence[Product]) -> Buttons:
    """Per product: "Ver" (its card) and, when it can be bought, "🛒 Agregar" (one unit)."""
    rows = []
    for n, product in enumerate(products, 1):
        name = short_name(product.name)
        view = Button(texts.BUTTON_VIEW.format(n=n, name=name), f"{Action.VIEW}:{product.id}")
        add = Button(texts.BUTTON_ADD, f"{Action.ADD}:{product.id}:1")
        rows.append((view, add) if product.visible else (view,))
    return tuple(rows)


def short_name(name: str, limit: int = NAME_IN_BUTTON) -> str:
    """A name that fits a button, keeping its start and its end (where sizes and models
    are: "Extintor multipr… ABC 20 lb")."""
    if len(name) <= limit:
        return name
    tail = limit // 2 - 1
    return name[: limit - tail - 1].rstrip() + "…" + name[-tail:].lstrip()


def card(product: Product) -> str:
    description = product.description.strip()
    if len(description) > DESCRIPTION_IN_CARD:
        description = description[: DESCRIPTION_IN_CARD - 1].rsplit(" ", 1)[0] + "…"
    return texts.PRODUCT_CARD.format(
        name=product.name,
        price=format_cop(product.price_minor),
        availability=availability(product) if product.visible else texts.SOLD_OUT,
        description=f"\n\n{description}" if description else "",
        sku=product.sku,
    )


async def with_photos(uow: UnitOfWork, turn: Turn, products: Sequence[Product]) -> None:
    """The reply carries the products' photos when any has one (the ids of all of them:
    one product is a card, more a list whose album numbers its photos)."""
    ids = [p.id for p in products]
    turn.photos = tuple(ids) if await uow.photos.having(ids) else ()


async def suggest(
    uow: UnitOfWork,
    turn: Turn,
    query: str,
    products: Sequence[Product],
    *,
    purpose: bool = False,
) -> None:
    """ "No tengo martillos…": products that only mention the words in their description,
    offered as what they are, never as the thing asked for. For a `purpose` ("¿qué me
    recomiendas para soldadura?") they are what serves it."""
    shown = list(products[:SUGGESTIONS])
    lines = [
        texts.SUGGESTION_LINE.format(
            n=n,
            name=p.name,
            price=format_cop(p.price_minor),
            said=snippet(query, p),
        )
        for n, p in enumerate(shown, 1)
    ]
    header = texts.FOR_PURPOSE if purpose else texts.ONLY_SUGGESTIONS
    turn.say(header.format(query=query) + "\n" + "\n".join(lines))
    turn.memory.forget_questions()
    turn.memory.listed = turn.memory.shown = [p.id for p in shown]
    turn.memory.best_match = None
    turn.buttons = product_rows(shown)
    await with_photos(uow, turn, shown)


def compare(turn: Turn, products: Sequence[Product], header: str = texts.COMPARE_HEADER) -> None:
    """ "¿qué diferencia hay entre el de carnaza y el de vaqueta?": each with its price, stock
    and description, one after the other."""
    lines = [header]
    lines += [
        texts.COMPARE_LINE.format(
            n=n,
            name=p.name,
            price=format_cop(p.price_minor),
            availability=availability(p),
            description=p.description.strip() or p.category,
        )
        for n, p in enumerate(products, 1)
    ]
    turn.say("\n\n".join(lines) + "\n\n" + texts.COMPARE_FOOTER)
    turn.memory.listed = turn.memory.shown = [p.id for p in products]
    turn.buttons = product_rows(products)
