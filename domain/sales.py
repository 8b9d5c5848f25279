"""The customer conversation: browsing, cart, delivery data, confirmation.

Every method takes plain values (the chat, the text, the current step and the
conversation context kept in FSM data) and returns a `Reply`. Facts — names, prices,
stock, totals — always come from the database; texts come from `domain.texts`.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from enum import StrEnum
from typing import Any, TypeVar

from domain import texts
from domain.catalog import Catalog, coverage, covers, names_it, word_coverage
from domain.grounding import is_grounded
from domain.language import (
    InfoTopic,
    Intent,
    Understanding,
    is_done,
    looks_like_injection,
    looks_like_question,
    split_items,
    states_a_number,
    understand,
    wants_change,
)
from domain.model import Customer, Order, Product
from domain.money import format_cop
from domain.ports import UnitOfWork
from domain.shop import ShopProfile
from domain.validators import (
    clean_address,
    clean_national_id,
    clean_neighbourhood,
    clean_notes,
    clean_person_name,
    clean_phone,
    is_skip,
)
from rag.ai import Facts, Phraser, ProviderError, Understander
from rag.normalize import fold

log = logging.getLogger(__name__)
T = TypeVar("T")

LIST_SIZE = 5
FEW_LEFT = 10
CLEAR_WINNER_RATIO = 1.25
# A product just shown wins over a better match elsewhere only when nearly as good
# (or, after "y el de…"-style follow-ups, reasonably good).
CONTEXT_MARGIN = 0.85
FOLLOW_UP_MARGIN = 0.6
# Share of the customer's words a product must contain to be picked (or offered unasked).
MIN_COVERAGE = 0.5


class Step(StrEnum):
    BROWSING = "browsing"
    CART = "cart"
    NATIONAL_ID = "national_id"
    NAME = "name"
    PHONE = "phone"
    ADDRESS = "address"
    NEIGHBOURHOOD = "neighbourhood"
    NOTES = "notes"
    CONFIRM_DATA = "confirm_data"
    CONFIRMING = "confirming"


# What a customer may ask in the middle of the checkout; answered, never stored as data.
ASIDE_INTENTS = frozenset({Intent.MY_ORDERS, Intent.CART, Intent.HELP})
FIELD_STEPS = (
    Step.NATIONAL_ID,
    Step.NAME,
    Step.PHONE,
    Step.ADDRESS,
    Step.NEIGHBOURHOOD,
    Step.NOTES,
)
COLLECTING_STEPS = (*FIELD_STEPS, Step.CONFIRM_DATA, Step.CONFIRMING)


class Action(StrEnum):
    """Callback data of the inline buttons."""

    CHECKOUT = "checkout"
    KEEP_SHOPPING = "keep"
    CLEAR_CART = "clear"
    TAKE_OFFER = "offer:yes"
    DECLINE_OFFER = "offer:no"
    USE_DATA = "data:use"
    CHANGE_DATA = "data:change"
    SKIP = "skip"
    CONFIRM = "confirm"
    CANCEL = "cancel"
    PICK = "pick"  # pick:<product id>


@dataclass(frozen=True)
class Button:
    text: str
    data: str


@dataclass(frozen=True)
class ChatRef:
    chat_id: int
    user_id: int
    first_name: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    step: Step
    context: dict[str, Any]
    buttons: tuple[tuple[Button, ...], ...] = ()
    owner_alert: str | None = None
    # The order the owner alert announces (its buttons and replies refer to it).
    alert_order_id: int | None = None


@dataclass
class Turn:
    """What one incoming message produced, before it becomes a Reply."""

    chat: ChatRef
    context: dict[str, Any]
    step: Step
    parts: list[str] = field(default_factory=list)
    buttons: tuple[tuple[Button, ...], ...] = ()
    owner_alert: str | None = None
    alert_order_id: int | None = None
    cart: Order | None = None  # shown once at the end when lines were added

    def say(self, text: str) -> None:
        self.parts.append(text)

    def text(self) -> str:
        parts = list(self.parts)
        if self.cart is not None and self.step == Step.CART and not self.waiting():
            parts.append(render_cart(self.cart) + "\n\n" + texts.ANYTHING_ELSE)
        return "\n\n".join(parts)

    def reply(self) -> Reply:
        return Reply(
            self.text(),
            self.step,
            self.context,
            self.buttons,
            self.owner_alert,
            self.alert_order_id,
        )

    def waiting(self) -> bool:
        """The bot just asked something about a product (an offer, which one, how many)."""
        return any(key in self.context for key in PENDING_KEYS)


PENDING_KEYS = ("offer", "awaiting_qty", "pending_qty")

FIELD_PROMPTS = {
    Step.NATIONAL_ID: texts.ASK_NATIONAL_ID,
    Step.NAME: texts.ASK_NAME,
    Step.PHONE: texts.ASK_PHONE,
    Step.ADDRESS: texts.ASK_ADDRESS,
    Step.NEIGHBOURHOOD: texts.ASK_NEIGHBOURHOOD,
    Step.NOTES: texts.ASK_NOTES,
}
FIELD_RULES: dict[Step, tuple[str, Callable[[str], str | None], str]] = {
    Step.NATIONAL_ID: ("national_id", clean_national_id, texts.INVALID_NATIONAL_ID),
    Step.NAME: ("name", clean_person_name, texts.INVALID_NAME),
    Step.PHONE: ("phone", clean_phone, texts.INVALID_PHONE),
    Step.ADDRESS: ("address", clean_address, texts.INVALID_ADDRESS),
    Step.NEIGHBOURHOOD: ("neighbourhood", clean_neighbourhood, texts.INVALID_NEIGHBOURHOOD),
    Step.NOTES: ("notes", clean_notes, texts.INVALID_NOTES),
}

CART_BUTTONS = (
    (
        Button(texts.BUTTON_CHECKOUT, Action.CHECKOUT),
        Button(texts.BUTTON_KEEP_SHOPPING, Action.KEEP_SHOPPING),
    ),
    (Button(texts.BUTTON_CLEAR_CART, Action.CLEAR_CART),),
)
OFFER_BUTTONS = (
    (
        Button(texts.BUTTON_YES_TAKE, Action.TAKE_OFFER),
        Button(texts.BUTTON_NO, Action.DECLINE_OFFER),
    ),
)
DATA_BUTTONS = (
    (
        Button(texts.BUTTON_USE_DATA, Action.USE_DATA),
        Button(texts.BUTTON_CHANGE_DATA, Action.CHANGE_DATA),
    ),
)
SKIP_BUTTONS = ((Button(texts.BUTTON_SKIP, Action.SKIP),),)
CONFIRM_BUTTONS = (
    (Button(texts.BUTTON_CONFIRM, Action.CONFIRM),),
    (
        Button(texts.BUTTON_CHANGE_DATA, Action.CHANGE_DATA),
        Button(texts.BUTTON_CANCEL, Action.CANCEL),
    ),
)


def availability(product: Product) -> str:
    if product.stock >= FEW_LEFT:
        return texts.AVAILABLE_MANY
    if product.stock == 1:
        return texts.AVAILABLE_ONE
    return texts.AVAILABLE_FEW.format(stock=product.stock)


def render_cart(order: Order) -> str:
    lines = [texts.CART_HEADER]
    lines += [
        texts.CART_LINE.format(
            quantity=line.quantity, name=line.name, subtotal=format_cop(line.subtotal_minor)
        )
        for line in order.lines
    ]
    lines.append(texts.CART_TOTAL.format(total=format_cop(order.lines_total_minor)))
    return "\n".join(lines)


def render_customer(data: dict[str, str]) -> str:
    notes = data.get("notes") or ""
    return texts.DATA_BLOCK.format(
        national_id=data.get("national_id", ""),
        name=data.get("name", ""),
        phone=data.get("phone", ""),
        address=data.get("address", ""),
        neighbourhood=data.get("neighbourhood", ""),
        notes=texts.DATA_NOTES.format(notes=notes) if notes else "",
    )


def customer_fields(customer: Customer) -> dict[str, str]:
    return {
        "national_id": customer.national_id or "",
        "name": customer.name,
        "phone": customer.phone,
        "address": customer.address,
        "neighbourhood": customer.neighbourhood,
        "notes": customer.notes,
    }


def mask_name(name: str) -> str:
    return " ".join(part[0] + "." for part in name.split() if part) or "—"


def masked_fields(data: dict[str, str]) -> dict[str, str]:
    """What a chat may see of data registered by another Telegram account."""
    return {
        "national_id": data.get("national_id", ""),
        "name": mask_name(data.get("name", "")),
        "phone": texts.MASKED_PHONE.format(tail=data.get("phone", "")[-4:]),
        "address": texts.MASKED_ADDRESS,
        "neighbourhood": texts.MASKED_ADDRESS,
        "notes": "",
    }


# What a model's reading may decide; cancelling, confirming, accepting or removing is only
# ever the customer's own words.
MODEL_MAY_READ = frozenset({Intent.OTHER, Intent.PRODUCT_QUESTION, Intent.BUY})
MODEL_MAY_SAY = frozenset(
    {"product", "buy", "shop_info", "my_orders", "greeting", "thanks", "help", "other"}
)
MAX_UNITS = 1000
MAX_MODEL_QUERY = 80
MODEL_QUERY_STRENGTH = 0.5  # share of the model's product words a catalog name must say


@dataclass(frozen=True)
class AiTools:
    """Optional model help: reading messages and wording replies. None = offline only."""

    understander: Understander | None = None
    phraser: Phraser | None = None
    budget: float = 20.0  # seconds a customer may wait for each model call, retries included


class SalesAgent:
    """The sales conversation over a unit of work, the catalog and the shop profile.

    The domain decides every fact; a configured model may read a message (falling back to
    the offline reading) and reword a reply (kept only when it states the same facts).
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        catalog: Catalog,
        shop: ShopProfile,
        timezone: tzinfo = UTC,
        ai: AiTools | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._catalog = catalog
        self._shop = shop
        self._timezone = timezone
        self._ai = ai or AiTools()

    # ----------------------------------------------------------------- entry points
    async def start(self, chat: ChatRef, step: Step, context: dict[str, Any]) -> Reply:
        turn = Turn(chat, dict(context), step)
        turn.say(
            texts.START.format(
                name=self._name_part(chat), shop=self._shop.name, example=self._example()
            )
        )
        return await self._finish(turn, "/start")

    async def cancel(self, chat: ChatRef, step: Step, context: dict[str, Any]) -> Reply:
        turn = Turn(chat, {}, Step.BROWSING)
        async with self._uow_factory() as uow:
            discarded = await uow.orders.discard_cart(chat.chat_id)
            await uow.commit()
        pending = discarded or step != Step.BROWSING or "offer" in context
        turn.say(texts.CANCELLED if pending else texts.NOTHING_TO_CANCEL)
        return await self._finish(turn, "/cancelar")

    async def handle_text(
        self, chat: ChatRef, text: str, step: Step, context: dict[str, Any]
    ) -> Reply:
        """One customer text message in any step."""
        typed = typed_button(text, step)
        if typed is not None:
            return await self.handle_button(chat, typed, step, context)
        turn = Turn(chat, dict(context), step)
        meaning = understand(text)
        if meaning.intent == Intent.CANCEL or _is_cancel_word(text):
            return await self.cancel(chat, step, context)
        if step in (Step.BROWSING, Step.CART):  # elsewhere the text is data we validate
            meaning = await self._model_reading(text, meaning, context)
        async with self._uow_factory() as uow:
            if step in FIELD_STEPS:
                await self._on_field(uow, turn, text, meaning)
            elif step == Step.CONFIRM_DATA:
                await self._on_confirm_data(uow, turn, text, meaning)
            elif step == Step.CONFIRMING:
                await self._on_confirming(uow, turn, text, meaning)
            else:
                await self._on_browsing(uow, turn, meaning, text)
            await self._record(uow, turn, text, meaning.intent)
            await uow.commit()
        return await self._worded(turn, text)

    # ----------------------------------------------------------------- model help
    async def _model_reading(
        self, text: str, offline: Understanding, context: dict[str, Any]
    ) -> Understanding:
        """Fill what the offline reading missed with the model's; the offline one on failure.

        The customer's own words win: a model never cancels, confirms, accepts an offer or
        removes anything, never changes a quantity the customer wrote, and its product
        words are used only when they find something in the catalog.
        """
        understander = self._ai.understander
        if (
            understander is None
            or offline.intent not in MODEL_MAY_READ
            or any(key in context for key in PENDING_KEYS)  # an offer or a choice awaits
            or looks_like_injection(text)
            or len(split_items(text)) > 1
        ):
            return offline
        reading = await self._ask_model(understander.extract(text, ()), "reading")
        if reading is None:
            return offline
        intent = offline.intent
        if offline.intent == Intent.OTHER and reading.intent in MODEL_MAY_SAY:
            intent = Intent(reading.intent)
        mention = reading.products[0] if len(reading.products) == 1 else None
        query = offline.product_query
        if mention and self._model_query_helps(mention.query, offline.product_query):
            query = mention.query
        quantity = offline.quantity
        if (
            quantity is None
            and mention
            and mention.quantity
            and mention.quantity <= MAX_UNITS
            and states_a_number(text)  # "un par", "una docena": a model may read those
        ):
            quantity = mention.quantity
        return replace(
            offline,
            intent=intent,
            product_query=query,
            quantity=quantity,
            is_question=reading.is_question or offline.is_question,
        )

    async def _ask_model(self, call: Awaitable[T], what: str) -> T | None:
        """A model's answer within the time budget; None (the offline path) on any failure."""
        try:
            async with asyncio.timeout(self._ai.budget):
                return await call
        except (ProviderError, TimeoutError) as error:
            log.info("%s offline (%s)", what, error)
        except Exception:  # noqa: BLE001 - a provider's bug must not cost the customer a reply
            log.exception("the %s model failed unexpectedly; offline path used", what)
        return None

    def _model_query_helps(self, query: str, offline_query: str) -> bool:
        """The model's product words find something the customer's own words did not."""
        if len(query) > MAX_MODEL_QUERY or looks_like_injection(query):
            return False
        theirs = self._catalog.match_strength(query)
        ours = self._catalog.match_strength(offline_query) if offline_query else 0.0
        return theirs >= MODEL_QUERY_STRENGTH and theirs > ours

    async def _worded(self, turn: Turn, text: str) -> Reply:
        """The reply as a model words it, when it keeps to the facts; else the draft."""
        reply = turn.reply()
        phraser = self._ai.phraser
        if (
            phraser is None
            or turn.step not in (Step.BROWSING, Step.CART)
            or reply.owner_alert  # an order confirmation is said exactly as built
            or not reply.text
        ):
            return reply
        facts = Facts(draft=reply.text, shop=self._shop.name, customer_message=text)
        worded = await self._ask_model(phraser.phrase(facts), "wording")
        if worded is None or worded.strip() == reply.text:
            return reply
        worded = worded.strip()
        if not is_grounded(worded, reply.text, self._catalog.names()):
            log.warning("a worded reply stated facts not in the draft; the draft is sent")
            return reply
        async with self._uow_factory() as uow:  # store what the customer actually read
            await uow.messages.reword_last(turn.chat.chat_id, reply.text, worded)
            await uow.commit()
        return replace(reply, text=worded)

    async def handle_button(
        self, chat: ChatRef, data: str, step: Step, context: dict[str, Any]
    ) -> Reply:
        """An inline button press; stale buttons answer sensibly."""
        if data == Action.CANCEL:
            return await self.cancel(chat, step, context)
        turn = Turn(chat, dict(context), step)
        async with self._uow_factory() as uow:
            await self._on_button(uow, turn, data)
            if turn.step in (Step.BROWSING, Step.CART):
                await self._drain_queue(uow, turn)
            await self._record(uow, turn, f"[botón] {data}", "button")
            await uow.commit()
        return turn.reply()

    # ----------------------------------------------------------------- browsing & cart
    async def _on_browsing(
        self, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
    ) -> None:
        await self._browse(uow, turn, meaning, text)
        if turn.step in (Step.BROWSING, Step.CART):
            await self._drain_queue(uow, turn)

    async def _browse(self, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str) -> None:
        ctx = turn.context
        intent = meaning.intent
        if "offer" in ctx and intent in (Intent.AFFIRM, Intent.DENY) and not meaning.is_question:
            await self._answer_offer(uow, turn, accept=intent == Intent.AFFIRM)
            return
        listed = ctx.get("list_ids") or []
        choice = text.strip()
        if not ctx.get("awaiting_qty") and choice.isdigit() and 0 < int(choice) <= len(listed):
            product = await uow.products.get(int(listed[int(choice) - 1]))
            if product is not None:
                await self._chosen(uow, turn, product)
                return
        if (
            ctx.get("awaiting_qty")
            and meaning.quantity
            and intent not in (Intent.SHOP_INFO, Intent.MY_ORDERS)
        ):
            product = await uow.products.get(int(ctx["awaiting_qty"]))
            if product is not None and not meaning.product_query:
                await self._add_to_cart(
                    uow, turn, product, meaning.quantity, additive=meaning.additive
                )
                return
        match intent:
            case Intent.GREETING:
                turn.say(
                    texts.GREETING.format(name=self._name_part(turn.chat), shop=self._shop.name)
                )
            case Intent.HELP:
                turn.say(texts.START.format(name="", shop=self._shop.name, example=self._example()))
            case Intent.THANKS:
                turn.say(texts.THANKS)
            case Intent.SHOP_INFO:
                turn.say(self._shop_info(meaning.topics))
            case Intent.MY_ORDERS:
                turn.say(await self._my_orders(uow, turn.chat))
            case Intent.CART:
                await self._show_cart(uow, turn)
            case Intent.CHECKOUT:
                await self._begin_checkout(uow, turn)
            case Intent.CANCEL:
                turn.say(texts.NOTHING_TO_CANCEL)
            case Intent.DENY | Intent.AFFIRM if turn.step == Step.CART and (
                intent == Intent.DENY or is_done(text)
            ):
                await self._begin_checkout(uow, turn)
            case Intent.DENY:
                cart = await uow.orders.get_cart(turn.chat.chat_id)
                if turn.step == Step.CART and cart and cart.lines:
                    await self._begin_checkout(uow, turn)
                else:
                    ctx.pop("offer", None)
                    turn.say(texts.OKAY)
            case Intent.AFFIRM:
                await self._on_affirm(uow, turn)
            case Intent.REMOVE:
                await self._remove_from_cart(uow, turn, meaning)
            case Intent.BUY:
                await self._buy_each(uow, turn, meaning, text)
            case _:
                await self._product_question(uow, turn, meaning, text)

    async def _on_affirm(self, uow: UnitOfWork, turn: Turn) -> None:
        """A bare "sí" answers the last question the bot asked."""
        ctx = turn.context
        if ctx.get("awaiting_qty"):
            product = await uow.products.get(int(ctx["awaiting_qty"]))
            if product is not None:
                turn.say(texts.ASK_QUANTITY.format(name=product.name))
                return
        if ctx.get("list_ids"):
            turn.say(texts.PRODUCT_LIST_FOOTER)
            return
        cart = await uow.orders.get_cart(turn.chat.chat_id)
        turn.say(texts.WHAT_ELSE if cart and cart.lines else texts.HOW_CAN_I_HELP)

    async def _remove_from_cart(self, uow: UnitOfWork, turn: Turn, meaning: Understanding) -> None:
        cart = await uow.orders.get_cart(turn.chat.chat_id)
        if not cart or not cart.lines:
            turn.say(texts.CART_EMPTY)
            turn.step = Step.BROWSING
            return
        query = meaning.product_query
        in_cart = await uow.products.list_by_ids([line.product_id for line in cart.lines])
        ranked = sorted(in_cart, key=lambda p: coverage(query, p), reverse=True)
        if not ranked or coverage(query, ranked[0]) == 0:
            turn.say(texts.NOT_IN_CART.format(query=query[:60]))
            self._say_cart(turn, cart)
            return
        order = await uow.orders.remove_line(turn.chat.chat_id, ranked[0].id)
        turn.say(texts.REMOVED.format(name=ranked[0].name))
        if order is None or not order.lines:
            await uow.orders.discard_cart(turn.chat.chat_id)
            turn.say(texts.CART_NOW_EMPTY)
            turn.step = Step.BROWSING
            return
        self._say_cart(turn, order)
        turn.step = Step.CART

    async def _say_unavailable(self, uow: UnitOfWork, turn: Turn, query: str) -> bool:
        """Name a product the customer asked for that is sold out or withdrawn."""
        if not query:
            return False
        hidden = await self._catalog.unavailable_match(uow, query)
        if hidden is None:
            return False
        template = texts.OUT_OF_STOCK if hidden.active else texts.NOT_AVAILABLE
        turn.say(template.format(name=hidden.name))
        return True

    async def _product_question(
        self, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
    ) -> None:
        extra = self._extra_answer(text)
        if extra:
            turn.say(extra)
            return
        if await self._say_unavailable(uow, turn, meaning.product_query):
            return
        products = await self._find(uow, turn.context, meaning)
        if not products and meaning.intent == Intent.OTHER:
            turn.say(texts.FALLBACK.format(example=self._example()))
            return
        if not products:
            turn.say(self._nothing_found((meaning.product_query or text).strip()[:60]))
            return
        self._remember(turn, products, meaning)
        if len(products) == 1:
            product = products[0]
            turn.context["awaiting_qty"] = product.id
            description = f"\n{product.description}" if product.description else ""
            turn.say(
                texts.PRODUCT_DETAIL.format(
                    name=product.name,
                    price=format_cop(product.price_minor),
                    availability=availability(product),
                    description=description,
                )
            )
            return
        turn.say(self._product_list(products) + "\n\n" + texts.PRODUCT_LIST_FOOTER)

    async def _buy_each(
        self, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
    ) -> None:
        """ "2 cascos blancos y 3 chalecos": each item in turn."""
        items = split_items(text)
        if len(items) < 2:
            await self._buy(uow, turn, meaning)
        else:
            await self._buy_items(uow, turn, items)

    async def _buy_items(self, uow: UnitOfWork, turn: Turn, items: list[str]) -> None:
        """Buy items in order; when one needs an answer, the rest wait for it."""
        for n, item in enumerate(items):
            await self._buy(uow, turn, understand(item))
            if turn.waiting() and items[n + 1 :]:
                turn.context["queued"] = items[n + 1 :]
                turn.say(texts.THEN_REST.format(rest=" y ".join(items[n + 1 :])))
                return

    async def _drain_queue(self, uow: UnitOfWork, turn: Turn) -> None:
        """Items of an earlier multi-item order, once its question is answered."""
        if turn.waiting() or not turn.context.get("queued"):
            return
        await self._buy_items(uow, turn, list(turn.context.pop("queued")))

    async def _buy(self, uow: UnitOfWork, turn: Turn, meaning: Understanding) -> None:
        if not meaning.is_follow_up and await self._say_unavailable(
            uow, turn, meaning.product_query
        ):
            return
        products = await self._find(uow, turn.context, meaning, picking=True)
        if not products:
            if meaning.product_query:
                turn.say(self._nothing_found(meaning.product_query[:60]))
            else:
                turn.say(texts.ASK_PRODUCT)
            return
        if len(products) > 1:
            self._remember(turn, products, meaning)
            turn.context["pending_qty"] = meaning.quantity
            turn.say(texts.WHICH_ONE + "\n\n" + self._product_list(products))
            turn.buttons = tuple(
                (Button(f"{n}. {p.name}"[:60], f"{Action.PICK}:{p.id}"),)
                for n, p in enumerate(products, 1)
            )
            return
        product = products[0]
        self._remember(turn, products, meaning)
        if meaning.quantity is None:
            turn.context["awaiting_qty"] = product.id
            turn.say(texts.ASK_QUANTITY.format(name=product.name))
            return
        await self._add_to_cart(uow, turn, product, meaning.quantity, additive=meaning.additive)

    async def _chosen(self, uow: UnitOfWork, turn: Turn, product: Product) -> None:
        """The customer picked one product from a list."""
        quantity = turn.context.pop("pending_qty", None)
        turn.context["last_ids"] = [product.id]
        if quantity:
            await self._add_to_cart(uow, turn, product, int(quantity))
        else:
            turn.context["awaiting_qty"] = product.id
            turn.say(texts.ASK_QUANTITY.format(name=product.name))

    async def _add_to_cart(
        self,
        uow: UnitOfWork,
        turn: Turn,
        product: Product,
        quantity: int,
        *,
        additive: bool = False,
    ) -> None:
        """Put `quantity` in the cart (on top of what is there when `additive`)."""
        if additive:
            cart = await uow.orders.get_cart(turn.chat.chat_id)
            lines = cart.lines if cart else ()
            quantity += sum(line.quantity for line in lines if line.product_id == product.id)
        ctx = turn.context
        ctx.pop("awaiting_qty", None)
        ctx.pop("pending_qty", None)
        ctx.pop("offer", None)
        if not product.visible:
            turn.say(texts.OUT_OF_STOCK.format(name=product.name))
            return
        if quantity > product.stock:
            ctx["offer"] = {"product_id": product.id, "quantity": product.stock}
            template = texts.OFFER_PARTIAL_ONE if product.stock == 1 else texts.OFFER_PARTIAL
            turn.say(template.format(stock=product.stock, name=product.name))
            turn.buttons = OFFER_BUTTONS
            return
        order = await uow.orders.set_line(turn.chat.chat_id, turn.chat.user_id, product, quantity)
        turn.say(
            texts.ADDED.format(
                quantity=quantity, name=product.name, price=format_cop(product.price_minor)
            )
        )
        # The cart is shown once, at the end of the reply (several items may be added).
        turn.cart = order
        turn.buttons = CART_BUTTONS
        turn.step = Step.CART

    async def _answer_offer(self, uow: UnitOfWork, turn: Turn, *, accept: bool) -> None:
        offer = turn.context.pop("offer", None)
        if not offer:
            turn.say(texts.OKAY)
            return
        if not accept:
            turn.say(texts.OFFER_DECLINED)
            return
        product = await uow.products.get(int(offer["product_id"]))
        if product is None:
            turn.say(texts.OKAY)
            return
        await self._add_to_cart(uow, turn, product, min(int(offer["quantity"]), product.stock) or 1)

    async def _show_cart(self, uow: UnitOfWork, turn: Turn) -> None:
        cart = await uow.orders.get_cart(turn.chat.chat_id)
        if not cart or not cart.lines:
            turn.say(texts.CART_EMPTY)
            turn.step = Step.BROWSING
            return
        self._say_cart(turn, cart)

    @staticmethod
    def _say_cart(turn: Turn, cart: Order) -> None:
        """The cart, "¿algo más?" and the cart's buttons, now."""
        turn.say(render_cart(cart) + "\n\n" + texts.ANYTHING_ELSE)
        turn.buttons = CART_BUTTONS

    async def _find(
        self,
        uow: UnitOfWork,
        ctx: dict[str, Any],
        meaning: Understanding,
        *,
        picking: bool = False,
    ) -> list[Product]:
        """Products the customer means, using what was just discussed."""
        last_ids = [int(i) for i in ctx.get("last_ids", [])]
        listed = [int(i) for i in ctx.get("list_ids") or last_ids]
        if listed and meaning.ordinal and 0 < meaning.ordinal <= len(listed):
            return await uow.products.list_by_ids([listed[meaning.ordinal - 1]])
        if meaning.superlative and listed:
            shown = [p for p in await uow.products.list_by_ids(listed) if p.visible]
            if shown:
                pick = min if meaning.superlative == "cheapest" else max
                return [pick(shown, key=lambda p: p.price_minor)]
        query = meaning.product_query.strip()
        if not query:
            if picking and ctx.get("best_id") in last_ids:
                return await uow.products.list_by_ids([int(ctx["best_id"])])
            if picking and last_ids:
                shown = await uow.products.list_by_ids(last_ids)
                return shown[:1] if len(shown) == 1 else shown[:LIST_SIZE]
            return []
        scored = await self._catalog.scored_ids(query, k=10)
        if last_ids and scored and (meaning.is_follow_up or picking):
            in_context = [(i, s) for i, s in scored if i in last_ids]
            if in_context and await self._refers_to_shown(uow, query, meaning, in_context, scored):
                scored = in_context
            elif meaning.is_follow_up and ctx.get("last_query"):
                scored = await self._catalog.scored_ids(f"{ctx['last_query']} {query}", k=10)
        if not scored:
            return []
        products = {p.id: p for p in await uow.products.list_by_ids([i for i, _ in scored])}
        scored = [(i, s) for i, s in scored if i in products and products[i].visible]
        if meaning.intent == Intent.OTHER:
            scored = [(i, s) for i, s in scored if coverage(query, products[i]) >= MIN_COVERAGE]
        if not picking:
            # Remember a clear best match, so "quiero 10" after the list means it.
            named = self._narrow_to_named(query, scored, products)
            ctx.pop("best_id", None)
            if named and self._clear_winner(named):
                ctx["best_id"] = named[0][0]
            scored = named + [hit for hit in scored if hit not in named]
        if picking:
            scored = self._narrow_to_named(query, scored, products)
            if (
                self._clear_winner(scored)
                and coverage(query, products[scored[0][0]]) >= MIN_COVERAGE
            ):
                scored = scored[:1]
        return [products[i] for i, _ in scored[:LIST_SIZE]]

    @staticmethod
    def _narrow_to_named(
        query: str, scored: list[tuple[int, float]], products: dict[int, Product]
    ) -> list[tuple[int, float]]:
        """Among close candidates, keep those whose name says what the customer asked for."""
        if len(scored) < 2:
            return scored
        named = [(i, s) for i, s in scored if names_it(query, products[i])]
        return named or scored

    @staticmethod
    def _clear_winner(scored: list[tuple[int, float]]) -> bool:
        return len(scored) == 1 or (
            len(scored) > 1 and scored[0][1] >= scored[1][1] * CLEAR_WINNER_RATIO
        )

    async def _refers_to_shown(
        self,
        uow: UnitOfWork,
        query: str,
        meaning: Understanding,
        in_context: list[tuple[int, float]],
        scored: list[tuple[int, float]],
    ) -> bool:
        """Does the customer mean a product just shown rather than a better match elsewhere?"""
        margin = FOLLOW_UP_MARGIN if meaning.is_follow_up else CONTEXT_MARGIN
        if in_context[0][1] >= scored[0][1] * margin:
            return True
        shown = await uow.products.get(in_context[0][0])
        return shown is not None and covers(query, shown)

    def _remember(self, turn: Turn, products: Sequence[Product], meaning: Understanding) -> None:
        turn.context["last_ids"] = [p.id for p in products]
        if turn.context.get("best_id") not in turn.context["last_ids"]:
            turn.context.pop("best_id", None)
        if len(products) > 1:
            turn.context["list_ids"] = [p.id for p in products]
        if meaning.product_query and not meaning.is_follow_up:
            turn.context["last_query"] = meaning.product_query

    def _product_list(self, products: Sequence[Product]) -> str:
        lines = [texts.PRODUCT_LIST_HEADER]
        lines += [
            texts.PRODUCT_LINE.format(
                n=n, name=p.name, price=format_cop(p.price_minor), availability=availability(p)
            )
            for n, p in enumerate(products, 1)
        ]
        return "\n".join(lines)

    # ----------------------------------------------------------------- checkout
    async def _begin_checkout(self, uow: UnitOfWork, turn: Turn) -> None:
        cart = await uow.orders.get_cart(turn.chat.chat_id)
        if not cart or not cart.lines:
            turn.say(texts.CART_EMPTY)
            turn.step = Step.BROWSING
            return
        for key in (*PENDING_KEYS, "queued"):
            turn.context.pop(key, None)
        draft = turn.context.get("draft") or {}
        if all(FIELD_RULES[step][0] in draft for step in FIELD_STEPS):
            await self._summary(uow, turn)
            return
        known = await uow.customers.by_telegram_user(turn.chat.user_id)
        if known and known.complete:
            turn.context["draft"] = customer_fields(known)
            first = known.name.split()[0] if known.name else ""
            turn.say(
                texts.KNOWN_CUSTOMER.format(
                    first=first, data=render_customer(turn.context["draft"])
                )
            )
            turn.buttons = DATA_BUTTONS
            turn.step = Step.CONFIRM_DATA
            return
        turn.context["draft"] = {}
        turn.say(texts.CHECKOUT_START + " " + texts.ASK_NATIONAL_ID)
        turn.step = Step.NATIONAL_ID

    async def _on_field(
        self, uow: UnitOfWork, turn: Turn, text: str, meaning: Understanding
    ) -> None:
        name, clean, invalid = FIELD_RULES[turn.step]
        if turn.step != Step.NOTES and meaning.intent in (Intent.GREETING, Intent.THANKS):
            turn.say(FIELD_PROMPTS[turn.step])
            return
        if turn.step == Step.NATIONAL_ID and looks_like_question(text) and "para qu" in fold(text):
            turn.say(texts.WHY_NATIONAL_ID + "\n\n" + FIELD_PROMPTS[turn.step])
            return
        if turn.step == Step.NOTES and is_skip(text):
            value: str | None = ""
        else:
            value = clean(text)
        asked = looks_like_question(text) and (
            turn.step != Step.NOTES or meaning.intent != Intent.OTHER
        )
        aside = (
            asked
            or meaning.intent in ASIDE_INTENTS
            or (value is None and meaning.intent == Intent.SHOP_INFO)
        )
        if value is None or aside:
            if aside:
                await self._answer_aside(uow, turn, meaning, text)
                turn.say(texts.RESUME.format(prompt=FIELD_PROMPTS[turn.step]))
            else:
                turn.say(invalid)
            if turn.step == Step.NOTES:
                turn.buttons = SKIP_BUTTONS
            return
        draft = dict(turn.context.get("draft", {}))
        draft[name] = value
        turn.context["draft"] = draft
        if turn.step == Step.NATIONAL_ID:
            known = await uow.customers.by_national_id(value)
            if known and known.complete:
                turn.context["known_national_id"] = value
                turn.say(
                    texts.KNOWN_NATIONAL_ID.format(
                        masked_name=mask_name(known.name), phone_tail=known.phone[-4:]
                    )
                )
                turn.buttons = DATA_BUTTONS
                turn.step = Step.CONFIRM_DATA
                return
        await self._next_field(uow, turn)

    async def _next_field(self, uow: UnitOfWork, turn: Turn) -> None:
        draft = turn.context.get("draft", {})
        for step in FIELD_STEPS:
            field_name = FIELD_RULES[step][0]
            if field_name not in draft:
                turn.step = step
                turn.say(FIELD_PROMPTS[step])
                if step == Step.NOTES:
                    turn.buttons = SKIP_BUTTONS
                return
        await self._summary(uow, turn)

    async def _refresh_cart(self, uow: UnitOfWork, turn: Turn) -> tuple[Order | None, bool]:
        """Bring the cart's names and prices up to date with the catalog; say what changed."""
        cart = await uow.orders.get_cart(turn.chat.chat_id)
        if not cart:
            return None, False
        products = {
            p.id: p for p in await uow.products.list_by_ids([ln.product_id for ln in cart.lines])
        }
        changed = False
        for line in cart.lines:
            product = products.get(line.product_id)
            if product is None or not product.visible:
                await uow.orders.remove_line(turn.chat.chat_id, line.product_id)
                sold_out = product is not None and product.active
                turn.say(
                    (texts.LINE_SOLD_OUT if sold_out else texts.LINE_GONE).format(name=line.name)
                )
                changed = True
            elif (product.price_minor, product.name) != (line.unit_price_minor, line.name):
                await uow.orders.set_line(
                    turn.chat.chat_id, turn.chat.user_id, product, line.quantity
                )
                turn.say(
                    texts.PRICE_CHANGED.format(
                        name=product.name, price=format_cop(product.price_minor)
                    )
                )
                changed = True
        return (await uow.orders.get_cart(turn.chat.chat_id) if changed else cart), changed

    async def _summary(self, uow: UnitOfWork, turn: Turn) -> None:
        cart, _ = await self._refresh_cart(uow, turn)
        if not cart or not cart.lines:
            if cart:
                await uow.orders.discard_cart(turn.chat.chat_id)
            turn.say(texts.CART_EMPTY)
            turn.step = Step.BROWSING
            return
        draft = turn.context["draft"]
        shown = masked_fields(draft) if turn.context.get("known_national_id") else draft
        turn.say(texts.SUMMARY.format(cart=render_cart(cart), data=render_customer(shown)))
        turn.buttons = CONFIRM_BUTTONS
        turn.step = Step.CONFIRMING

    async def _on_confirm_data(
        self, uow: UnitOfWork, turn: Turn, text: str, meaning: Understanding
    ) -> None:
        if wants_change(text) or (meaning.intent == Intent.DENY and not meaning.is_question):
            self._restart_data(turn)
        elif meaning.intent == Intent.AFFIRM and not meaning.is_question:
            await self._use_known_data(uow, turn)
        else:
            await self._answer_aside(uow, turn, meaning, text)
            turn.say(texts.RESUME.format(prompt=texts.CONFIRM_OR_CHANGE_DATA))
            turn.buttons = DATA_BUTTONS

    async def _use_known_data(self, uow: UnitOfWork, turn: Turn) -> None:
        """Use stored data; data found by cédula stays masked and keeps its owner."""
        national_id = turn.context.get("known_national_id")
        if national_id:
            known = await uow.customers.by_national_id(national_id)
            if known:
                turn.context["draft"] = customer_fields(known)
        await self._summary(uow, turn)

    def _restart_data(self, turn: Turn) -> None:
        turn.context.pop("known_national_id", None)
        turn.context["draft"] = {}
        turn.say(texts.ASK_NATIONAL_ID)
        turn.step = Step.NATIONAL_ID

    async def _on_confirming(
        self, uow: UnitOfWork, turn: Turn, text: str, meaning: Understanding
    ) -> None:
        if wants_change(text):
            self._restart_data(turn)
        elif meaning.intent in (Intent.AFFIRM, Intent.CHECKOUT) and not meaning.is_question:
            await self._confirm(uow, turn)
        elif meaning.intent in (Intent.BUY, Intent.REMOVE) and not meaning.is_question:
            turn.step = Step.CART
            await self._on_browsing(uow, turn, meaning, text)
        elif meaning.intent == Intent.DENY and not meaning.is_question:
            turn.say(texts.CONFIRM_OR_CHANGE)
            turn.buttons = CONFIRM_BUTTONS
        else:
            await self._answer_aside(uow, turn, meaning, text)
            turn.say(texts.RESUME.format(prompt=texts.CONFIRM_OR_CHANGE))
            turn.buttons = CONFIRM_BUTTONS

    async def _confirm(self, uow: UnitOfWork, turn: Turn) -> None:
        """Take stock for every line in one transaction, or nothing at all."""
        cart = await uow.orders.get_cart(turn.chat.chat_id)
        if not cart or not cart.lines:
            turn.say(texts.ALREADY_CONFIRMED)
            turn.step = Step.BROWSING
            turn.context = {}
            return
        refreshed, changed = await self._refresh_cart(uow, turn)
        if changed or refreshed is None:
            # The customer confirms what they see: nothing is taken before a new look.
            if not refreshed or not refreshed.lines:
                await uow.orders.discard_cart(turn.chat.chat_id)
                turn.say(texts.CART_NOW_EMPTY)
                turn.step = Step.BROWSING
                return
            turn.say(texts.NOTHING_CONFIRMED)
            await self._summary(uow, turn)
            return
        for line in cart.lines:
            if not await uow.products.take_stock(line.product_id, line.quantity):
                await uow.rollback()
                await self._stock_changed(uow, turn, line.product_id)
                return
        draft = turn.context.get("draft", {})
        known_national_id = turn.context.get("known_national_id")
        found_by_national_id = bool(known_national_id)
        registered = (
            await uow.customers.by_national_id(known_national_id) if known_national_id else None
        )
        # Data found by someone else's cédula is used as stored, never rewritten from this chat.
        customer = registered or await uow.customers.save(
            Customer(
                id=None,
                telegram_user_id=turn.chat.user_id,
                national_id=draft.get("national_id"),
                name=draft.get("name", ""),
                phone=draft.get("phone", ""),
                address=draft.get("address", ""),
                neighbourhood=draft.get("neighbourhood", ""),
                notes=draft.get("notes", ""),
            )
        )
        order = await uow.orders.confirm(cart.id, customer, cart.lines_total_minor)
        await uow.commit()
        self._catalog.refresh(await uow.products.list_by_ids([ln.product_id for ln in order.lines]))
        cart_text = render_cart(order).replace(texts.CART_HEADER + "\n", "")
        if found_by_national_id:
            phone, place = (
                texts.MASKED_PHONE_FULL.format(tail=customer.phone[-4:]),
                texts.MASKED_PLACE,
            )
        else:
            phone, place = customer.phone, customer.neighbourhood
        turn.say(
            texts.CONFIRMED.format(order_id=order.id, cart=cart_text, phone=phone, place=place)
        )
        turn.owner_alert = texts.OWNER_NEW_ORDER.format(
            order_id=order.id,
            total=format_cop(order.total_minor),
            cart=cart_text,
            name=customer.name,
            national_id=customer.national_id,
            phone=customer.phone,
            address=customer.address,
            neighbourhood=customer.neighbourhood,
            notes=texts.DATA_NOTES.format(notes=customer.notes) if customer.notes else "",
            chat_id=turn.chat.chat_id,
        )
        turn.alert_order_id = order.id
        turn.context = {}
        turn.step = Step.BROWSING

    async def _stock_changed(self, uow: UnitOfWork, turn: Turn, product_id: int) -> None:
        product = await uow.products.get(product_id)
        if product is None or not product.visible:
            name = product.name if product else ""
            await uow.orders.remove_line(turn.chat.chat_id, product_id)
            turn.say(texts.STOCK_GONE.format(name=name))
        else:
            await uow.orders.set_line(turn.chat.chat_id, turn.chat.user_id, product, product.stock)
            turn.say(texts.STOCK_CHANGED.format(name=product.name, stock=product.stock))
        if product is not None:
            self._catalog.refresh([product])
        cart = await uow.orders.get_cart(turn.chat.chat_id)
        if not cart or not cart.lines:
            if cart:
                await uow.orders.discard_cart(turn.chat.chat_id)
            turn.say(texts.CART_NOW_EMPTY)
            turn.step = Step.BROWSING
            return
        await self._summary(uow, turn)

    # ----------------------------------------------------------------- buttons
    async def _on_button(self, uow: UnitOfWork, turn: Turn, data: str) -> None:
        if data.startswith(f"{Action.PICK}:"):
            raw_id = data.split(":", 1)[1]
            product = await uow.products.get(int(raw_id)) if raw_id.isdigit() else None
            if product is None:
                turn.say(texts.ASK_PRODUCT)
                return
            await self._chosen(uow, turn, product)
            return
        match data:
            case Action.CHECKOUT:
                if turn.step == Step.CONFIRM_DATA:
                    turn.say(texts.CONFIRM_OR_CHANGE_DATA)
                    turn.buttons = DATA_BUTTONS
                elif turn.step in COLLECTING_STEPS:
                    await self._next_field(uow, turn)
                else:
                    await self._begin_checkout(uow, turn)
            case Action.KEEP_SHOPPING:
                turn.say(texts.WHAT_ELSE)
            case Action.CLEAR_CART:
                await uow.orders.discard_cart(turn.chat.chat_id)
                turn.context = {}
                turn.step = Step.BROWSING
                turn.say(texts.CART_CLEARED)
            case Action.TAKE_OFFER | Action.DECLINE_OFFER:
                await self._answer_offer(uow, turn, accept=data == Action.TAKE_OFFER)
            case Action.USE_DATA if turn.step == Step.CONFIRM_DATA:
                await self._use_known_data(uow, turn)
            case Action.CHANGE_DATA if turn.step in COLLECTING_STEPS:
                self._restart_data(turn)
            case Action.SKIP if turn.step == Step.NOTES:
                draft = dict(turn.context.get("draft", {}))
                draft["notes"] = ""
                turn.context["draft"] = draft
                await self._next_field(uow, turn)
            case Action.CONFIRM if turn.step == Step.CONFIRMING:
                await self._confirm(uow, turn)
            case _:
                if turn.step == Step.CONFIRMING or turn.step not in COLLECTING_STEPS:
                    cart = await uow.orders.get_cart(turn.chat.chat_id)
                    turn.say(texts.ALREADY_CONFIRMED if not cart else texts.WHAT_ELSE)
                else:
                    turn.say(FIELD_PROMPTS.get(turn.step, texts.WHAT_ELSE))

    # ----------------------------------------------------------------- asides
    async def _answer_aside(
        self, uow: UnitOfWork, turn: Turn, meaning: Understanding, text: str
    ) -> None:
        """Answer a question asked in the middle of the flow without changing the step."""
        if meaning.intent == Intent.SHOP_INFO or meaning.topics:
            turn.say(self._shop_info(meaning.topics))
        elif meaning.intent == Intent.MY_ORDERS:
            turn.say(await self._my_orders(uow, turn.chat))
        elif meaning.intent in (Intent.PRODUCT_QUESTION, Intent.BUY, Intent.OTHER):
            products = await self._find(uow, turn.context, meaning)
            if products:
                turn.say(self._product_list(products))
            elif meaning.intent != Intent.OTHER:
                turn.say(self._nothing_found(meaning.product_query[:60] or text[:60]))
        elif meaning.intent == Intent.CART:
            cart = await uow.orders.get_cart(turn.chat.chat_id)
            if cart:
                turn.say(render_cart(cart))

    def _extra_answer(self, text: str) -> str | None:
        """An entry of the profile's [extra] table whose every word the customer used."""
        for title, answer in self._shop.extra.items():
            if word_coverage(title, text) == 1.0:
                return texts.INFO_EXTRA.format(title=title, answer=answer)
        return None

    def _shop_info(self, topics: Sequence[InfoTopic]) -> str:
        shop = self._shop
        by_topic = {
            InfoTopic.HOURS: texts.INFO_HOURS.format(hours=shop.hours),
            InfoTopic.LOCATION: texts.INFO_LOCATION.format(address=shop.address, city=shop.city),
            InfoTopic.PAYMENT: texts.INFO_PAYMENT.format(methods=", ".join(shop.payment_methods)),
            InfoTopic.DELIVERY: texts.INFO_DELIVERY.format(delivery=shop.delivery_summary()),
            InfoTopic.WARRANTY: texts.INFO_WARRANTY.format(
                warranty=" ".join(part for part in (shop.warranty, shop.returns) if part)
            ),
            InfoTopic.CONTACT: texts.INFO_CONTACT.format(
                phone=shop.phone,
                others="".join(
                    texts.INFO_CONTACT_EXTRA.format(label=label, value=value)
                    for label, value in (("WhatsApp", shop.whatsapp), ("Correo", shop.email))
                    if value
                ),
            ),
            InfoTopic.INVOICE: texts.INFO_INVOICE.format(invoicing=shop.invoicing)
            if shop.invoicing
            else texts.INFO_CONTACT.format(phone=shop.phone, others=""),
        }
        chosen = [by_topic[t] for t in topics if t in by_topic]
        if chosen:
            return "\n".join(chosen)
        return texts.INFO_GENERAL.format(shop=shop.name, lines="\n".join(by_topic.values()))

    async def _my_orders(self, uow: UnitOfWork, chat: ChatRef) -> str:
        orders = await uow.orders.list_for_user(chat.user_id)
        cart = await uow.orders.get_cart(chat.chat_id)
        lines = []
        if orders:
            lines.append(texts.MY_ORDERS_HEADER)
            for order in orders:
                items = sum(line.quantity for line in order.lines)
                moment = order.confirmed_at or order.created_at
                lines.append(
                    texts.MY_ORDER_LINE.format(
                        order_id=order.id,
                        date=self._local(moment).strftime("%d/%m") if moment else "",
                        items=f"{items} producto{'s' if items != 1 else ''}",
                        total=format_cop(order.total_minor),
                        status=texts.ORDER_STATUS.get(order.status, order.status),
                    )
                )
        else:
            lines.append(texts.MY_ORDERS_NONE)
        if cart and cart.lines:
            lines.append(texts.MY_CART_PENDING.format(total=format_cop(cart.lines_total_minor)))
        return "\n".join(lines)

    # ----------------------------------------------------------------- helpers
    def _local(self, moment: datetime) -> datetime:
        """A stored moment (UTC; SQLite gives it back without zone) in the shop's time."""
        aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        return aware.astimezone(self._timezone)

    def _example(self) -> str:
        categories = self._catalog.categories(1)
        return categories[0].lower() if categories else texts.EXAMPLE_FALLBACK

    def _nothing_found(self, query: str) -> str:
        """Say nothing matched, with what the shop does sell (from the catalog)."""
        categories = [c.lower() for c in self._catalog.categories(5)]
        examples = texts.EXAMPLES.format(categories=", ".join(categories)) if categories else ""
        return texts.NOTHING_FOUND.format(query=query, examples=examples)

    @staticmethod
    def _name_part(chat: ChatRef) -> str:
        return f", {chat.first_name}" if chat.first_name else ""

    async def _record(self, uow: UnitOfWork, turn: Turn, text: str, intent: str) -> None:
        await uow.messages.add(
            turn.chat.chat_id, "in", text, telegram_user_id=turn.chat.user_id, intent=intent
        )
        await uow.messages.add(turn.chat.chat_id, "out", turn.text())

    async def _finish(self, turn: Turn, text: str) -> Reply:
        async with self._uow_factory() as uow:
            await self._record(uow, turn, text, "command")
            await uow.commit()
        return turn.reply()


