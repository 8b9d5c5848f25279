"""The customer conversation, one module per concern.

- `reading`: one pass over a message (`read`) gives everything the steps ask of it;
- `finding`: which products the customer means, with what was just shown;
- `cart`: buying one item or several, offers, removing;
- `browsing`: what each intent asks for outside the checkout;
- `asides`: questions answered without moving the conversation;
- `checkout`: delivery data, a returning customer's data, the summary;
- `ordering`: the confirmation transaction and its events;
- `buttons`: inline button presses;
- `model_help`: a model's reading and wording, kept to the facts;
- `rendering`: facts turned into Spanish text;
- `memory`: what is remembered between messages (typed, versioned);
- `turn`: steps, actions, the chat and the reply being built;
- `agent`: the entry points, routing by step.
"""

from domain.button import Button
from domain.conversation.agent import SalesAgent
from domain.conversation.memory import Memory
from domain.conversation.model_help import AiTools
from domain.conversation.rendering import render_cart
from domain.conversation.turn import Action, ChatRef, Reply, Step

__all__ = [
    "Action",
    "AiTools",
    "Button",
    "ChatRef",
    "Memory",
    "Reply",
    "SalesAgent",
    "Step",
    "render_cart",
]
