"""Streaming recognition: the endpointer hands out speech as it goes, and a stream fed those pieces
gives the same transcript as decoding the whole utterance, for pocketsphinx (real audio) and Vosk (fake)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from audio_signals import background, syllables
from fake_vosk import FakeVosk, make_model_tree

from assistant.audio.pcm import float_to_pcm16
from assistant.audio.source import WavSource
from assistant.content.loader import Content
from assistant.errors import ModelError
from assistant.hearing.endpoint_events import (
    EndpointEvent,
    SpeechAudio,
    SpeechDropped,
    SpeechEnded,
    SpeechStarted,
)
from assistant.hearing.endpointer import Endpointer
from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer, PocketsphinxTuning
from assistant.hearing.recognizer import BufferedStream, start_stream
from assistant.hearing.vosk_engine import VoskRecognizer
from assistant.messages import IDLE, SAMPLE_RATE, AudioChunk, Expectation, Transcript

AUDIO = Path(__file__).parent / "audio"
FIXTURES = ["q_calf_cramping.wav", "q_left_foot_brown12.wav", "q_causes.wav", "human_goforward.wav"]


def _events(samples: np.ndarray) -> list[EndpointEvent]:
    endpointer = Endpointer()
    events: list[EndpointEvent] = []
    for offset in range(0, len(samples), 480):
        chunk = AudioChunk(float_to_pcm16(samples[offset : offset + 480]), offset / SAMPLE_RATE)
        events += endpointer.events(chunk)
    return events + endpointer.flush_events()


def _utterance_streams(path: Path) -> list[tuple[list[bytes], bytes]]:
    """(audio pieces handed out while speaking, the utterance's audio) for each utterance in a file."""
    endpointer = Endpointer()
    found: list[tuple[list[bytes], bytes]] = []
    pieces: list[bytes] = []
    batches = [endpointer.events(chunk) for chunk in WavSource(path)] + [endpointer.flush_events()]
    for events in batches:
        for event in events:
            if isinstance(event, SpeechStarted):
                pieces = []
            elif isinstance(event, SpeechAudio):
                pieces.append(event.pcm)
            elif isinstance(event, SpeechEnded):
                found.append((pieces, event.utterance.audio))
    return found


def test_the_endpointer_hands_out_exactly_the_utterance_audio_while_it_is_spoken() -> None:
    quiet = background("brown", 1.0, 0.002, seed=1)
    speech = syllables(1.5, 0.1) + background("brown", 1.5, 0.002, seed=2)
    events = _events(np.concatenate([quiet, speech, background("brown", 1.5, 0.002, seed=3)]))
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "SpeechStarted" and kinds[-1] == "SpeechEnded"
    assert set(kinds[1:-1]) == {"SpeechAudio", "SpeechPaused"} and len(kinds) > 10  # chunk by chunk
    ended = events[-1]
    assert isinstance(ended, SpeechEnded)
    assert b"".join(e.pcm for e in events if isinstance(e, SpeechAudio)) == ended.utterance.audio
    # The last pause comes once every piece of the utterance is out: nothing arrives between it and the end.
    assert kinds[-2] == "SpeechPaused"


def test_a_pause_mid_utterance_is_reported_and_speech_goes_on() -> None:
    quiet = background("brown", 1.0, 0.002, seed=1)
    gap = background("brown", 0.45, 0.002, seed=5)  # shorter than the trailing silence
    first = syllables(1.0, 0.1) + background("brown", 1.0, 0.002, seed=2)
    second = syllables(0.75, 0.1, pitch=190.0) + background("brown", 0.75, 0.002, seed=6)
    events = _events(np.concatenate([quiet, first, gap, second, background("brown", 1.5, 0.002, seed=3)]))
    kinds = [type(e).__name__ for e in events]
    assert kinds.count("SpeechStarted") == 1 and kinds.count("SpeechEnded") == 1
    assert kinds.count("SpeechPaused") == 2  # in the gap, and after the last word
    first_pause = kinds.index("SpeechPaused")
    assert "SpeechAudio" in kinds[first_pause:-2]  # speech resumed after the first pause


@pytest.mark.parametrize("resumed", [False, True])
def test_pocketsphinx_prepare_decodes_ahead_and_finish_reuses_it(
    sentences: list[str], tmp_path: Path, resumed: bool
) -> None:
    ((pieces, audio),) = _utterance_streams(AUDIO / "q_left_foot.wav")
    expected = PocketsphinxRecognizer(sentences, tmp_path).transcribe(audio)
    recognizer = PocketsphinxRecognizer(sentences, tmp_path)
    counting = _CountingDecoder(recognizer.decoder)
    recognizer.decoder = counting
    stream = recognizer.start()
    cut = len(pieces) - 3 if resumed else len(pieces)
    for piece in pieces[:cut]:
        stream.accept(piece)
    stream.prepare()
    stream.prepare()  # nothing new: no second decode
    assert counting.utterances == 1
    for piece in pieces[cut:]:
        stream.accept(piece)
    assert stream.finish() == expected
    assert counting.utterances == (2 if resumed else 1)


class _CountingDecoder:
    """The real decoder, counting the utterances it is asked to decode."""

    def __init__(self, decoder: object) -> None:
        self._decoder = decoder
        self.utterances = 0

    def start_utt(self) -> None:
        self.utterances += 1
        self._decoder.start_utt()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._decoder, name)


