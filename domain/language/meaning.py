"""What a reading of one customer message says."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

CHEAPEST = "cheapest"
MOST_EXPENSIVE = "most_expensive"
SMALLEST = "smallest"  # "el pequeño": the smallest measure its name says
LARGEST = "largest"


class Intent(StrEnum):
    """What the customer wants with one message."""

    GREETING = "greeting"
    PRODUCT_QUESTION = "product"
    BUY = "buy"
    SHOP_INFO = "shop_info"
    MY_ORDERS = "my_orders"
    CANCEL = "cancel"
    REMOVE = "remove"  # quita los cascos, ya no quiero los guantes, saca el arnés
    HELP = "help"
    AFFIRM = "affirm"
    DENY = "deny"
    THANKS = "thanks"
    GOODBYE = "goodbye"  # chao, hasta luego, que esté bien
    BROWSE = "browse"  # ¿qué venden?, el catálogo, ¿qué categorías manejan?
    CHECKOUT = "checkout"
    CART = "cart"
    OTHER = "other"


class InfoTopic(StrEnum):
    """Shop information a customer can ask about."""

    HOURS = "hours"
    LOCATION = "location"
    PAYMENT = "payment"
    DELIVERY = "delivery"
    WARRANTY = "warranty"
    CONTACT = "contact"
    INVOICE = "invoice"
    PICKUP = "pickup"
    DISCOUNT = "discount"  # answered from the shop's own text (its documents, its entries)


@dataclass(frozen=True)
class Understanding:
    """Everything the bot needs to know about one customer message."""

    intent: Intent
    quantity: int | None
    product_query: str
    topics: tuple[InfoTopic, ...]
    is_question: bool
    is_follow_up: bool
    ordinal: int | None
    superlative: str | None
    additive: bool = False  # "3 más", "otros 2": add to what is in the cart
    each: bool = False  # "2 de cada uno": that amount of each product just talked about
    # Read in the same pass; each equals the function of the same name on the same text.
    is_done: bool = False  # is_done(): "listo" after "¿algo más?"
    wants_change: bool = False  # wants_change(): "cambiar la dirección"
    states_number: bool = False  # states_a_number(): "un par", "3"
    injection: bool = False  # looks_like_injection(): "ignora tus reglas"
    items: tuple[str, ...] = ()  # split_items() when it splits in 2 or more, else ()
    is_yes: bool = False  # is_yes()
    is_no: bool = False  # is_no()
    wants_more: bool = False  # "ver más", "siguientes": the next page of what was listed
