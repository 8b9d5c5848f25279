"""Implementations of the Bot API methods the bot uses."""

from __future__ import annotations

import asyncio
import copy
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from doubles.telegram import media
from doubles.telegram.errors import BotAPIError
from doubles.telegram.formatting import parse_entities, utf16_len
from doubles.telegram.params import (
    ATTACH_PREFIX,
    Upload,
    get_bool,
    get_chat_id,
    get_int,
    get_json,
    get_str,
)
from doubles.telegram.state import ChatRecord, ServerState
from doubles.telegram.webhook import WebhookDelivery

Handler = Callable[[dict[str, Any]], Awaitable[Any]]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_DOWNLOAD_SIZE = 20 << 20  # getFile limit of the cloud Bot API (MAX_DOWNLOAD_FILE_SIZE)
MIN_ALBUM_SIZE = 2
MAX_ALBUM_SIZE = 10
ALBUM_TYPES = frozenset({"photo", "document"})
COPYABLE_KINDS = ("text", "document", "photo", "voice")
CONTENT_KEYS = ("text", "entities", "document", "photo", "voice", "caption", "caption_entities")
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
BUTTON_ACTIONS = {
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
}
COMMAND_NAME_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class BotMethods:
    """Bot API methods operating on :class:`ServerState`."""

    def __init__(
        self,
        state: ServerState,
        webhook: WebhookDelivery,
        http: Callable[[], aiohttp.ClientSession],
    ) -> None:
        self._state = state
        self._webhook = webhook
        self._http = http

    def handlers(self) -> dict[str, tuple[str, Handler]]:
        """Map lower-case method name to (canonical name, handler)."""
        table: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageCaption": self.edit_message_caption,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "sendChatAction": self.send_chat_action,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "sendMediaGroup": self.send_media_group,
            "sendInvoice": self.send_invoice,
            "answerPreCheckoutQuery": self.answer_pre_checkout_query,
            "copyMessage": self.copy_message,
            "forwardMessage": self.forward_message,
            "getFile": self.get_file,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "setMyDescription": self.store_setting,
            "setMyShortDescription": self.store_setting,
            "setChatMenuButton": self.store_setting,
            "close": self.always_true,
            "logOut": self.always_true,
        }
        return {name.lower(): (name, handler) for name, handler in table.items()}

    async def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        """getMe."""
        return {
            **self._state.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """getUpdates with offset confirmation and long polling."""
        if self._webhook.active:
            raise BotAPIError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        queue = self._state.updates
        offset = get_int(params, "offset")
        if offset is not None:
            queue.confirm(offset)
        allowed = get_json(params, "allowed_updates")
        if isinstance(allowed, list):
            queue.allowed = [str(kind) for kind in allowed]
        limit = min(max(get_int(params, "limit") or 100, 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(get_int(params, "timeout") or 0, 0)
        while True:
            updates = queue.take(limit)
            remaining = deadline - loop.time()
            if updates or remaining <= 0 or self._state.closed or self._webhook.active:
                return updates
            await queue.pulse.wait(remaining)

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        """setWebhook; an empty url removes the webhook."""
        if get_bool(params, "drop_pending_updates"):
            self._state.updates.clear()
        allowed = get_json(params, "allowed_updates")
        if isinstance(allowed, list):
            self._state.updates.allowed = [str(kind) for kind in allowed]
        url = get_str(params, "url") or ""
        if not url:
            await self._webhook.disable()
            return True
        if not url.startswith(("http://", "https://")):
            raise BotAPIError.bad_request("bad webhook: invalid webhook URL specified")
        self._webhook.configure(
            url=url,
            secret_token=get_str(params, "secret_token"),
            max_connections=get_int(params, "max_connections") or 40,
        )
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        """deleteWebhook."""
        if get_bool(params, "drop_pending_updates"):
            self._state.updates.clear()
        await self._webhook.disable()
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        """getWebhookInfo."""
        return self._webhook.info()

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendMessage."""
        record = self._chat(params)
        text, entities = self._render_text(params, "text", "entities")
        return self._bot_message(record, params, text=text, entities=entities or None)

    async def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendDocument from an upload, a known file_id or an HTTP URL."""
        record = self._chat(params)
        document = await self._attachment(params.get("document"), "document")
        caption = self._render_caption(params)
        return self._bot_message(record, params, document=document, **caption)

    async def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendPhoto from an upload, a known file_id or an HTTP URL."""
        record = self._chat(params)
        photo = await self._attachment(params.get("photo"), "photo")
        caption = self._render_caption(params)
        return self._bot_message(record, params, photo=photo, **caption)

    async def send_media_group(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """sendMediaGroup: 2-10 photos or documents sent as one album.

        Items reference ``attach://<part>`` uploads of the multipart body, file_ids or
        URLs; each message gets its item's caption and the album's ``media_group_id``.
        """
        items = _album_items(params)
        record = self._chat(params)
        contents = []
        for item in items:
            kind = item["type"]
            value = _album_media(params, item)
            attachment = await self._attachment(value, kind)
            contents.append({kind: attachment, **self._render_caption(item)})
        group_id = str(secrets.randbits(62))
        options = {key: value for key, value in params.items() if key != "reply_markup"}
        return [
            self._bot_message(record, options, media_group_id=group_id, **content)
            for content in contents
        ]

    async def copy_message(self, params: dict[str, Any]) -> dict[str, int]:
        """copyMessage: same content as a new message, no forward header; returns a MessageId."""
        source = self._source(params, "copy")
        content = _message_content(source, "copied")
        if "caption" in params and "text" not in content:
            content.update({"caption": None, "caption_entities": None})
            content.update(self._render_caption(params))
        record = self._chat(params)
        message = self._bot_message(record, params, **content)
        return {"message_id": message["message_id"]}

    async def forward_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """forwardMessage: same content with ``forward_origin`` naming the original sender."""
        source = self._source(params, "forward")
        content = _message_content(source, "forwarded")
        origin = copy.deepcopy(
            source.get("forward_origin")
            or {"type": "user", "sender_user": source["from"], "date": source["date"]}
        )
        record = self._chat(params)
        return self._bot_message(
            record,
            {},
            forward_origin=origin,
            forward_from=copy.deepcopy(origin.get("sender_user")),
            forward_date=origin["date"],
            **content,
        )

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        """editMessageText; omitting reply_markup removes the inline keyboard."""
        record, message = self._editable(params)
        if "text" not in message:
            raise BotAPIError.bad_request("there is no text in the message to edit")
        text, entities = self._render_text(params, "text", "entities")
        changes = {"text": text, "entities": entities or None}
        return self._apply_edit(record, message, changes, self._inline_markup(record, params))

    async def edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        """editMessageCaption."""
        record, message = self._editable(params)
        if "text" in message:
            raise BotAPIError.bad_request("there is no caption in the message to edit")
        changes = {"caption": None, "caption_entities": None, **self._render_caption(params)}
        return self._apply_edit(record, message, changes, self._inline_markup(record, params))

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        """editMessageReplyMarkup."""
        record, message = self._editable(params)
        return self._apply_edit(record, message, {}, self._inline_markup(record, params))

    async def delete_message(self, params: dict[str, Any]) -> bool:
        """deleteMessage."""
        record = self._chat(params)
        message_id = get_int(params, "message_id", required=True)
        if record.messages.pop(message_id or 0, None) is None:
            raise BotAPIError.bad_request("message to delete not found")
        self._state.chats.record_activity(record, "deleted", message_id or 0)
        return True

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        """answerCallbackQuery; each query can be answered once."""
        query_id = get_str(params, "callback_query_id", required=True) or ""
        answers = self._state.callback_answers
        if query_id not in answers or answers[query_id] is not None:
            raise BotAPIError.bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = get_str(params, "text")
        if text is not None and len(text) > 200:
            raise BotAPIError.bad_request("MESSAGE_TOO_LONG")
        answers[query_id] = {
            "text": text,
            "show_alert": get_bool(params, "show_alert"),
            "url": get_str(params, "url"),
            "cache_time": get_int(params, "cache_time") or 0,
        }
        return True

    async def send_invoice(self, params: dict[str, Any]) -> dict[str, Any]:
        """sendInvoice: the message shows the invoice; the server keeps its payload, currency
        and amount for the payment (`Customer.pay`)."""
        record = self._chat(params)
        title = get_str(params, "title", required=True) or ""
        description = get_str(params, "description", required=True) or ""
        payload = get_str(params, "payload", required=True) or ""
        currency = get_str(params, "currency", required=True) or ""
        if not 1 <= len(title) <= 32:
            raise BotAPIError.bad_request("INVOICE_TITLE_INVALID")
        if not 1 <= len(description) <= 255:
            raise BotAPIError.bad_request("INVOICE_DESCRIPTION_INVALID")
        if not 1 <= len(payload.encode()) <= 128:
            raise BotAPIError.bad_request("INVOICE_PAYLOAD_INVALID")
        if not re.fullmatch(r"[A-Z]{3}", currency):
            raise BotAPIError.bad_request("CURRENCY_INVALID")
        prices = get_json(params, "prices")
        valid = isinstance(prices, list) and prices and all(
            isinstance(p, dict) and isinstance(p.get("label"), str)
            and isinstance(p.get("amount"), int) and not isinstance(p.get("amount"), bool)
            for p in prices
        )  # fmt: skip
        if not valid:
            raise BotAPIError.bad_request("can't parse prices JSON object")
        total = sum(int(price["amount"]) for price in prices)
        if total <= 0:
            raise BotAPIError.bad_request("CURRENCY_TOTAL_AMOUNT_INVALID")
        invoice = {
            "title": title,
            "description": description,
            "start_parameter": get_str(params, "start_parameter") or "",
            "currency": currency,
            "total_amount": total,
        }
        message = self._bot_message(record, params, invoice=invoice)
        self._state.invoices[record.chat["id"], message["message_id"]] = {
            **invoice,
            "payload": payload,
            "prices": prices,
            "provider_token": get_str(params, "provider_token") or "",
        }
        return message

    async def answer_pre_checkout_query(self, params: dict[str, Any]) -> bool:
        """answerPreCheckoutQuery: once per query; a refusal needs an error_message."""
        query_id = get_str(params, "pre_checkout_query_id", required=True) or ""
        answers = self._state.pre_checkout_answers
        if query_id not in answers or answers[query_id] is not None:
            raise BotAPIError.bad_request("QUERY_ID_INVALID")
        ok = get_bool(params, "ok")
        error = get_str(params, "error_message")
        if not ok and not error:
            raise BotAPIError.bad_request("ERROR_MESSAGE_EMPTY")
        answers[query_id] = {"ok": ok, "error_message": error}
        return True

    async def send_chat_action(self, params: dict[str, Any]) -> bool:
        """sendChatAction."""
        record = self._chat(params)
        action = get_str(params, "action", required=True)
        if action not in CHAT_ACTIONS:
            raise BotAPIError.bad_request("wrong parameter action in request")
        record.actions.append(action or "")
        return True

    async def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        """getFile; like the cloud Bot API, files over 20 MB can't be downloaded."""
        stored = self._state.files.get(get_str(params, "file_id", required=True) or "")
        if stored is None:
            raise BotAPIError.bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_SIZE:
            raise BotAPIError.bad_request("file is too big")
        return stored.as_file()

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        """setMyCommands; validates names and descriptions like Telegram."""
        commands = get_json(params, "commands")
        if not isinstance(commands, list):
            raise BotAPIError.bad_request("can't parse commands JSON object")
        for command in commands:
            if not COMMAND_NAME_RE.match(str(command.get("command", ""))):
                raise BotAPIError.bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotAPIError.bad_request("command description must be non-empty")
        self._state.commands[_commands_key(params)] = commands
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """getMyCommands."""
        return copy.deepcopy(self._state.commands.get(_commands_key(params), []))

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        """deleteMyCommands."""
        self._state.commands.pop(_commands_key(params), None)
        return True

    async def store_setting(self, params: dict[str, Any]) -> bool:
        """Settings that only need to be remembered."""
        self._state.settings.update(params)
        return True

    async def always_true(self, params: dict[str, Any]) -> bool:
        """close / logOut."""
        return True

    def _chat(self, params: dict[str, Any]) -> ChatRecord:
        record = self._state.chats.get(get_chat_id(params))
        if record is None:
            raise BotAPIError.bad_request("chat not found")
        if record.blocked:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")
        return record

    def _source(self, params: dict[str, Any], action: str) -> dict[str, Any]:
        """The message ``from_chat_id``/``message_id`` points at, for copying or forwarding."""
        record = self._state.chats.get(get_chat_id(params, "from_chat_id"))
        if record is None:
            raise BotAPIError.bad_request("chat not found")
        message = record.messages.get(get_int(params, "message_id", required=True) or 0)
        if message is None:
            raise BotAPIError.bad_request(f"message to {action} not found")
        return message

    def _render_text(
        self, params: dict[str, Any], name: str, entities_name: str
    ) -> tuple[str, list[dict[str, Any]]]:
        raw = get_str(params, name)
        if raw is None or not raw.strip():
            raise BotAPIError.bad_request("message text is empty")
        text, entities = self._render(raw, params, entities_name)
        if not text.strip():
            raise BotAPIError.bad_request("message text is empty")
        if utf16_len(text) > MAX_TEXT_LENGTH:
            raise BotAPIError.bad_request("message is too long")
        return text, entities

    def _render_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = get_str(params, "caption")
        if raw is None:
            return {}
        caption, entities = self._render(raw, params, "caption_entities")
        if utf16_len(caption) > MAX_CAPTION_LENGTH:
            raise BotAPIError.bad_request("message caption is too long")
        return {"caption": caption, "caption_entities": entities or None}

    def _render(
        self, raw: str, params: dict[str, Any], entities_name: str
    ) -> tuple[str, list[dict[str, Any]]]:
        explicit = get_json(params, entities_name)
        if isinstance(explicit, list):
            return raw, explicit
        return parse_entities(raw, get_str(params, "parse_mode"))

    def _bot_message(
        self, record: ChatRecord, params: dict[str, Any], **content: Any
    ) -> dict[str, Any]:
        markup = self._markup(record, params)
        message = self._state.chats.new_message(
            record,
            **{"from": self._state.bot_user},
            reply_to_message=self._replied(record, params),
            **content,
            reply_markup=markup,
        )
        self._state.chats.record_activity(record, "sent", message["message_id"])
        return copy.deepcopy(message)

    def _replied(self, record: ChatRecord, params: dict[str, Any]) -> dict[str, Any] | None:
        reply = get_json(params, "reply_parameters") or {}
        if not isinstance(reply, dict):
            raise BotAPIError.bad_request("can't parse reply parameters JSON object")
        message_id = reply.get("message_id") or get_int(params, "reply_to_message_id")
        if not message_id:
            return None
        replied = record.quoted(int(message_id))
        if replied is None:
            allowed = reply.get("allow_sending_without_reply") or get_bool(
                params, "allow_sending_without_reply"
            )
            if allowed:
                return None
            raise BotAPIError.bad_request("message to be replied not found")
        return replied

    def _markup(self, record: ChatRecord, params: dict[str, Any]) -> dict[str, Any] | None:
        """Validate reply_markup; only inline keyboards are echoed in the message."""
        markup = get_json(params, "reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise BotAPIError.bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            _validate_inline_keyboard(markup["inline_keyboard"])
            return markup
        if "keyboard" in markup:
            _validate_reply_keyboard(markup["keyboard"])
            record.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            record.reply_keyboard = None
        return None

    def _inline_markup(self, record: ChatRecord, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = get_json(params, "reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" not in markup:
            raise BotAPIError.bad_request("inline keyboard expected")
        return self._markup(record, params)

    def _editable(self, params: dict[str, Any]) -> tuple[ChatRecord, dict[str, Any]]:
        if get_str(params, "inline_message_id"):
            raise BotAPIError.bad_request("MESSAGE_ID_INVALID")
        record = self._chat(params)
        message = record.messages.get(get_int(params, "message_id", required=True) or 0)
        if message is None:
            raise BotAPIError.bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self._state.bot_user["id"]:
            raise BotAPIError.bad_request("message can't be edited")
        return record, message

    def _apply_edit(
        self,
        record: ChatRecord,
        message: dict[str, Any],
        changes: dict[str, Any],
        markup: dict[str, Any] | None,
    ) -> dict[str, Any]:
        edited = copy.deepcopy(message)
        edited.update(changes)
        edited["reply_markup"] = markup
        edited = {key: value for key, value in edited.items() if value is not None}
        if _content(edited) == _content(message):
            raise BotAPIError.bad_request(NOT_MODIFIED)
        edited["edit_date"] = int(time.time())
        self._state.chats.replace(record, edited)
        self._state.chats.record_activity(record, "edited", edited["message_id"])
        return copy.deepcopy(edited)

    async def _attachment(self, value: Any, kind: str) -> Any:
        """The Document (or PhotoSize list) for an upload, a known file_id or an HTTP URL."""
        resolved = await self._input_file(value, kind)
        if not isinstance(resolved, Upload):
            return resolved
        if kind == "photo":
            return media.make_photo(self._state.files, resolved.data)
        return media.make_document(
            self._state.files, resolved.data, resolved.filename, _mime(resolved)
        )

    async def _input_file(self, value: Any, kind: str) -> Any:
        """An Upload, or the stored attachment for a file_id / downloaded URL."""
        if isinstance(value, Upload):
            return value
        if not isinstance(value, str) or not value:
            raise BotAPIError.bad_request(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            return await self._download(value)
        stored = self._state.files.get(value)
        if stored is None or stored.attachment is None:
            raise BotAPIError.bad_request("wrong file identifier/HTTP URL specified")
        attachment = stored.attachment
        if kind == "photo" and not isinstance(attachment, list):
            raise BotAPIError.bad_request("wrong file identifier/HTTP URL specified")
        if kind == "document" and isinstance(attachment, list):
            attachment = {**attachment[-1], "file_name": "photo.jpg", "mime_type": "image/jpeg"}
        return copy.deepcopy(attachment)

    async def _download(self, url: str) -> Upload:
        try:
            async with self._http().get(url, timeout=aiohttp.ClientTimeout(total=10)) as response:
                response.raise_for_status()
                data = await response.read()
                content_type = response.content_type
        except (aiohttp.ClientError, TimeoutError) as error:
            raise BotAPIError.bad_request("failed to get HTTP URL content") from error
        name = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "file"
        return Upload(name, content_type, data)


def _mime(upload: Upload) -> str | None:
    generic = {None, "", "application/octet-stream"}
    return None if upload.content_type in generic else upload.content_type


def _message_content(message: dict[str, Any], action: str) -> dict[str, Any]:
    """The copyable part of a message (text or media with its caption)."""
    if not any(kind in message for kind in COPYABLE_KINDS):
        raise BotAPIError.bad_request(f"message can't be {action}")
    return {key: copy.deepcopy(message[key]) for key in CONTENT_KEYS if key in message}


def _album_items(params: dict[str, Any]) -> list[dict[str, Any]]:
    """Validate the ``media`` array of sendMediaGroup."""
    items = get_json(params, "media")
    if items is None:
        raise BotAPIError.bad_request('parameter "media" is required')
    if not isinstance(items, list):
        raise BotAPIError.bad_request("expected an Array of InputMedia")
    for item in items:
        if not isinstance(item, dict):
            raise BotAPIError.bad_request("expected an Object")
        if item.get("type") not in ALBUM_TYPES:
            raise BotAPIError.bad_request(f'type "{item.get("type")}" is unsupported')
    if len(items) > MAX_ALBUM_SIZE:
        raise BotAPIError.bad_request("too many messages to send as an album")
    if len(items) < MIN_ALBUM_SIZE:
        raise BotAPIError.bad_request("media must include 2-10 items")
    if len({item["type"] for item in items}) > 1:
        raise BotAPIError.bad_request("document can't be mixed with other media types")
    return items


def _album_media(params: dict[str, Any], item: dict[str, Any]) -> Any:
    """An album item's file: the ``attach://`` upload it names, or its file_id / URL."""
    value = item.get("media")
    if not isinstance(value, str) or not value:
        raise BotAPIError.bad_request("media not found")
    if not value.startswith(ATTACH_PREFIX):
        return value
    upload = params.get(value.removeprefix(ATTACH_PREFIX))
    if not isinstance(upload, Upload):
        raise BotAPIError.bad_request("media not found")
    return upload


def _content(message: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("text", "entities", "caption", "caption_entities", "reply_markup")
    return tuple(message.get(key) for key in keys)


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = get_json(params, "scope") or {"type": "default"}
    scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
    return str(scope_type), get_str(params, "language_code") or ""


def _validate_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise BotAPIError.bad_request("can't parse inline keyboard button: field must be an Array")
    for button in (button for row in rows for button in row):
        if not isinstance(button, dict) or not button.get("text"):
            raise BotAPIError.bad_request("can't parse inline keyboard button: Text is empty")
        if not BUTTON_ACTIONS & button.keys():
            raise BotAPIError.bad_request(
                "can't parse inline keyboard button: "
                "Text buttons are unallowed in the inline keyboard"
            )
        data = button.get("callback_data")
        if data is not None and not 1 <= len(str(data).encode()) <= 64:
            raise BotAPIError.bad_request("BUTTON_DATA_INVALID")


def _validate_reply_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise BotAPIError.bad_request("can't parse keyboard: field must be an Array")
    for button in (button for row in rows for button in row):
        text = button.get("text") if isinstance(button, dict) else button
        if not text:
            raise BotAPIError.bad_request("can't parse keyboard button: Text is empty")
