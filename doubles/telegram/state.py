"""In-memory state of the local Bot API: chats, messages, files and pending updates."""

from __future__ import annotations

import asyncio
import copy
import itertools
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
FILE_FOLDERS = {"document": "documents", "photo": "photos", "voice": "voice"}


class Pulse:
    """Wakes every waiter whenever something changes."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        """Wake current waiters; later waiters wait for the next fire."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> bool:
        """Wait for the next fire; False on timeout."""
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), max(timeout, 0))
        except TimeoutError:
            return False
        return True


@dataclass
class StoredFile:
    """A file known to the server, downloadable through ``file_path``."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    attachment: Any = None
    declared_size: int | None = None

    @property
    def size(self) -> int:
        """The size Telegram reports: ``declared_size`` when set, else the real byte count."""
        return len(self.data) if self.declared_size is None else self.declared_size

    def as_file(self) -> dict[str, Any]:
        """The Bot API ``File`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    """Files by file_id and by file_path."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(self, data: bytes, kind: str, extension: str = "") -> StoredFile:
        """Store ``data`` under fresh identifiers."""
        number = next(self._counter)
        folder = FILE_FOLDERS.get(kind, kind + "s")
        stored = StoredFile(
            file_id=f"{kind[:2].upper()}ACAgEAAxkBAAI{number:04d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{number:04d}{secrets.token_urlsafe(6)}",
            file_path=f"{folder}/file_{number}{extension}",
            data=data,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        """Look a file up by file_id."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """Look a file up by file_path."""
        return self._by_path.get(file_path)

    def contents(self) -> dict[str, bytes]:
        """Snapshot of all file bytes by file_id."""
        return {file_id: stored.data for file_id, stored in self._by_id.items()}


@dataclass
class _PendingUpdate:
    update: dict[str, Any]
    delivered: bool = False


def update_type(update: dict[str, Any]) -> str:
    """The update kind, e.g. ``message`` or ``callback_query``."""
    return next((key for key in update if key != "update_id"), "")


class UpdateQueue:
    """Pending updates with getUpdates confirmation semantics.

    It also keeps what Telegram never knows: which pushed updates the bot has not finished
    handling. The bot's side tells it (:meth:`handled`): the test harness in polling mode
    (:meth:`LocalBotAPI.report_handling`), webhook delivery when the POST returns. An update
    Telegram would never deliver (not allowed, dropped) counts as handled.
    """

    def __init__(self, on_handled: Pulse | None = None) -> None:
        self._pending: list[_PendingUpdate] = []
        self._next_id = 1
        self._unhandled: Counter[int] = Counter()
        self._on_handled = on_handled or Pulse()
        self.allowed: list[str] | None = None
        self.pulse = Pulse()
        self.polling_reported = False
        self.webhook_reported = False

    def __len__(self) -> int:
        return len(self._pending)

    @property
    def reports_handling(self) -> bool:
        """True when something tells the queue as each update is handled."""
        return self.polling_reported or self.webhook_reported

    @property
    def unhandled(self) -> list[int]:
        """Ids of pushed updates the bot has not finished handling, oldest first."""
        return sorted(self._unhandled.elements())

    def handled(self, update_id: int) -> None:
        """The bot finished handling (one copy of) update ``update_id``."""
        if self._unhandled[update_id] > 0:
            self._unhandled[update_id] -= 1
            if not self._unhandled[update_id]:
                del self._unhandled[update_id]
            self._on_handled.fire()

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update, assigning ``update_id`` unless it already has one."""
        update = copy.deepcopy(update)
        if "update_id" not in update:
            update = {"update_id": self._next_id, **update}
        self._next_id = max(self._next_id, int(update["update_id"]) + 1)
        self._pending.append(_PendingUpdate(update))
        self._unhandled[update["update_id"]] += 1
        self.pulse.fire()
        return copy.deepcopy(update)

    def confirm(self, offset: int) -> None:
        """Forget delivered updates older than ``offset``."""
        self._pending = [
            item
            for item in self._pending
            if not (item.delivered and item.update["update_id"] < offset)
        ]

    def take(self, limit: int) -> list[dict[str, Any]]:
        """Return up to ``limit`` allowed updates and mark them delivered."""
        self._drop_disallowed()
        batch = self._pending[:limit]
        for item in batch:
            item.delivered = True
        return [copy.deepcopy(item.update) for item in batch]

    def first(self) -> dict[str, Any] | None:
        """The oldest allowed update (for webhook delivery)."""
        self._drop_disallowed()
        return copy.deepcopy(self._pending[0].update) if self._pending else None

    def deliverable(
        self, skip: Callable[[dict[str, Any]], bool], limit: int
    ) -> list[dict[str, Any]]:
        """Up to ``limit`` allowed updates, oldest first, but those ``skip`` says to leave
        (parallel webhook delivery)."""
        if limit <= 0:
            return []
        self._drop_disallowed()
        found = []
        for item in self._pending:
            if not skip(item.update):
                found.append(copy.deepcopy(item.update))
                if len(found) >= limit:
                    break
        return found

    def remove(self, update_id: int) -> None:
        """Drop the oldest pending update with ``update_id`` (delivered or given up on)."""
        for index, item in enumerate(self._pending):
            if item.update["update_id"] == update_id:
                del self._pending[index]
                self.handled(update_id)
                return

    def clear(self) -> None:
        """Drop everything pending."""
        dropped, self._pending = self._pending, []
        for item in dropped:
            self.handled(item.update["update_id"])

    def _drop_disallowed(self) -> None:
        kept = []
        for item in self._pending:
            if self._allows(item.update):
                kept.append(item)
            else:
                self.handled(item.update["update_id"])
        self._pending = kept

    def _allows(self, update: dict[str, Any]) -> bool:
        kind = update_type(update)
        if self.allowed:
            return kind in self.allowed
        return kind not in DEFAULT_EXCLUDED_UPDATES


@dataclass
class Activity:
    """One bot action visible to a user."""

    kind: str
    message_id: int
    at: float


@dataclass
class ChatRecord:
    """A chat, its messages and what the bot did in it."""

    chat: dict[str, Any]
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    history: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    activity: list[Activity] = field(default_factory=list)
    reply_keyboard: dict[str, Any] | None = None
    actions: list[str] = field(default_factory=list)
    next_message_id: int = 1
    blocked: bool = False

    def quoted(self, message_id: int) -> dict[str, Any] | None:
        """A copy of a message as Telegram embeds it in ``reply_to_message`` (one level deep)."""
        message = self.messages.get(message_id)
        if message is None:
            return None
        return {
            key: copy.deepcopy(value) for key, value in message.items() if key != "reply_to_message"
        }


class ChatStore:
    """Known chats and their messages."""

    def __init__(self, pulse: Pulse | None = None) -> None:
        self._chats: dict[int, ChatRecord] = {}
        self.pulse = pulse or Pulse()

    def register(self, chat: dict[str, Any]) -> ChatRecord:
        """Make a chat known (idempotent)."""
        record = self._chats.get(chat["id"])
        if record is None:
            record = self._chats[chat["id"]] = ChatRecord(chat=copy.deepcopy(chat))
        return record

    def get(self, chat_id: int) -> ChatRecord | None:
        """The chat record, or None if the bot never heard from it."""
        return self._chats.get(chat_id)

    def new_message(self, record: ChatRecord, **fields: Any) -> dict[str, Any]:
        """Create and store a message with the next id of the chat."""
        message = {
            "message_id": record.next_message_id,
            **fields,
            "chat": copy.deepcopy(record.chat),
            "date": int(time.time()),
        }
        message = {key: value for key, value in message.items() if value is not None}
        record.next_message_id += 1
        record.messages[message["message_id"]] = message
        return message

    def record_activity(self, record: ChatRecord, kind: str, message_id: int) -> None:
        """Log a bot action and wake waiters."""
        record.activity.append(Activity(kind, message_id, asyncio.get_running_loop().time()))
        self.pulse.fire()

    def replace(self, record: ChatRecord, message: dict[str, Any]) -> None:
        """Store an edited message, keeping the previous version in its history."""
        message_id = message["message_id"]
        record.history.setdefault(message_id, []).append(record.messages[message_id])
        record.messages[message_id] = message


@dataclass
class ServerState:
    """Everything the fake Telegram remembers."""

    bot_user: dict[str, Any]
    progress: Pulse = field(default_factory=Pulse)
    """Fires when the bot sends or edits something, or finishes handling an update."""
    chats: ChatStore = field(init=False)
    files: FileStore = field(default_factory=FileStore)
    updates: UpdateQueue = field(init=False)
    callback_answers: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    # Telegram Payments: each invoice sent (by chat and message id) and pre-checkout answers.
    invoices: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    pre_checkout_answers: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    closed: bool = False

    def __post_init__(self) -> None:
        self.chats = ChatStore(self.progress)
        self.updates = UpdateQueue(on_handled=self.progress)

    def register_chats(self, update: dict[str, Any]) -> None:
        """Remember chats mentioned by an incoming update."""
        payload = update.get(update_type(update))
        if not isinstance(payload, dict):
            return
        for holder in (payload, payload.get("message")):
            if isinstance(holder, dict) and isinstance(holder.get("chat"), dict):
                self.chats.register(holder["chat"])
