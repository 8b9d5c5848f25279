"""Statements of the hot path, built once for each database dialect.

Building a statement (its clauses, the upsert's `excluded` columns) and its cache key costs
more than SQLite takes to run it; the ones every update runs are built at their first use
and kept, and run with their parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

S = TypeVar("S")
Insert = Any  # either dialect's insert(): both have on_conflict_do_nothing/_do_update

_built: dict[tuple[str, str], Any] = {}


def dialect_insert(session: AsyncSession) -> Callable[..., Insert]:
    """The `insert` with ON CONFLICT of the session's database."""
    name = session.get_bind().dialect.name
    return postgresql_insert if name == "postgresql" else sqlite_insert


def built(session: AsyncSession, name: str, make: Callable[[Callable[..., Insert]], S]) -> S:
    """The statement `name` for the session's dialect, made by `make(insert)` the first time."""
    dialect = session.get_bind().dialect.name
    found = _built.get((name, dialect))
    if found is None:
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        found = _built[(name, dialect)] = make(insert)
    return found  # type: ignore[no-any-return]
