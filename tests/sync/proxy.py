"""A small TCP proxy for the flaky-link tests: it forwards 127.0.0.1 traffic to the server
and, by a seeded random choice, breaks some of it the ways a mobile link does.

Per connection it may refuse (close at once), stall (forward nothing and hold the socket
until the client gives up), or pass; a passing connection may later be cut: after the
request went through (so the server acts but its answer is lost) or part way through a
response. Everything is bounded: threads are daemons, stalls end when the proxy stops.
"""

from __future__ import annotations

import contextlib
import random
import socket
import threading
from dataclasses import dataclass, field


@dataclass
class Faults:
    refuse: float = 0.0  # close right after accept
    stall: float = 0.0  # never forward; hold until the client or the proxy stops
    cut_response: float = 0.0  # per server->client chunk: cut the connection there
    seed: int = 1234
    script: tuple[str, ...] = ()  # fates of the first connections ("refuse"/"stall"/"cut"),
    # so every kind of fault surely happens; the random ones follow


@dataclass
class Counts:
    connections: int = 0
    refused: int = 0
    stalled: int = 0
    cut: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)


class FlakyProxy:
    def __init__(self, target_port: int, faults: Faults) -> None:
        self.target = ("127.0.0.1", target_port)
        self.faults = faults
        self.rng = random.Random(faults.seed)
        self.rng_lock = threading.Lock()
        self.counts = Counts()
        self.enabled = True  # False: pass everything through untouched
        self._accepted = 0
        self._stop = threading.Event()
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> FlakyProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)
        self._sock.close()

    def _roll(self) -> float:
        with self.rng_lock:
            return self.rng.random()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.counts.add("connections")
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _fate(self) -> str:
        with self.rng_lock:
            self._accepted += 1
            if self._accepted <= len(self.faults.script):
                return self.faults.script[self._accepted - 1]
        if not self.enabled:
            return "pass"
        roll = self._roll()
        f = self.faults
        return "refuse" if roll < f.refuse else "stall" if roll < f.refuse + f.stall else "pass"

    def _handle(self, client: socket.socket) -> None:
        f = self.faults
        fate = self._fate()
        if fate == "refuse":
            self.counts.add("refused")
            client.close()
            return
        if fate == "stall":
            self.counts.add("stalled")
            client.settimeout(0.2)
            while not self._stop.is_set():  # swallow whatever comes, answer nothing
                try:
                    if not client.recv(65536):
                        break
                except TimeoutError:
                    continue
                except OSError:
                    break
            client.close()
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        done = threading.Event()

        def close_both() -> None:
            done.set()
            for s in (client, upstream):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

        def pump(src: socket.socket, dst: socket.socket, is_response: bool) -> None:
            try:
                while not done.is_set():
                    data = src.recv(65536)
                    if not data:
                        break
                    if is_response and (fate == "cut" or (
                            self.enabled and self._roll() < f.cut_response)):
                        self.counts.add("cut")
                        break  # the server answered; the client never hears it
                    dst.sendall(data)
            except OSError:
                pass
            close_both()

        threading.Thread(target=pump, args=(client, upstream, False), daemon=True).start()
        pump(upstream, client, True)
