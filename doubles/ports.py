"""A free TCP port for a server under test that does not bind port 0 itself (a bot started
as a process, told its port in the environment)."""

from __future__ import annotations

import random
import socket
from pathlib import Path

LOWEST = 10_000


def _ephemeral_low() -> int:
    """Where the kernel's ephemeral ports begin (Linux; 32768 elsewhere)."""
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32_768


def free_port(host: str = "127.0.0.1") -> int:
    """A port free now, below the ephemeral range. A port the kernel handed out for port 0
    and released may be handed out again — to a server that binds port 0, or as the local
    end of any outgoing connection — before the process told to use it binds it: a bot that
    then cannot start. Ports below the ephemeral range are never handed out that way."""
    high = _ephemeral_low()
    for port in random.sample(range(LOWEST, high), k=min(200, high - LOWEST)):
        with socket.socket() as probe:
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError("no free port below the ephemeral range")
