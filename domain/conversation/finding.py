"""Which products the customer means: the search, read with what was just discussed."""

from __future__ import annotations

import re
from collections.abc import Sequence

from domain.catalog import Catalog, coverage, covers, names_it, word_coverage
from domain.conversation.memory import Memory
from domain.language import CHEAPEST, Intent, Understanding
from domain.language.meaning import LARGEST, SMALLEST
from domain.language.words import ATTRIBUTE_WORDS
from domain.model import Product
from domain.ports import UnitOfWork
from rag.normalize import fold, stem, tokenize

LIST_SIZE = 5
CLEAR_WINNER_RATIO = 1.25
# A product just shown wins over a better match elsewhere only when nearly as good
# (or, after "y el de…"-style follow-ups, reasonably good).
CONTEXT_MARGIN = 0.85
FOLLOW_UP_MARGIN = 0.6
# Share of the customer's words a product must contain to be picked (or offered unasked).
MIN_COVERAGE = 0.5
CHEAPER_SEARCHED = 50  # products of a kind looked at for cheaper ones than the one shown

Scored = list[tuple[int, float]]


class Finder:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    async def find(
        self, uow: UnitOfWork, memory: Memory, meaning: Understanding, *, picking: bool = False
    ) -> list[Product]:
        """Products the customer means; `picking` narrows to the one they want to buy."""
        shown = await self._among_shown(uow, memory, meaning)
        if shown is not None:
            return shown
        query = meaning.product_query.strip()
        if not query:
            return await self._without_words(uow, memory, meaning, picking=picking)
        scored = await self._search(uow, memory, meaning, query, picking=picking)
        category = None if meaning.is_follow_up else self.catalog.category_for(query)
        if category is not None:  # "algo para proteger la cabeza": that category in stock first
            scored = await self._category_first(uow, category, scored)
        if not scored:
            return []
        products = {p.id: p for p in await uow.products.list_by_ids([i for i, _ in scored])}
        scored = [(i, s) for i, s in scored if i in products and products[i].visible]
        if meaning.intent == Intent.OTHER:
            scored = [(i, s) for i, s in scored if coverage(query, products[i]) >= MIN_COVERAGE]
        if meaning.is_follow_up and query.isdigit():  # "¿y el de 10?": those named with 10
            number = re.compile(rf"(?<![\d.,]){query}(?!\d|[.,]\d)")
            scored = [hit for hit in scored if number.search(products[hit[0]].name)] or scored
        if picking:
            scored = named_fully(query, narrow_to_named(query, scored, products), products)
            if clear_winner(scored) and coverage(query, products[scored[0][0]]) >= MIN_COVERAGE:
                scored = scored[:1]
        else:
            # Remember a clear best match, so "quiero 10" after the list means it.
            named = narrow_to_named(query, scored, products)
            memory.best_match = named[0][0] if named and clear_winner(named) else None
            full = named_fully(query, named, products)
            if len(full) == 1 and len(named) > 1 and len(tokenize(query)) > 1:
                memory.best_match = full[0][0]  # "a cómo el casco blanco": that one
                return [products[full[0][0]]]
            scored = named + of_the_kind(query, named, scored, products)
        return [products[i] for i, _ in scored[:LIST_SIZE]]

    @staticmethod
    async def _category_first(uow: UnitOfWork, category: str, scored: Scored) -> Scored:
        """The category's products found by the search first (best first), then its other
        products in stock (by name), then the rest."""
        shelf = [p for p in await uow.products.shelf_page(category, limit=LIST_SIZE) if p.visible]
        found = await uow.products.list_by_ids([i for i, _ in scored])
        inside = {p.id for p in found if p.category == category}
        floor = min((s for _, s in scored), default=1.0)
        first = [(i, s) for i, s in scored if i in inside]
        first += [(p.id, floor) for p in shelf if p.id not in inside]
        return first + [(i, s) for i, s in scored if i not in inside]

    async def _among_shown(
        self, uow: UnitOfWork, memory: Memory, meaning: Understanding
    ) -> list[Product] | None:
        """ "el segundo", "el más barato": a product of the list just shown."""
        listed = memory.listed or memory.shown
        if listed and meaning.ordinal and 0 < meaning.ordinal <= len(listed):
            return await uow.products.list_by_ids([listed[meaning.ordinal - 1]])
        if meaning.superlative and listed:
            visible = [p for p in await uow.products.list_by_ids(listed) if p.visible]
            if len(visible) == 1 and meaning.superlative == CHEAPEST:
                return await self._cheaper(uow, visible[0]) or visible
            if visible:
                return [extreme(visible, meaning.superlative)]
        return None

    async def _cheaper(self, uow: UnitOfWork, shown: Product) -> list[Product]:
        """ "muy caro, ¿no tiene uno más barato?" after one product: those of its kind that
        cost less, cheapest first."""
        kind = shown.name.split()[0]
        found = await uow.products.list_by_ids(
            [i for i, _ in await self.catalog.scored_ids(kind, k=CHEAPER_SEARCHED)]
        )
        cheaper = [
            p
            for p in found
            if p.visible and p.price_minor < shown.price_minor and same_kind(p.name, shown.name)
        ]
        return sorted(cheaper, key=lambda p: p.price_minor)[:LIST_SIZE]

    @staticmethod
    async def _without_words(
        uow: UnitOfWork, memory: Memory, meaning: Understanding, *, picking: bool
    ) -> list[Product]:
        """ "quiero 3" names no product: the one just discussed, if any; "¿cuántos hay?",
        "¿y de precio?": what was just shown."""
        if not picking:
            if not meaning.is_follow_up or not memory.shown:
                return []
            return [p for p in await uow.products.list_by_ids(memory.shown) if p.active]
        if memory.best_match is not None and memory.best_match in memory.shown:
            return await uow.products.list_by_ids([memory.best_match])
        if memory.shown:
            shown = await uow.products.list_by_ids(memory.shown)
            return shown[:1] if len(shown) == 1 else shown[:LIST_SIZE]
        return []

    async def _search(
        self, uow: UnitOfWork, memory: Memory, meaning: Understanding, query: str, *, picking: bool
    ) -> Scored:
        if query.isdigit() and (meaning.is_follow_up or picking) and memory.shown:
            named = await uow.products.list_by_ids(memory.shown)
            said = [(p.id, 1.0) for p in named if p.visible and word_coverage(query, p.name) == 1]
            if said:  # "2 del de 10" with the 10 lb one shown: that one
                return said
        if meaning.is_follow_up and (other := other_measure(memory.last_query, query)):
            return await self.catalog.scored_ids(other, k=10)  # "¿y el de 10?"
        scored = await self.catalog.scored_ids(query, k=10)
        shown = memory.shown
        if shown and scored and (meaning.is_follow_up or picking):
            in_context = [(i, s) for i, s in scored if i in shown]
            if in_context and await self._refers_to_shown(uow, query, meaning, in_context, scored):
                if picking or not meaning.is_follow_up:
                    return in_context
                return in_context + await self._more_of_the_kind(uow, query, in_context, scored)
            if meaning.is_follow_up and memory.last_query:
                if await self._named_on_its_own(uow, query, scored):  # "y unas gafas"
                    return scored
                return await self.catalog.scored_ids(f"{memory.last_query} {query}", k=10)
        return scored

    @staticmethod
    async def _more_of_the_kind(
        uow: UnitOfWork, query: str, in_context: Scored, scored: Scored
    ) -> Scored:
        """ "¿y de nitrilo?" after a page of gloves: besides the nitrile one shown, the others
        of that kind whose names say it (the disposable nitrile gloves, not on that page)."""
        ids = [i for i, _ in in_context]
        rest = [hit for hit in scored if hit[0] not in ids]
        found = {p.id: p for p in await uow.products.list_by_ids(ids + [i for i, _ in rest])}
        kinds = [found[i].name for i in ids if i in found]
        return [
            (i, s)
            for i, s in rest
            if i in found
            and found[i].visible
            and word_coverage(query, found[i].name) == 1
            and any(same_kind(found[i].name, kind) for kind in kinds)
        ]

    async def _named_on_its_own(self, uow: UnitOfWork, query: str, scored: Scored) -> bool:
        """The follow-up's words name products of their own ("y unas gafas de seguridad", "¿y
        tapabocas?"), not a detail of the last request ("¿y de otra marca?")."""
        top = await uow.products.list_by_ids([i for i, _ in scored[:LIST_SIZE]])
        return any(self.catalog.names_kind(query, p) for p in top)

    @staticmethod
    async def _refers_to_shown(
        uow: UnitOfWork, query: str, meaning: Understanding, in_context: Scored, scored: Scored
    ) -> bool:
        """Does the customer mean a product just shown rather than a better match elsewhere?"""
        margin = FOLLOW_UP_MARGIN if meaning.is_follow_up else CONTEXT_MARGIN
        close = in_context[0][1] >= scored[0][1] * margin
        if close and in_context[0][0] == scored[0][0]:
            return True  # the best match is the one shown: no product to read
        found = {p.id: p for p in await uow.products.list_by_ids([in_context[0][0], scored[0][0]])}
        shown, best = found.get(in_context[0][0]), found.get(scored[0][0])
        if shown is None:
            return False
        if best is not None and best.id != shown.id and named_better(query, best, shown):
            return False  # "2 cintas" after the cones (whose description says "cintas")
        return close or covers(query, shown)

    async def unavailable(
        self, uow: UnitOfWork, query: str, *, hidden: bool = False
    ) -> Product | None:
        """A product the customer named that is sold out or withdrawn (not when the words
        name a category with products in stock, unless `hidden`: that product anyway)."""
        if not query or (not hidden and self.catalog.category_for(query) is not None):
            return None
        return await self.catalog.unavailable_match(uow, query)


