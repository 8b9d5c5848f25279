"""Updates parked while they are handled (bot/inflight.py): stored, listed, forgotten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ParkedUpdateRow, utcnow


class ParkedUpdates:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def park(self, update_id: int, body: str) -> None:
        row = ParkedUpdateRow(update_id=update_id, body=body, parked_at=utcnow())
        await self._session.merge(row)

    async def release(self, update_id: int) -> None:
        await self._session.execute(
            delete(ParkedUpdateRow).where(ParkedUpdateRow.update_id == update_id)
        )

    async def all(self) -> list[tuple[int, str]]:
        rows = await self._session.execute(
            select(ParkedUpdateRow.update_id, ParkedUpdateRow.body).order_by(
                ParkedUpdateRow.update_id
            )
        )
        return [(update_id, body) for update_id, body in rows]

    async def touch(self, update_ids: list[int], moment: datetime) -> None:
        """Their handler is alive (several workers: a row not touched for long is taken)."""
        if update_ids:
            await self._session.execute(
                update(ParkedUpdateRow)
                .where(ParkedUpdateRow.update_id.in_(update_ids))
                .values(parked_at=moment)
                .execution_options(synchronize_session=False)
            )

    async def take_stale(self, before: datetime, moment: datetime) -> list[tuple[int, str]]:
        """Rows nobody touched since `before` (their worker died), each taken with a
        compare-and-set on its time, so two workers never take the same one."""
        rows = await self._session.execute(
            select(ParkedUpdateRow.update_id, ParkedUpdateRow.body, ParkedUpdateRow.parked_at)
            .where(ParkedUpdateRow.parked_at < before)
            .order_by(ParkedUpdateRow.update_id)
        )
        taken = []
        for update_id, body, parked_at in rows.all():
            outcome = await self._session.execute(
                update(ParkedUpdateRow)
                .where(
                    ParkedUpdateRow.update_id == update_id,
                    ParkedUpdateRow.parked_at == parked_at,
                )
                .values(parked_at=moment)
                .execution_options(synchronize_session=False)
            )
            if outcome.rowcount == 1:  # type: ignore[attr-defined]
                taken.append((update_id, body))
        return taken
