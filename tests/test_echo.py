"""The echo canceller stage, the playback reference and the simulated room, on real speech through the
real speexdsp canceller."""

from __future__ import annotations

import logging
import time

import numpy as np
import pytest

from assistant.audio import speex_aec
from assistant.audio.echo import EchoCanceller
from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.playback import PlaybackReference
from assistant.audio.resample import Resampler
from assistant.audio.room import RoomEcho, RoomEchoSource
from assistant.audio.source import read_wav_pcm16k
from assistant.clock import VirtualClock
from assistant.errors import AudioError
from assistant.loop.barge_in import BargeIn
from assistant.messages import SAMPLE_RATE, AudioChunk

AUDIO = __import__("pathlib").Path(__file__).parent / "audio"
CHUNK = 480
VOICE = ["q_calf_cramping.wav", "q_causes.wav", "q_prevent.wav", "q_doctor.wav", "q_heat_ice.wav"]


def speech(names: list[str] = VOICE) -> np.ndarray:
    """Several spoken fixtures back to back, their padding trimmed: the assistant's voice for these tests
    (16 kHz float)."""
    return np.concatenate([trimmed(name) for name in names])


def trimmed(name: str) -> np.ndarray:
    samples = pcm16_to_float(read_wav_pcm16k(AUDIO / name))
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0] : loud[-1] + 1]


def db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-12))


