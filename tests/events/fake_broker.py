"""A scripted MQTT 3.1.1 broker on a loopback port: it answers CONNECT and PINGREQ and
does with PUBLISHes what each connection's script says (acknowledge which ones, in which
order, or hang up), so a test decides what the broker did, not when."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

CONNACK = b"\x20\x02\x00\x00"
PINGRESP = b"\xd0\x00"


@dataclass(frozen=True)
class Publish:
    packet_id: int
    topic: str
    payload: bytes


class Connection:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.file = sock.makefile("rb")

    def _packet(self) -> tuple[int, bytes]:
        head = self.file.read(1)
        if not head:
            raise EOFError("the client hung up")
        length, shift = 0, 0
        while True:
            (b,) = self.file.read(1)
            length |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                break
        return head[0], self.file.read(length)

    def publishes(self, n: int) -> list[Publish]:
        """Read until ``n`` QoS 1 PUBLISHes came (answering pings meanwhile)."""
        got: list[Publish] = []
        while len(got) < n:
            kind, body = self._packet()
            if kind >> 4 == 3:
                size = int.from_bytes(body[:2], "big")
                topic = body[2 : 2 + size].decode()
                pid = int.from_bytes(body[2 + size : 4 + size], "big")
                got.append(Publish(pid, topic, body[4 + size :]))
            elif kind == 0xC0:
                self.sock.sendall(PINGRESP)
        return got

    def ack(self, *packet_ids: int) -> None:
        for pid in packet_ids:
            self.sock.sendall(b"\x40\x02" + pid.to_bytes(2, "big"))

    def until_hangup(self) -> None:
        """Answer pings until the client disconnects."""
        try:
            while True:
                kind, _ = self._packet()
                if kind == 0xC0:
                    self.sock.sendall(PINGRESP)
                elif kind == 0xE0:
                    return
        except (EOFError, OSError):
            return

    def close(self) -> None:
        self.file.close()
        self.sock.close()


Script = Callable[[Connection], None]


class FakeBroker:
    """Runs ``scripts`` in turn, one per accepted connection; ``port`` to connect to."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.scripts: list[Script] = []
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self, *scripts: Script) -> FakeBroker:
        self.scripts = list(scripts)
        self.thread.start()
        return self

    def _serve(self) -> None:
        for script in self.scripts:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            conn = Connection(sock)
            try:
                kind, _ = conn._packet()
                assert kind == 0x10, f"expected CONNECT, got {kind:#x}"
                sock.sendall(CONNACK)
                script(conn)
            except (EOFError, OSError) as e:
                self.errors.append(e)
        self.server.close()

    def stop(self) -> None:
        self.server.close()
        self.thread.join(timeout=30)
