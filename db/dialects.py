"""Statements that differ by database dialect: the `insert` with ON CONFLICT of the session's
database, and the hot path's statements, built once for each dialect.

Building a statement (its clauses, the upsert's `excluded` columns) and its cache key costs
more than SQLite takes to run it; the ones every update runs are built at their first use
and kept, and run with their parameters.

On SQLite the hot path's statements then skip SQLAlchemy's execution too (`execute_core`):
an update runs half a dozen of them (its claim, the messages, the outbox row, the chat's
step), and SQLAlchemy spent about 150 µs of CPU on each (a greenlet, an execution context, a
result) around the 15–20 µs SQLite takes. The first run of a statement goes through
SQLAlchemy, which compiles it; what that run used — the SQL, its parameters in order, the
types' conversions, the Python-side column defaults, the result's columns — is kept, and
the next runs hand the SQL straight to the connection of the session's transaction
(db/inline_sqlite.py, which still takes its turn to write). Errors come back as SQLAlchemy's
own (`IntegrityError`, `OperationalError`), as they did. Statements whose SQL depends on the
values (an `IN` list, a literal) and RETURNING over several rows keep going through
SQLAlchemy, and so does every statement on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Dialect
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.compiler import SQLCompiler

from db.inline_sqlite import InlineConnection

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


class Rows:
    """A statement's outcome run on the driver: what callers read of a CursorResult."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rowcount: int, rows: list[Any]) -> None:
        self.rowcount = rowcount
        self._rows = rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return list(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._rows[0]

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None

    def scalars(self) -> _Scalars:
        return _Scalars(row[0] for row in self._rows)


class _Scalars(list[Any]):
    """The first column of each row (as ScalarResult is read: iterated, or `all()`)."""

    def all(self) -> list[Any]:
        return list(self)


Outcome = CursorResult[Any] | Rows
Convert = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Plan:
    """How SQLAlchemy ran a statement for one set of parameter names, to run it again."""

    compiled: SQLCompiler
    sql: str
    names: tuple[str, ...]  # the parameters, in the SQL's order
    converts: tuple[Convert, ...]  # each parameter's conversion for the driver
    defaults: tuple[tuple[str, Callable[[Any], Any]], ...]  # Python-side column defaults
    row: Callable[..., Any] | None  # None: no rows come back
    reads: tuple[Convert, ...]  # each result column's conversion

    def arguments(self, given: dict[str, Any]) -> tuple[Any, ...]:
        values = self.compiled.construct_params(given)
        for name, default in self.defaults:
            values[name] = default(None)
        return tuple(
            value if convert is None else convert(value)
            for value, convert in zip((values[n] for n in self.names), self.converts, strict=True)
        )

    def rows(self, fetched: list[Any]) -> list[Any]:
        assert self.row is not None
        return [
            self.row(
                *(v if read is None else read(v) for v, read in zip(raw, self.reads, strict=True))
            )
            for raw in fetched
        ]


# (id of the statement, the dialect's name, its parameter names) → the plan, or None: always
# through SQLAlchemy.
# The statement is kept with its plan, so that its id is never another's.
_plans: dict[tuple[int, str, frozenset[str]], tuple[Any, _Plan | None]] = {}
MOST_PLANS = 500  # statements made afresh for each call would not be run again: a bound
_TRANSACTION = "driver_path"  # in Session.info: {transaction or savepoint: its connection}
JOINED = 8


async def execute_core(session: AsyncSession, statement: Any, parameters: Any) -> Outcome:
    """`statement` run as Core on the session's connection (one row's parameters, or a list
    of them for an executemany): through the session an ORM-enabled insert takes the ORM's
    bulk path, which costs more and returns no rowcount. The rows come back buffered.

    On SQLite, a statement run before with the same parameter names goes to the driver (see
    the module's doc); otherwise the connection is asked for and the statement run in one
    pass into SQLAlchemy's sync layer (one greenlet, not two)."""
    many = isinstance(parameters, list)
    if many and not parameters:
        return await session.run_sync(_execute_core, statement, parameters)
    first = parameters[0] if many else parameters
    found = _plans.get((id(statement), _dialect(session.sync_session).name, frozenset(first)))
    plan = found[1] if found is not None else None
    if plan is not None and many:
        if plan.row is not None or len({frozenset(p) for p in parameters}) > 1:
            plan = None  # RETURNING over several rows; rows of different names
    inline = None
    if plan is not None:
        inline = _inline(session.sync_session) or await _join(session)
    if plan is None or inline is None:
        return await session.run_sync(_execute_core, statement, parameters)
    cursor = inline.driver.cursor()
    try:
        if many:
            rows = [plan.arguments(p) for p in parameters]
            await inline.statement(cursor.executemany, plan.sql, rows)
        else:
            await inline.statement(cursor.execute, plan.sql, plan.arguments(parameters))
        fetched = plan.rows(cursor.fetchall()) if plan.row is not None else []
        return Rows(cursor.rowcount, fetched)
    except sqlite3.Error as error:
        raise DBAPIError.instance(
            plan.sql, parameters, error, sqlite3.Error, dialect=_dialect(session.sync_session)
        ) from error
    finally:
        cursor.close()


def _execute_core(session: Session, statement: Any, parameters: Any) -> CursorResult[Any]:
    connection = session.connection()
    outcome = connection.execute(statement, parameters)
    first = parameters[0] if isinstance(parameters, list) else parameters
    key = (id(statement), _dialect(session).name, frozenset(first))
    if key not in _plans and len(_plans) < MOST_PLANS:
        _plans[key] = (statement, _plan(statement, outcome, connection.dialect))
    driver = connection.connection.driver_connection
    transaction = _innermost(session)
    if isinstance(driver, InlineConnection) and transaction is not None:
        _joined(session)[transaction] = driver
    return outcome


async def _join(session: AsyncSession) -> InlineConnection | None:
    """The connection of the session's transaction, begun if it was not (SQLAlchemy begins a
    savepoint on it only once asked for the connection: asking is what begins it)."""
    connection = await session.connection()
    driver = connection.sync_connection.connection.driver_connection  # type: ignore[union-attr]
    transaction = _innermost(session.sync_session)
    if not isinstance(driver, InlineConnection) or transaction is None:
        return None
    _joined(session.sync_session)[transaction] = driver
    return driver


def _inline(session: Session) -> InlineConnection | None:
    """The connection of the session's transaction, when it is SQLite's on the loop and the
    transaction (the innermost savepoint) one it was found in."""
    transaction = _innermost(session)
    if transaction is None or not transaction.is_active:
        return None
    return _joined(session).get(transaction)


def _joined(session: Session) -> dict[SessionTransaction, InlineConnection]:
    """The session's transactions (and savepoints) whose connection is known, the latest."""
    joined: dict[SessionTransaction, InlineConnection] = session.info.setdefault(_TRANSACTION, {})
    if len(joined) > JOINED:
        joined.clear()
    return joined


def _innermost(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _plan(statement: Any, outcome: CursorResult[Any], dialect: Dialect) -> _Plan | None:
    """How to run `statement` again on the driver; None when it must go through SQLAlchemy
    each time (not SQLite, SQL that depends on the values, columns it cannot tell)."""
    compiled = outcome.context.compiled
    if dialect.name != "sqlite" or not isinstance(compiled, SQLCompiler):
        return None
    if compiled.statement is not statement:
        return None  # compiled for another statement of its shape: its values are that one's
    names = compiled.positiontup
    if names is None or compiled.literal_execute_params or compiled.post_compile_params:
        return None
    if compiled.escaped_bind_names:
        return None
    if any(compiled.binds[n].expanding for n in names):
        return None
    defaults = []
    for column, made in [(c, c.default) for c in compiled.insert_prefetch] + [
        (c, c.onupdate) for c in compiled.update_prefetch
    ]:
        default = _default(made)
        if default is None or column.key not in compiled.binds:
            return None
        defaults.append((column.key, default))
    converts = tuple(
        compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in names
    )
    row: Callable[..., Any] | None = None
    reads: tuple[Convert, ...] = ()
    if outcome.returns_rows:
        columns = list(_columns_of(statement))
        keys = list(outcome.keys())
        if len(columns) != len(keys) or len(set(keys)) != len(keys):
            return None
        shape = namedtuple("Row", keys, rename=True)  # type: ignore[misc]  # noqa: PYI024
        if list(shape._fields) != keys:
            return None  # a key that is not a name
        row = shape
        reads = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns)
    return _Plan(compiled, compiled.string, tuple(names), converts, tuple(defaults), row, reads)


def _default(made: Any) -> Callable[[Any], Any] | None:
    """A Python-side column default as a function of nothing (given None as its context)."""
    if made is None:
        return None
    if made.is_scalar:
        value = made.arg
        return lambda _context: value
    if made.is_callable and made.arg is not getattr(made, "_fn", None):
        return made.arg  # type: ignore[no-any-return]  # a function of nothing, wrapped
    return None


def _columns_of(statement: Any) -> Sequence[Any]:
    columns = getattr(statement, "selected_columns", None)
    if columns is None:
        columns = statement.exported_columns
    return list(columns)


def _dialect(session: Session) -> Dialect:
    return session.get_bind().dialect
