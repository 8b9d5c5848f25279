"""Inline button presses in any step; a stale button answers sensibly."""

from __future__ import annotations

from domain import texts
from domain.conversation import (
    aftercare,
    billing,
    cart,
    checkout,
    ordering,
    paying,
    privacy,
    shelves,
)
from domain.conversation.memory import Memory
from domain.conversation.shopfront import Shopfront
from domain.conversation.turn import COLLECTING_STEPS, DATA_BUTTONS, Action, Step, Turn
from domain.ports import UnitOfWork


async def on_button(front: Shopfront, uow: UnitOfWork, turn: Turn, data: str) -> None:
    if await shelves.on_button(front, uow, turn, data):
        return
    if data.startswith(f"{Action.PICK}:"):
        await _pick(uow, turn, data.split(":", 1)[1])
    elif data.startswith(f"{Action.CANCEL_ORDER}:"):
        await aftercare.cancel(front, uow, turn, data.split(":", 1)[1])
    elif data == Action.KEEP_ORDER:
        turn.say(texts.ORDER_KEPT)
    elif data in (Action.CONSENT_YES, Action.CONSENT_NO, Action.ERASE_YES, Action.ERASE_NO):
        await _privacy(front, uow, turn, data)
    elif data.startswith(f"{Action.TOWN}:"):  # "¿En qué municipio es la entrega?"
        if turn.step == Step.MUNICIPALITY:
            await checkout.choose_town(front, uow, turn, data.split(":", 1)[1])
        else:
            await _stale(front, uow, turn, data)
    elif not await _summary_choice(front, uow, turn, data):
        await _the_rest(front, uow, turn, data)


async def _privacy(front: Shopfront, uow: UnitOfWork, turn: Turn, data: str) -> None:
    """The personal-data notice's and the erase question's buttons."""
    step = turn.step
    if data in (Action.CONSENT_YES, Action.CONSENT_NO):
        if step != Step.CONSENT:
            await _stale(front, uow, turn, data)
        elif await privacy.answer_consent(front, uow, turn, accepted=data == Action.CONSENT_YES):
            await checkout.begin(front, uow, turn)
    elif data == Action.ERASE_YES and step == Step.ERASING:
        await privacy.erase(uow, turn)
    else:
        turn.step = Step.BROWSING if step == Step.ERASING else step
        turn.say(texts.ERASE_KEPT)


async def _summary_choice(front: Shopfront, uow: UnitOfWork, turn: Turn, data: str) -> bool:
    """The summary's delivery, payment, invoice and Confirmar buttons; False for others."""
    step, value = turn.step, data.split(":", 1)[1] if ":" in data else ""
    if data.startswith(f"{Action.DELIVER_BY}:") or data == Action.DELIVERY:
        if step not in (Step.CONFIRMING, Step.MUNICIPALITY):
            await _stale(front, uow, turn, data)
        elif data == Action.DELIVERY:
            checkout.delivery_choices(front, turn)
        else:
            await checkout.choose_delivery(front, uow, turn, value)
    elif data.startswith(f"{Action.PAY_BY}:") or data == Action.PAYMENT:
        if step != Step.CONFIRMING:
            await _stale(front, uow, turn, data)
        elif data == Action.PAYMENT:
            paying.payment_choices(front, turn)
        elif paying.choose(front, turn, value):
            await checkout.summary(front, uow, turn)
    elif data in (Action.INVOICE, Action.NO_INVOICE):
        if step != Step.CONFIRMING or not billing.offered(front):
            await _stale(front, uow, turn, data)
        elif data == Action.NO_INVOICE:
            billing.drop(turn)
            await checkout.summary(front, uow, turn)
        elif not billing.begin(turn):
            await checkout.summary(front, uow, turn)
    elif data.startswith(f"{Action.CONFIRM}:"):  # stamped with the cart its summary showed
        if step == Step.CONFIRMING and await uow.customers.consent_of(turn.chat.user_id) is None:
            privacy.ask_consent(front, turn)  # a summary from before the notice
        elif step == Step.CONFIRMING:
            await ordering.confirm(front, uow, turn, shown=value)
        else:
            await _stale(front, uow, turn, Action.CONFIRM)
    else:
        return False
    return True


async def _the_rest(front: Shopfront, uow: UnitOfWork, turn: Turn, data: str) -> None:
    step = turn.step
    match data:
        case Action.CHECKOUT:
            await _checkout(front, uow, turn)
        case Action.KEEP_SHOPPING:
            turn.say(texts.WHAT_ELSE)
        case Action.CLEAR_CART:
            await uow.orders.discard_cart(turn.chat.chat_id)
            turn.memory = Memory()
            turn.step = Step.BROWSING
            turn.say(texts.CART_CLEARED)
        case Action.TAKE_OFFER | Action.DECLINE_OFFER:
            await cart.answer_offer(uow, turn, accept=data == Action.TAKE_OFFER)
        case Action.USE_DATA if step == Step.CONFIRM_DATA:
            await checkout.use_known_data(front, uow, turn)
        case Action.CHANGE_DATA if step in COLLECTING_STEPS:
            checkout.restart_data(turn)
        case Action.SKIP if step == Step.NOTES:
            checkout.skip_notes(turn)
            await checkout.next_field(front, uow, turn)
        case Action.CONFIRM if step == Step.CONFIRMING:
            await ordering.confirm(front, uow, turn)
        case _:
            await _stale(front, uow, turn, data)


async def _pick(uow: UnitOfWork, turn: Turn, raw_id: str) -> None:
    product = await uow.products.get(int(raw_id)) if raw_id.isdigit() else None
    if product is None:
        turn.say(texts.ASK_PRODUCT)
        return
    await cart.chosen(uow, turn, product)


async def _checkout(front: Shopfront, uow: UnitOfWork, turn: Turn) -> None:
    if turn.step == Step.CONFIRM_DATA:
        turn.say(texts.CONFIRM_OR_CHANGE_DATA)
        turn.buttons = DATA_BUTTONS
    elif turn.step in COLLECTING_STEPS:
        await checkout.next_field(front, uow, turn)
    else:
        await checkout.begin(front, uow, turn)


async def _stale(front: Shopfront, uow: UnitOfWork, turn: Turn, data: str) -> None:
    """A button of an earlier message, pressed in a step where it no longer applies."""
    if turn.step == Step.CONFIRMING or turn.step not in COLLECTING_STEPS:
        current = await uow.orders.get_cart(turn.chat.chat_id)
        if current:
            turn.say(texts.WHAT_ELSE)
        elif data == Action.CONFIRM:  # "Confirmar" again: the order it already made
            await ordering.already_confirmed(uow, turn)
        else:
            turn.say(texts.ALREADY_CONFIRMED)
    else:
        turn.say(checkout.prompt_of(turn.step, turn.memory))
        turn.buttons = checkout.buttons_of(front, turn.step, turn.memory)
