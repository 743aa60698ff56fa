"""The Wyoming server: one listening socket (the wyoming package's async server), shared state, and
a handler per connection.

The recogniser is made before the socket opens, so a missing model is a one-line error (exit 2) rather
than a server that fails its first client. `tcp://HOST:0` picks a free port (tests and the bench);
`port` tells which.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from functools import partial

from wyoming.server import AsyncServer

from assistant.clock import Clock, MonotonicClock
from assistant.content.loader import load_content
from assistant.dialog.dialog import Dialog
from assistant.errors import SettingsError
from assistant.hearing.domain import domain_of
from assistant.hearing.recognizer import Recognizer, create_recognizer
from assistant.settings import Settings
from assistant.understanding.understanding import Understanding
from assistant.voice.tts_espeak import EspeakSynthesizer
from assistant.voice.voice_profile import VoiceProfile
from assistant.wyoming.conversations import Conversations
from assistant.wyoming.handler import ConnectionHandler, ServerState
from assistant.wyoming.settings import WyomingSettings, check_uri
from assistant.wyoming.transcriber import RecognizerPool
from assistant.wyoming.voice_out import VoiceOut

_LOGGER = logging.getLogger(__name__)
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class WyomingServer:
    """The cramp skill (handle), its recogniser (asr) and a voice (tts) for Home Assistant."""

    def __init__(self, state: ServerState, first: Recognizer | None = None) -> None:
        self.state = state
        self._first = first
        self._server: AsyncServer | None = None

    @classmethod
    def build(cls, settings: Settings, wyoming: WyomingSettings, clock: Clock | None = None) -> WyomingServer:
        """Loads the content and builds the understanding and recogniser from it (ModelError or SettingsError
        if one cannot be had)."""
        check_uri(wyoming.uri)
        if wyoming.workers < 1:
            raise SettingsError(f"--workers {wyoming.workers}: needs at least 1")
        content = load_content()
        understanding = Understanding.from_content(content)
        domain = domain_of(content)
        first = create_recognizer(settings.recognizer, domain, understanding.doubts)
        pool = RecognizerPool(
            partial(create_recognizer, settings.recognizer, domain, understanding.doubts),
            first.name,
            wyoming.workers,
            wyoming.max_waiting,
            settings.endpoint,
        )
        conversations = Conversations(
            content,
            understanding,
            clock or MonotonicClock(),
            settings.dialog,
            wyoming.followup_seconds,
            wyoming.max_conversations,
        )
        judge = Dialog(content, settings.dialog, understanding)
        voice = None
        if wyoming.tts:
            profile = VoiceProfile(settings.voice.rate, 1.0, settings.voice.voice)
            voice = VoiceOut(partial(EspeakSynthesizer, profile), "espeak-ng")
        return cls(ServerState(wyoming, conversations, pool, judge, voice), first)

    @property
    def port(self) -> int | None:
        """The TCP port listened on (after `start`), or None."""
        listening = getattr(self._server, "_server", None)
        sockets = getattr(listening, "sockets", None) or ()
        return int(sockets[0].getsockname()[1]) if sockets else None

    def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> ConnectionHandler:
        return ConnectionHandler(reader, writer, self.state)

    async def _open(self) -> AsyncServer:
        await self.state.pool.start(self._first)
        self._first = None
        if self.state.voice is not None:
            await self.state.voice.start()
        return AsyncServer.from_uri(self.state.settings.uri)

    async def start(self) -> None:
        """Listens without blocking (tests, the bench)."""
        self._server = await self._open()
        try:
            await self._server.start(self._connection)
        except OSError as err:
            raise _listen_error(self.state.settings.uri, err) from None

    async def run(self, ready: Callable[[], None] | None = None) -> None:
        """Listens until SIGTERM or SIGINT (a clean stop: every connection closed, the engines' threads
        ended); `ready` is called once the socket is open. The signals are handled here rather than by
        the wyoming package, whose own handling only came in its 1.10 releases."""
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            await self.start()
            _LOGGER.info("serving Wyoming on %s", self.state.settings.uri)
            if ready is not None:
                ready()
            for signum in STOP_SIGNALS:
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.add_signal_handler(signum, stopping.set)
            await stopping.wait()
        finally:
            for signum in STOP_SIGNALS:
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.remove_signal_handler(signum)
            await self.stop()

    async def stop(self) -> None:
        if self._server is not None:
            await self._server.stop()
        await self._close()

    async def _close(self) -> None:
        await self.state.pool.close()
        if self.state.voice is not None:
            await self.state.voice.close()


def _listen_error(uri: str, err: OSError) -> SettingsError:
    return SettingsError(f"cannot listen on {uri}: {err.strerror or err}")
