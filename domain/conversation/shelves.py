"""Browsing the catalog: the categories as buttons, a category a page at a time, a product's
card with its photo, and "ver más".

Every button carries what it needs in a few bytes (Telegram allows 64): a category by a
short key of its name, a page by the product it starts after (or ends before), so a page
costs the same at 10 products and at 100,000 and an old button still shows what it said.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

from domain import texts
from domain.button import Button
from domain.conversation import cart
from domain.conversation.cards import amount_buttons, card, listing, product_rows, with_photos
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Action, Turn
from domain.model import Product, Shelf
from domain.ports import UnitOfWork

PAGE = 5  # products a page (an album of their photos goes with it)
SHELVES_PAGE = 10  # categories a page


BROWSING_ACTIONS = frozenset({Action.SHELVES, Action.SHELF, Action.VIEW, Action.ADD, Action.MORE})


def reusable(data: str) -> bool:
    """A browsing button stays under its message: a list is looked through more than once."""
    return data.partition(":")[0] in BROWSING_ACTIONS


def shelf_key(name: str) -> str:
    return f"{zlib.crc32(name.encode()):08x}"


def shelf_label(shelf: Shelf) -> str:
    return shelf.name or texts.SHELF_OTHERS


async def on_button(front: Shopfront, uow: UnitOfWork, turn: Turn, data: str) -> bool:
    """The browsing buttons (and "ver más", which repeats the last ▶); False for others."""
    kind, _, rest = data.partition(":")
    if kind == Action.SHELVES:
        await show_shelves(uow, turn, rest)
    elif kind == Action.SHELF:
        key, _, mark = rest.partition(":")
        after = int(mark[1:]) if mark[:1] == ">" and mark[1:].isdigit() else None
        before = int(mark[1:]) if mark[:1] == "<" and mark[1:].isdigit() else None
        await show_shelf(uow, turn, key, after=after, before=before)
    elif kind == Action.VIEW and rest.isdigit():
        await show_card(uow, turn, int(rest))
    elif kind == Action.ADD:
        product_id, _, quantity = rest.partition(":")
        await _add(uow, turn, product_id, quantity)
    elif kind == Action.MORE and rest.isdigit():
        await more_results(front, uow, turn, int(rest))
    else:
        return False
    return True


async def show_shelves(uow: UnitOfWork, turn: Turn, mark: str = "") -> None:
    """The categories with something in stock, as buttons with their counts."""
    shelves = [shelf for shelf in await uow.products.shelves() if shelf.available]
    if not shelves:
        turn.say(texts.SHELVES_EMPTY)
        return
    keys = [shelf_key(shelf.name) for shelf in shelves]
    start = 0
    if mark[1:] in keys:
        at = keys.index(mark[1:])
        start = at + 1 if mark[0] == ">" else max(at - SHELVES_PAGE, 0)
    page = shelves[start : start + SHELVES_PAGE]
    buttons = [
        Button(f"{shelf_label(shelf)} ({shelf.available})"[:60], f"{Action.SHELF}:{key}")
        for shelf, key in zip(page, keys[start : start + SHELVES_PAGE], strict=True)
    ]
    rows: list[tuple[Button, ...]] = [tuple(buttons[n : n + 2]) for n in range(0, len(buttons), 2)]
    nav: list[Button] = []
    if start:
        nav.append(Button(texts.BUTTON_PREVIOUS, f"{Action.SHELVES}:<{keys[start]}"))
    turn.memory.more = ""
    if start + SHELVES_PAGE < len(shelves):
        turn.memory.more = f"{Action.SHELVES}:>{keys[start + len(page) - 1]}"
        nav.append(Button(texts.BUTTON_MORE_SHELVES, turn.memory.more))
    turn.say(texts.SHELVES.format(count=len(shelves)))
    turn.buttons = (*rows, *((tuple(nav),) if nav else ()))


async def show_shelf(
    uow: UnitOfWork, turn: Turn, key: str, *, after: int | None = None, before: int | None = None
) -> None:
    """A page of one category: in stock first, each with Ver and 🛒 Agregar."""
    shelf = next((s for s in await uow.products.shelves() if shelf_key(s.name) == key), None)
    if shelf is None:
        turn.say(texts.SHELF_GONE)
        await show_shelves(uow, turn)
        return
    found = await uow.products.shelf_page(shelf.name, after=after, before=before, limit=PAGE + 1)
    if before is not None:
        earlier, later, products = len(found) > PAGE, True, found[-PAGE:]
    else:
        earlier, later, products = after is not None, len(found) > PAGE, found[:PAGE]
    if not products:
        turn.say(texts.SHELF_GONE)
        await show_shelves(uow, turn)
        return
    nav: list[Button] = []
    if earlier:
        nav.append(Button(texts.BUTTON_PREVIOUS, f"{Action.SHELF}:{key}:<{products[0].id}"))
    turn.memory.more = f"{Action.SHELF}:{key}:>{products[-1].id}" if later else ""
    if later:
        nav.append(Button(texts.BUTTON_NEXT, turn.memory.more))
    header = texts.SHELF_HEADER.format(category=shelf_label(shelf), available=shelf.available)
    turn.say(header + "\n" + listing(products) + "\n\n" + texts.SHELF_FOOTER)
    turn.buttons = (
        *product_rows(products),
        *((tuple(nav),) if nav else ()),
        (Button(texts.BUTTON_SHELVES, Action.SHELVES),),
    )
    await _shown(uow, turn, products)


async def show_card(uow: UnitOfWork, turn: Turn, product_id: int) -> None:
    """One product: its photo, description, price, stock, and quick amounts to add."""
    product = await uow.products.get(product_id)
    if product is None or not product.active:
        turn.say(texts.PRODUCT_GONE)
        return
    turn.say(card(product))
    turn.memory.forget_questions()
    if product.visible:
        turn.memory.awaiting_quantity = product.id  # "4" typed next adds four
    category = texts.BUTTON_BACK_TO.format(category=product.category or texts.SHELF_OTHERS)
    back = Button(category[:60], f"{Action.SHELF}:{shelf_key(product.category)}")
    turn.buttons = (*amount_buttons(product), (back,))
    turn.memory.shown = [product.id]
    await with_photos(uow, turn, [product])


async def more_results(front: Shopfront, uow: UnitOfWork, turn: Turn, offset: int) -> None:
    """The next page of the last search ("ver más" after a list)."""
    query = turn.memory.last_query
    scored = await front.catalog.scored_ids(query, k=offset + PAGE + 1) if query else []
    ids = [product_id for product_id, _ in scored]
    products = [p for p in await uow.products.list_by_ids(ids[offset : offset + PAGE]) if p.visible]
    if not products:
        turn.memory.more = ""
        turn.say(texts.NO_MORE_RESULTS)
        return
    later = len(ids) > offset + PAGE
    turn.memory.more = f"{Action.MORE}:{offset + PAGE}" if later else ""
    turn.say(texts.MORE_RESULTS + "\n" + listing(products) + "\n\n" + texts.PRODUCT_LIST_FOOTER)
    turn.buttons = (
        *product_rows(products),
        *(((Button(texts.BUTTON_NEXT, turn.memory.more),),) if later else ()),
    )
    await _shown(uow, turn, products)


async def _shown(uow: UnitOfWork, turn: Turn, products: Sequence[Product]) -> None:
    """What "el segundo", "2" or "quiero 3" refer to next; their photos go as an album."""
    turn.memory.forget_questions()
    turn.memory.listed = [p.id for p in products]
    turn.memory.shown = [p.id for p in products]
    turn.memory.best_match = None
    await with_photos(uow, turn, products)


async def _add(uow: UnitOfWork, turn: Turn, raw_id: str, raw_quantity: str) -> None:
    product = await uow.products.get(int(raw_id)) if raw_id.isdigit() else None
    quantity = int(raw_quantity) if raw_quantity.isdigit() and 0 < int(raw_quantity) <= 1000 else 1
    if product is None or not product.active:
        turn.say(texts.PRODUCT_GONE)
        return
    turn.memory.shown = [product.id]
    await cart.add(uow, turn, product, quantity, additive=True)
