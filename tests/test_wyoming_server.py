"""The Wyoming server end to end: the real wyoming client over loopback, the real default engine."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe, Info
from wyoming_harness import ServerThread

from assistant.settings import RecognizerSettings, Settings
from assistant.wyoming.server import WyomingServer
from assistant.wyoming.settings import WyomingSettings
from bench.wyoming_client import (
    ask,
    ask_on,
    read_until,
    synthesize,
    transcribe_on,
    transcribe_wav,
    wav_chunks,
)

AUDIO = Path(__file__).parent / "audio"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    models = tmp_path_factory.mktemp("wyoming_models")
    settings = Settings(recognizer=RecognizerSettings(models_dir=models))
    wyoming = WyomingSettings(uri="tcp://127.0.0.1:0", idle_seconds=20.0)
    thread = ServerThread(WyomingServer.build(settings, wyoming))
    yield thread
    thread.close()


def test_describe_offers_handle_and_asr(served: ServerThread) -> None:
    async def scenario() -> Info:
        async with AsyncTcpClient("127.0.0.1", served.port) as client:
            await client.write_event(Describe().event())
            return Info.from_event(await read_until(client, "info"))

    info = asyncio.run(scenario())
    assert [p.name for p in info.handle] == ["cramp-assistant"]
    assert [p.name for p in info.asr] == ["cramp-assistant-asr"]
    handle, asr = info.handle[0], info.asr[0]
    assert handle.installed and asr.installed
    assert handle.models[0].languages == ["en"] and asr.models[0].languages == ["en"]
    assert asr.models[0].name == served.server.state.pool.name
    assert handle.version and asr.version
    assert asr.models[0].attribution.name  # the engine's authors
    assert [p.name for p in info.tts] == ["cramp-assistant-tts"]
    assert info.tts[0].voices[0].languages == ["en"]


def test_a_cramp_question_is_handled(served: ServerThread) -> None:
    answer = asyncio.run(ask(served.port, "my calf is cramping"))
    assert answer.event.type == "handled"
    assert "calf" in answer.text.lower()


def test_the_weather_is_not_handled(served: ServerThread) -> None:
    answer = asyncio.run(ask(served.port, "what's the weather like tomorrow"))
    assert answer.event.type == "not-handled"
    assert "leg and foot cramps" in answer.text


def test_a_follow_up_on_one_connection(served: ServerThread) -> None:
    async def scenario() -> list[str]:
        async with AsyncTcpClient("127.0.0.1", served.port) as client:
            first = await ask_on(client, "my calf is cramping")
            second = await ask_on(client, "it's in my foot now")
            third = await ask_on(client, "yes")
        return [first.text, second.text, third.text]

    first, second, third = asyncio.run(scenario())
    assert "calf" in first.lower()
    assert "foot" in second.lower()  # the fragment continued the relief answer
    assert "toe stretch" in third and "Sit with your legs stretched out" in third  # the offer, spelled out


def test_a_follow_up_across_connections_by_context(served: ServerThread) -> None:
    kitchen = {"conversation_id": "01A", "satellite_id": "assist_satellite.kitchen"}
    hall = {"conversation_id": "01B", "satellite_id": "assist_satellite.hall"}

    async def scenario() -> tuple[str, str]:
        await ask(served.port, "my calf is cramping", kitchen)
        other = await ask(served.port, "yes", hall)
        same = await ask(served.port, "yes", {**kitchen, "conversation_id": "01C"})
        return other.text, same.text

    other, same = asyncio.run(scenario())
    assert "calf stretch" in same and "Stand facing a wall" in same
    assert "calf stretch" not in other  # the hall satellite had no offer pending


def test_a_wav_streamed_in_chunks_is_transcribed(served: ServerThread) -> None:
    answer = asyncio.run(transcribe_wav(served.port, AUDIO / "q_calf_cramping.wav", chunk_frames=480))
    assert answer.event.type == "transcript"
    assert answer.text == "my calf is cramping what do i do"


@pytest.mark.parametrize("name", ["fmt_stereo_44k.wav", "fmt_u8_11k.wav", "fmt_s24_16k.wav"])
def test_any_rate_width_and_channels_are_converted(served: ServerThread, name: str) -> None:
    # 333 frames per chunk: chunk edges fall anywhere in the resampler's phase.
    answer = asyncio.run(transcribe_wav(served.port, AUDIO / name, chunk_frames=333))
    assert answer.text == "what causes leg cramps"


def test_the_voice_speaks_and_its_speech_is_heard_back(served: ServerThread) -> None:
    async def scenario() -> tuple[float, str]:
        start, chunks = await synthesize(served.port, "what causes leg cramps")
        seconds = sum(len(c.audio) for c in chunks) / (start.rate * start.width * start.channels)
        async with AsyncTcpClient("127.0.0.1", served.port) as client:
            heard = await transcribe_on(client, start, chunks)
        return seconds, heard.text

    seconds, heard = asyncio.run(scenario())
    assert 0.8 < seconds < 5.0
    assert heard.startswith("what causes leg cramp")  # espeak's "cramps" may come back as "cramped"
    answer = asyncio.run(ask(served.port, heard))
    assert answer.event.type == "handled" and "potassium" in answer.text  # the causes answer


def test_synthesize_without_text_still_ends_in_audio_stop(served: ServerThread) -> None:
    lines = asyncio.run(_raw(served.port, b'{"type": "synthesize", "data": {"text": ["no"]}}\n', replies=3))
    assert [b'"type": "error"' in lines[0], b"audio-start" in lines[1], b"audio-stop" in lines[2]] == [
        True
    ] * 3


def test_speech_not_for_it_gives_an_empty_transcript(served: ServerThread) -> None:
    answer = asyncio.run(transcribe_wav(served.port, AUDIO / "human_audiobook_0880.wav"))
    assert answer.event.type == "transcript"
    assert answer.text == ""


async def _raw(port: int, data: bytes, replies: int) -> list[bytes]:
    """Sends raw bytes and reads `replies` header lines back."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    lines = []
    for _ in range(replies):
        line = await asyncio.wait_for(reader.readline(), 10)
        lines.append(line)
        if b'"data_length"' in line:
            length = int(line.split(b'"data_length": ')[1].split(b",")[0].split(b"}")[0])
            await reader.readexactly(length)
    writer.close()
    return lines


