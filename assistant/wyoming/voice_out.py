"""The optional tts service: the assistant's own voice (espeak-ng, the day profile) for Home Assistant.

`synthesize` → `audio-start`, `audio-chunk`s of 16-bit mono at the voice's rate, `audio-stop`.
Synthesis runs in one worker thread (the synthesiser serves one phrase at a time). The voice is tried
once at start-up; if it cannot speak, tts is not offered and the reason is logged once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.event import Event

from assistant.errors import AssistantError
from assistant.voice.speech import Synthesizer

_LOGGER = logging.getLogger(__name__)
CHUNK_SAMPLES = 1024
T = TypeVar("T")


class VoiceOut:
    """Speaks text as Wyoming audio events, with a synthesiser made by `make` on first use."""

    def __init__(self, make: Callable[[], Synthesizer], name: str) -> None:
        self.name = name
        """The voice's name, as advertised in `describe`."""
        self._make = make
        self._synth: Synthesizer | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wyoming-tts")
        self.available = False

    async def start(self) -> bool:
        """Tries the voice once; False (logged) when it cannot speak, so tts is not offered."""
        try:
            await self._run(lambda: self._synthesizer().synthesize("Ready."))
        except (AssistantError, OSError) as err:
            _LOGGER.warning("tts not offered: the voice cannot speak (%s)", err)
            return False
        self.available = True
        return True

    async def speak(self, text: str) -> list[Event]:
        """The audio events for `text` (AssistantError when synthesis fails)."""
        speech = await self._run(lambda: self._synthesizer().synthesize(text))
        pcm = speech.samples.astype("<i2").tobytes()
        step = CHUNK_SAMPLES * 2
        events = [AudioStart(speech.rate, 2, 1).event()]
        events += [AudioChunk(speech.rate, 2, 1, pcm[i : i + step]).event() for i in range(0, len(pcm), step)]
        return [*events, AudioStop().event()]

    def _synthesizer(self) -> Synthesizer:
        if self._synth is None:
            self._synth = self._make()
        return self._synth

    async def _run(self, job: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, job)

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        if self._synth is not None:
            await loop.run_in_executor(self._executor, self._synth.close)
        self._executor.shutdown(wait=True)
