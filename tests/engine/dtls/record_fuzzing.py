"""A record-layer fuzzer: mutated real flights into a server that has live sessions.

The corpus is what real clients sent a server: first and cookie-bearing ClientHellos,
whole key-exchange flights, application data, alerts and Finished retransmissions,
with and without Connection IDs, over every cipher suite. Each fuzzed datagram is one
of them, mutated (bits flipped, bytes set, cut, grown, record headers rewritten,
records spliced from other flights, CIDs swapped), sent from the address of a live
session, of a handshake in progress, or from anywhere.
"""

from __future__ import annotations

import random
import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from custom_components.lwm2m.engine.dtls.records import DTLS_1_2, ContentType
from custom_components.lwm2m.engine.dtls.session import DtlsSession

from .client import PskClient, build_client_hello
from .harness import KEYS, Net

SUITES = (0xC0A8, 0xC0A4, 0x00A8, 0x00AE)
FUZZ_KEYS = {**KEYS, b"dev-ended": b"e" * 16, b"dev-half-way": b"h" * 16}
CONTENT_TYPES = (20, 21, 22, 23, 25, 0, 24, 26, 255)


def _records(datagram: bytes) -> list[bytes]:
    """Split on the header lengths, ignoring CIDs (a mutation target as any other)."""
    records = []
    while len(datagram) >= 13:
        end = 13 + int.from_bytes(datagram[11:13], "big")
        records.append(datagram[:end])
        datagram = datagram[end:]
    return records


@dataclass
class LiveSession:
    peer: tuple[str, int]
    client: PskClient
    session: DtlsSession


@dataclass
class FuzzRun:
    """A server with live sessions, the corpus its clients produced, and the outcome."""

    # Live sessions use dev-a and dev-b (at most 4 each: the identity limit); the ended
    # session and the handshakes left half-way other identities, since an unmutated
    # replay of a half-way handshake's own last flight does complete it.
    net: Net = field(default_factory=lambda: Net(keys=FUZZ_KEYS))
    live: list[LiveSession] = field(default_factory=list)
    corpus: list[bytes] = field(default_factory=list)
    pending: list[tuple[tuple[str, int], PskClient]] = field(default_factory=list)
    outcome: Counter[str] = field(default_factory=Counter)

    @classmethod
    def prepare(cls, sessions: int = 8) -> FuzzRun:
        run = cls()
        for n in range(sessions):
            suite = SUITES[n % len(SUITES)]
            cid = (b"", b"\x0c\x1d" * (n % 3), None)[n % 3]
            hello = build_client_hello(
                suites=(suite,), encrypt_then_mac=suite == 0x00AE, connection_id=cid
            )
            identity = (b"dev-a", b"dev-b")[n % 2]
            client = PskClient(identity, KEYS[identity], hello, connection_id=cid)
            peer = (f"10.20.{n}.1", 5000 + n)
            run.corpus.append(hello)
            run._record_handshake(peer, client)
            renegotiation = client.seal(ContentType.HANDSHAKE, build_client_hello()[13:])
            for datagram in (
                *(client.application_data(p) for p in (b"\x40\x01\x12\x34", bytes(64))),
                client.application_data(b"x" * 700),
                renegotiation,
            ):
                run.net.deliver(peer, datagram)  # every authentic record in it is a replay
                run.corpus.append(datagram)
            run.live.append(LiveSession(peer, client, run.net.events.established[-1]))
        # A session that ended: its close_notify is in the corpus too.
        ended = PskClient(b"dev-ended", FUZZ_KEYS[b"dev-ended"])
        run._record_handshake(("10.20.99.1", 5999), ended)
        close_notify = ended.close_notify()
        run.net.deliver(("10.20.99.1", 5999), close_notify)
        run.corpus.append(close_notify)
        # Handshakes left half-way, for records to land in.
        for n in range(4):
            peer = (f"10.30.{n}.1", 6000 + n)
            client = PskClient(b"dev-half-way", FUZZ_KEYS[b"dev-half-way"])
            run.corpus += run.net.up_to_key_exchange(peer, client)
            run.pending.append((peer, client))
        run.net.events.data.clear()
        return run

    def _record_handshake(self, peer: tuple[str, int], client: PskClient) -> None:
        pending = [client.start()]
        while pending:
            datagram = pending.pop(0)
            self.corpus.append(datagram)
            for answer in self.net.deliver(peer, datagram):
                pending += client.receive(answer)
        assert client.established

    # --- fuzzing ------------------------------------------------------------------

    def datagrams(self, count: int, seed: int) -> Iterator[tuple[bytes, tuple[str, int]]]:
        chance = random.Random(seed)
        peers = [live.peer for live in self.live] + [peer for peer, _ in self.pending]
        for _ in range(count):
            datagram = _mutate(chance, self.corpus, chance.choice(self.corpus))
            where = chance.random()
            if where < 0.45:
                peer = chance.choice(peers)
            elif where < 0.6:
                peer = (chance.choice(peers)[0], chance.randrange(1, 65536))
            else:
                peer = (f"10.{chance.randrange(256)}.{chance.randrange(256)}.9", 7777)
            yield datagram, peer

    def fuzz(self, count: int, seed: int = 1) -> Counter[str]:
        server = self.net.server
        for index, (datagram, peer) in enumerate(self.datagrams(count, seed)):
            try:
                server.datagram_received(datagram, peer)
            except Exception as error:  # every escape is what is counted
                self.outcome[f"exception:{type(error).__name__}"] += 1
            if index % 1000 == 999:
                self.net.clock.advance(0.5)
                try:
                    server.poll()
                except Exception as error:
                    self.outcome[f"poll exception:{type(error).__name__}"] += 1
        self.net.sent.clear()
        self.outcome["datagrams"] += count
        return self.outcome

    def sessions_still_answer(self) -> list[str]:
        """Each live session, both ways; what failed (nothing, when all is well)."""
        failures = []
        for live in self.live:
            label = f"session at {live.peer}"
            if not self.net.server.is_current(live.session):
                failures.append(f"{label}: gone ({live.session.close_reason})")
                continue
            self.net.events.data.clear()
            self.net.deliver(live.peer, live.client.application_data(b"still here?"))
            if self.net.events.data != [(live.session, b"still here?")]:
                failures.append(f"{label}: uplink not delivered")
            self.net.sent.clear()
            self.net.server.send(live.session, b"yes")
            answers = [data for to, data in self.net.sent if to == live.session.peer]
            for answer in answers:
                live.client.receive(answer)
            if live.client.take_application_data() != [b"yes"]:
                failures.append(f"{label}: downlink not decrypted")
        return failures


