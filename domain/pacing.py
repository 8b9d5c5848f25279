"""Long CPU work in a worker thread that leaves the event loop to the customers.

A big import parses a file and indexes its products: tens of seconds of CPU. In a worker
thread that work still competes with the event loop for the interpreter (one thread runs
Python at a time, and a thread that wants it back may wait 5 ms each time), so replies to
customers slow down while it runs. The worker calls a `LoopPacer` between small steps:
every few milliseconds of work it lets go of the interpreter until the event loop has run
what was ready, and when the loop was busy it waits twice as long again, so the loop gets
two thirds of the interpreter when it needs them and the work runs at full speed when the
loop is idle. While people wait for a reply (an `Attention`: updates being handled, except
long ones set aside), it also waits after every slice, so that their replies' many small
steps (each database call hops between threads) do not queue behind the work.
"""

from __future__ import annotations

import asyncio
import threading
import time

SLICE_SECONDS = 0.004  # work between two looks at the event loop
BUSY_SECONDS = 0.001  # the loop took longer than this to answer: it had work to do
YIELD_RATIO = 2.0  # then wait this many times as long: the work takes a third at most
LOOP_WAIT_SECONDS = 1.0  # never wait longer for a loop that does not answer (closing)
GIVE_WAY_SECONDS = 0.016  # after each slice while someone waits: the work takes a fifth


class Attention:
    """How many people are waiting for a reply now. The code that handles updates counts
    them (bot/inflight.py: every update from its start until it is done or parked); one
    per process, kept by the catalog, whose long work gives way to them."""

    def __init__(self) -> None:
        self._waiting = 0

    def begin(self) -> None:
        self._waiting += 1

    def end(self) -> None:
        self._waiting -= 1

    @property
    def someone_waits(self) -> bool:
        return self._waiting > 0


class LoopPacer:
    """Call it often from a worker thread; now and then it waits for the event loop.

    Made on the event loop's thread (`LoopPacer()` takes the running loop).
    """

    def __init__(
        self,
        *,
        slice_seconds: float = SLICE_SECONDS,
        loop: asyncio.AbstractEventLoop | None = None,
        attention: Attention | None = None,
    ) -> None:
        self._loop = loop or asyncio.get_running_loop()
        self._attention = attention
        self._slice = slice_seconds
        self._next = time.perf_counter() + slice_seconds

    def __call__(self) -> None:
        now = time.perf_counter()
        if now < self._next:
            return
        answered = threading.Event()
        try:
            self._loop.call_soon_threadsafe(answered.set)
        except RuntimeError:  # the loop is closed: nobody is waiting for it any more
            self._next = now + self._slice
            return
        answered.wait(LOOP_WAIT_SECONDS)
        busy = time.perf_counter() - now
        pause = busy * YIELD_RATIO if busy > BUSY_SECONDS else 0.0
        if self._attention is not None and self._attention.someone_waits:
            pause = max(pause, GIVE_WAY_SECONDS)
        if pause:
            time.sleep(min(pause, LOOP_WAIT_SECONDS))
        self._next = time.perf_counter() + self._slice
