"""Reading one customer message: one pass over the text, everything the steps ask of it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.conversation.turn import COLLECTING_STEPS, FIELD_STEPS, INVOICE_STEPS, Action, Step
from domain.language import Understanding, analysed_part, understand
from domain.language.text import spelled_out
from domain.validators import is_skip
from rag.normalize import fold


@dataclass(frozen=True)
class Reading:
    text: str
    meaning: Understanding
    button: str | None  # a button's words typed instead of pressed, when they fit the step
    cancel: bool  # "cancelar", "/cancelar": works in every step
    skip: bool  # "no", "ninguna", "omitir" at the optional notes


def read(text: str, step: Step) -> Reading:
    """What the steps ask of a message, read from its analysed part (MAX_ANALYSED_CHARS);
    delivery data (the text itself, a skipped note) is checked whole by the validators.
    Where the message is not data, its chat shorthand is spelled out first ("a q horas")."""
    if step not in (*FIELD_STEPS, *INVOICE_STEPS):
        text = spelled_out(text)
    analysed = analysed_part(text)
    meaning = understand(text)
    words = " ".join(re.sub(r"[^a-z ]", " ", fold(analysed).lower()).split())
    return Reading(
        text=text,
        meaning=meaning,
        button=typed_button(words, step),
        cancel=analysed.strip().lower().lstrip("/") in CANCEL_WORDS,
        skip=step == Step.NOTES and is_skip(text),
    )


CANCEL_WORDS = frozenset({"cancelar", "cancela", "cancelar pedido"})
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
STEPS_OF_ACTION = {
    Action.USE_DATA: (Step.CONFIRM_DATA,),
    Action.SKIP: (Step.NOTES,),
    Action.CHANGE_DATA: COLLECTING_STEPS,
}


def typed_button(words: str, step: Step) -> str | None:
    """The action of a button whose words (folded, letters only) fit the step."""
    action = TYPED_BUTTONS.get(words)
    if action is None or step not in STEPS_OF_ACTION.get(action, tuple(Step)):
        return None
    if action == Action.CONFIRM and step != Step.CONFIRMING:
        return Action.CHECKOUT
    if action == Action.CHECKOUT and step == Step.CONFIRMING:
        return Action.CONFIRM
    return action
