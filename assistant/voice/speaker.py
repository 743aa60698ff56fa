"""Speakers: say text aloud (own playback), into a WAV file, or nowhere (logging only).

A speaker knows how long a phrase takes before it plays it (`duration`), plays without blocking
(`play`), and can be cut off at once (`stop`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Protocol

from assistant.clock import Clock
from assistant.settings import VoiceSettings
from assistant.voice.earcons import earcon
from assistant.voice.sentences import Piece, speech_pieces
from assistant.voice.speech import Player, Synthesizer, estimate_seconds
from assistant.voice.speech_cache import SpeechCache
from assistant.voice.speech_store import SpeechStore
from assistant.voice.voice_profile import VoiceProfile, profile_for

_LOGGER = logging.getLogger(__name__)
SPEAKER_KINDS = ("sound", "null")


class Speaker(Protocol):
    """Where the assistant's voice goes."""

    def duration(self, text: str) -> float:
        """Seconds the text takes to say (known before it is played)."""
        ...

    def play(self, text: str) -> None:
        """Start saying text and return at once (cutting off anything still playing)."""
        ...

    def play_earcon(self, name: str) -> None:
        """Start a short tone ("listening", "hold_end")."""
        ...

    def say(self, text: str) -> None:
        """Say text and return when it has been said."""
        ...

    def stop(self) -> None:
        """Silence at once."""
        ...

    def is_speaking(self) -> bool: ...

    def close(self) -> None: ...


class NullSpeaker:
    """Speaks nowhere: logs each phrase; durations are estimated from the text and the rate."""

    def __init__(self, rate: int = 165) -> None:
        self.rate = rate

    def duration(self, text: str) -> float:
        return estimate_seconds(text, self.rate)

    def play(self, text: str) -> None:
        _LOGGER.info("say: %s", text)

    def play_earcon(self, name: str) -> None:
        _LOGGER.info("earcon: %s", name)

    def say(self, text: str) -> None:
        self.play(text)

    def stop(self) -> None:
        _LOGGER.debug("stop")

    def is_speaking(self) -> bool:
        return False

    def close(self) -> None:
        pass


class SynthSpeaker:
    """Synthesises with a `Synthesizer` and plays through a `Player` (sounddevice on the device).

    A reply is synthesised a piece at a time (see `sentences.py`): the first piece starts playing as soon
    as it is ready, and a thread synthesises the rest and queues each piece behind it. `stop()` or the
    next `play()` drops whatever that thread has not queued yet.
    """

    def __init__(
        self, synth: Synthesizer, player: Player, volume: float = 1.0, store: SpeechStore | None = None
    ) -> None:
        self.cache = SpeechCache(synth, store=store)
        self.player = player
        self.volume = volume
        self._lock = threading.Lock()
        self._generation = 0
        self._feeder: threading.Thread | None = None
        self._fed = -1
        """The generation the feeder thread works for."""

    def duration(self, text: str) -> float:
        return self.cache.get(text).seconds

    def play(self, text: str) -> None:
        pieces = speech_pieces(text)
        with self._lock:
            self._generation += 1
            generation = self._generation
        if not pieces:
            self.player.stop()
            return
        first = self.cache.piece(pieces[0])
        _LOGGER.info("say (%s pieces): %s", len(pieces), text)
        with self._lock:
            if generation != self._generation:
                return
            self.player.play(first.samples, first.rate)
        if len(pieces) > 1:
            feeder = threading.Thread(
                target=self._feed, args=(pieces[1:], generation), name="speech-feeder", daemon=True
            )
            self._feeder, self._fed = feeder, generation
            feeder.start()

    def prepare(self, texts: list[str]) -> threading.Thread:
        """Synthesise the first piece of each text in a background thread of low priority (into the
        store, when there is one), so those replies start at once later; returns the thread."""

        def work() -> None:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)  # this thread only
            try:
                self.cache.prepare(texts)
            except Exception as err:  # a warm-up that fails costs only speed
                _LOGGER.warning("preparing speech failed: %s", err)

        thread = threading.Thread(target=work, name="speech-prepare", daemon=True)
        thread.start()
        return thread

    def play_earcon(self, name: str) -> None:
        with self._lock:
            self._generation += 1
        rate = 22050
        self.player.play(earcon(name, rate, self.volume), rate)

    def say(self, text: str) -> None:
        self.play(text)
        feeder = self._feeder
        if feeder is not None:
            feeder.join()
        self.player.wait()

    def stop(self) -> None:
        with self._lock:
            self._generation += 1
            self.player.stop()

    def is_speaking(self) -> bool:
        """Playing, or still synthesising pieces of the reply that is playing now."""
        feeder = self._feeder
        feeding = feeder is not None and feeder.is_alive() and self._fed == self._generation
        return self.player.is_playing() or feeding

    def close(self) -> None:
        self.stop()
        feeder = self._feeder
        if feeder is not None:
            feeder.join()
        self.player.close()
        self.cache.synth.close()

    def _feed(self, pieces: tuple[Piece, ...], generation: int) -> None:
        for piece in pieces:
            if generation != self._generation:
                return
            try:
                speech = self.cache.piece(piece)
            except Exception as err:  # the playback thread reports and gives up on this reply
                _LOGGER.warning("speech synthesis failed for %r: %s", piece.text, err)
                return
            with self._lock:
                if generation != self._generation:
                    return
                self.player.queue(speech.samples, speech.rate)


def open_speaker(
    settings: VoiceSettings,
    speak_to: Path | None = None,
    kind: str = "sound",
    clock: Clock | None = None,
    when: datetime | None = None,
    models_dir: Path | None = None,
) -> Speaker:
    """The speaker the command line asked for.

    speak_to: render into this WAV file instead of playing (a `WavSpeaker`; pass the session's clock
    so phrases land at their scheduled times). kind: "sound" plays on the output device (AudioError
    with a hint when there is none), "null" only logs. `when` picks the day or night voice
    (default: the local time now). The engine is `settings.engine` (see `engines.py`); Piper voices
    are looked for in `models_dir` (default: models/).
    """
    profile = profile_for(settings, when or datetime.now())
    _LOGGER.debug("voice profile %s", profile)
    if kind not in SPEAKER_KINDS:
        raise ValueError(f"unknown speaker {kind!r}; one of {', '.join(SPEAKER_KINDS)}")
    if speak_to is not None:
        from assistant.voice.wav_speaker import WavSpeaker

        synth = _synthesizer(settings, profile, models_dir)
        return WavSpeaker(speak_to, synth, clock, profile.volume, store=SpeechStore.for_synth(synth))
    if kind == "null":
        return NullSpeaker(profile.rate)
    from assistant.audio.output import SoundDevicePlayer

    player = SoundDevicePlayer(settings.device)
    player.open()
    synth = _synthesizer(settings, profile, models_dir)
    return SynthSpeaker(synth, player, profile.volume, SpeechStore.for_synth(synth))


def _synthesizer(settings: VoiceSettings, profile: VoiceProfile, models_dir: Path | None) -> Synthesizer:
    from assistant.voice.engines import make_synthesizer

    return make_synthesizer(settings, profile, models_dir)
