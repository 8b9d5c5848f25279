"""SQLite on the event loop's own thread, for SQLAlchemy's aiosqlite dialect.

aiosqlite runs every statement on a thread of its own and hands the result back through the
loop: a queue, a future, a wake-up of the selector and a switch of the GIL, for each of the
dozen statements an update makes — more CPU than the statements themselves, which take
microseconds. This connection has aiosqlite's shape (what the dialect calls) and runs the
statements where it is called instead.

The one thing SQLite may wait for is another connection's write lock, and waiting for it on
the loop would stop every other task, the lock's holder too when it is in this process. So:
- the connections of one engine take turns to write on an asyncio lock (`WriteTurns`, first
  come first served): a statement that may write, on a connection outside a transaction,
  waits for its turn; the turn passes on when the transaction ends. No writer of this
  process polls for the lock, and none is starved by a stream of others;
- SQLite itself never waits (busy timeout 0): a statement that meets another process's
  lock is tried again after an `asyncio.sleep`, with a growing pause. Only SQLITE_BUSY is
  retried: a transaction whose snapshot is stale (SQLITE_BUSY_SNAPSHOT) fails at once, as
  it does with aiosqlite.
Both waits end with "database is locked" at the deadline SQLite's busy timeout had.

Used for file databases and `:memory:` alike (db/engine.py); the URL keeps its
`sqlite+aiosqlite` dialect.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")

SQLITE_BUSY = 5
SQLITE_BUSY_RECOVERY = 5 | (1 << 8)
FIRST_PAUSE = 0.001
LONGEST_PAUSE = 0.05
BREATHE_EVERY = 0.002
READS = ("SELECT", "PRAGMA", "EXPLAIN")


_last_pause = 0.0


async def _breathe() -> None:
    """Statements never pause a task, so a long run of them would hold the loop: after
    BREATHE_EVERY seconds without a pause here, the loop gets a turn (other tasks, /health)."""
    global _last_pause
    now = time.perf_counter()
    if now - _last_pause >= BREATHE_EVERY:
        _last_pause = now
        await asyncio.sleep(0)


def may_write(sql: str) -> bool:
    return not sql.lstrip()[:7].upper().startswith(READS)


class WriteTurns:
    """One writing transaction at a time among an engine's connections (per event loop)."""

    def __init__(self) -> None:
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        found = self._locks.get(loop)
        if found is None:
            found = self._locks[loop] = asyncio.Lock()
        return found


class InlineCursor:
    """aiosqlite's cursor, as the dialect uses it."""

    arraysize = 1

    def __init__(self, owner: InlineConnection) -> None:
        self._owner = owner
        self._cursor = owner._conn.cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        await self._owner.statement(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> InlineCursor:
        await self._owner.statement(self._cursor.executemany, sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()


class _Queue:
    """The dialect sets the isolation level through aiosqlite's queue of work: done at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:  # noqa: BLE001 - handed to whoever awaits the future
            future.set_exception(error)


class InlineConnection:
    """aiosqlite's connection, as the dialect uses it."""

    def __init__(
        self, connection: sqlite3.Connection, turns: WriteTurns, *, busy_timeout: float
    ) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # None once closed
        self._turns = turns
        self._turn: asyncio.Lock | None = None  # held while this connection writes
        self._busy_timeout = busy_timeout
        self._tx = _Queue()

    @property
    def driver(self) -> sqlite3.Connection:
        """The sqlite3 connection; statements on it go through `statement()`."""
        if self._connection is None:
            raise sqlite3.ProgrammingError("Cannot operate on a closed database.")
        return self._connection

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def statement(self, call: Callable[..., T], sql: str, parameters: Any) -> T:
        if self._turn is None and not self._conn.in_transaction and may_write(sql):
            await self._take_turn()
        try:
            return await self.run(call, sql, parameters)
        finally:
            self._pass_turn()
            await _breathe()

    async def _take_turn(self) -> None:
        turn = self._turns.lock()
        if turn.locked():
            try:
                await asyncio.wait_for(turn.acquire(), self._busy_timeout)
            except TimeoutError:
                raise sqlite3.OperationalError("database is locked") from None
        else:
            await turn.acquire()  # free: taken without a pause
        self._turn = turn

    def _pass_turn(self) -> None:
        """The turn passes on once the transaction is over (or never began)."""
        if self._turn is not None and not self._conn.in_transaction:
            turn, self._turn = self._turn, None
            turn.release()

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """`call(*args)`, tried again while another process holds the write lock."""
        deadline: float | None = None
        pause = FIRST_PAUSE
        while True:
            try:
                return call(*args)
            except sqlite3.OperationalError as error:
                if getattr(error, "sqlite_errorcode", None) not in (
                    SQLITE_BUSY,
                    SQLITE_BUSY_RECOVERY,
                ):
                    raise
                now = time.monotonic()
                if deadline is None:
                    deadline = now + self._busy_timeout
                if now >= deadline:
                    raise
                await asyncio.sleep(min(pause, deadline - now))
                pause = min(pause * 2, LONGEST_PAUSE)

    async def commit(self) -> None:
        try:
            await self.run(self._conn.commit)
        finally:
            self._pass_turn()

    async def rollback(self) -> None:
        try:
            self._conn.rollback()
        finally:
            self._pass_turn()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (also the dialect's terminate): an open transaction is undone."""
        self._connection = None
        try:
            self._conn.close()
        finally:
            if self._turn is not None:
                turn, self._turn = self._turn, None
                turn.release()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)


def connector(
    database: str, options: Mapping[str, Any], *, busy_timeout: float
) -> Callable[[], Any]:
    """The engine's `async_creator`: a new connection to `database` with the URL's options
    (sqlite3.connect's), SQLite's own busy wait off, taking turns with the engine's others."""
    turns = WriteTurns()

    async def connect() -> InlineConnection:
        settings = {**options, "timeout": 0, "check_same_thread": False}
        connection = sqlite3.connect(database, **settings)
        return InlineConnection(connection, turns, busy_timeout=busy_timeout)

    return connect
