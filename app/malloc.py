"""The C allocator of a long-running bot process (glibc on Linux; elsewhere nothing).

glibc gives each thread that allocates its own arena (up to eight per core), and a thread's
arena keeps what it freed: the bot's threads (aiosqlite's, the default executor's) each
held several MB of mostly free memory after a burst of customers. Two arenas are enough
for a process whose Python code holds the GIL anyway. And the memory freed once the
start-up is done (the index read, the products checked) goes back to the system instead
of staying in the heap.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger(__name__)

ARENAS = 2
_M_ARENA_MAX = -8  # glibc's malloc.h


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None
    # musl (Alpine) has neither; only glibc's allocator is tuned here.
    if not hasattr(libc, "mallopt") or not hasattr(libc, "malloc_trim"):
        return None
    return libc


def limit_arenas() -> None:
    """At most ARENAS malloc arenas, unless MALLOC_ARENA_MAX says otherwise; call before
    any thread starts."""
    libc = _glibc()
    if libc is None or "MALLOC_ARENA_MAX" in os.environ:
        return
    if not libc.mallopt(_M_ARENA_MAX, ARENAS):
        log.debug("mallopt(M_ARENA_MAX) refused")


def give_back_free_memory() -> None:
    """Return the heap's free pages to the system (after start-up)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
