"""A port-9100 printer on loopback: records jobs, answers ~HS, can fail on purpose."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

READY = (
    b"\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n"
    b"\x02000,0,0,0,0,2,4,0,00000000,1,000\x03\r\n"
    b"\x021234,0\x03\r\n"
)
PAPER_OUT = READY.replace(b"\x02030,0,0", b"\x02030,1,0", 1)
SENTINEL = b"--fake-printer-sentinel--"  # the test's own last connection, never a job
WAIT = 30.0  # only so a broken test cannot hang forever; conditions normally hold in ms


@dataclass
class FakePrinter:
    mode: str = "ready"  # ready | paper_out | silent | break
    jobs: list[bytes] = field(default_factory=list)
    status_queries: int = 0

    def __post_init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._open = 0  # accepted connections not yet read to their end
        self._sentinels = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}?timeout=2"

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with self._lock:
                self._open += 1
            threading.Thread(target=self._client, args=(conn,), daemon=True).start()

    def _client(self, conn: socket.socket) -> None:
        try:
            self._read(conn)
        finally:
            with self._lock:
                self._open -= 1

    def _read(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(WAIT)
            data = b""
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if data == b"~HS":
                        with self._lock:
                            self.status_queries += 1
                        if self.mode == "silent":
                            continue
                        conn.sendall(PAPER_OUT if self.mode == "paper_out" else READY)
                        return
                    if self.mode == "break" and len(data) > 10:
                        conn.setsockopt(
                            socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                        )
                        return  # RST: the sender sees the connection break mid-send
            except OSError:
                return
            if data == SENTINEL:
                with self._lock:
                    self._sentinels += 1
            elif data and data != b"~HS":
                with self._lock:
                    self.jobs.append(data)

    def _wait(self, done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT
        while True:
            with self._lock:
                if done():
                    return
            assert time.monotonic() < deadline, f"fake printer: {what} after {WAIT} s"
            time.sleep(0.005)

    def received(self, count: int) -> list[bytes]:
        """The jobs, once ``count`` have arrived (the server thread records them)."""
        self._wait(lambda: len(self.jobs) >= count, f"fewer than {count} job(s)")
        return list(self.jobs)

    def settle(self) -> list[bytes]:
        """The jobs, once every connection made before this call has been read to its end.

        Connections are accepted in the order they were made, so when our own last one has
        been read and none is open, every earlier one has been recorded.
        """
        with self._lock:
            expected = self._sentinels + 1
        with socket.create_connection(("127.0.0.1", self.port), timeout=WAIT) as s:
            s.sendall(SENTINEL)
        self._wait(
            lambda: self._sentinels >= expected and self._open == 0,
            "connections still open",
        )
        return list(self.jobs)

    def close(self) -> None:
        self._stop.set()
        self.sock.close()
        self.thread.join(timeout=WAIT)
