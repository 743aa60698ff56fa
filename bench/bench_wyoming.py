"""The Wyoming server over loopback: handle round trip and asr end of audio to transcript.

The server runs as Home Assistant would reach it: `cramp-assistant wyoming --uri tcp://127.0.0.1:PORT`
in its own process (default settings: the default engine policy, one recogniser worker). The clients
are the real wyoming client in this process, each turn on a new connection as Home Assistant opens one.

- handle: a cramp question or an out-of-scope one, written as a `transcript`, to `handled` or
  `not-handled` read back; 1 client asking in turn, then 10 clients asking at once.
- tts: a two-sentence answer, from `synthesize` sent to `audio-stop` read (the assistant's espeak-ng
  voice), 1 client.
- asr: a spoken question (tests/audio/q_*.wav, 16 kHz mono) streamed as fast as the socket takes it,
  from `audio-stop` sent to `transcript` read; 1 client, then 10 at once (they queue for the
  recogniser: the 10-client figure is mostly waiting).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from wyoming.client import AsyncTcpClient
from wyoming.info import Describe, Info

from bench.wyoming_client import ask, read_until, synthesize, transcribe_wav

ROOT = Path(__file__).resolve().parent.parent
AUDIO = ROOT / "tests" / "audio"
QUESTIONS = ("q_calf_cramping", "q_left_foot", "q_causes", "q_prevent", "q_doctor", "q_heat_ice", "q_swollen")
EXPECTED = {
    "q_calf_cramping": "my calf is cramping what do i do",
    "q_left_foot": "my left foot is cramping",
    "q_causes": "what causes leg cramps",
    "q_prevent": "how can i prevent cramps at night",
    "q_doctor": "should i see a doctor",
    "q_heat_ice": "does heat or ice help",
    "q_swollen": "my calf is swollen and hot",
}
TEXTS = ("my calf is cramping", "what causes cramps", "should i see a doctor", "what's the weather")
HANDLE_TURNS = 40
ANSWER = "Gently stretch it: keep your leg straight and pull your toes towards you. Then rub the calf muscle."
STARTUP_LIMIT = 180.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _wait_ready(port: int, process: subprocess.Popen[bytes]) -> Info:
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            async with AsyncTcpClient("127.0.0.1", port) as client:
                await client.write_event(Describe().event())
                return Info.from_event(await read_until(client, "info"))
        except OSError:
            await asyncio.sleep(0.2)
    raise RuntimeError("the server did not answer describe in time")


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered) * 1000:.0f} ms, p90 {p90 * 1000:.0f} ms (n={len(ordered)})"


async def _handle(port: int, clients: int) -> list[float]:
    async def client(index: int) -> list[float]:
        return [(await ask(port, TEXTS[(index + i) % len(TEXTS)])).seconds for i in range(HANDLE_TURNS)]

    runs = await asyncio.gather(*(client(i) for i in range(clients)))
    return [t for run in runs for t in run]


async def _asr(port: int, clients: int, rounds: int) -> tuple[list[float], str]:
    times: list[float] = []
    right = heard = total = 0
    for round_index in range(rounds):
        names = [QUESTIONS[(round_index * clients + i) % len(QUESTIONS)] for i in range(clients)]
        answers = await asyncio.gather(*(transcribe_wav(port, AUDIO / f"{n}.wav", 480) for n in names))
        for name, answer in zip(names, answers, strict=True):
            times.append(answer.seconds)
            right += answer.text == EXPECTED[name]
            heard += bool(answer.text)
            total += 1
    return times, f"{right}/{total} word-exact, {heard}/{total} believed (not empty)"


async def _measure(port: int, process: subprocess.Popen[bytes], launched: float) -> dict[str, str]:
    info = await _wait_ready(port, process)
    figures = {
        "server start to first describe answered": f"{time.perf_counter() - launched:.1f} s",
        "asr engine": info.asr[0].models[0].name,
    }
    await _handle(port, 1)  # warm up
    figures["handle round trip, 1 client"] = _ms(await _handle(port, 1))
    figures["handle round trip, 10 clients at once"] = _ms(await _handle(port, 10))
    if info.tts:
        spoken = []
        for _ in range(5):
            started = time.perf_counter()
            await synthesize(port, ANSWER)
            spoken.append(time.perf_counter() - started)
        figures["tts synthesize to audio-stop, 1 client"] = _ms(spoken)
    await transcribe_wav(port, AUDIO / "q_yes.wav")  # warm up
    times, heard = await _asr(port, 1, len(QUESTIONS))
    figures["asr end of audio to transcript, 1 client"] = f"{_ms(times)}; {heard}"
    times, heard = await _asr(port, 10, 1)
    figures["asr end of audio to transcript, 10 clients at once (1 worker)"] = f"{_ms(times)}; {heard}"
    return figures


def run() -> dict[str, str]:
    port = _free_port()
    command = [sys.executable, "-m", "assistant.cli", "wyoming", "--uri", f"tcp://127.0.0.1:{port}"]
    launched = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        return asyncio.run(_measure(port, process, launched))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            status = process.wait(30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            status = process.wait()
        if status not in (0, -signal.SIGTERM):
            print((process.stderr.read() if process.stderr else b"").decode(errors="replace")[-2000:])


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