# Button labels (and their short forms) typed instead of pressed.
TYPED_BUTTONS = {
    "finalizar": Action.CHECKOUT,
    "finalizar pedido": Action.CHECKOUT,
    "finalizar compra": Action.CHECKOUT,
    "finalicemos": Action.CHECKOUT,
    "terminar": Action.CHECKOUT,
    "terminar pedido": Action.CHECKOUT,
    "pagar": Action.CHECKOUT,
    "seguir comprando": Action.KEEP_SHOPPING,
    "vaciar carrito": Action.CLEAR_CART,
    "usar estos datos": Action.USE_DATA,
    "si usar estos datos": Action.USE_DATA,
    "cambiar datos": Action.CHANGE_DATA,
    "omitir": Action.SKIP,
    "confirmar": Action.CONFIRM,
    "confirmar pedido": Action.CONFIRM,
    "confirma": Action.CONFIRM,
    "confirmalo": Action.CONFIRM,
    "confirmo": Action.CONFIRM,
}
STEP_OF_ACTION = {
    Action.USE_DATA: (Step.CONFIRM_DATA,),
    Action.SKIP: (Step.NOTES,),
    Action.CHANGE_DATA: COLLECTING_STEPS,
}


def typed_button(text: str, step: Step) -> str | None:
    """The action of a button whose words the customer typed, when it fits the step."""
    words = " ".join(re.sub(r"[^a-z ]", " ", fold(text).lower()).split())
    action = TYPED_BUTTONS.get(words)
    if action is None or step not in STEP_OF_ACTION.get(action, tuple(Step)):
        return None
    if action == Action.CONFIRM and step != Step.CONFIRMING:
        return Action.CHECKOUT
    if action == Action.CHECKOUT and step == Step.CONFIRMING:
        return Action.CONFIRM
    return action


def _is_cancel_word(text: str) -> bool:
    return text.strip().lower().lstrip("/") in {"cancelar", "cancela", "cancelar pedido"}