def described_only(query: str, products: Sequence[Product]) -> bool:
    """None of the products is the thing asked for: each matched through its description
    only ("martillos": a cabinet whose description mentions a hammer)."""
    return bool(query and products) and all(
        word_coverage(query, f"{p.name} {p.category}") == 0
        and word_coverage(query, p.description) > 0  # a typo matches neither: not this
        for p in products
    )


def kind_described_only(query: str, products: Sequence[Product]) -> list[Product]:
    """ "linternas de casco": the kind asked for (the query's first word) is in no product's
    name, only in what some descriptions mention (the helmet "con ranuras para linterna"):
    those products, to offer as what they are; [] otherwise (one word: `described_only`)."""
    words = tokenize(query)
    if len(words) < 2 or not products:
        return []
    head = words[0]
    if head in ATTRIBUTE_WORDS or any(
        word_coverage(head, f"{p.name} {p.category} {' '.join(tokenize(p.description)[:1])}") > 0
        for p in products
    ):
        return []  # "mascarilla n95": the respirator whose description begins "Mascarilla…"
    return [p for p in products if word_coverage(head, p.description) > 0]


def other_measure(last_query: str, query: str) -> str | None:
    """ "¿y el de 10?" after "extintor de 20 libras": the same request with the other number
    ("extintor 10 libras"); None unless the follow-up is a number alone and the last request
    had exactly one."""
    if not query.isdigit() or not last_query:
        return None
    words = last_query.split()
    numbers = [n for n, word in enumerate(words) if word.isdigit()]
    if len(numbers) != 1:
        return None
    words[numbers[0]] = query
    return " ".join(words)


