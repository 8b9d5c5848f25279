"""Questions about one product: a detail of it ("¿es certificado?", "¿qué tallas tiene?")
answered from its description, and its other colours and sizes ("¿tienen en otro color?")."""

from __future__ import annotations

import re

from domain import texts
from domain.catalog import coverage, stem, word_coverage
from domain.conversation import cards
from domain.conversation.finding import same_kind, snippet
from domain.conversation.memory import Memory
from domain.conversation.related import variant
from domain.conversation.rendering import listed, product_list
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import Turn
from domain.language import Understanding
from domain.language.patterns import OTHER_VARIANT_RE, PRODUCT_DETAIL_RE
from domain.model import Product
from domain.ports import UnitOfWork
from rag.normalize import fold

EACH_DESCRIBED_AT_MOST = 5  # products of a list a detail question describes
MAX_VERSIONED = 5  # of a list shown, the products whose other versions are looked for
VERSIONS_LISTED = 8  # "no lo tengo en 43": the versions there are, at most
SIZED_SEARCHED = 30  # products of a kind looked at for the sizes there are


async def other_versions(front: Shopfront, uow: UnitOfWork, turn: Turn, text: str) -> bool:
    """ "¿tienen en otro color?", "¿hay otras tallas?" right after one product: its other
    colours and sizes in stock, or that there are none. False when no single product was
    just shown."""
    memory = turn.memory
    one = _just_shown(memory)
    other = OTHER_VARIANT_RE.search(fold(text))
    if one is None or other is None:
        return False
    product = await uow.products.get(one)
    if product is None:
        return False
    versions = await _versions_of(front, uow, [product])
    if not versions:  # what its description says ("tallas S a XXL"), else none
        said = snippet(other.group(2), product)
        reply = texts.DETAIL_SAID.format(name=product.name, said=said) if said else ""
        turn.say(reply or texts.NO_OTHER_VERSIONS.format(name=product.name))
        return True
    memory.shown = memory.listed = [p.id for p in versions]
    memory.awaiting_quantity = None
    header = texts.OTHER_VERSIONS.format(name=product.name)
    turn.say(product_list(versions, header) + "\n\n" + texts.PRODUCT_LIST_FOOTER)
    turn.buttons = cards.product_rows(versions)
    return True


async def shown_in(
    front: Shopfront, uow: UnitOfWork, shown: list[int], asked: str
) -> list[Product]:
    """ "¿y en blanco?", "¿y en 44?" about the products just shown: those that say the colour
    or size asked, else their other versions that do (the boot in 44 after the one in 42),
    else those that say part of it, else others of their kind that say it; none when nothing
    does."""
    products = [p for p in await uow.products.list_by_ids(shown) if p.visible]
    saying = [p for p in products if coverage(asked, p) == 1.0]
    if saying:
        return saying
    versions = [p for p in await _versions_of(front, uow, products) if coverage(asked, p) == 1.0]
    if versions:
        return versions
    # Else those whose text says part of it ("tallas S a XXL" for "¿el azul talla L?"): their
    # descriptions answer what they can; else others of their kind that say it ("los azules"
    # after the nitrile-coated glove: the blue nitrile ones).
    return [p for p in products if _mentions(asked, p)] or await _of_their_kind(
        front, uow, products, asked
    )


async def _of_their_kind(
    front: Shopfront, uow: UnitOfWork, products: list[Product], asked: str
) -> list[Product]:
    kinds = " ".join(dict.fromkeys(p.name.split()[0] for p in products[:MAX_VERSIONED]))
    found = await uow.products.list_by_ids(
        [i for i, _ in await front.catalog.scored_ids(f"{kinds} {asked}", k=10)]
    )
    return [
        p
        for p in found
        if p.visible
        and coverage(asked, p) == 1.0
        and any(same_kind(p.name, shown.name) for shown in products)
    ]


def _mentions(asked: str, product: Product) -> bool:
    """The product's text says one of the words asked ("tallas" for "talla L")."""
    return bool(_stems(asked) & _stems(f"{product.name} {product.description}"))


