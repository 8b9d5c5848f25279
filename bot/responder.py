"""The conversation's side of an update: its step and memory in, the reply out.

`ConversationMiddleware` gives each customer handler a `Responder` (aiogram dependency
injection): the step and `Memory` read from the FSM storage, and `send()`, which stores the
reply's step and memory and the reply itself (in the outbox) in the update's transaction:
the reply goes out once that commits, so a customer is never told what did not happen, and
a crash never loses what did. A reply a model may word is worded after that commit
(`SalesAgent.word`, db/scope.py), outside the write lock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject

from db.scope import UpdateTransaction
from domain.conversation import ChatRef, Memory, Reply, SalesAgent, Step

__all__ = ["ConversationMiddleware", "Responder", "Sale", "UpdateTransaction", "chat_of"]


class Sale(StatesGroup):
    """The sale flow; browsing is the empty state."""

    cart = State()
    national_id = State()
    name = State()
    phone = State()
    address = State()
    neighbourhood = State()
    notes = State()
    municipality = State()
    confirm_data = State()
    confirming = State()
    consent = State()
    erasing = State()
    invoice_tax_id = State()
    invoice_name = State()
    invoice_email = State()


STATE_OF_STEP: dict[Step, State | None] = {
    Step.BROWSING: None,
    **{step: getattr(Sale, step.value) for step in Step if step != Step.BROWSING},
}
STEP_OF_STATE: dict[str, Step] = {
    state.state: step
    for step, state in STATE_OF_STEP.items()
    if state is not None and state.state is not None  # None only outside a StatesGroup
}


class Responder:
    """One update's conversation: who, in which step, remembering what; and the way back."""

    def __init__(
        self,
        bot: Bot,
        state: FSMContext,
        scope: UpdateTransaction,
        chat: ChatRef,
        step: Step,
        memory: Memory,
        agent: SalesAgent | None = None,
    ) -> None:
        self.bot = bot
        self.chat = chat
        self.step = step
        self.memory = memory
        self._state = state
        self._scope = scope
        self._agent = agent

    async def send(self, reply: Reply) -> None:
        """The new step, memory and the reply, all in the update's transaction; a model's
        wording of the reply, if it may have one, is asked after the commit."""
        await self._state.set_state(STATE_OF_STEP[reply.step])
        await self._state.set_data(reply.memory.dump())
        final = partial(self._agent.word, reply) if self._agent and reply.word_for else None
        await self._scope.say(
            self.chat.chat_id, reply.text, reply.buttons, reply.photos, final=final
        )


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ConversationMiddleware(BaseMiddleware):
    """Injects `responder` into the customer handlers (messages and button presses)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat = chat_of(event)
        state: FSMContext | None = data.get("state")
        scope: UpdateTransaction | None = data.get("scope")
        if chat is not None and state is not None and scope is not None:
            # Read once for the update, before its transaction begins (bot/storage.py): on
            # SQLite the transaction holds the write lock, and no customer should wait for
            # another's model call.
            step = STEP_OF_STATE.get(await state.get_state() or "", Step.BROWSING)
            memory = Memory.load(await state.get_data())
            agent = data.get("agent")
            data["responder"] = Responder(data["bot"], state, scope, chat, step, memory, agent)
        return await handler(event, data)


def chat_of(event: TelegramObject) -> ChatRef | None:
    if isinstance(event, Message):
        user = event.from_user
        return ChatRef(
            chat_id=event.chat.id,
            user_id=user.id if user else event.chat.id,
            first_name=(user.first_name if user else "") or "",
        )
    if isinstance(event, CallbackQuery) and event.message is not None:
        return ChatRef(
            chat_id=event.message.chat.id,
            user_id=event.from_user.id,
            first_name=event.from_user.first_name or "",
        )
    return None
