"""The Wyoming server's parts on their own: audio conversion, conversations, framing, the command line."""

from __future__ import annotations

import asyncio
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wyoming.event import Event

from assistant.audio.source import read_wav_pcm16k
from assistant.cli.main import main
from assistant.clock import VirtualClock
from assistant.content.loader import Content
from assistant.errors import AudioError
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding
from assistant.wyoming.audio_in import PcmConverter, PcmFormat
from assistant.wyoming.conversations import Conversations, conversation_key
from assistant.wyoming.framing import Malformed, read_event
from bench.wyoming_client import ask, wav_chunks

AUDIO = Path(__file__).parent / "audio"


@pytest.mark.parametrize("name", ["fmt_stereo_44k.wav", "fmt_u8_11k.wav", "fmt_s24_16k.wav", "q_yes.wav"])
def test_audio_is_converted_as_the_wav_path_converts_it(name: str) -> None:
    start, chunks = wav_chunks(AUDIO / name, chunk_frames=1)
    raw = b"".join(chunk.audio for chunk in chunks)
    converter = PcmConverter(PcmFormat(start.rate, start.width, start.channels), max_seconds=60)
    step = 777  # not a whole number of frames: frames are split across chunks
    for offset in range(0, len(raw), step):
        converter.accept(raw[offset : offset + step])
    assert converter.finish() == read_wav_pcm16k(AUDIO / name)


def test_a_format_change_mid_utterance_keeps_what_came_before() -> None:
    start, chunks = wav_chunks(AUDIO / "fmt_stereo_44k.wav")
    converter = PcmConverter(PcmFormat(16000, 2, 1), max_seconds=60)
    converter.accept(b"\x10\x00" * 1600)  # 0.1 s at 16 kHz mono
    converter.switch(PcmFormat(start.rate, start.width, start.channels))
    for chunk in chunks:
        converter.accept(chunk.audio)
    audio = converter.finish()
    whole = read_wav_pcm16k(AUDIO / "fmt_stereo_44k.wav")
    assert audio[:3200] == b"\x10\x00" * 1600
    assert abs(len(audio) - 3200 - len(whole)) <= 4


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"rate": 16000, "width": 2}, "channels"),
        ({"rate": "16000", "width": 2, "channels": 1}, "rate"),
        ({"rate": 16000, "width": True, "channels": 1}, "width"),
        ({"rate": 100, "width": 2, "channels": 1}, "sample rate"),
        ({"rate": 16000, "width": 5, "channels": 1}, "sample width"),
        ({"rate": 16000, "width": 2, "channels": 0}, "channel count"),
    ],
)
def test_bad_audio_formats_are_named(data: dict[str, object], problem: str) -> None:
    with pytest.raises(AudioError, match=problem):
        PcmFormat.from_data(data)


def test_an_utterance_too_long_is_refused() -> None:
    converter = PcmConverter(PcmFormat(16000, 2, 1), max_seconds=1.0)
    converter.accept(b"\0" * 32000)
    with pytest.raises(AudioError, match="longer than 1 s"):
        converter.accept(b"\0" * 2)


def test_conversation_keys_prefer_the_satellite() -> None:
    assert conversation_key({"conversation_id": "c", "satellite_id": "s"}) == "satellite_id:s"
    assert conversation_key({"conversation_id": "c", "device_id": "d"}) == "device_id:d"
    assert conversation_key({"conversation_id": "c"}) == "conversation_id:c"
    assert conversation_key({"conversation_id": 5}) is None
    assert conversation_key(["satellite_id"]) is None
    assert conversation_key(None) is None


def test_conversations_are_forgotten_after_a_while_and_bounded(content: Content, router: Router) -> None:
    clock = VirtualClock()
    talks = Conversations(
        content, Understanding(router), clock, followup_seconds=300, max_conversations=3, rng=random.Random(1)
    )
    kitchen = talks.dialog("kitchen")
    clock.advance(299)
    assert talks.dialog("kitchen") is kitchen  # each turn renews it
    clock.advance(301)
    assert talks.dialog("kitchen") is not kitchen
    for name in ("a", "b", "c", "d"):
        talks.dialog(name)
    assert len(talks) == 3  # the least recently used went first


def _events(raw: bytes) -> list[object]:
    async def scenario() -> list[object]:
        reader = asyncio.StreamReader(limit=1024)
        reader.feed_data(raw)
        reader.feed_eof()
        found: list[object] = []
        while True:
            try:
                event = await read_event(reader, max_data=100, max_payload=1000)
            except asyncio.IncompleteReadError:
                found.append("cut")
                return found
            if event is None:
                return found
            found.append(event)

    return asyncio.run(scenario())


def test_framing_reads_data_and_payload_and_reports_bad_events() -> None:
    raw = (
        b'{"type": "audio-chunk", "data": {"rate": 1}, "data_length": 12, "payload_length": 3}\n'
        + b'{"width": 2}'
        + b"abc"
        + b"x" * 2000
        + b"\n"
        + b'{"type": "ping", "data": [1]}\n'
        + b'{"type": "ping", "data_length": 2}\n[]'
        + b'{"type": "describe"}\n'
    )
    found = _events(raw)
    first = found[0]
    assert isinstance(first, Event)
    assert first.type == "audio-chunk" and first.payload == b"abc"
    assert first.data == {"rate": 1, "width": 2}
    problems = [f.problem for f in found[1:4] if isinstance(f, Malformed)]
    assert problems == [
        "header line too long",
        "ping: data is not a JSON object",
        "ping: data block is not a JSON object",
    ]
    assert getattr(found[4], "type", None) == "describe"


def test_framing_lengths_that_cannot_be_trusted_are_fatal() -> None:
    for header in (b'{"type": "x", "payload_length": 5000}\n', b'{"type": "x", "data_length": "9"}\n'):
        (found,) = _events(header)
        assert isinstance(found, Malformed) and found.fatal
    assert _events(b'{"type": "x", "payload_length": 10}\nabc') == ["cut"]
    assert _events(b'{"type": "x"') == []  # closed inside a header


def test_the_command_refuses_a_bad_uri_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["wyoming", "--uri", "tcp://127.0.0.1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs a host and a port" in err


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Settings whose models folder (the domain model cache) is shared by this module's commands."""
    folder = tmp_path_factory.mktemp("wyoming_cli")
    path = folder / "settings.toml"
    path.write_text(f'[recognizer]\nmodels_dir = "{folder / "models"}"\n', encoding="utf-8")
    return path


def test_a_port_in_use_is_one_line(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        uri = f"tcp://127.0.0.1:{taken.getsockname()[1]}"
        assert main(["wyoming", "--uri", uri, "--no-tts", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"cramp-assistant: cannot listen on {uri}: ") and "Traceback" not in err


def test_the_command_serves_until_sigterm(config: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "assistant.cli", "wyoming", "--uri", f"tcp://127.0.0.1:{port}"]
    process = subprocess.Popen([*command, "--config", str(config)], stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        lines = iter(process.stderr.readline, "")
        ready = next(line for line in lines if line.startswith("cramp-assistant:"))  # once the engine is made
        assert ready.strip() == f"cramp-assistant: serving Home Assistant over Wyoming on {command[-1]}"
        answer = None
        for _ in range(50):
            try:
                answer = asyncio.run(ask(port, "how do i stop a cramp"))
                break
            except OSError:
                time.sleep(0.1)
        assert answer is not None and answer.event.type == "handled"
    finally:
        process.send_signal(signal.SIGTERM)
        status = process.wait(30)
    assert status == 0