def missing_measure(query: str, products: Sequence[Product]) -> bool:
    """The query names a measure, size or model ("de 30 libras", "talla 45", "3m") that none
    of the products has: they are the nearest, not the thing asked for."""
    return bool(_measures(query) and products) and not with_measure(query, products)


def with_measure(query: str, products: Sequence[Product]) -> list[Product]:
    """The products that have every measure, size or model the query names — in their words
    ("talla 44") or in a range they give ("tallas 37 a 44" for "talla 43"); all of them when
    the query names none."""
    wanted = _measures(query)
    if not wanted:
        return list(products)
    return [p for p in products if all(_has(w, p) for w in wanted)]


def in_size_range(query: str, products: Sequence[Product]) -> list[Product]:
    """ "botas talla 43" when a product comes in a range of sizes that holds it ("tallas 37 a
    44"): the products that have the size; [] when none has it only by a range (the list
    stays as found: "el abc y el co2" compares both)."""
    if not any(size_in_range(query, p) for p in products):
        return []
    return with_measure(query, products)


def size_in_range(query: str, product: Product) -> str:
    """The measure the query names that the product has only within a range of its text
    ("talla 43" of the boot in "tallas 37 a 44"): to be said with the line, since its name
    does not; "" otherwise."""
    named = set(tokenize(product.name))
    for measure in _measures(query):
        if measure not in named and _has(measure, product):
            return " ".join(_unit_and_number(measure))
    return ""


