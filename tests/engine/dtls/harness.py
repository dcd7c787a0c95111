"""In-memory wiring of a sans-I/O DtlsServer to test clients, with a fake clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from custom_components.lwm2m.engine.dtls.server import CloseReason, DtlsServer
from custom_components.lwm2m.engine.dtls.session import DtlsSession
from custom_components.lwm2m.engine.dtls.settings import DtlsSettings

from .client import PskClient

KEYS = {b"dev-a": b"0123456789abcdef", b"dev-b": bytes(range(32))}


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Recorder:
    """A SessionListener that remembers every event."""

    established: list[DtlsSession] = field(default_factory=list)
    data: list[tuple[DtlsSession, bytes]] = field(default_factory=list)
    closed: list[tuple[DtlsSession, CloseReason]] = field(default_factory=list)
    moved: list[tuple[DtlsSession, tuple[object, ...]]] = field(default_factory=list)
    table_full: list[bool] = field(default_factory=list)

    def session_established(self, session: DtlsSession) -> None:
        self.established.append(session)

    def session_data(self, session: DtlsSession, data: bytes) -> None:
        self.data.append((session, data))

    def session_closed(self, session: DtlsSession, reason: CloseReason) -> None:
        self.closed.append((session, reason))

    def session_moved(self, session: DtlsSession, previous: tuple[object, ...]) -> None:
        self.moved.append((session, previous))

    def session_table_full(self, full: bool) -> None:
        self.table_full.append(full)


class Net:
    """A server plus a log of what it sent, per peer."""

    def __init__(
        self, settings: DtlsSettings | None = None, keys: dict[bytes, bytes] | None = None
    ):
        self.clock = FakeClock()
        self.events = Recorder()
        self.keys = KEYS if keys is None else keys
        self.sent: list[tuple[tuple[object, ...], bytes]] = []
        self.server = DtlsServer(
            dict(self.keys).get,
            lambda peer, data: self.sent.append((peer, data)),
            self.events,
            settings=settings,
            clock=self.clock,
        )

    def deliver(self, peer: tuple[object, ...], datagram: bytes) -> list[bytes]:
        """Feed one datagram; what the server sent back to that peer."""
        self.sent.clear()
        self.server.datagram_received(datagram, peer)
        return [data for to, data in self.sent if to == peer]

    def poll(self, peer: tuple[object, ...]) -> list[bytes]:
        self.sent.clear()
        self.server.poll()
        return [data for to, data in self.sent if to == peer]

    def handshake(
        self, peer: tuple[object, ...], client: PskClient, *, stop_after: int | None = None
    ) -> PskClient:
        pending = [client.start()]
        steps = 0
        while pending and (stop_after is None or steps < stop_after):
            steps += 1
            for answer in self.deliver(peer, pending.pop(0)):
                pending += client.receive(answer)
        return client

    def connect(
        self, peer: tuple[object, ...], identity: bytes = b"dev-a", **kwargs: object
    ) -> PskClient:
        client = self.handshake(peer, PskClient(identity, self.keys[identity], **kwargs))  # type: ignore[arg-type]
        assert client.established
        return client

    def up_to_key_exchange(self, peer: tuple[object, ...], client: PskClient) -> list[bytes]:
        """Cookie exchange and the server's flight; the client's next flight, not sent
        (none when the server did not take the handshake on)."""
        [verify_request] = self.deliver(peer, client.start())
        [second_hello] = client.receive(verify_request)
        server_flight = self.deliver(peer, second_hello)
        return client.receive(server_flight[0]) if server_flight else []

    def finish(self, peer: tuple[object, ...], client: PskClient, flight: list[bytes]) -> None:
        """Send the client's key exchange flight and hand it what comes back."""
        for datagram in flight:
            for answer in self.deliver(peer, datagram):
                client.receive(answer)
