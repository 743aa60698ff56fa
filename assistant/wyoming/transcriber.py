"""A pool of recognisers that decode off the event loop, so one utterance never stalls other clients.

Each worker owns one recogniser (engines are not shared between threads). An utterance waits for a
free one; when more than `max_waiting` are already waiting it is refused as busy. A client that
disconnects while its utterance is decoding does not return the recogniser early: the decode finishes
in its own task, and only then is the recogniser free again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from assistant.errors import AssistantError
from assistant.hearing.endpointer import speech_span
from assistant.hearing.recognizer import Transcriber
from assistant.messages import Transcript
from assistant.settings import EndpointSettings

_LOGGER = logging.getLogger(__name__)


class BusyError(AssistantError):
    """Every recogniser is busy and the queue is full."""


class RecognizerPool:
    """`workers` recognisers made by `make`, each used by one thread at a time."""

    def __init__(
        self,
        make: Callable[[], Transcriber],
        name: str,
        workers: int = 1,
        max_waiting: int = 32,
        endpoint: EndpointSettings | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        self.name = name
        """The engine's name (`Recognizer.name`), as advertised in `describe`."""
        self._make = make
        self.workers = workers
        self.max_waiting = max_waiting
        self.endpoint = endpoint
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wyoming-asr")
        self._idle: asyncio.Queue[Transcriber] | None = None
        self._waiting = 0
        self._running: set[asyncio.Task[Transcript]] = set()

    async def start(self, first: Transcriber | None = None) -> None:
        """Makes the recognisers (in the worker threads: building one can take seconds)."""
        loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        made = [first] if first is not None else []
        while len(made) < self.workers:
            made.append(await loop.run_in_executor(self._executor, self._make))
        for recognizer in made:
            self._idle.put_nowait(recognizer)

    async def transcribe(self, audio: bytes) -> Transcript:
        """What was said in 16 kHz mono s16le audio (trimmed to its speech as `ask --wav` does)."""
        if self._idle is None:
            raise RuntimeError("RecognizerPool.start() was not awaited")
        if self._waiting >= self.max_waiting:
            raise BusyError("every recogniser is busy; try again in a moment")
        task = asyncio.create_task(self._decode(self._idle, audio))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        return await asyncio.shield(task)

    async def _decode(self, idle: asyncio.Queue[Transcriber], audio: bytes) -> Transcript:
        self._waiting += 1
        try:
            recognizer = await idle.get()
        finally:
            self._waiting -= 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self._decode_now, recognizer, audio)
        finally:
            idle.put_nowait(recognizer)

    def _decode_now(self, recognizer: Transcriber, audio: bytes) -> Transcript:
        speech = speech_span(audio, self.endpoint)
        if not speech:
            return Transcript("", 0.0, self.name)
        return recognizer.transcribe(speech)

    async def close(self) -> None:
        """Waits for decodes still running, then stops the threads."""
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
        self._executor.shutdown(wait=True)
