"""Client processes for the server benchmarks, each driven by its parent over a pipe.

Spawned, not forked, so a client holds no copy of the parent's database connections, and
several of them keep the client side's GIL out of what is measured.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any


class Processes:
    """One process per argument tuple: ``target(pipe, *args)``; answers wait ``wait`` s."""

    def __init__(
        self, target: Callable[..., None], args: Sequence[tuple[Any, ...]], wait: float
    ) -> None:
        ctx = mp.get_context("spawn")
        self.wait = wait  # only so a stuck client cannot hang the run
        self.pipes: list[Any] = []
        self.procs: list[Any] = []
        for a in args:
            parent, child = ctx.Pipe()
            p = ctx.Process(target=target, args=(child, *a), daemon=True)
            p.start()
            self.pipes.append(parent)
            self.procs.append(p)

    def recv(self, pipe: Any) -> Any:
        if not pipe.poll(self.wait):
            raise RuntimeError("a client process stopped answering")
        return pipe.recv()

    def close(self) -> None:
        """Asks every process to quit (``("quit",)``), then waits; a stuck one is ended."""
        for pipe in self.pipes:
            with suppress(OSError):
                pipe.send(("quit",))
        for p in self.procs:
            p.join(timeout=30)
            if p.is_alive():
                p.terminate()