def _stems(text: str) -> set[str]:
    return {stem(w) for w in re.findall(r"[a-z]{3,}", fold(text))}


async def no_such_version(
    front: Shopfront, uow: UnitOfWork, turn: Turn, shown: list[int], asked: str
) -> None:
    """None of the products shown comes in the colour or size asked: said so, with the
    versions there are (the boot's sizes, the vests' colours)."""
    products = [p for p in await uow.products.list_by_ids(shown) if p.visible]
    versions = (products + await _versions_of(front, uow, products))[:VERSIONS_LISTED]
    if len(products) == 1:
        versions.sort(key=lambda p: p.name)  # the sizes in order: 38, 40, 41…
    memory = turn.memory
    memory.shown = memory.listed = [p.id for p in versions]
    memory.awaiting_quantity = None
    header = (texts.NO_SUCH_VERSION if len(products) == 1 else texts.NONE_SUCH_VERSION).format(
        asked=asked[:40]
    )
    turn.say(product_list(versions, header) + "\n\n" + texts.PRODUCT_LIST_FOOTER)
    turn.buttons = cards.product_rows(versions)


async def _versions_of(front: Shopfront, uow: UnitOfWork, products: list[Product]) -> list[Product]:
    """The other sizes and colours of `products` (their names differ by one word), not
    themselves, each once."""
    seen = {p.id for p in products}
    versions: list[Product] = []
    for product in products[:MAX_VERSIONED]:
        found = await uow.products.list_by_ids(
            [i for i, _ in await front.catalog.scored_ids(product.name, k=20)]
        )
        for p in found:
            if p.id not in seen and p.visible and variant(p.name, product.name):
                seen.add(p.id)
                versions.append(p)
    return versions


async def detail_asked(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
) -> bool:
    """ "¿de qué material es?", "¿es certificado?" right after one product was shown, or "¿y
    el casco blanco de qué material es?" naming one: what its description says about it, or
    that it does not say (and whom to ask). False when no single product is meant."""
    folded = fold(text)
    asked = PRODUCT_DETAIL_RE.search(folded)
    if asked is None or OTHER_VARIANT_RE.search(folded):  # "¿tienen en otro color?"
        return False
    if SIZES_RE.search(folded) and await _sizes_of_kind(front, uow, turn, meaning):
        return True  # "¿qué tallas hay de botas?"
    product, said = await _included_in_shown(uow, turn, meaning, folded)
    if product is None:
        product = await _the_one_meant(front, uow, turn, meaning)
        if product is None:
            return await _of_each_shown(uow, turn, meaning)
        said = snippet(asked.group(), product)
    if said:
        turn.say(texts.DETAIL_SAID.format(name=product.name, said=said))
    else:
        description = product.description.strip() or product.category
        reply = texts.DETAIL_UNSAID.format(name=product.name, description=description)
        contact = front.shop.contact
        turn.say(reply + (texts.DETAIL_ASK_SHOP.format(contact=contact) if contact else ""))
    turn.memory.shown = turn.memory.listed = [product.id]
    turn.memory.awaiting_quantity = product.id
    return True


SIZES_RE = re.compile(r"\btallas\b")
SIZE_IN_NAME_RE = re.compile(r"\s+talla\s+(\w+)$", re.IGNORECASE)
SIZE_RANGE_RE = re.compile(r"\btallas\s+\w+\s+(?:a|al|hasta)\s+\w+", re.IGNORECASE)


