"""The C allocator of a long-running bot process (glibc on Linux; elsewhere nothing).

glibc gives each thread that allocates its own arena (up to eight per core), and a thread's
arena keeps what it freed: the bot's threads (aiosqlite's, the default executor's) each
held several MB of mostly free memory after a burst of customers. Two arenas are enough
for a process whose Python code holds the GIL anyway. The memory freed once the start-up
is done (the index read, the products checked) goes back to the system instead of staying
in the heap; what searches allocate and free again and again stays (KEEP_FREE).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger(__name__)

ARENAS = 2
# Free memory at the top of the heap kept rather than given back, and the size from which
# a block gets a memory map of its own (glibc's defaults are 128 KB, rising with the
# blocks freed): a search over 100k products allocates and frees arrays of hundreds of KB,
# a few MB in all, and with the defaults each search took fresh pages from the system and
# gave them back (1,800 page faults per customer message).
KEEP_FREE = 8 * 1024 * 1024
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8  # glibc's malloc.h


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


def tune_allocator() -> None:
    """At most ARENAS malloc arenas, and KEEP_FREE kept in them (unless the MALLOC_*
    environment variables say otherwise); call before any thread starts."""
    libc = _glibc()
    if libc is None:
        return
    settings = (
        ("MALLOC_ARENA_MAX", _M_ARENA_MAX, ARENAS),
        ("MALLOC_TRIM_THRESHOLD_", _M_TRIM_THRESHOLD, KEEP_FREE),
        ("MALLOC_MMAP_THRESHOLD_", _M_MMAP_THRESHOLD, KEEP_FREE),
    )
    for variable, parameter, value in settings:
        if variable not in os.environ and not libc.mallopt(parameter, value):
            log.debug("mallopt(%d, %d) refused", parameter, value)


def give_back_free_memory() -> None:
    """Return the heap's free pages to the system (after start-up)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)
