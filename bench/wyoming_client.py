"""Client helpers for the Wyoming server, shared by the bench and the tests: the real wyoming client.

`ask` puts one transcript to the handle service; `transcribe_wav` streams a WAV file's raw frames (in
its own rate, width and channel count) to the asr service and times end of audio to transcript.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.event import Event
from wyoming.tts import Synthesize

from assistant.audio.wav_file import read_wav_info

TIMEOUT = 60.0


@dataclass(frozen=True)
class Answer:
    """The server's answer and how long it took."""

    event: Event
    seconds: float
    """From sending the last event to reading the answer."""

    @property
    def text(self) -> str:
        value = self.event.data.get("text")
        return value if isinstance(value, str) else ""


async def read_until(client: AsyncTcpClient, *types: str) -> Event:
    """The next event of one of `types` (others, such as `error`, are skipped)."""
    while True:
        event = await asyncio.wait_for(client.read_event(), TIMEOUT)
        if event is None:
            raise ConnectionError("the server closed the connection")
        if event.type in types:
            return event


async def ask_on(client: AsyncTcpClient, text: str, context: dict[str, Any] | None = None) -> Answer:
    started = time.perf_counter()
    await client.write_event(Transcript(text=text, context=context).event())
    event = await read_until(client, "handled", "not-handled")
    return Answer(event, time.perf_counter() - started)


async def ask(port: int, text: str, context: dict[str, Any] | None = None) -> Answer:
    """One transcript on a new connection, as Home Assistant's conversation agent sends it."""
    async with AsyncTcpClient("127.0.0.1", port) as client:
        return await ask_on(client, text, context)


def wav_chunks(path: Path, chunk_frames: int = 1024) -> tuple[AudioStart, list[AudioChunk]]:
    """An integer-PCM WAV file's raw frames as Wyoming audio events, in the file's own format."""
    info = read_wav_info(path)
    if info.is_float:
        raise ValueError(f"{path}: Wyoming audio is integer PCM; this file is float")
    with path.open("rb") as handle:
        handle.seek(info.data_offset)
        raw = handle.read(info.frames * info.block_align)
    width = info.bits // 8
    step = chunk_frames * info.block_align
    chunks = [
        AudioChunk(info.rate, width, info.channels, raw[i : i + step]) for i in range(0, len(raw), step)
    ]
    return AudioStart(info.rate, width, info.channels), chunks


async def synthesize(port: int, text: str) -> tuple[AudioStart, list[AudioChunk]]:
    """The tts service's audio for `text`: its start event and chunks."""
    async with AsyncTcpClient("127.0.0.1", port) as client:
        await client.write_event(Synthesize(text=text).event())
        start = AudioStart.from_event(await read_until(client, "audio-start"))
        chunks: list[AudioChunk] = []
        while True:
            event = await read_until(client, "audio-chunk", "audio-stop")
            if event.type == "audio-stop":
                return start, chunks
            chunks.append(AudioChunk.from_event(event))


async def transcribe_on(client: AsyncTcpClient, start: AudioStart, chunks: list[AudioChunk]) -> Answer:
    await client.write_event(Transcribe(language="en").event())
    await client.write_event(start.event())
    for chunk in chunks:
        await client.write_event(chunk.event())
    started = time.perf_counter()
    await client.write_event(AudioStop().event())
    event = await read_until(client, "transcript")
    return Answer(event, time.perf_counter() - started)


async def transcribe_wav(port: int, path: Path, chunk_frames: int = 1024) -> Answer:
    """A WAV file streamed in chunks to the asr service, as a satellite's audio reaches it."""
    start, chunks = wav_chunks(path, chunk_frames)
    async with AsyncTcpClient("127.0.0.1", port) as client:
        return await transcribe_on(client, start, chunks)
