"""A real DNS server on 127.0.0.1 (UDP and TCP, one port) for the detection tests, on dnslib.

Zones are a dict: name -> {"MX": [(10, "sv1234.xserver.jp")], "A": ["127.0.0.1"],
"SRV": [(0, 1, 465, "mail.example.jp")], "AAAA": [...]}. A name not in the zones is NXDOMAIN,
a listed name without the asked type answers NOERROR with no record. `delay` adds that many
seconds to every answer (each query in its own thread, so delays overlap as on a real
network); `silent=True` never answers at all, `silent_types={"MX"}` never answers those types.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from typing import Any, Self

from dnslib import AAAA, MX, QTYPE, RCODE, RR, SRV, A, DNSRecord

HOST = "127.0.0.1"
Zones = dict[str, dict[str, list[Any]]]


def _bind_pair(tries: int = 50) -> tuple[socket.socket, socket.socket]:
    """A UDP and a TCP socket on the same free port of 127.0.0.1.

    The UDP port is free for UDP only: a TCP socket (a probe's outgoing connection, in the
    same ephemeral range) may hold it, so another port is tried ("Address already in use").
    """
    for _ in range(tries):
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.bind((HOST, 0))
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            tcp.bind((HOST, udp.getsockname()[1]))
        except OSError:
            udp.close()
            tcp.close()
            continue
        return udp, tcp
    raise OSError("no port free for both UDP and TCP on 127.0.0.1")


class DnsServer:
    """UDP and TCP DNS on one free port of 127.0.0.1; `address` is "127.0.0.1:port"."""

    def __init__(
        self,
        zones: Zones | None = None,
        *,
        delay: float = 0.0,
        silent: bool = False,
        silent_types: set[str] | frozenset[str] = frozenset(),
    ) -> None:
        self.zones: Zones = {k.rstrip(".").lower(): v for k, v in (zones or {}).items()}
        self.delay = delay
        self.silent = silent
        self.silent_types = set(silent_types)
        self.queries: list[tuple[str, str]] = []  # (name, type) as asked
        self._stop = threading.Event()
        self.udp, self.tcp = _bind_pair()
        self.port = self.udp.getsockname()[1]
        self.tcp.listen(16)
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> str:
        """The value for CRM_MAIL_GUI_DNS_SERVER."""
        return f"{HOST}:{self.port}"

    # -- answering -------------------------------------------------------------------------
    def answer(self, data: bytes) -> bytes | None:
        """The reply to one query (None: silent)."""
        try:
            request = DNSRecord.parse(data)
        except Exception:
            return None
        name = str(request.q.qname).rstrip(".").lower()
        kind = QTYPE[request.q.qtype]
        self.queries.append((name, kind))
        if self.silent or kind in self.silent_types:
            return None
        if self.delay:
            time.sleep(self.delay)
        reply = request.reply()
        zone = self.zones.get(name)
        if zone is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply.pack()
        for value in zone.get(kind, []):
            reply.add_answer(
                RR(request.q.qname, request.q.qtype, rdata=_rdata(kind, value), ttl=60)
            )
        return reply.pack()

    # -- serving ---------------------------------------------------------------------------
    def _serve_udp(self) -> None:
        self.udp.settimeout(0.1)
        while not self._stop.is_set():
            try:
                data, peer = self.udp.recvfrom(4096)
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._udp_reply, args=(data, peer), daemon=True).start()

    def _udp_reply(self, data: bytes, peer: Any) -> None:
        reply = self.answer(data)
        if reply is not None and not self._stop.is_set():
            with contextlib.suppress(OSError):
                self.udp.sendto(reply, peer)

    def _serve_tcp(self) -> None:
        self.tcp.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.tcp.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._tcp_reply, args=(conn,), daemon=True).start()

    def _tcp_reply(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                head = conn.recv(2)
                (length,) = struct.unpack("!H", head)
                data = b""
                while len(data) < length:
                    chunk = conn.recv(length - len(data))
                    if not chunk:
                        return
                    data += chunk
            except (OSError, struct.error):
                return
            reply = self.answer(data)
            if reply is None:
                self._stop.wait(30)  # never answers: hold the connection open
                return
            with contextlib.suppress(OSError):
                conn.sendall(struct.pack("!H", len(reply)) + reply)

    def start(self) -> Self:
        for target in (self._serve_udp, self._serve_tcp):
            thread = threading.Thread(target=target, name="fake-dns", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(1)
        for sock in (self.udp, self.tcp):
            sock.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _rdata(kind: str, value: Any) -> Any:
    """The dnslib record data of one zone value."""
    if kind == "A":
        return A(value)
    if kind == "AAAA":
        return AAAA(value)
    if kind == "MX":
        preference, host = value
        return MX(host, preference)
    if kind == "SRV":
        priority, weight, port, target = value
        return SRV(priority, weight, port, target)
    raise ValueError(f"unsupported record type {kind!r}")
