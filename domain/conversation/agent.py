"""The sales conversation: one entry per kind of update, routed by the step it is in.

Every entry takes plain values (the chat, the text, the step and the Memory read from the
FSM storage for this update, which it updates in place) and returns a `Reply` carrying it.
Facts — names, prices, stock, totals — always come from the database; texts come from
`domain.texts`. What follows a commit (the owners' alert,
the search index) is emitted as events on the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, tzinfo

from domain import texts
from domain.catalog import Catalog, one_turn
from domain.conversation import (
    aftercare,
    asides,
    billing,
    browsing,
    buttons,
    cart,
    checkout,
    ordering,
    paying,
    privacy,
    related,
    several,
    shelves,
)
from domain.conversation.memory import Memory
from domain.conversation.model_help import AiTools, ModelHelp
from domain.conversation.reading import Reading, read
from domain.conversation.rendering import name_part
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import (
    CART_BUTTONS,
    DATA_BUTTONS,
    DATA_STEPS,
    FIELD_STEPS,
    INVOICE_STEPS,
    SHOPPING_STEPS,
    Action,
    ChatRef,
    Reply,
    Step,
    Turn,
)
from domain.language import InfoTopic, Intent, understand
from domain.payment import PayKind
from domain.ports import UnitOfWork
from domain.shop import ShopProfile

CONTEXT_CHARS = 300  # of each earlier message the reading model sees


class SalesAgent:
    """The sales conversation over a unit of work, the catalog and the shop profile.

    The domain decides every fact; a configured model may read a message (falling back to
    the offline reading) and reword a reply (kept only when it states the same facts).

    A model is never asked inside the update's transaction (on SQLite it holds the write
    lock: every customer would wait on each call): what the reading model is shown is read
    with `reads` (units of work of their own), and a reply's wording is asked by `word`
    after the reply is promised (`Reply.word_for`).
    """

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        catalog: Catalog,
        shop: ShopProfile,
        timezone: tzinfo = UTC,
        ai: AiTools | None = None,
        reads: Callable[[], UnitOfWork] | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._reads = reads or uow_factory
        self._front = Shopfront(catalog, shop, timezone)
        self._model = ModelHelp(ai or AiTools(), catalog, shop.name)

    def _turn(self, chat: ChatRef, memory: Memory, step: Step) -> Turn:
        return Turn(chat, memory, step, discounts=self._front.shop.volume_discounts)

    async def start(self, chat: ChatRef, step: Step, memory: Memory) -> Reply:
        turn = self._turn(chat, memory, step)
        shop = self._front.shop
        name, example = name_part(chat.first_name), self._front.example()
        turn.say(texts.START.format(name=name, shop=shop.name, example=example))
        return await self._finish(turn, "/start")

    async def browse(self, chat: ChatRef, step: Step, memory: Memory) -> Reply:
        """/catalogo: the categories as buttons, in any step (the step stays)."""
        turn = self._turn(chat, memory, step)
        async with self._uow_factory() as uow:
            await shelves.show_shelves(uow, turn)
            await _record(uow, turn, "/catalogo", "browse")
            await uow.commit()
        return turn.reply()

    async def cancel(self, chat: ChatRef, step: Step, memory: Memory, text: str = "") -> Reply:
        """/cancelar, "cancela": the cart and the checkout in progress; with nothing in
        progress, or with an order named ("cancelar el pedido #1"), a confirmed order
        (asked first)."""
        turn = self._turn(chat, Memory(), Step.BROWSING)
        named = aftercare.named_order(text)
        async with self._uow_factory() as uow:
            if named is not None:
                await aftercare.ask_to_cancel(self._front, uow, turn, named)
            else:
                discarded = await uow.orders.discard_cart(chat.chat_id)
                pending = discarded or step != Step.BROWSING or memory.offer is not None
                if pending:
                    turn.say(texts.CANCELLED)
                elif not await aftercare.ask_to_cancel(self._front, uow, turn, None):
                    turn.say(texts.NOTHING_TO_CANCEL)
            await uow.commit()
        return await self._finish(turn, text or "/cancelar")

    async def handle_text(self, chat: ChatRef, text: str, step: Step, memory: Memory) -> Reply:
        """One customer text message in any step."""
        with one_turn():  # the turn's searches of the same words answered once
            return await self._text(chat, text, step, memory)

    async def _text(self, chat: ChatRef, said: str, step: Step, memory: Memory) -> Reply:
        reading = read(said, step)
        text = reading.text  # its shorthand spelled out; the log keeps what was `said`
        if reading.button is not None:
            return await self.handle_button(chat, reading.button, step, memory)
        if reading.meaning.intent == Intent.CANCEL or reading.cancel:
            return await self.cancel(chat, step, memory, text)
        if privacy.asks_erase(text) or privacy.asks_my_data(text):
            return await self.privacy(chat, step, memory, text, erase=privacy.asks_erase(text))
        paid_by = paying.named(self._front, step, reading.meaning, text)
        if paid_by:
            asked = paying.only_asks(reading.meaning, text)
            return await self._payment_words(self._turn(chat, memory, step), paid_by, text, asked)
        if step in SHOPPING_STEPS:  # elsewhere the text is data we validate
            recent = await self._recent(chat)
            meaning = await self._model.reading(text, reading.meaning, memory, recent)
            reading = replace(reading, meaning=meaning)
        turn = self._turn(chat, memory, step)
        async with self._uow_factory() as uow:
            await self._route(uow, turn, reading)
            await related.suggest(self._front, uow, turn)
            await _record(uow, turn, said, reading.meaning.intent)
            await uow.commit()
        return self._wordable(turn, said)

    async def receipt(
        self, chat: ChatRef, step: Step, memory: Memory, photo: str, photo_key: str, caption: str
    ) -> Reply | None:
        """A photo that is a payment receipt (the customer has an order awaiting a transfer);
        None when it is not one."""
        async with self._reads() as uow:  # most photos are not receipts: read them apart
            if not await aftercare.owes(uow, chat.user_id):
                return None
        turn = self._turn(chat, memory, step)
        async with self._uow_factory() as uow:
            if not await aftercare.receipt(uow, turn, photo, photo_key, caption):
                return None
            await _record(uow, turn, f"[foto] {caption}".strip(), aftercare.RECEIPT_INTENT)
            await uow.commit()
        return turn.reply()

    async def handle_button(self, chat: ChatRef, data: str, step: Step, memory: Memory) -> Reply:
        """An inline button press; stale buttons answer sensibly."""
        if data == Action.CANCEL:
            return await self.cancel(chat, step, memory)
        turn = self._turn(chat, memory, step)
        async with self._uow_factory() as uow:
            await buttons.on_button(self._front, uow, turn, data)
            if turn.step in SHOPPING_STEPS:
                await cart.drain_queue(self._front, uow, turn)
            await related.suggest(self._front, uow, turn)
            await _record(uow, turn, f"[botón] {data}", "button")
            await uow.commit()
        return turn.reply()

    async def privacy(
        self, chat: ChatRef, step: Step, memory: Memory, text: str, *, erase: bool
    ) -> Reply:
        """ "¿qué datos tienen de mí?" (/misdatos) and "borra mis datos" (/borrarmisdatos,
        asked first)."""
        turn = self._turn(chat, memory, step)
        async with self._uow_factory() as uow:
            if erase:
                privacy.ask_erase(turn)
            else:
                await privacy.show_my_data(self._front, uow, turn)
            await _record(uow, turn, text, "privacy")
            await uow.commit()
        return turn.reply()

    async def _payment_words(
        self, turn: Turn, kinds: tuple[PayKind, ...], text: str, asked: bool
    ) -> Reply:
        """ "voy a pagar por nequi, ¿me pasa el número?": what paying that way takes, noted for
        this order; then the step goes on where it was."""
        front, step = self._front, turn.step
        async with self._uow_factory() as uow:
            owed = step in SHOPPING_STEPS  # "me regala el número de nequi otra vez"
            if owed and (
                await aftercare.how_to_pay(front, uow, turn, text)
                or await aftercare.pay_otherwise(front, uow, turn, kinds, text)
            ):
                await _record(uow, turn, text, "payment")
                await uow.commit()
                return turn.reply()
            noted = await self._payment_and_the_rest(uow, turn, kinds, text, asked)
            if step == Step.CONFIRMING:
                if noted:
                    await checkout.summary(front, uow, turn)
                else:
                    await checkout.ask_to_confirm(front, uow, turn, texts.CONFIRM_OR_CHANGE)
            elif step == Step.CONFIRM_DATA:
                turn.say(texts.RESUME.format(prompt=texts.CONFIRM_OR_CHANGE_DATA))
                turn.buttons = DATA_BUTTONS
            elif step not in SHOPPING_STEPS:
                turn.say(texts.RESUME.format(prompt=checkout.prompt_of(step, turn.memory)))
                turn.buttons = checkout.buttons_of(front, step, turn.memory)
            elif (current := await uow.orders.get_cart(turn.chat.chat_id)) and current.lines:
                turn.buttons = CART_BUTTONS
            await _record(uow, turn, text, "payment")
            await uow.commit()
        return turn.reply()

    async def _payment_and_the_rest(
        self, uow: UnitOfWork, turn: Turn, kinds: tuple[PayKind, ...], text: str, asked: bool
    ) -> bool:
        """The way to pay, noted or answered; while shopping, the message's other questions
        too, in their order ("¿tienen cascos? ¿cuánto vale el domicilio? ¿aceptan nequi?")."""
        front = self._front
        names_payment = front.shop.payment_options.named_in
        pieces = several.pieces_of(text) if turn.step in SHOPPING_STEPS else []
        others = dict(several.questions_in([p for p in pieces if not names_payment(p)]))
        if not others:
            chose = paying.note_choice(front, turn, kinds, asked=asked, text=text)
            _besides_payment(front, turn, text)
            return chose
        noted: bool | None = None
        for piece in pieces:
            if piece in others:
                await several.answer_one(front, uow, turn, piece, others[piece])
            elif noted is None and names_payment(piece):
                noted = paying.note_choice(front, turn, kinds, asked=asked, text=piece)
                _besides_payment(front, turn, piece)
        return bool(noted)

    async def _route(self, uow: UnitOfWork, turn: Turn, reading: Reading) -> None:
        front, meaning, text = self._front, reading.meaning, reading.text
        if turn.step in DATA_STEPS and await uow.customers.consent_of(turn.chat.user_id) is None:
            privacy.ask_consent(front, turn)  # a chat mid-checkout from before the notice
            return
        if turn.step == Step.CONSENT:
            await self._on_consent(uow, turn, reading)
        elif turn.step == Step.ERASING:
            if meaning.intent == Intent.AFFIRM and not meaning.is_question:
                await privacy.erase(uow, turn)
            else:
                turn.step = Step.BROWSING
                turn.say(texts.ERASE_KEPT)
        elif turn.step in FIELD_STEPS:
            await checkout.on_field(front, uow, turn, meaning, text, reading.skip)
        elif turn.step == Step.CONFIRM_DATA:
            await checkout.on_confirm_data(front, uow, turn, meaning, text)
        elif turn.step == Step.CONFIRMING:
            await self._on_confirming(uow, turn, reading)
        elif turn.step == Step.MUNICIPALITY:
            await checkout.on_municipality(front, uow, turn, meaning, text)
        elif turn.step in INVOICE_STEPS:
            if await billing.on_field(front, uow, turn, meaning, text):
                await checkout.summary(front, uow, turn)
        else:
            await browsing.on_browsing(front, uow, turn, meaning, text)

    async def _on_consent(self, uow: UnitOfWork, turn: Turn, reading: Reading) -> None:
        meaning, front = reading.meaning, self._front
        typed = privacy.consent_in_words(reading.text)  # "no autorizo", "sí, acepto"
        if typed is None and meaning.intent in (Intent.AFFIRM, Intent.DENY):
            typed = None if meaning.is_question else meaning.intent == Intent.AFFIRM
        if typed is not None:
            if await privacy.answer_consent(front, uow, turn, accepted=typed):
                await checkout.begin(front, uow, turn)
            return
        if privacy.asks_why(reading.text):  # "¿para qué necesitan mis datos?"
            privacy.explain(front, turn)
            return
        prompt = checkout.prompt_of(turn.step, turn.memory)
        edits = checkout.edits_cart(turn.step, meaning, reading.text)
        if edits and not asides.complains(reading.text):  # "mejor que sean 3"
            await checkout.edit_cart_then_resume(front, uow, turn, meaning, prompt)
            return
        await asides.answer_aside(front, uow, turn, meaning, reading.text)
        turn.say(texts.RESUME.format(prompt=prompt))
        turn.buttons = checkout.buttons_of(front, turn.step, turn.memory)

    async def _on_confirming(self, uow: UnitOfWork, turn: Turn, reading: Reading) -> None:
        meaning, asked = reading.meaning, reading.meaning.is_question
        fix = None if asked else checkout.corrected_field(reading.text)
        again = None if asked or fix else checkout.field_to_redo(reading.text)
        if fix is not None:  # "me equivoqué en el celular, es 3009876543"
            await checkout.correct(self._front, uow, turn, *fix)
        elif again is not None:  # "perdón, el teléfono es otro"
            checkout.redo(turn, again)
        elif tax_id := billing.tax_id_typed(self._front, reading.text):  # "900123456-8"
            if await billing.take_tax_id(self._front, uow, turn, meaning, tax_id):
                await checkout.summary(self._front, uow, turn)
        elif billing.wants(self._front, meaning, reading.text):
            if not billing.begin(turn):
                await checkout.summary(self._front, uow, turn)
        elif meaning.wants_change:
            checkout.restart_data(turn)
        elif meaning.intent in (Intent.AFFIRM, Intent.CHECKOUT) and not asked:
            await ordering.confirm(self._front, uow, turn)
        elif meaning.intent in (Intent.BUY, Intent.REMOVE) and not asked:
            turn.step = Step.CART
            await browsing.on_browsing(self._front, uow, turn, meaning, reading.text)
        elif meaning.intent == Intent.DENY and not asked:
            await checkout.ask_to_confirm(self._front, uow, turn, texts.CONFIRM_OR_CHANGE)
        else:
            await asides.answer_aside(self._front, uow, turn, meaning, reading.text)
            prompt = texts.RESUME.format(prompt=texts.CONFIRM_OR_CHANGE)
            await checkout.ask_to_confirm(self._front, uow, turn, prompt)

    async def word(self, reply: Reply) -> str | None:
        """The reply as a model words it, when it keeps to the facts; None: the draft stands.
        Asked once the reply is promised; whoever sends it stores the wording as sent."""
        if not reply.word_for:
            return None
        return await self._model.wording(reply.text, reply.word_for)

    def _wordable(self, turn: Turn, text: str) -> Reply:
        """The reply, marked for a model's wording where one may word it."""
        reply = turn.reply()
        if not self._model.words or turn.step not in SHOPPING_STEPS or turn.exact or turn.photos:
            return reply
        return replace(reply, word_for=text)

    async def _recent(self, chat: ChatRef) -> list[str]:
        """The chat's last messages for the reading model, oldest first ("cliente: …",
        "tienda: …"); none when no model reads."""
        wanted = self._model.context_turns
        if not wanted:
            return []
        async with self._reads() as uow:
            found = await uow.messages.recent(chat.chat_id, wanted)
        who = {"in": texts.CONTEXT_CUSTOMER, "out": texts.CONTEXT_SHOP}
        return [f"{who.get(m.direction, '')}: {m.text[:CONTEXT_CHARS]}" for m in found]

    async def _finish(self, turn: Turn, text: str) -> Reply:
        async with self._uow_factory() as uow:
            await _record(uow, turn, text, "command")
            await uow.commit()
        return turn.reply()


def _besides_payment(front: Shopfront, turn: Turn, text: str) -> None:
    """What else the words about paying ask ("y si pago con nequi, ¿hay descuento?")."""
    others = [topic for topic in understand(text).topics if topic != InfoTopic.PAYMENT]
    if others:
        turn.say(asides.topics_answer(front, others))


async def _record(uow: UnitOfWork, turn: Turn, text: str, intent: str) -> None:
    if turn.erased:  # the customer just asked to forget them: not this exchange either
        return
    await uow.messages.exchange(turn.chat.chat_id, turn.chat.user_id, text, intent, turn.text())
