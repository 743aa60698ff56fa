"""One client connection: reads events without trusting them and answers describe, handle and asr.

Every problem ends in one log line and, where the client waits for an answer, an answer it
understands: a bad transcript gets `not-handled` (Home Assistant's conversation client waits for
`handled` or `not-handled`), failed audio gets an `error` and then an empty `transcript`. Only a
stream that is out of step, idle for too long, or full of bad events is closed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

from wyoming.asr import Transcript as WyomingTranscript
from wyoming.audio import AudioStart, AudioStop
from wyoming.error import Error
from wyoming.event import Event, async_write_event
from wyoming.handle import Handled, NotHandled
from wyoming.ping import Pong
from wyoming.server import AsyncEventHandler

from assistant.dialog.dialog import Dialog
from assistant.errors import AssistantError, AudioError
from assistant.wyoming.audio_in import PcmConverter, PcmFormat
from assistant.wyoming.conversations import Conversations, conversation_key
from assistant.wyoming.framing import Malformed, read_event
from assistant.wyoming.info import describe
from assistant.wyoming.replies import answer
from assistant.wyoming.settings import WyomingSettings
from assistant.wyoming.transcriber import RecognizerPool
from assistant.wyoming.voice_out import VoiceOut

_LOGGER = logging.getLogger(__name__)
_IDS = count(1)
_NO_AUDIO = (AudioStart(22050, 2, 1).event(), AudioStop().event())
"""What a failed `synthesize` answers, so the client stops waiting."""


@dataclass
class ServerState:
    """What every connection shares (one event loop, so no locks)."""

    settings: WyomingSettings
    conversations: Conversations
    pool: RecognizerPool
    judge: Dialog
    """Its understanding judges recognised speech; it keeps no context of its own (its phrasing says
    "didn't catch that")."""
    voice: VoiceOut | None = None
    """The tts voice, when offered."""
    clients: int = 0
    """Connections open now."""
    served: int = 0
    """Connections accepted since start."""
    errors: dict[str, int] = field(default_factory=dict)
    """Problems seen, by kind (for tests and the log)."""

    def count_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def info(self) -> Event:
        voice = self.voice.name if self.voice is not None and self.voice.available else None
        return describe(self.pool.name, voice).event()


class ConnectionHandler(AsyncEventHandler):
    """Answers one connection's events in order."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: ServerState
    ) -> None:
        super().__init__(reader, writer)
        self.state = state
        self.name = f"client {next(_IDS)}"
        self._dialog: Dialog | None = None
        self._audio: PcmConverter | None = None
        self._audio_failed = False
        self._bad_events = 0

    async def run(self) -> None:
        state = self.state
        state.clients += 1
        state.served += 1
        self._is_running = True
        try:
            if state.clients > state.settings.max_clients:
                self._problem("busy", f"more than {state.settings.max_clients} clients; closing")
                await self.write_event(Error("too many clients; try again later", "busy").event())
                return
            await self._serve()
        except ConnectionAbortedError as err:
            self._problem("stalled", f"{err}; closing{self._mid_audio()}")
        except (ConnectionError, asyncio.IncompleteReadError):
            _LOGGER.info("%s: connection dropped%s", self.name, self._mid_audio())
        except Exception as err:  # whatever happens, one line and only this connection ends
            self._problem("failed", f"{type(err).__name__}: {err}; closing")
        finally:
            state.clients -= 1
            self._audio = None
            self.writer.close()

    async def _serve(self) -> None:
        settings = self.state.settings
        while self._is_running:
            try:
                event = await asyncio.wait_for(
                    read_event(self.reader, settings.max_data_bytes, settings.max_payload_bytes),
                    settings.idle_seconds,
                )
            except TimeoutError:
                self._problem("idle", f"nothing for {settings.idle_seconds:g} s; closing{self._mid_audio()}")
                return
            if event is None:
                if self._audio is not None:
                    _LOGGER.info("%s: closed%s", self.name, self._mid_audio())
                return
            if isinstance(event, Malformed):
                if not await self._malformed(event):
                    return
                continue
            try:
                if not await self.handle_event(event):
                    return
            except (ConnectionError, asyncio.IncompleteReadError):
                raise
            except Exception as err:  # one bad event never ends the server or the connection
                self._problem("failed", f"{event.type[:40]}: {type(err).__name__}: {err}")
                await self._answer_failure(event.type)

    async def _answer_failure(self, event_type: str) -> None:
        """What a client waiting on a failed event needs to hear to stop waiting."""
        await self.write_event(Error(f"{event_type[:40]} failed", "failed").event())
        if event_type == "transcript":
            await self.write_event(NotHandled(text=self.state.judge.not_heard().text).event())
        elif event_type == "audio-stop":
            self._audio, self._audio_failed = None, False
            await self.write_event(WyomingTranscript(text="", language="en").event())
        elif event_type == "synthesize":
            for event in _NO_AUDIO:
                await self.write_event(event)

    async def _malformed(self, event: Malformed) -> bool:
        """Reports a bad event; False when the connection must end."""
        self._bad_events += 1
        self._problem("malformed", event.problem)
        await self.write_event(Error(event.problem, "malformed").event())
        if event.fatal or self._bad_events >= self.state.settings.max_bad_events:
            _LOGGER.warning("%s: closing after %d bad event(s)", self.name, self._bad_events)
            return False
        return True

    async def handle_event(self, event: Event) -> bool:
        data = event.data
        if event.type == "describe":
            await self.write_event(self.state.info())
        elif event.type == "ping":
            text = data.get("text")
            await self.write_event(Pong(text=text if isinstance(text, str) else None).event())
        elif event.type == "transcript":
            await self._handle(data)
        elif event.type == "transcribe":
            self._audio, self._audio_failed = None, False
        elif event.type == "audio-start":
            self._audio, self._audio_failed = None, False
            await self._audio_format(data)
        elif event.type == "audio-chunk":
            await self._audio_chunk(data, event.payload or b"")
        elif event.type == "audio-stop":
            await self._transcribe()
        elif event.type == "synthesize" and self.state.voice is not None and self.state.voice.available:
            await self._speak(self.state.voice, data.get("text"))
        else:
            _LOGGER.debug("%s: ignored %s", self.name, event.type)
        return True

    async def _handle(self, data: dict[str, object]) -> None:
        text = data.get("text")
        limit = self.state.settings.max_text_chars
        if not isinstance(text, str) or len(text) > limit:
            problem = "text is not a string" if not isinstance(text, str) else f"text over {limit} characters"
            self._problem("bad-transcript", f"transcript: {problem}")
            await self.write_event(NotHandled(text=self.state.judge.not_heard().text).event())
            return
        key = conversation_key(data.get("context"))
        if key is None:
            self._dialog = self._dialog or self.state.conversations.new_dialog()
            dialog = self._dialog
        else:
            dialog = self.state.conversations.dialog(key)
        result = answer(dialog, text, self.state.conversations.exercises)
        verdict = "handled" if result.handled else "not handled"
        _LOGGER.info(
            "%s: handle -> %s (%s; %s)", self.name, result.turn.match.intent, verdict, result.turn.reason
        )
        reply = Handled(text=result.text) if result.handled else NotHandled(text=result.text)
        await self.write_event(reply.event())

    async def _audio_format(self, data: dict[str, object]) -> bool:
        """Starts (or switches) the converter for the format in `data`; False when the audio is refused."""
        try:
            fmt = PcmFormat.from_data(data)
        except AudioError as err:
            await self._audio_problem(str(err))
            return False
        if self._audio is None:
            self._audio = PcmConverter(fmt, self.state.settings.max_audio_seconds)
        elif self._audio.format != fmt:
            self._audio.switch(fmt)
        return True

    async def _audio_chunk(self, data: dict[str, object], payload: bytes) -> None:
        if self._audio_failed or not await self._audio_format(data):
            return
        assert self._audio is not None
        try:
            self._audio.accept(payload)
        except AudioError as err:
            await self._audio_problem(str(err))

    async def _audio_problem(self, problem: str) -> None:
        self._problem("bad-audio", problem)
        self._audio, self._audio_failed = None, True
        await self.write_event(Error(problem, "bad-audio").event())

    async def _transcribe(self) -> None:
        audio, self._audio = (self._audio.finish() if self._audio else b""), None
        text = ""
        if not self._audio_failed and audio:
            try:
                transcript = await self.state.pool.transcribe(audio)
            except AssistantError as err:
                self._problem("asr", str(err))
                await self.write_event(Error(str(err), "asr").event())
            else:
                heard = self.state.judge.understanding.understand(transcript)
                text = heard.transcript.text if heard.belief.believed else ""
                _LOGGER.info(
                    "%s: asr %r -> %s (%s)", self.name, transcript.text, heard.match.intent, heard.reason
                )
        self._audio_failed = False
        await self.write_event(WyomingTranscript(text=text, language="en").event())

    async def _speak(self, voice: VoiceOut, text: object) -> None:
        limit = self.state.settings.max_text_chars
        events: Sequence[Event] = _NO_AUDIO
        if not isinstance(text, str) or not text.strip() or len(text) > limit:
            self._problem("bad-synthesize", f"synthesize: text must be 1..{limit} characters")
            await self.write_event(Error("synthesize needs text", "bad-synthesize").event())
        else:
            try:
                events = await voice.speak(text)
            except AssistantError as err:
                self._problem("tts", str(err))
                await self.write_event(Error(str(err), "tts").event())
        for event in events:
            await self.write_event(event)

    async def write_event(self, event: Event) -> None:
        """Sends one event; a client that stops reading for `idle_seconds` is dropped."""
        try:
            await asyncio.wait_for(async_write_event(event, self.writer), self.state.settings.idle_seconds)
        except TimeoutError:
            raise ConnectionAbortedError("the client stopped reading") from None

    def _problem(self, kind: str, problem: str) -> None:
        self.state.count_error(kind)
        _LOGGER.warning("%s: %s", self.name, problem)

    def _mid_audio(self) -> str:
        return f" mid-audio ({self._audio.seconds:.1f} s discarded)" if self._audio is not None else ""
