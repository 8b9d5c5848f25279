"""The outbox table: promised messages in, their fate (sent, blocked, failed) recorded.

`add` runs inside the transaction that made the promise. The rows it wrote are kept on the
session (`take_written`) so that whoever commits can send them at once without reading
them back (a savepoint rolled back forgets its own: `written_mark`, `forget_written`);
everything else — rows whose sender died, retries after a failure — is found by `claim_due`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from db.dialects import Insert, built, execute_core
from db.models import OutboxRow
from domain.button import Button, Buttons
from domain.model import Notice

PENDING, SENT, BLOCKED, FAILED = "pending", "sent", "blocked", "failed"
# The writer's head start: the sweeper leaves a fresh row alone this long, so the process
# that wrote it sends it without a second claim (and without a double send).
WRITER_HEAD_START = timedelta(seconds=15)
WRITTEN = "outbox_written"


@dataclass(frozen=True)
class Outgoing:
    """A row to send, as plain data."""

    id: int
    key: str
    chat_id: int
    text: str
    buttons: Buttons
    relay_chat_id: int | None
    order_id: int | None
    attempts: int
    photo: str = ""  # a Telegram file_id: sent as a photo with the text as its caption
    product_photos: tuple[int, ...] = ()  # products whose photos go with the text


@dataclass(frozen=True)
class Backlog:
    pending: int
    oldest: datetime | None
    blocked: int
    failed: int


def now() -> datetime:
    return datetime.now(UTC)


def take_written(session: AsyncSession) -> list[Outgoing]:
    """The rows this session wrote since the last call (taken after a commit)."""
    rows: list[Outgoing] = session.info.pop(WRITTEN, [])
    return rows


def written_mark(session: AsyncSession) -> int:
    """How many rows the session has written so far (taken when a savepoint begins)."""
    return len(session.info.get(WRITTEN, ()))


def forget_written(session: AsyncSession, mark: int = 0) -> None:
    """The rows written after `mark` were rolled back: they will not be sent."""
    written = session.info.get(WRITTEN)
    if written:
        del written[mark:]


_TABLE = cast(Table, OutboxRow.__table__)
_SENT = (
    update(_TABLE)
    .where(_TABLE.c.id == bindparam("row_id"))
    .values(status=SENT, sent_at=bindparam("moment"), message_id=bindparam("sent_id"), error="")
)


def _add(insert: Callable[..., Insert]) -> Any:
    return (
        insert(OutboxRow)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxRow.id, OutboxRow.key, sort_by_parameter_order=True)
    )


def _one_or_many(rows: list[dict[str, Any]]) -> dict[str, Any] | list[dict[str, Any]]:
    """The parameters of one row as a plain execution: a list of one takes SQLAlchemy's
    executemany path (for an INSERT ... RETURNING its batching of rows), which costs more for
    the single reply an update usually writes."""
    return rows[0] if len(rows) == 1 else rows


async def record_sent(connection: AsyncConnection, sent: Sequence[tuple[int, int]]) -> None:
    """Rows sent, as (row id, Telegram message id): one statement for all of them, in a
    transaction of its own on `connection` (the sender keeps one open for its marks: no
    session to build, no pool to ask, for each of them)."""
    moment = now()
    marks = [{"row_id": n, "sent_id": message_id, "moment": moment} for n, message_id in sent]
    async with connection.begin():
        await connection.execute(_SENT, _one_or_many(marks))


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, notices: Iterable[Notice]) -> None:
        written = now()
        rows = [
            {
                "key": notice.key,
                "chat_id": notice.chat_id,
                "text": notice.text,
                "buttons": _dump_buttons(notice.buttons),
                "relay_chat_id": notice.relay_chat_id,
                "order_id": notice.order_id,
                "photo": notice.photo,
                "product_photos": ",".join(map(str, notice.product_photos)),
                "status": PENDING,
                "attempts": 0,
                "next_attempt_at": written + WRITER_HEAD_START,
                "created_at": written,
                "error": "",
            }
            for notice in notices
        ]
        if not rows:
            return
        statement = built(self._session, "outbox add", _add)
        inserted = await execute_core(self._session, statement, _one_or_many(rows))
        by_key = {row["key"]: row for row in rows}
        fresh = [_outgoing_of(row.id, by_key[row.key]) for row in inserted.all()]
        fresh.sort(key=lambda row: row.id)
        self._session.info.setdefault(WRITTEN, []).extend(fresh)

    async def pending(self, keys: Sequence[str]) -> list[Outgoing]:
        """The rows of `keys` not yet sent (read only: no claim)."""
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.key.in_(keys), OutboxRow.status == PENDING)
            .order_by(OutboxRow.id)
        )
        return [_outgoing(row) for row in rows]

    async def claim_written(
        self, keys: Sequence[str], moment: datetime, lease: timedelta
    ) -> list[Outgoing]:
        """The writer's own rows, each claimed for `lease` unless someone took it first. A
        row nobody claimed still has the head start it was written with; the claim is a
        compare-and-set on that value, so a writer late past its head start and a sweeper (of
        this process or another worker) never both send it."""
        rows = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.key.in_(keys), OutboxRow.status == PENDING)
            .order_by(OutboxRow.id)
        )
        claimed = []
        for row in rows.all():
            if row.next_attempt_at > row.created_at + WRITER_HEAD_START:
                continue  # claimed (or put off) already
            outcome = await self._session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == row.id,
                    OutboxRow.status == PENDING,
                    OutboxRow.next_attempt_at == row.next_attempt_at,
                )
                .values(next_attempt_at=moment + lease)
                .execution_options(synchronize_session=False)
            )
            if outcome.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(_outgoing(row))
        return claimed

    async def claim_due(self, moment: datetime, lease: timedelta, limit: int) -> list[Outgoing]:
        """Rows whose time has come, each claimed for `lease` (a conditional UPDATE, so two
        sweepers never take the same row)."""
        due = await self._session.scalars(
            select(OutboxRow)
            .where(OutboxRow.status == PENDING, OutboxRow.next_attempt_at <= moment)
            .order_by(OutboxRow.id)
            .limit(limit)
        )
        claimed = []
        for row in due.all():
            outcome = await self._session.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == row.id,
                    OutboxRow.status == PENDING,
                    OutboxRow.next_attempt_at <= moment,
                )
                .values(next_attempt_at=moment + lease)
                .execution_options(synchronize_session=False)
            )
            if outcome.rowcount == 1:  # type: ignore[attr-defined]
                claimed.append(_outgoing(row))
        return claimed

    async def sent(self, row_id: int, message_id: int) -> None:
        await self._settle(row_id, status=SENT, sent_at=now(), message_id=message_id, error="")

    async def reword(self, row_id: int, text: str) -> bool:
        """A pending row's text replaced (its final wording); False when it is no longer
        pending."""
        outcome = await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status == PENDING)
            .values(text=text)
            .execution_options(synchronize_session=False)
        )
        return bool(outcome.rowcount)  # type: ignore[attr-defined]

    async def blocked(self, row_id: int, error: str) -> None:
        await self._settle(row_id, status=BLOCKED, error=error[:300])

    async def failed(self, row_id: int, error: str) -> None:
        await self._settle(row_id, status=FAILED, error=error[:300])

    async def retry_at(self, row_id: int, moment: datetime, error: str) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id, OutboxRow.status == PENDING)
            .values(next_attempt_at=moment, attempts=OutboxRow.attempts + 1, error=error[:300])
            .execution_options(synchronize_session=False)
        )

    async def backlog(self) -> Backlog:
        pending = await self._session.execute(
            select(func.count(), func.min(OutboxRow.created_at)).where(OutboxRow.status == PENDING)
        )
        count, oldest = pending.one()
        if isinstance(oldest, str):  # an aggregate bypasses the column type on SQLite
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        counts = await self._session.execute(
            select(OutboxRow.status, func.count())
            .where(OutboxRow.status.in_((BLOCKED, FAILED)))
            .group_by(OutboxRow.status)
        )
        settled = {status: count for status, count in counts.all()}
        return Backlog(count, oldest, settled.get(BLOCKED, 0), settled.get(FAILED, 0))

    async def forget_sent_before(self, moment: datetime) -> int:
        outcome = await self._session.execute(
            delete(OutboxRow).where(OutboxRow.status == SENT, OutboxRow.sent_at < moment)
        )
        return int(outcome.rowcount)  # type: ignore[attr-defined]

    async def _settle(self, row_id: int, **values: object) -> None:
        await self._session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == row_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def _dump_buttons(buttons: Buttons) -> str:
    if not buttons:
        return ""
    return json.dumps([[[b.text, b.data] for b in row] for row in buttons], ensure_ascii=False)


def _load_buttons(raw: str) -> Buttons:
    if not raw:
        return ()
    return tuple(tuple(Button(text, data) for text, data in row) for row in json.loads(raw))


def _outgoing_of(row_id: int, values: dict[str, Any]) -> Outgoing:
    """What `_outgoing` would read back from the row just inserted with these values."""
    return Outgoing(
        id=row_id,
        key=values["key"],
        chat_id=values["chat_id"],
        text=values["text"],
        buttons=_load_buttons(values["buttons"]),
        relay_chat_id=values["relay_chat_id"],
        order_id=values["order_id"],
        attempts=values["attempts"],
        photo=values["photo"],
        product_photos=tuple(int(i) for i in values["product_photos"].split(",") if i),
    )


def _outgoing(row: OutboxRow) -> Outgoing:
    return Outgoing(
        id=row.id,
        key=row.key,
        chat_id=row.chat_id,
        text=row.text,
        buttons=_load_buttons(row.buttons),
        relay_chat_id=row.relay_chat_id,
        order_id=row.order_id,
        attempts=row.attempts,
        photo=row.photo,
        product_photos=tuple(int(i) for i in row.product_photos.split(",") if i),
    )
