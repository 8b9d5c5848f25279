"""Updates parked while they are handled (bot/inflight.py): stored, listed, forgotten."""

from __future__ import annotations

from sqlalchemy import delete, select
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
