"""Eclipse Wakaama's example client (built by tests/peers.py) registered with the Home
Assistant under test, in a process of its own."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from tests.peers import PeersUnavailableError, build_peers, unavailable

from .home_assistant import die_with_parent, free_port


class WakaamaDevice:
    """``lwm2mclient`` over plain UDP; its stdin stays open (at end of file it would spin)."""

    def __init__(self, binary: Path, endpoint: str, coap_port: int, log_path: Path) -> None:
        self.endpoint = endpoint
        self._argv = [
            str(binary),
            "-4",
            "-h",
            "127.0.0.1",
            "-p",
            str(coap_port),
            "-n",
            endpoint,
            "-l",
            str(free_port(socket.SOCK_DGRAM)),
        ]
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                self._argv,
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
            )

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def wakaama_binary() -> Path:
    """The built client; skips (fails in CI) where the peers cannot be built."""
    try:
        return build_peers().wakaama_udp
    except PeersUnavailableError as err:
        unavailable(str(err))
