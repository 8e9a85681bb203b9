"""A loopback webhook receiver that dedups by event id, and can be told to misbehave."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# (event, attempt at this event) -> (status, extra headers); None: 200; status 0: the
# connection is closed without an answer
Behaviour = Callable[[dict[str, Any], int], tuple[int, dict[str, str]] | None]


class Receiver:
    def __init__(self, behave: Behaviour | None = None) -> None:
        self.behave = behave
        self.lock = threading.Lock()
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.tries: dict[int, int] = {}
        self.seen: list[dict[str, Any]] = []  # first accepted copy of each event, in order
        self.ids: set[int] = set()
        self.url = ""
        self.changed = threading.Event()  # set whenever an event is seen the first time
        self.peers: list[tuple[str, int]] = []  # the client's address per request
        self.sockets: list[socket.socket] = []

    def hang_up(self) -> None:
        """Close every connection from the server's side (an idle keep-alive running out)."""
        with self.lock:
            socks, self.sockets = self.sockets, []
        for sock in socks:
            with contextlib.suppress(OSError):  # the client went first
                sock.shutdown(socket.SHUT_RDWR)

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        event = json.loads(body)
        with self.lock:
            self.requests.append((headers, body))
            n = self.tries[event["id"]] = self.tries.get(event["id"], 0) + 1
        answer = self.behave(event, n) if self.behave else None
        if answer is not None and answer[0] != 200:
            return answer
        self.take(event)
        return 200, {}

    def take(self, event: dict[str, Any]) -> None:
        with self.lock:
            if event["id"] not in self.ids:  # dedup by id
                self.ids.add(event["id"])
                self.seen.append(event)
                self.changed.set()


@contextmanager
def receiving(behave: Behaviour | None = None, *, keep_alive: bool = False) -> Iterator[Receiver]:
    """A receiver on a loopback port; HTTP/1.0 (a connection per request) unless
    ``keep_alive``."""
    rec = Receiver(behave)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

        def setup(self) -> None:
            super().setup()
            with rec.lock:
                rec.sockets.append(self.connection)

        def do_POST(self) -> None:
            with rec.lock:
                rec.peers.append(self.client_address)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            status, extra = rec.handle(dict(self.headers.items()), body)
            if status == 0:
                self.close_connection = True
                return
            try:
                self.send_response(status)
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:  # the sender gave up waiting and closed: an answer to no one
                self.close_connection = True

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    rec.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        yield rec
    finally:
        server.shutdown()
        server.server_close()


def dead_letter(core: Any, sub_id: int) -> int:
    """One new event of D1, failed once with a limit of one attempt: a dead letter; its id."""
    from tracking_core import events

    def fn(s: Any) -> list[int]:
        return events.emit_many(
            s, core.clock(), [events.NewEvent("document.posted", "D1", None, {})]
        )

    (seq,) = core.db.run(fn)
    core.deliveries.max_attempts = 1
    core.deliveries.fan_out()
    (claim,) = core.deliveries.claim(worker="t", channel="webhook")
    assert claim.event.id == seq
    core.deliveries.failed(sub_id, seq, worker="t", error="HTTP 500")
    return int(seq)


def emit_documents(core: Any, docs: int, per_doc: int) -> list[int]:
    """``per_doc`` events for each of ``docs`` documents D0, D1, ..., interleaved; their ids."""
    from tracking_core import events

    def fn(s: Any) -> list[int]:
        evs = [
            events.NewEvent("document.posted", f"D{d}", "LAP", {"n": n})
            for n in range(per_doc)
            for d in range(docs)
        ]
        return events.emit_many(s, core.clock(), evs)

    return list(core.db.run(fn))
