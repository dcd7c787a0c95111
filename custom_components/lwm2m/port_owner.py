"""Which process holds a UDP port, from Linux's /proc (no Home Assistant import).

/proc/net/udp and /proc/net/udp6 list every bound UDP socket with its inode; a process's
open sockets are the ``socket:[<inode>]`` links under /proc/<pid>/fd. Only processes this
one may look into are found: inside a container (Home Assistant OS) that is the container's
own, Home Assistant included; elsewhere, without root, the user's own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True, slots=True)
class PortOwner:
    pid: int
    name: str  # the process's command name (/proc/<pid>/comm)

    @property
    def is_this_process(self) -> bool:
        return self.pid == os.getpid()

    def __str__(self) -> str:
        return f"{self.name} (process {self.pid})"


def udp_port_owner(port: int, proc: Path = PROC) -> PortOwner | None:
    """The process with a UDP socket bound to ``port`` on any address, or None when none
    is found (the port is free, or its owner is out of sight). Blocking: it reads /proc."""
    inodes = set(_socket_inodes(port, proc))
    if not inodes:
        return None
    links = {f"socket:[{inode}]" for inode in inodes}
    for pid in _pids(proc):
        if _holds_any(proc / str(pid) / "fd", links):
            return PortOwner(pid, _command_name(proc, pid))
    return None


def _socket_inodes(port: int, proc: Path) -> Iterable[str]:
    wanted = f"{port:04X}"
    for table in ("udp", "udp6"):
        try:
            lines = (proc / "net" / table).read_text(encoding="ascii").splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[1].rpartition(":")[2] == wanted and fields[9] != "0":
                yield fields[9]


def _pids(proc: Path) -> list[int]:
    own = os.getpid()
    try:
        pids = sorted(int(entry.name) for entry in proc.iterdir() if entry.name.isdigit())
    except OSError:
        return []
    return [own, *(pid for pid in pids if pid != own)]  # this process first: the usual owner


def _holds_any(fd_folder: Path, links: set[str]) -> bool:
    try:
        descriptors = list(fd_folder.iterdir())
    except OSError:
        return False
    for descriptor in descriptors:
        try:
            if os.readlink(descriptor) in links:
                return True
        except OSError:
            continue
    return False


def _command_name(proc: Path, pid: int) -> str:
    try:
        return (proc / str(pid) / "comm").read_text(encoding="utf-8").strip() or "?"
    except OSError:
        return "?"