class Room:
    """A loudspeaker playing `voice` at t=0.5 s beside a microphone in the simulated room; `near` is what
    a person says into the microphone as well (added as it is)."""

    def __init__(self, voice: np.ndarray, room: RoomEcho | None = None, latency_error: float = 0.0) -> None:
        self.clock = VirtualClock()
        self.played = PlaybackReference()
        self.played.play(0.5, voice, SAMPLE_RATE)
        # What the canceller is told: the same clip, with a wrong idea of the output latency.
        self.reference = PlaybackReference(latency=latency_error)
        self.reference.play(0.5, voice, SAMPLE_RATE)
        self.room = RoomEchoSource(iter(()), self.played, self.clock, room or RoomEcho())  # type: ignore[arg-type]
        self.seconds = 0.5 + len(voice) / SAMPLE_RATE + 0.5

    def run(
        self, canceller: EchoCanceller, near: np.ndarray | None = None, rate: int = SAMPLE_RATE
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(microphone, echo alone, canceller output), all at 16 kHz."""
        mic_in, echo_in, out = [], [], []
        converter = Resampler(SAMPLE_RATE, rate) if rate != SAMPLE_RATE else None
        total = int(self.seconds * SAMPLE_RATE) // CHUNK * CHUNK
        near = np.zeros(total, dtype=np.float32) if near is None else np.pad(near, (0, total))[:total]
        for at in range(0, total, CHUNK):
            self.clock.sleep(CHUNK / SAMPLE_RATE)
            echoed = self.room.add_echo(AudioChunk(bytes(2 * CHUNK), at / SAMPLE_RATE))
            echo = pcm16_to_float(echoed.audio) if echoed.audio else np.zeros(CHUNK, np.float32)
            mic = echo + near[at : at + CHUNK]
            captured = mic if converter is None else converter.process(mic)
            chunk = AudioChunk(float_to_pcm16(captured), at / SAMPLE_RATE, rate)
            cleaned = canceller.process(chunk, self.clock.now())
            mic_in.append(mic)
            echo_in.append(echo)
            out.append(pcm16_to_float(cleaned.audio))
        return np.concatenate(mic_in), np.concatenate(echo_in), np.concatenate(out)


def test_the_playback_reference_places_cuts_and_converts_clips() -> None:
    reference = PlaybackReference(latency=0.1)
    tone = (0.5 * np.sin(np.arange(22050) * 2 * np.pi * 440 / 22050) * 32767).astype(np.int16)
    reference.play(1.0, tone, 22050)  # one second at 22.05 kHz, heard from 1.1 s
    assert reference.last_end() == pytest.approx(2.1, abs=1e-3)
    assert not reference.playing(0.0, 1.09) and reference.playing(1.09, 1.2)
    rendered = reference.render(1.0, SAMPLE_RATE * 2)
    assert np.all(rendered[:1500] == 0) and db(rendered[1700:16000]) == pytest.approx(
        db(tone / 32768), abs=0.5
    )
    reference.stop(1.5)  # cut at 1.6 s on the loudspeaker
    assert reference.last_end() == pytest.approx(1.6, abs=1e-3)
    assert np.all(reference.render(1.61, 1000) == 0)


def test_the_room_response_has_its_delay_gain_and_tail() -> None:
    room = RoomEcho(delay_ms=40, gain=0.5, tail_ms=200, tail_db=-8)
    response = room.impulse_response()
    delay = int(0.040 * SAMPLE_RATE)
    assert np.all(response[:delay] == 0) and response[delay] == pytest.approx(0.5)
    tail = response[delay + 1 :]
    assert 10 * np.log10(np.sum(tail**2) / 0.25) == pytest.approx(-8, abs=0.01)
    assert np.abs(tail[-200:]).max() < np.abs(tail[:200]).max() / 100  # it dies away
    with pytest.raises(ValueError, match="must not be negative"):
        RoomEcho(delay_ms=-5)


def test_the_room_adds_the_echo_at_its_delay_and_follows_a_cut() -> None:
    voice = speech(VOICE[:1])
    room = Room(voice, RoomEcho(delay_ms=50, gain=0.5, tail_ms=100))
    room.played.stop(1.5)  # the assistant was cut off one second in
    canceller = EchoCanceller(PlaybackReference())  # reference empty: passes everything through
    _, echo, _ = room.run(canceller)
    onset = int(0.55 * SAMPLE_RATE)
    assert np.abs(echo[: onset - 10]).max() == 0
    assert db(echo[onset : onset + 8000]) > -40
    assert np.abs(echo[int(1.7 * SAMPLE_RATE) :]).max() < 1e-3  # delay + tail after the cut: silence


def test_the_canceller_takes_the_echo_of_its_own_speech_out_cheaply() -> None:
    room = Room(speech())
    canceller = EchoCanceller(room.reference)
    started = time.process_time()
    mic, _, out = room.run(canceller)
    cpu = time.process_time() - started
    settled = slice(int(3.5 * SAMPLE_RATE), len(mic) - SAMPLE_RATE)
    assert db(mic[settled]) - db(out[settled]) >= 20.0  # ERLE
    assert canceller.converged and canceller.full_duplex and canceller.offset == 0.0
    assert cpu / room.seconds < 0.25  # well under a quarter of a core here; see the bench for figures


def test_speech_into_the_microphone_comes_through_while_it_talks() -> None:
    voice = speech()
    room = Room(voice)
    near = np.zeros(int(room.seconds * SAMPLE_RATE), dtype=np.float32)
    stop = trimmed("q_stop.wav")
    at = int(5.0 * SAMPLE_RATE)
    near[at : at + len(stop)] = stop
    _, echo, out = room.run(EchoCanceller(room.reference), near)
    word = slice(at, at + len(stop))
    loud = np.abs(stop) > 0.05
    residue = out[word][loud] - stop[loud]
    # The person's word is kept (what is left of the echo is far below it) ...
    assert db(stop[loud]) - db(residue) > 10.0
    # ... while the echo alone, before and after, is taken down.
    after = slice(at + len(stop) + SAMPLE_RATE, len(out) - SAMPLE_RATE)
    assert db(echo[after]) - db(out[after]) > 15.0


@pytest.mark.parametrize("rate", [44100, 48000])
def test_a_microphone_at_another_rate_is_converted_first(rate: int) -> None:
    room = Room(speech())
    canceller = EchoCanceller(room.reference)
    mic, _, out = room.run(canceller, rate=rate)
    settled = slice(int(3.5 * SAMPLE_RATE), len(mic) - SAMPLE_RATE)
    assert abs(len(out) - len(mic)) <= 2 * CHUNK  # 16 kHz out whatever came in (less the converter's delay)
    assert db(mic[settled]) - db(out[settled]) >= 15.0


def test_a_wrong_output_latency_is_found_and_the_reference_realigned(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The canceller thinks the sound leaves 0.25 s later than it does: the echo comes before its reference.
    room = Room(speech(VOICE * 2), latency_error=0.25)
    canceller = EchoCanceller(room.reference)
    with caplog.at_level(logging.WARNING, logger="assistant.audio.echo"):
        mic, _, out = room.run(canceller)
    assert canceller.full_duplex
    assert canceller.offset == pytest.approx(-0.25, abs=0.05)
    assert len([r for r in caplog.records if "re-aligned" in r.getMessage()]) == 1
    last = slice(len(mic) - 6 * SAMPLE_RATE, len(mic) - SAMPLE_RATE)
    assert db(mic[last]) - db(out[last]) >= 15.0


def test_an_echo_path_it_cannot_find_falls_back_to_half_duplex(caplog: pytest.LogCaptureFixture) -> None:
    # The loudspeaker plays one thing while the canceller is told another: no echo path to learn.
    voice = speech(VOICE * 2)
    room = Room(voice)
    room.reference = PlaybackReference()
    room.reference.play(0.5, speech(list(reversed(VOICE)) * 2), SAMPLE_RATE)
    canceller = EchoCanceller(room.reference)
    barge_in = BargeIn(canceller)
    with caplog.at_level(logging.WARNING, logger="assistant.audio.echo"):
        room.run(canceller)
    assert not canceller.full_duplex and not barge_in.working
    assert not barge_in.listens_over_voice(routine_active=True)
    assert (
        len([r for r in caplog.records if "half-duplex" in r.getMessage() or "quiet" in r.getMessage()]) == 1
    )


def test_talk_over_a_voice_the_microphone_does_not_hear_ends_in_full_duplex(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Headphones, or a speaker across the room: the microphone hears only the person, who talks over
    # most of the playback (which looks like an echo left uncancelled); then the voice plays on alone.
    voice = speech(VOICE * 4)
    room = Room(voice, RoomEcho(gain=0.0, tail_db=-120.0))
    others = ["radio_cramp.wav", "partner_radio_down.wav", "radio_next_week.wav", "radio_dont_stop.wav"]
    talk = np.concatenate([np.zeros(SAMPLE_RATE // 2, np.float32), speech(others)])
    canceller = EchoCanceller(room.reference)
    with caplog.at_level(logging.WARNING, logger="assistant.audio.echo"):
        room.run(canceller, near=talk)
    assert len(talk) < len(voice) - 4 * SAMPLE_RATE  # the voice went on alone for a while after the talk
    assert canceller.full_duplex and BargeIn(canceller).working
    fell_back = [r for r in caplog.records if "only when it is quiet" in r.getMessage()]
    restored = [r for r in caplog.records if "listening over it again" in r.getMessage()]
    assert len(restored) == len(fell_back)


class BrokenCanceller(EchoCanceller):
    def process(self, chunk: AudioChunk, captured_end: float) -> AudioChunk:
        raise RuntimeError("device went away")


def test_a_failing_canceller_means_half_duplex_not_a_crash(caplog: pytest.LogCaptureFixture) -> None:
    barge_in = BargeIn(BrokenCanceller(PlaybackReference()))
    chunk = AudioChunk(bytes(2 * CHUNK))
    with caplog.at_level(logging.WARNING, logger="assistant.loop.barge_in"):
        assert barge_in.clean(chunk, 1.0) is chunk
        assert barge_in.clean(chunk, 1.03) is chunk
    assert not barge_in.working
    assert len(caplog.records) == 1


def test_without_libspeexdsp_the_error_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(speex_aec, "_library", None)
    monkeypatch.setattr(speex_aec, "_LIBRARY_NAMES", ("libspeexdsp-missing.so.0",))
    monkeypatch.setattr(speex_aec.ctypes.util, "find_library", lambda name: None)
    with pytest.raises(AudioError, match="apt-get install libspeexdsp1"):
        EchoCanceller(PlaybackReference())
