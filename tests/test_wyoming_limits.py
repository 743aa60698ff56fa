"""The Wyoming server's limits, with a hand-written recogniser that waits until it is let go."""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from wyoming.audio import AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe
from wyoming_harness import ServerThread

from assistant.clock import MonotonicClock
from assistant.content.loader import Content
from assistant.dialog.dialog import Dialog
from assistant.messages import IDLE, Expectation, Transcript
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding
from assistant.wyoming.conversations import Conversations
from assistant.wyoming.handler import ServerState
from assistant.wyoming.server import WyomingServer
from assistant.wyoming.settings import WyomingSettings
from assistant.wyoming.transcriber import RecognizerPool
from bench.wyoming_client import ask, read_until, transcribe_on, wav_chunks

AUDIO = Path(__file__).parent / "audio"


class GatedRecognizer:
    """Hears "yes" in anything, once `gate` is set (or fails, when `fail`); counts its utterances."""

    name = "gated"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.started = threading.Semaphore(0)
        self.calls = 0
        self.fail = False

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        self.calls += 1
        self.started.release()
        self.gate.wait(30)
        if self.fail:
            raise RuntimeError("the engine fell over")
        return Transcript("yes", 0.95, self.name, words=("yes",))


@pytest.fixture
def gated() -> GatedRecognizer:
    return GatedRecognizer()


@pytest.fixture
def served(content: Content, router: Router, gated: GatedRecognizer) -> Iterator[ServerThread]:
    settings = WyomingSettings(uri="tcp://127.0.0.1:0", max_clients=3, max_waiting=1, idle_seconds=1.0)
    conversations = Conversations(content, Understanding(router), MonotonicClock(), rng=random.Random(3))
    pool = RecognizerPool(lambda: gated, gated.name, workers=1, max_waiting=settings.max_waiting)
    state = ServerState(settings, conversations, pool, Dialog(content, understanding=Understanding(router)))
    thread = ServerThread(WyomingServer(state))
    yield thread
    gated.gate.set()
    thread.close()


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_clients_past_the_limit_are_told_busy(served: ServerThread) -> None:
    async def scenario() -> list[str]:
        held = [await asyncio.open_connection("127.0.0.1", served.port) for _ in range(3)]
        await asyncio.sleep(0.1)
        async with AsyncTcpClient("127.0.0.1", served.port) as extra:
            refused = await read_until(extra, "error")
        for _, writer in held:
            writer.close()
        return [str(refused.data.get("code"))]

    assert asyncio.run(scenario()) == ["busy"]
    _wait_for(lambda: served.server.state.clients == 0)
    assert asyncio.run(ask(served.port, "what causes cramps")).event.type == "handled"


def test_an_idle_client_is_closed(served: ServerThread, caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", served.port)
        data = await asyncio.wait_for(reader.read(), 10)  # the server closes it after 1 s
        writer.close()
        return data

    with caplog.at_level(logging.WARNING, logger="assistant.wyoming.handler"):
        assert asyncio.run(scenario()) == b""
    assert [r.getMessage() for r in caplog.records if "nothing for 1 s" in r.getMessage()]


def test_utterances_past_the_queue_are_refused_and_a_dropped_one_does_not_free_the_engine(
    served: ServerThread, gated: GatedRecognizer
) -> None:
    start, chunks = wav_chunks(AUDIO / "q_yes.wav")

    async def scenario() -> tuple[str, list[str], int, str]:
        # The first utterance is decoding (held at the gate); its client hangs up.
        first = AsyncTcpClient("127.0.0.1", served.port)
        await first.connect()
        await first.write_event(start.event())
        for chunk in chunks:
            await first.write_event(chunk.event())
        await first.write_event(Describe().event())
        await read_until(first, "info")
        await first.write_event(AudioStop().event())
        await asyncio.to_thread(gated.started.acquire, True, 10)
        await first.disconnect()
        # The second waits for the engine (the queue holds one); the third is refused.
        async with AsyncTcpClient("127.0.0.1", served.port) as second:
            waiting = asyncio.create_task(transcribe_on(second, start, chunks))
            await asyncio.sleep(0.3)
            async with AsyncTcpClient("127.0.0.1", served.port) as third:
                refused = await transcribe_on(third, start, chunks)
            errors = [k for k in served.server.state.errors if k == "asr"]
            calls_while_held = gated.calls
            gated.gate.set()
            heard = await waiting
        return refused.text, errors, calls_while_held, heard.text

    refused, errors, calls_while_held, heard = asyncio.run(scenario())
    assert refused == "" and errors == ["asr"]
    assert calls_while_held == 1  # the hung-up client's decode still held the engine
    assert heard == "yes" and gated.calls == 2


def test_an_engine_failure_still_ends_the_turn(served: ServerThread, gated: GatedRecognizer) -> None:
    start, chunks = wav_chunks(AUDIO / "q_yes.wav")
    gated.gate.set()

    async def scenario() -> tuple[str, str]:
        async with AsyncTcpClient("127.0.0.1", served.port) as client:
            gated.fail = True
            failed = await transcribe_on(client, start, chunks)
            gated.fail = False
            heard = await transcribe_on(client, start, chunks)  # the same connection goes on
        return failed.text, heard.text

    assert asyncio.run(scenario()) == ("", "yes")
    assert served.server.state.errors["failed"] == 1
