"""A real Wyoming server on a free loopback port, run in a thread with its own event loop."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from assistant.wyoming.server import WyomingServer

T = TypeVar("T")


class ServerThread:
    """Starts `server` on its own loop; `call` runs a coroutine there (to look at its state safely)."""

    def __init__(self, server: WyomingServer) -> None:
        self.server = server
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="wyoming-test", daemon=True)
        self._thread.start()
        self.call(server.start())
        port = server.port
        assert port is not None
        self.port: int = port

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def close(self) -> None:
        self.call(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