def _mutate(chance: random.Random, corpus: list[bytes], datagram: bytes) -> bytes:
    data = bytearray(datagram)
    for _ in range(chance.choice((1, 1, 1, 2, 3))):
        kind = chance.randrange(10)
        if kind == 0 and data:  # flip bits
            for _ in range(chance.randrange(1, 4)):
                data[chance.randrange(len(data))] ^= 1 << chance.randrange(8)
        elif kind == 1 and data:  # set bytes
            data[chance.randrange(len(data))] = chance.randrange(256)
        elif kind == 2:  # cut
            data = data[: chance.randrange(len(data) + 1)]
        elif kind == 3:  # grow
            data += chance.randbytes(chance.randrange(1, 64))
        elif kind == 4 and len(data) >= 13:  # rewrite a header field of the first record
            field_at = chance.choice((0, 1, 3, 5, 11))
            if field_at == 0:
                data[0] = chance.choice(CONTENT_TYPES)
            elif field_at == 1:
                data[1:3] = chance.choice((DTLS_1_2, b"\xfe\xff", b"\x03\x03", b"\xfe\x00"))
            elif field_at == 3:
                data[3:5] = struct.pack(">H", chance.choice((0, 1, 1, 2, 0xFFFF)))
            elif field_at == 5:
                data[5:11] = chance.randbytes(6)
            else:
                data[11:13] = struct.pack(">H", chance.randrange(0, 0x10000))
        elif kind == 5:  # splice records of two flights
            other = _records(chance.choice(corpus))
            if other:
                data += chance.choice(other)
        elif kind == 6:  # keep some records, in another order
            records = _records(bytes(data))
            chance.shuffle(records)
            data = bytearray(b"".join(records[: chance.randrange(len(records) + 1)]))
        elif kind == 7 and len(data) > 13:  # swap or corrupt a Connection ID position
            position = chance.randrange(11, min(len(data), 19))
            data[position] = chance.randrange(256)
        elif kind == 8:  # repeat the datagram's first record
            records = _records(bytes(data))
            if records:
                data += records[0] * chance.randrange(1, 5)
        else:  # keep it as it was: an exact replay
            pass
    return bytes(data)