def _measures(query: str) -> set[str]:
    """The measures, sizes and models the query names, as tokens ("talla43", "30lb")."""
    return {t for t in tokenize(query) if _MEASURE_RE.fullmatch(t)}


def _unit_and_number(measure: str) -> tuple[str, str]:
    """ "talla43": ("talla", "43")."""
    return re.sub(r"[\d.]", "", measure), re.sub(r"\D", "", measure)


def _has(measure: str, product: Product) -> bool:
    text = f"{product.name} {product.description}"
    if measure in tokenize(text):
        return True
    unit, number = _unit_and_number(measure)
    if not unit or not number:
        return False
    ranges = re.finditer(rf"\b{unit}s?\s+(\d+)\s*(?:a|al|-|hasta)\s*(\d+)\b", fold(text))
    return any(int(low) <= int(number) <= int(high) for low, high in (r.groups() for r in ranges))


# A normalised token with digits and letters: "30lb", "talla45", "500m", "3m".
_MEASURE_RE = re.compile(r"(?=.*\d)(?=.*[a-z])[a-z0-9.]+")


def snippet(query: str, product: Product, limit: int = 110) -> str:
    """The part of the description that says the customer's words; for a size asked ("¿de
    qué tamaño?", "¿cuánto mide?"), the part that gives a measure ("20 x 30 cm")."""
    parts = [part.strip() for part in re.split(r"(?<=[.;:])\s+", product.description) if part]
    said = next((part for part in parts if word_coverage(query, part) > 0), "")
    if not said and SIZE_ASKED_RE.search(fold(query)):
        said = next((part for part in parts if MEASURE_RE.search(part)), "")
    return said if len(said) <= limit else said[: limit - 1].rsplit(" ", 1)[0] + "…"


SIZE_ASKED_RE = re.compile(r"\b(tamano|tamanos|medida|medidas|mide|miden|dimensiones|grande)\b")
MEASURE_RE = re.compile(r"\d+([.,]\d+)?\s*(x\s*\d+([.,]\d+)?\s*)?(cm|mm|m|pulgadas|metros)\b")


def extreme(products: Sequence[Product], superlative: str) -> Product:
    """The cheapest or dearest; the smallest or largest by the measure their names say ("5
    lb", "10 lb"), by price when fewer than two say one."""
    if superlative in (SMALLEST, LARGEST):
        measured = [(m, p) for p in products if (m := measure(p.name)) is not None]
        dimensions = [dimension for (dimension, _), _ in measured]
        common = max(set(dimensions), key=dimensions.count, default="")
        same = [(amount, p) for (dimension, amount), p in measured if dimension == common]
        if len(same) >= 2:  # 3.700 g and 10 lb compared as weights; litres apart
            pick = min if superlative == SMALLEST else max
            return pick(same, key=lambda pair: pair[0])[1]
    pick = min if superlative in (CHEAPEST, SMALLEST) else max
    return pick(products, key=lambda p: p.price_minor)


