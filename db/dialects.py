"""Statements that differ by database dialect: the `insert` with ON CONFLICT of the session's
database, and the hot path's statements, built once for each dialect.

Building a statement (its clauses, the upsert's `excluded` columns) and its cache key costs
more than SQLite takes to run it; the ones every update runs are built at their first use
and kept, and run with their parameters.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

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
        found = _built[(name, dialect)] = make(dialect_insert(session))
    return found  # type: ignore[no-any-return]


async def execute_core(session: AsyncSession, statement: Any, parameters: Any) -> CursorResult[Any]:
    """`statement` run as Core on the session's connection (one row's parameters, or a list
    of them for an executemany): through the session an ORM-enabled insert takes the ORM's
    bulk path, which costs more and returns no rowcount. The connection is asked for and the
    statement run in one pass into SQLAlchemy's sync layer (one greenlet, not two); the rows
    come back buffered, as AsyncConnection.execute returns them."""
    return await session.run_sync(_execute_core, statement, parameters)


def _execute_core(session: Session, statement: Any, parameters: Any) -> CursorResult[Any]:
    return session.connection().execute(statement, parameters)