def test_silence_hands_out_nothing_and_a_burst_is_dropped() -> None:
    assert _events(background("brown", 3.0, 0.002, seed=4)) == []
    burst = np.concatenate(
        [background("brown", 1.0, 0.002), syllables(0.12, 0.2), background("brown", 1.5, 0.002)]
    )
    events = _events(burst)
    assert isinstance(events[0], SpeechStarted)
    assert isinstance(events[-1], SpeechDropped)
    assert not any(isinstance(e, SpeechEnded) for e in events)


@pytest.fixture(scope="module")
def sentences(content: Content) -> list[str]:
    return [s.text for s in content.sentences]


@pytest.mark.parametrize("live", [False, True])
def test_pocketsphinx_stream_and_batch_give_the_same_transcripts(
    sentences: list[str], tmp_path: Path, live: bool
) -> None:
    """Two decoders in the same state: one fed the endpointer's pieces as they come, one the whole."""
    tuning = PocketsphinxTuning(live=live)
    batch = PocketsphinxRecognizer(sentences, tmp_path, tuning)
    streaming = PocketsphinxRecognizer(sentences, tmp_path, tuning)
    heard = []
    for name in FIXTURES:
        for pieces, audio in _utterance_streams(AUDIO / name):
            stream = streaming.start()
            for index, piece in enumerate(pieces):
                stream.accept(piece)
                if index == len(pieces) // 2:
                    stream.prepare()  # a pause mid-way changes nothing
            streamed = stream.finish()
            assert streamed == batch.transcribe(audio), name
            heard.append(streamed.text)
    assert "my left foot is cramping" in heard


def test_a_cancelled_or_abandoned_pocketsphinx_stream_leaves_the_decoder_ready(
    sentences: list[str], tmp_path: Path
) -> None:
    recognizer = PocketsphinxRecognizer(sentences, tmp_path, PocketsphinxTuning(live=True))
    ((pieces, audio),) = _utterance_streams(AUDIO / "q_left_foot.wav")
    cancelled = recognizer.start()
    cancelled.accept(audio[: len(audio) // 2])
    cancelled.cancel()
    abandoned = recognizer.start()
    abandoned.accept(pieces[0])
    assert recognizer.transcribe(audio).text == "my left foot is cramping"
    with pytest.raises(ModelError):
        abandoned.accept(pieces[1])


def test_vosk_stream_feeds_as_it_goes_and_matches_transcribe(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    words = ["my", "left", "foot", "is", "cramping"]
    fake = FakeVosk(vocabulary=words)
    fake.install(monkeypatch)
    recognizer = VoskRecognizer(make_model_tree(tmp_path), ["my left foot is cramping"])
    audio = bytes(SAMPLE_RATE * 2)
    fake.say("my left foot is cramping")
    batch = recognizer.transcribe(audio)
    fake.say("my left foot is cramping")
    stream = recognizer.start()
    for offset in range(0, len(audio), 961):  # odd pieces: a sample split across two pieces
        stream.accept(audio[offset : offset + 961])
    assert len(fake.fed_bytes) > 30  # decoded piece by piece, before finish
    assert sum(fake.fed_bytes) == 2 * len(audio)
    assert stream.finish() == batch
    assert batch.text == "my left foot is cramping"
    cancelled = recognizer.start()
    cancelled.accept(audio[:3200])
    cancelled.cancel()
    assert fake.resets == 1


class _Plain:
    name = "plain"

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        return Transcript(f"{len(audio)} bytes", 0.9, self.name)


def test_a_recogniser_without_streams_gets_the_whole_utterance_at_the_end() -> None:
    stream = start_stream(_Plain())
    assert isinstance(stream, BufferedStream)
    stream.accept(b"\0" * 10)
    stream.accept(b"\0" * 6)
    assert stream.finish().text == "16 bytes"