async def _sizes_of_kind(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding
) -> bool:
    """ "¿qué tallas hay de botas?": for each product of that kind, the sizes its versions'
    names give ("Bota de seguridad punta de acero: tallas 38, 40, 41, 42 y 44") or the range
    its description gives ("tallas 37 a 44"). False when the words name no kind, or none of
    its products says a size."""
    kind = _other_words(meaning.product_query)
    if not kind and len(turn.memory.shown) > 1:  # "¿qué tallas tiene?" after a list of boots
        first = await uow.products.get(turn.memory.shown[0])
        kind = first.name.split()[0] if first is not None else ""
    if not kind:
        return False
    found = await uow.products.list_by_ids(
        [i for i, _ in await front.catalog.scored_ids(kind, k=SIZED_SEARCHED)]
    )
    sizes: dict[str, list[str]] = {}
    for product in (p for p in found if p.visible and front.catalog.names_kind(kind, p)):
        in_name = SIZE_IN_NAME_RE.search(product.name)
        if in_name is not None:
            base = product.name[: in_name.start()]
            sizes.setdefault(base, []).append(in_name.group(1))
        elif ranged := SIZE_RANGE_RE.search(product.description):
            sizes.setdefault(product.name, []).append(ranged.group())
    if not sizes:
        return False
    lines = [
        texts.SIZES_LINE.format(name=name, sizes=_sizes_said(said)) for name, said in sizes.items()
    ]
    turn.say(texts.SIZES_HEADER + "\n" + "\n".join(lines) + "\n\n" + texts.PRODUCT_LIST_FOOTER)
    return True


def _sizes_said(sizes: list[str]) -> str:
    """ "tallas 38, 40 y 44", "talla 40", or a range as the description says it."""
    if len(sizes) == 1 and sizes[0].lower().startswith("tallas"):
        return sizes[0][0].lower() + sizes[0][1:]
    ordered = sorted(
        dict.fromkeys(sizes), key=lambda s: (not s.isdigit(), int(s) if s.isdigit() else 0, s)
    )
    if len(ordered) == 1:
        return f"talla {ordered[0]}"
    return "tallas " + listed(ordered)


async def _included_in_shown(
    uow: UnitOfWork, turn: Turn, meaning: Understanding, folded: str
) -> tuple[Product | None, str]:
    """ "¿trae soporte?" right after the extinguisher whose description says "con soporte
    incluido": that product and those words — not the wall bracket sold apart, which the word
    names. (None, "") when no product was just shown or its description does not say it."""
    others = _other_words(meaning.product_query)
    one = _just_shown(turn.memory)
    if not others or one is None or not DETAIL_VERBS & set(re.findall(r"\w+", folded)):
        return None, ""
    product = await uow.products.get(one)
    said = snippet(others, product) if product is not None else ""
    return (product, said) if said else (None, "")


async def _the_one_meant(
    front: Shopfront, uow: UnitOfWork, turn: Turn, meaning: Understanding
) -> Product | None:
    """The product a detail question is about: the one its other words name in full ("el
    casco blanco"), else with no other words the one just shown."""
    memory = turn.memory
    others = _other_words(meaning.product_query)
    if not others:
        one = _just_shown(memory)
        return await uow.products.get(one) if one is not None else None
    found = await uow.products.list_by_ids([i for i, _ in await front.catalog.scored_ids(others)])
    named = [p for p in found if p.active and word_coverage(others, p.name) == 1.0]
    return named[0] if len(named) == 1 else None


async def _of_each_shown(uow: UnitOfWork, turn: Turn, meaning: Understanding) -> bool:
    """ "¿qué trae?" after a short list, naming none of it: each one's description."""
    memory = turn.memory
    if _other_words(meaning.product_query):
        return False  # other words name something: not those shown
    if not 1 < len(memory.shown) <= EACH_DESCRIBED_AT_MOST:
        return False
    products = [p for p in await uow.products.list_by_ids(memory.shown) if p.visible]
    if len(products) < 2:
        return False
    cards.compare(turn, products, texts.EACH_DESCRIBED)
    return True


def _other_words(query: str) -> str:
    """The product words of a detail question besides the detail ("empresa" of "¿y el de
    empresa qué incluye?")."""
    words = PRODUCT_DETAIL_RE.sub(" ", fold(query)).split()
    return " ".join(w for w in words if w not in DETAIL_VERBS)


DETAIL_VERBS = frozenset("trae traen incluye incluyen contiene contienen viene vienen".split())


def _just_shown(memory: Memory) -> int | None:
    """The one product the last reply was about (its card, or a list of one)."""
    return memory.awaiting_quantity or (memory.shown[0] if len(memory.shown) == 1 else None)
