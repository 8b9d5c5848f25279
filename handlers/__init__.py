"""The ordered router tree: the owner's tools, paused chats, commands… the catch-all last."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType

from bot.filters import Magic
from bot.responder import ConversationMiddleware
from handlers import commands, fallback, media, owner, payments, sale, takeover


def build_router() -> Router:
    root = Router(name="root")
    # A shop chat is one customer with the bot; in groups a cart would be shared.
    root.message.filter(Magic(F.chat.type == ChatType.PRIVATE))
    root.callback_query.filter(Magic(F.message.chat.type == ChatType.PRIVATE))
    # The customer's conversation: each handler gets its step, memory and Responder.
    conversation = Router(name="conversation")
    conversation.message.middleware(ConversationMiddleware())
    conversation.callback_query.middleware(ConversationMiddleware())
    conversation.include_routers(
        commands.create_router(), sale.create_router(), media.create_router()
    )
    root.include_routers(
        payments.create_router(),
        owner.create_router(),
        takeover.create_router(),
        conversation,
        fallback.create_router(),
    )
    return root
