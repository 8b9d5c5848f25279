"""Column types of our own."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """A moment: stored in UTC, always read back as an aware UTC datetime.

    SQLite keeps no zone (its DATETIME is text written without one), PostgreSQL's
    timestamptz answers in the session's zone; either way the domain gets aware UTC. A naive
    datetime is refused on the way in (values and query bounds alike): which zone it means is
    a guess this layer will not make.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UtcDateTime expects a datetime, got {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: give it a zone")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: the stored text has no zone, and it is UTC
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
