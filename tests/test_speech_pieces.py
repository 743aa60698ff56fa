"""A reply spoken a piece at a time: the first piece plays at once, the rest is queued behind it."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from speech_fakes import ToneSynth

from assistant.voice.sentences import CLAUSE_PAUSE, SENTENCE_PAUSE, speech_pieces
from assistant.voice.speaker import SynthSpeaker
from assistant.voice.speech import Speech
from assistant.voice.speech_cache import SpeechCache
from assistant.voice.speech_store import SpeechStore

REPLY = (
    "Stand facing a wall with your hands flat on it, then step one foot back. "
    "Hold it for 30 seconds. Then switch legs."
)


class RecordingPlayer:
    """Keeps every play and queue call in order; 'plays' until stopped or marked done."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.playing = False
        self.done = threading.Event()

    def play(self, samples: np.ndarray, rate: int) -> None:
        self.calls.append(("play", len(samples)))
        self.playing = True

    def queue(self, samples: np.ndarray, rate: int) -> None:
        self.calls.append(("queue", len(samples)))
        self.playing = True

    def stop(self) -> None:
        self.calls.append(("stop", 0))
        self.playing = False

    def is_playing(self) -> bool:
        return self.playing

    def wait(self, timeout: float | None = None) -> bool:
        self.playing = False
        return True

    def close(self) -> None:
        pass


class GatedSynth(ToneSynth):
    """A tone synthesiser that waits for `gate` before every piece after the first."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.texts: list[str] = []

    def synthesize(self, text: str) -> Speech:
        if self.texts:
            assert self.gate.wait(5.0)
        self.texts.append(text)
        return super().synthesize(text)


def test_pieces_are_sentences_and_a_long_first_sentence_is_cut_at_its_comma() -> None:
    pieces = speech_pieces(REPLY)
    assert [p.text for p in pieces] == [
        "Stand facing a wall with your hands flat on it,",
        "then step one foot back.",
        "Hold it for 30 seconds.",
        "Then switch legs.",
    ]
    assert [p.pause_after for p in pieces] == [CLAUSE_PAUSE, SENTENCE_PAUSE, SENTENCE_PAUSE, 0.0]
    assert " ".join(p.text for p in pieces) == REPLY
    assert [p.text for p in speech_pieces("Release.")] == ["Release."]
    assert speech_pieces("   ") == ()
    assert [p.text for p in speech_pieces("Call 999 now, or NHS 111. Hold 30 seconds.")] == [
        "Call 9 9 9 now,",
        "or NHS 1 1 1.",
        "Hold 30 seconds.",
    ]


def test_the_whole_reply_is_its_pieces_with_their_pauses() -> None:
    synth = ToneSynth()
    cache = SpeechCache(synth)
    pieces = speech_pieces(REPLY)
    expected = sum(0.05 * len(p.text) + p.pause_after for p in pieces)
    assert (
        cache.get(REPLY).seconds == np.round(expected * synth.rate) / synth.rate
        or abs(cache.get(REPLY).seconds - expected) < len(pieces) / synth.rate
    )
    calls = synth.calls
    cache.get(REPLY)
    assert synth.calls == calls == len(pieces)  # each piece synthesised once


def test_the_first_piece_plays_before_the_rest_is_synthesised() -> None:
    synth = GatedSynth()
    player = RecordingPlayer()
    speaker = SynthSpeaker(synth, player)
    speaker.play(REPLY)
    assert player.calls == [
        (
            "play",
            len(SpeechCache(ToneSynth()).get(speech_pieces(REPLY)[0].text).samples)
            + round(CLAUSE_PAUSE * synth.rate),
        )
    ]
    assert synth.texts == [speech_pieces(REPLY)[0].text]
    assert speaker.is_speaking()
    synth.gate.set()
    feeder = speaker._feeder
    assert feeder is not None
    feeder.join(5.0)
    assert [kind for kind, _ in player.calls] == ["play", "queue", "queue", "queue"]
    assert sum(n for _, n in player.calls) == len(speaker.cache.get(REPLY).samples)
    speaker.say(REPLY)  # all cached now: a new reply cuts in and plays in full
    assert [kind for kind, _ in player.calls[4:]] == ["play", "queue", "queue", "queue"]


def test_stop_drops_what_is_not_queued_yet() -> None:
    synth = GatedSynth()
    player = RecordingPlayer()
    speaker = SynthSpeaker(synth, player)
    speaker.play(REPLY)
    speaker.stop()
    synth.gate.set()
    feeder = speaker._feeder
    assert feeder is not None
    feeder.join(5.0)
    assert [kind for kind, _ in player.calls] == ["play", "stop"]
    assert not speaker.is_speaking()


class NamedToneSynth(ToneSynth):
    identity = "tone-test-v1"


def test_pieces_kept_on_disk_are_not_synthesised_again(tmp_path: Path) -> None:
    first = NamedToneSynth()
    store = SpeechStore.for_synth(first, tmp_path)
    assert store is not None and store.folder == tmp_path / "tone-test-v1"
    spoken = SpeechCache(first, store=store).get(REPLY)
    assert first.calls == len(speech_pieces(REPLY))
    again = NamedToneSynth()
    kept = SpeechCache(again, store=SpeechStore.for_synth(again, tmp_path)).get(REPLY)
    assert again.calls == 0
    assert np.array_equal(kept.samples, spoken.samples) and kept.rate == spoken.rate
    assert SpeechStore.for_synth(ToneSynth(), tmp_path) is None  # no identity, no store


def test_an_unreadable_kept_piece_is_synthesised_again(tmp_path: Path) -> None:
    synth = NamedToneSynth()
    store = SpeechStore(tmp_path)
    store.path("Release.").write_bytes(b"RIFF broken")
    assert SpeechCache(synth, store=store).get("Release.").seconds > 0.3
    assert synth.calls == 1
    assert store.load("Release.") is not None


def test_prepare_synthesises_first_pieces_in_the_background(tmp_path: Path) -> None:
    synth = NamedToneSynth()
    speaker = SynthSpeaker(synth, RecordingPlayer(), store=SpeechStore(tmp_path))
    speaker.prepare([REPLY, "Release."]).join(5.0)
    assert synth.calls == 2 and len(list(tmp_path.glob("*.wav"))) == 2
    speaker.play("Release.")
    assert synth.calls == 2