# A measure in a product's name, its dimension and its size in that dimension's unit.
UNITS = {
    "lb": ("mass", 0.4536), "libras": ("mass", 0.4536), "libra": ("mass", 0.4536),
    "kg": ("mass", 1.0), "g": ("mass", 0.001), "gr": ("mass", 0.001), "oz": ("mass", 0.02835),
    "l": ("volume", 1.0), "lt": ("volume", 1.0), "litros": ("volume", 1.0),
    "ml": ("volume", 0.001), "gal": ("volume", 3.785), "galones": ("volume", 3.785),
    "galon": ("volume", 3.785), "m": ("length", 1.0), "cm": ("length", 0.01),
    "mm": ("length", 0.001),
}  # fmt: skip
MEASURE_RE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:\.\d{3})+|\d+(?:,\d+)?)\s*(" + "|".join(UNITS) + r")\b",
    re.IGNORECASE,
)


def measure(name: str) -> tuple[str, float] | None:
    """ "Extintor ABC 10 lb": ("mass", 4.536); "de 3.700 g": ("mass", 3.7)."""
    found = MEASURE_RE.search(name)
    if found is None:
        return None
    dimension, factor = UNITS[found.group(2).lower()]
    amount = float(found.group(1).replace(".", "").replace(",", "."))
    return dimension, amount * factor


def same_kind(name: str, other: str) -> bool:
    """Both name the same kind of thing ("Casco dieléctrico…" and "Casco para alturas…"): one
    instead of the other, not one with the other."""
    mine, theirs = tokenize(name)[:1], tokenize(other)[:1]
    return bool(mine and theirs) and stem(mine[0]) == stem(theirs[0])


def named_better(query: str, one: Product, other: Product) -> bool:
    """`one` is what the words name ("cintas": the danger tape), `other` only mentions them
    (in its description: the cones' "con cintas reflectivas"). Words that `other`'s name says
    too ("desechables" after the disposable gloves, beside "Respirador desechable") do not
    make `one` better."""
    return (
        names_it(query, one) and not names_it(query, other) and word_coverage(query, other.name) < 1
    )


def narrow_to_named(query: str, scored: Scored, products: dict[int, Product]) -> Scored:
    """Among close candidates, keep those whose name says what the customer asked for."""
    if len(scored) < 2:
        return scored
    named = [(i, s) for i, s in scored if names_it(query, products[i])]
    return named or scored


def of_the_kind(query: str, named: Scored, scored: Scored, products: dict[int, Product]) -> Scored:
    """What else to list after the products named as asked ("gafas de seguridad"): those of
    their categories (the monogafas) or whose names say every word, not what shares one
    adjective (safety boots) or mentions the word (the stretcher's harness, the extinguishers
    "con soporte" after the wall bracket)."""
    rest = [hit for hit in scored if hit not in named]
    if len(named) == len(scored):
        return rest
    kinds = {products[i].category for i, _ in named}
    return [
        (i, s)
        for i, s in rest
        if (products[i].category in kinds and not described_only(query, [products[i]]))
        or word_coverage(query, products[i].name) == 1.0
    ]


def named_fully(query: str, scored: Scored, products: dict[int, Product]) -> Scored:
    """Among several, those whose name says every word asked ("una caja de guantes de
    nitrilo": the nitrile gloves, not every glove of the category)."""
    if len(scored) < 2:
        return scored
    full = [(i, s) for i, s in scored if word_coverage(query, products[i].name) == 1.0]
    return full or scored


def clear_winner(scored: Scored) -> bool:
    return len(scored) == 1 or (
        len(scored) > 1 and scored[0][1] >= scored[1][1] * CLEAR_WINNER_RATIO
    )


def remember(memory: Memory, products: Sequence[Product], meaning: Understanding) -> None:
    """What was just shown, so "el segundo" or "quiero 3" can refer to it (and a town asked
    about before is no longer what "¿y a …?" follows)."""
    memory.shown = [p.id for p in products]
    memory.town_asked = ""
    if memory.best_match not in memory.shown:
        memory.best_match = None
    if len(products) > 1:
        memory.listed = [p.id for p in products]
    if meaning.product_query and not meaning.is_follow_up:
        memory.last_query = meaning.product_query
