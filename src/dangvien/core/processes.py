"""Which machine and process this is, and whether another process of this machine still
runs: how job workers and write batches tell a dead writer from a live one."""

from __future__ import annotations

import os
import socket


def host() -> str:
    """This machine's name, as stored with a worker or a write batch."""
    return socket.gethostname()[:40]


def pid_gone(pid: int) -> bool:
    """True when no process `pid` runs on this machine (one we may not signal runs)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):
        return False
    return False
