"""A customer talking to the bot in a private chat (the test/demo side)."""

from __future__ import annotations

import asyncio
import copy
import secrets
import time
from typing import Any

from doubles.telegram import media
from doubles.telegram.formatting import command_entities
from doubles.telegram.state import ChatRecord, ServerState

MessageRef = dict[str, Any] | int
"""A message given as a Message dict, the update holding it, or its message_id."""

FALLBACK_QUIET = 0.4
"""Seconds of silence that stand for "handled" when nothing reports handled updates."""


class Customer:
    """Plays one Telegram user: sends updates and reads what the bot answered."""

    def __init__(self, state: ServerState, user: dict[str, Any]) -> None:
        self._state = state
        self.user = user
        self.chat = {
            key: value
            for key, value in {
                "id": user["id"],
                "first_name": user["first_name"],
                "username": user.get("username"),
                "type": "private",
            }.items()
            if value is not None
        }
        self._cursor = 0

    @property
    def id(self) -> int:
        """The user id, which is also the private chat id."""
        return int(self.user["id"])

    async def send_text(self, text: str, *, reply_to: MessageRef | None = None) -> dict[str, Any]:
        """Send a text message; /commands get ``bot_command`` entities.

        ``reply_to`` (a message of this chat, the update holding it, or its id) makes it
        a reply: the message carries a copy of that one as ``reply_to_message``.
        """
        return await self._send(
            reply_to_message=self._quoted(reply_to),
            text=text,
            entities=command_entities(text) or None,
        )

    async def send_document(
        self,
        filename: str,
        data: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        *,
        declared_size: int | None = None,
        reply_to: MessageRef | None = None,
    ) -> dict[str, Any]:
        """Send a file as a document.

        ``declared_size`` overrides the size the Document reports and getFile checks
        (to hit the 20 MB download limit without allocating it); ``reply_to`` as in
        :meth:`send_text`.
        """
        document = media.make_document(self._state.files, data, filename, mime_type, declared_size)
        return await self._send(
            reply_to_message=self._quoted(reply_to), document=document, caption=caption
        )

    async def send_photo(
        self, data: bytes, caption: str | None = None, *, reply_to: MessageRef | None = None
    ) -> dict[str, Any]:
        """Send a photo; it arrives as several PhotoSize entries, smallest first."""
        return await self._send(
            reply_to_message=self._quoted(reply_to),
            photo=media.make_photo(self._state.files, data),
            caption=caption,
        )

    async def send_voice(
        self, data: bytes, duration: int = 3, mime_type: str = "audio/ogg"
    ) -> dict[str, Any]:
        """Send a voice note."""
        voice = media.make_voice(self._state.files, data, duration, mime_type)
        return await self._send(voice=voice)

    async def press(self, message: MessageRef, callback_data: str) -> dict[str, Any]:
        """Press the inline button with ``callback_data`` on a bot message."""
        message_id = _message_id(message)
        record = self._state.chats.get(self.id)
        current = record.messages.get(message_id) if record else None
        if current is None:
            raise ValueError(f"message {message_id} does not exist in chat {self.id}")
        buttons = [
            button
            for row in current.get("reply_markup", {}).get("inline_keyboard", [])
            for button in row
        ]
        if not any(button.get("callback_data") == callback_data for button in buttons):
            available = [button.get("callback_data") for button in buttons]
            raise ValueError(
                f"message {message_id} has no button with callback_data {callback_data!r}; "
                f"available: {available}"
            )
        query_id = str(secrets.randbits(62))
        self._state.callback_answers[query_id] = None
        query = {
            "id": query_id,
            "from": copy.deepcopy(self.user),
            "message": copy.deepcopy(current),
            "chat_instance": str(-(10**18) - self.id),
            "data": callback_data,
        }
        return await self._push({"callback_query": query})

    async def pay(self, invoice: MessageRef, timeout: float = 10.0) -> dict[str, Any]:
        """Pay an invoice the bot sent here, as Telegram does: a pre_checkout_query the bot
        must answer within `timeout` seconds; when it says ok, a message with
        successful_payment. Returns the bot's answer ({"ok": ..., "error_message": ...})."""
        message_id = _message_id(invoice)
        sent = self._state.invoices.get((self.id, message_id))
        if sent is None:
            raise ValueError(f"message {message_id} in chat {self.id} is not an invoice")
        query_id = str(secrets.randbits(62))
        answers = self._state.pre_checkout_answers
        answers[query_id] = None
        query = {
            "id": query_id,
            "from": copy.deepcopy(self.user),
            "currency": sent["currency"],
            "total_amount": sent["total_amount"],
            "invoice_payload": sent["payload"],
        }
        await self._push({"pre_checkout_query": query})
        deadline = asyncio.get_running_loop().time() + timeout
        while answers[query_id] is None:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise TimeoutError(f"the bot did not answer pre_checkout_query {query_id}")
            await self._state.progress.wait(min(left, 0.05))
        answer = answers[query_id]
        assert answer is not None
        if answer["ok"]:
            charge = secrets.token_hex(8)
            await self._send(
                successful_payment={
                    "currency": sent["currency"],
                    "total_amount": sent["total_amount"],
                    "invoice_payload": sent["payload"],
                    "telegram_payment_charge_id": f"tg_{charge}",
                    "provider_payment_charge_id": f"prov_{charge}",
                }
            )
        return answer

    async def block(self, blocked: bool = True) -> dict[str, Any]:
        """Block (or unblock) the bot: sends now fail with 403, like Telegram."""
        record = self._state.chats.register(self.chat)
        record.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self._state.bot_user
        change: dict[str, Any] = {
            "chat": copy.deepcopy(self.chat),
            "from": copy.deepcopy(self.user),
            "date": int(time.time()),
            "old_chat_member": {"user": copy.deepcopy(bot), "status": old},
            "new_chat_member": {"user": copy.deepcopy(bot), "status": new},
        }
        if blocked:
            change["new_chat_member"]["until_date"] = 0
        return await self._push({"my_chat_member": change})

    def callback_answer(self, update: dict[str, Any]) -> dict[str, Any] | None:
        """How the bot answered the callback query of ``update`` (None if not yet)."""
        return self._state.callback_answers.get(update["callback_query"]["id"])

    def messages(self) -> list[dict[str, Any]]:
        """All bot messages in this chat, current state, oldest first."""
        record = self._state.chats.get(self.id)
        if record is None:
            return []
        bot_id = self._state.bot_user["id"]
        return [
            copy.deepcopy(message)
            for _, message in sorted(record.messages.items())
            if message.get("from", {}).get("id") == bot_id
        ]

    def documents(self) -> list[tuple[str, bytes]]:
        """``(file_name, bytes)`` of every document among the bot messages here, oldest first."""
        return [
            (message["document"].get("file_name", ""), self._file_bytes(message["document"]))
            for message in self.messages()
            if "document" in message
        ]

    def photos(self) -> list[bytes]:
        """Bytes (largest size) of every photo among the bot messages here, oldest first."""
        return [
            self._file_bytes(message["photo"][-1])
            for message in self.messages()
            if "photo" in message
        ]

    def last_text(self) -> str | None:
        """Text (or caption) of the latest bot message."""
        messages = self.messages()
        if not messages:
            return None
        return messages[-1].get("text", messages[-1].get("caption"))

    def keyboard(self) -> list[list[str]] | None:
        """Button labels of the reply keyboard currently shown, if any."""
        record = self._state.chats.get(self.id)
        if record is None or record.reply_keyboard is None:
            return None
        return [
            [button["text"] if isinstance(button, dict) else str(button) for button in row]
            for row in record.reply_keyboard["keyboard"]
        ]

    def chat_actions(self) -> list[str]:
        """Chat actions (``typing`` ...) the bot sent here."""
        record = self._state.chats.get(self.id)
        return list(record.actions) if record else []

    async def replies(
        self, min_count: int = 1, timeout: float = 10.0, quiet: float | None = None
    ) -> list[dict[str, Any]]:
        """Wait until the bot has handled every update sent so far and sent ``min_count``
        new messages (to anyone's update: an owner waits for the alert a customer caused).

        ``quiet`` also waits for that many seconds without bot activity, for the few
        checks about what the bot does after handling (background work, "says nothing").
        When the server hears of no handled update (a bot it does not watch, see
        :meth:`LocalBotAPI.report_handling`), ``quiet`` defaults to
        :data:`FALLBACK_QUIET` seconds of silence instead.

        Returns the messages sent or edited since the previous call, current state.
        """
        updates = self._state.updates
        if quiet is None:
            quiet = 0.0 if updates.reports_handling else FALLBACK_QUIET
        await asyncio.sleep(0)  # even when all is there already: a loop of calls never starves
        loop = asyncio.get_running_loop()
        started = loop.time()
        deadline = started + timeout
        while True:
            record = self._state.chats.get(self.id) or ChatRecord(chat=self.chat)
            events = record.activity[self._cursor :]
            sent = sum(1 for event in events if event.kind == "sent")
            handled = not (updates.reports_handling and updates.unhandled)
            now = loop.time()
            silent_for = now - (events[-1].at if events else started)
            if sent >= min_count and handled and silent_for >= quiet:
                self._cursor = len(record.activity)
                return self._touched(record, events)
            if now >= deadline:
                raise TimeoutError(self._timeout_message(record, events, min_count, timeout))
            wait = deadline - now
            if sent >= min_count and handled:
                wait = min(wait, quiet - silent_for)
            await self._state.progress.wait(wait)

    def _quoted(self, reply_to: MessageRef | None) -> dict[str, Any] | None:
        """The ``reply_to_message`` for a reply to ``reply_to`` (None when not a reply)."""
        if reply_to is None:
            return None
        message_id = _message_id(reply_to)
        record = self._state.chats.get(self.id)
        quoted = record.quoted(message_id) if record else None
        if quoted is None:
            raise ValueError(f"message {message_id} does not exist in chat {self.id}")
        return quoted

    def _file_bytes(self, attachment: dict[str, Any]) -> bytes:
        stored = self._state.files.get(attachment["file_id"])
        if stored is None:
            raise KeyError(f"file {attachment['file_id']!r} is unknown to the server")
        return stored.data

    async def _send(self, **content: Any) -> dict[str, Any]:
        record = self._state.chats.register(self.chat)
        fields = {key: value for key, value in content.items() if value is not None}
        message = self._state.chats.new_message(
            record, **{"from": copy.deepcopy(self.user)}, **fields
        )
        return await self._push({"message": copy.deepcopy(message)})

    async def _push(self, payload: dict[str, Any]) -> dict[str, Any]:
        update = self._state.updates.push(payload)
        await asyncio.sleep(0)
        return update

    @staticmethod
    def _touched(record: ChatRecord, events: list[Any]) -> list[dict[str, Any]]:
        ids = list(dict.fromkeys(event.message_id for event in events))
        return [copy.deepcopy(record.messages[i]) for i in ids if i in record.messages]

    def _timeout_message(
        self, record: ChatRecord, events: list[Any], min_count: int, timeout: float
    ) -> str:
        seen = [_summary(message) for message in self._touched(record, events)]
        updates = self._state.updates
        unhandled = f"; updates not handled yet: {updates.unhandled}" if updates.unhandled else ""
        return (
            f"user {self.id}: expected {min_count} new bot message(s) within {timeout}s, "
            f"saw {len(seen)}: {seen}; last bot message: {self.last_text()!r}"
            + (unhandled if updates.reports_handling else "")
        )


def _message_id(message: MessageRef) -> int:
    """The id of a message given as an id, a Message dict or an update holding one."""
    if isinstance(message, int):
        return message
    return int(message.get("message", message)["message_id"])


def _summary(message: dict[str, Any]) -> str:
    if "text" in message:
        return message["text"]
    kind = next((key for key in ("document", "photo", "voice") if key in message), "message")
    return f"<{kind}> {message.get('caption', '')}".strip()
