"""A small DTLS 1.2 PSK client for tests: sans-I/O core plus an asyncio UDP peer.

It can start from a captured ClientHello datagram, so a real device's exact
offer (suites, extensions, random) is what the server sees.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import struct
from dataclasses import dataclass, field

from custom_components.lwm2m.engine.dtls.connection_id import (
    EXT_CONNECTION_ID,
    connection_id_extension,
    parse_connection_id,
)
from custom_components.lwm2m.engine.dtls.handshake import (
    HandshakeType,
    encode_handshake,
    parse_handshake_fragments,
)
from custom_components.lwm2m.engine.dtls.hello import (
    EXT_ENCRYPT_THEN_MAC,
    EXT_EXTENDED_MASTER_SECRET,
    TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
)
from custom_components.lwm2m.engine.dtls.keys import (
    extended_master_secret,
    finished_verify_data,
    key_block,
    master_secret,
)
from custom_components.lwm2m.engine.dtls.protection import RecordProtection, directional_protections
from custom_components.lwm2m.engine.dtls.records import (
    DTLS_1_0,
    DTLS_1_2,
    ContentType,
    encode_record,
    parse_records,
)
from custom_components.lwm2m.engine.dtls.suites import SUITES_BY_CODE, CipherSuite

RECORD_HEADER = 13
HANDSHAKE_HEADER = 12


def build_client_hello(
    *,
    suites: tuple[int, ...] = (0xC0A8,),
    extended_master_secret: bool = True,
    renegotiation_scsv: bool = False,
    encrypt_then_mac: bool = False,
    record_version: bytes = DTLS_1_0,
    client_version: bytes = DTLS_1_2,
    connection_id: bytes | None = None,
) -> bytes:
    """A first-flight ClientHello datagram (no cookie, message_seq 0, record seq 0).

    ``connection_id`` offers the connection_id extension (RFC 9146) with that CID."""
    offered = (*suites, TLS_EMPTY_RENEGOTIATION_INFO_SCSV) if renegotiation_scsv else suites
    body = client_version + os.urandom(32) + b"\x00" + b"\x00"
    body += struct.pack(">H", 2 * len(offered)) + b"".join(struct.pack(">H", s) for s in offered)
    body += b"\x01\x00"
    extensions = b""
    if encrypt_then_mac:
        extensions += struct.pack(">HH", EXT_ENCRYPT_THEN_MAC, 0)
    if extended_master_secret:
        extensions += struct.pack(">HH", EXT_EXTENDED_MASTER_SECRET, 0)
    if connection_id is not None:
        data = connection_id_extension(connection_id)
        extensions += struct.pack(">HH", EXT_CONNECTION_ID, len(data)) + data
    if extensions:
        body += struct.pack(">H", len(extensions)) + extensions
    message = encode_handshake(HandshakeType.CLIENT_HELLO, 0, body)
    return encode_record(ContentType.HANDSHAKE, record_version, 0, 0, message)


def insert_cookie(hello_record: bytes, cookie: bytes) -> bytes:
    """The second ClientHello: cookie after session_id, lengths fixed, message_seq 1, seq 1."""
    header, body = hello_record[:RECORD_HEADER], hello_record[RECORD_HEADER + HANDSHAKE_HEADER :]
    assert hello_record[RECORD_HEADER] == HandshakeType.CLIENT_HELLO
    cookie_at = 2 + 32 + 1 + body[34]
    old_cookie_length = body[cookie_at]
    body = (
        body[:cookie_at] + bytes([len(cookie)]) + cookie + body[cookie_at + 1 + old_cookie_length :]
    )
    length = len(body).to_bytes(3, "big")
    message = bytes([HandshakeType.CLIENT_HELLO]) + length + b"\x00\x01" + b"\0\0\0" + length
    message += body
    return header[:5] + (1).to_bytes(6, "big") + len(message).to_bytes(2, "big") + message


def handshake_messages(datagram: bytes) -> list[tuple[int, bytes]]:
    """(type, body) of every plaintext handshake message in a datagram."""
    found = []
    for record in parse_records(datagram):
        if record.epoch == 0 and record.content_type == ContentType.HANDSHAKE:
            found += [(f.msg_type, f.body) for f in parse_handshake_fragments(record.fragment)]
    return found


def plaintext_alerts(datagram: bytes, cid_length: int = 0) -> list[bytes]:
    return [
        record.fragment
        for record in parse_records(datagram, cid_length)
        if record.epoch == 0 and record.content_type == ContentType.ALERT
    ]


def hello_verify_cookie(datagram: bytes) -> bytes | None:
    for msg_type, body in handshake_messages(datagram):
        if msg_type == HandshakeType.HELLO_VERIFY_REQUEST:
            return body[3 : 3 + body[2]]
    return None


@dataclass
class ServerHelloInfo:
    random: bytes
    suite: int
    extensions: dict[int, bytes] = field(default_factory=dict)


def parse_server_hello(body: bytes) -> ServerHelloInfo:
    random = body[2:34]
    position = 35 + body[34]
    suite = int.from_bytes(body[position : position + 2], "big")
    position += 3
    extensions: dict[int, bytes] = {}
    if position < len(body):
        end = position + 2 + int.from_bytes(body[position : position + 2], "big")
        position += 2
        while position < end:
            kind, length = struct.unpack(">HH", body[position : position + 4])
            extensions[kind] = body[position + 4 : position + 4 + length]
            position += 4 + length
    return ServerHelloInfo(random, suite, extensions)


class HandshakeFailedError(Exception):
    pass


class PskClient:
    """Drive with :meth:`start`, then feed every answer to :meth:`receive`.

    With ``connection_id`` it offers RFC 9146 Connection IDs (that one for the records
    it receives); ``server_cid`` is what the server asked for, put on every record
    it protects."""

    def __init__(
        self,
        identity: bytes,
        psk: bytes,
        hello: bytes | None = None,
        *,
        fragment_size: int | None = None,
        connection_id: bytes | None = None,
    ) -> None:
        self.identity = identity
        self.psk = psk
        self.connection_id = connection_id
        self.server_cid: bytes | None = None
        self.first_hello = hello or build_client_hello(connection_id=connection_id)
        self.fragment_size = fragment_size
        self.state = "hello"
        self.transcript = hashlib.sha256()
        self.server_hello: ServerHelloInfo | None = None
        self.suite: CipherSuite | None = None
        self.extended_master_secret = False
        self.established = False
        self.alerts: list[bytes] = []
        self.received: list[tuple[int, bytes]] = []
        self._master = b""
        self._read: RecordProtection | None = None
        self._write: RecordProtection | None = None
        self._epoch0_seq = 2
        self._epoch1_seq = 0

    @property
    def client_random(self) -> bytes:
        return self.first_hello[RECORD_HEADER + HANDSHAKE_HEADER + 2 : RECORD_HEADER + 46]

    def start(self) -> bytes:
        return self.first_hello

    def receive(self, datagram: bytes) -> list[bytes]:
        """Datagrams to send in reply (possibly none)."""
        self.alerts += plaintext_alerts(datagram, len(self.connection_id or b""))
        if self.state == "hello":
            cookie = hello_verify_cookie(datagram)
            if cookie is None:
                return []
            second = insert_cookie(self.first_hello, cookie)
            self.transcript.update(second[RECORD_HEADER:])
            self.state = "server_hello"
            return [second]
        if self.state == "server_hello":
            return self._server_flight(datagram)
        for record in parse_records(datagram, len(self.connection_id or b"")):
            if record.epoch != 1 or self._read is None:
                continue
            content_type, plaintext = self._read.unprotect(record)
            if self.state == "finished" and content_type == ContentType.HANDSHAKE:
                expected = finished_verify_data(
                    self._master, from_client=False, handshake_hash=self.transcript.digest()
                )
                if not hmac.compare_digest(plaintext[HANDSHAKE_HEADER:], expected):
                    raise HandshakeFailedError("server Finished does not verify")
                self.established = True
                self.state = "established"
            else:
                self.received.append((content_type, plaintext))
        return []

    def _server_flight(self, datagram: bytes) -> list[bytes]:
        for msg_type, body in handshake_messages(datagram):
            if msg_type == HandshakeType.SERVER_HELLO:
                self.server_hello = parse_server_hello(body)
                offered = self.server_hello.extensions.get(EXT_CONNECTION_ID)
                self.server_cid = None if offered is None else parse_connection_id(offered)
                self.transcript.update(encode_handshake(msg_type, 1, body))
            elif msg_type == HandshakeType.SERVER_HELLO_DONE:
                self.transcript.update(encode_handshake(msg_type, 2, body))
                return [self._key_exchange_flight()]
        return []

    def _key_exchange_flight(self) -> bytes:
        assert self.server_hello is not None
        self.suite = SUITES_BY_CODE[self.server_hello.suite]
        self.extended_master_secret = EXT_EXTENDED_MASTER_SECRET in self.server_hello.extensions
        key_exchange_body = struct.pack(">H", len(self.identity)) + self.identity
        key_exchange = encode_handshake(HandshakeType.CLIENT_KEY_EXCHANGE, 2, key_exchange_body)
        self.transcript.update(key_exchange)
        if self.extended_master_secret:
            self._master = extended_master_secret(self.psk, self.transcript.copy().digest())
        else:
            self._master = master_secret(self.psk, self.client_random, self.server_hello.random)
        self._write, self._read = directional_protections(
            self.suite,
            key_block(self.suite, self._master, self.client_random, self.server_hello.random),
        )
        verify = finished_verify_data(
            self._master, from_client=True, handshake_hash=self.transcript.copy().digest()
        )
        finished = encode_handshake(HandshakeType.FINISHED, 3, verify)
        self.transcript.update(finished)
        self.state = "finished"
        return (
            self._plain_handshake(HandshakeType.CLIENT_KEY_EXCHANGE, 2, key_exchange_body)
            + self._plain(ContentType.CHANGE_CIPHER_SPEC, b"\x01")
            + self.seal(ContentType.HANDSHAKE, finished)
        )

    def _plain(self, content_type: int, payload: bytes) -> bytes:
        sequence = self._epoch0_seq
        self._epoch0_seq += 1
        return encode_record(content_type, DTLS_1_2, 0, sequence, payload)

    def _plain_handshake(self, msg_type: int, message_seq: int, body: bytes) -> bytes:
        if not self.fragment_size:
            return self._plain(ContentType.HANDSHAKE, encode_handshake(msg_type, message_seq, body))
        records = b""
        # Send the fragments back to front, to exercise out-of-order reassembly.
        offsets = list(range(0, len(body), self.fragment_size))
        for offset in reversed(offsets):
            chunk = body[offset : offset + self.fragment_size]
            header = (
                bytes([msg_type])
                + len(body).to_bytes(3, "big")
                + message_seq.to_bytes(2, "big")
                + offset.to_bytes(3, "big")
                + len(chunk).to_bytes(3, "big")
            )
            records += self._plain(ContentType.HANDSHAKE, header + chunk)
        return records

    def seal(self, content_type: int, payload: bytes, *, sequence: int | None = None) -> bytes:
        assert self._write is not None
        if sequence is None:
            sequence = self._epoch1_seq
            self._epoch1_seq += 1
        cid = self.server_cid or b""
        fragment = self._write.encrypt((1 << 48) | sequence, content_type, DTLS_1_2, payload, cid)
        if cid:
            content_type = ContentType.TLS12_CID
        return encode_record(content_type, DTLS_1_2, 1, sequence, fragment, cid)

    def application_data(self, payload: bytes) -> bytes:
        return self.seal(ContentType.APPLICATION_DATA, payload)

    def close_notify(self) -> bytes:
        return self.seal(ContentType.ALERT, b"\x01\x00")

    def take_application_data(self) -> list[bytes]:
        data = [p for t, p in self.received if t == ContentType.APPLICATION_DATA]
        self.received = [(t, p) for t, p in self.received if t != ContentType.APPLICATION_DATA]
        return data


class _Inbox(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        self.queue.put_nowait(data)


class UdpPeer:
    """A connected UDP socket on 127.0.0.1 with an awaitable inbox."""

    def __init__(self, transport: asyncio.DatagramTransport, inbox: _Inbox) -> None:
        self._transport = transport
        self._inbox = inbox

    @classmethod
    async def connect(
        cls, port: int, host: str = "127.0.0.1", *, local_host: str | None = None
    ) -> UdpPeer:
        """Connected to (host, port): the kernel drops datagrams from any other source."""
        loop = asyncio.get_running_loop()
        transport, inbox = await loop.create_datagram_endpoint(
            _Inbox, local_addr=(local_host or host, 0), remote_addr=(host, port)
        )
        return cls(transport, inbox)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._transport.get_extra_info("sockname")[:2]
        return host, port

    def send(self, datagram: bytes) -> None:
        self._transport.sendto(datagram)

    async def receive(self, wait: float = 5.0) -> bytes:
        return await asyncio.wait_for(self._inbox.queue.get(), wait)

    async def receive_nothing(self, wait: float = 0.3) -> bool:
        try:
            await asyncio.wait_for(self._inbox.queue.get(), wait)
        except TimeoutError:
            return True
        return False

    def close(self) -> None:
        self._transport.close()


async def handshake_over_udp(
    peer: UdpPeer, client: PskClient, wait: float = 5.0, retransmit_after: float = 1.0
) -> None:
    """Run the handshake to completion, resending the last flight when nothing comes back.

    Raises HandshakeFailedError on an alert, TimeoutError after ``wait`` seconds of silence.
    """
    last_flight = [client.start()]
    silent = 0.0
    for datagram in last_flight:
        peer.send(datagram)
    while not client.established:
        try:
            answer = await peer.receive(retransmit_after)
        except TimeoutError:
            silent += retransmit_after
            if silent >= wait:
                raise
            for datagram in last_flight:
                peer.send(datagram)
            continue
        silent = 0.0
        replies = client.receive(answer)
        if client.alerts:
            raise HandshakeFailedError(f"alert {client.alerts[0].hex()}")
        if replies:
            last_flight = replies
            for reply in replies:
                peer.send(reply)