def test_garbage_and_bad_json_are_survived(served: ServerThread) -> None:
    before = dict(served.server.state.errors)
    garbage = bytes(b for b in range(256) if b != ord("\n")) * 3 + b"\n"  # one line of binary junk
    bad = (
        garbage
        + b"{not json\n"
        + b"[1, 2, 3]\n"
        + b'{"type": 5}\n'
        + b'{"type": "transcript", "data": {"text": 42}}\n'
        + b'{"type": "audio-start", "data": {"rate": "fast", "width": 2, "channels": 1}}\n'
        + b'{"type": "describe"}\n'
    )
    lines = asyncio.run(_raw(served.port, bad, replies=7))
    types = [line.split(b'"type": "')[1].split(b'"')[0].decode() for line in lines]
    assert types == ["error", "error", "error", "error", "not-handled", "error", "info"]
    errors = served.server.state.errors
    assert errors["malformed"] - before.get("malformed", 0) == 4
    assert errors["bad-audio"] - before.get("bad-audio", 0) == 1
    assert asyncio.run(ask(served.port, "what causes cramps")).event.type == "handled"


def test_an_untrustworthy_length_closes_only_that_connection(served: ServerThread) -> None:
    async def scenario() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        writer.write(b'{"type": "audio-chunk", "payload_length": 99999999999}\n')
        await writer.drain()
        error = await asyncio.wait_for(reader.readline(), 10)
        rest = await asyncio.wait_for(reader.read(), 10)  # then the server closes it
        writer.close()
        return error + rest

    assert b"payload_length" in asyncio.run(scenario())
    assert asyncio.run(ask(served.port, "should i see a doctor")).event.type == "handled"


def test_a_connection_dropped_mid_audio(served: ServerThread) -> None:
    start, chunks = wav_chunks(AUDIO / "q_calf_cramping.wav")

    async def drop() -> None:
        async with AsyncTcpClient("127.0.0.1", served.port) as client:
            await client.write_event(start.event())
            for chunk in chunks[:10]:
                await client.write_event(chunk.event())
        _, writer = await asyncio.open_connection("127.0.0.1", served.port)
        writer.write(b'{"type": "audio-chunk", "data": {"rate": 16000, "width": 2, "channels": 1}, ')
        writer.write(b'"payload_length": 4000}\n' + b"\0" * 100)  # closed inside the payload
        writer.close()

    asyncio.run(drop())
    answer = asyncio.run(transcribe_wav(served.port, AUDIO / "q_yes.wav"))
    assert answer.text == "yes"
    deadline = time.monotonic() + 5
    while served.server.state.clients and time.monotonic() < deadline:
        time.sleep(0.05)
    assert served.server.state.clients == 0


def test_twenty_concurrent_clients_are_answered(served: ServerThread) -> None:
    questions = ["my calf is cramping", "what causes cramps", "should i see a doctor", "what's the weather"]
    start, chunks = wav_chunks(AUDIO / "q_yes.wav")

    async def one_asr() -> str:
        async with AsyncTcpClient("127.0.0.1", served.port) as client:
            return (await transcribe_on(client, start, chunks)).text

    async def scenario() -> tuple[list[str], list[str]]:
        handled = asyncio.gather(*(ask(served.port, questions[i % 4]) for i in range(16)))
        heard = asyncio.gather(*(one_asr() for _ in range(4)))
        answers, texts = await asyncio.gather(handled, heard)
        return [a.event.type for a in answers], list(texts)

    answers, heard = asyncio.run(scenario())
    assert answers == [("not-handled" if i % 4 == 3 else "handled") for i in range(16)]
    assert heard == ["yes"] * 4
