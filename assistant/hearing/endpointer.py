"""End-of-speech detection: cuts utterances out of a stream of chunks, cheaply, in steady noise.

Each 30 ms frame is judged speech or not by `frame_scorer` (band SNRs against noise floors that follow
the room; a fan switched on is learnt within about a second, and an utterance it had started is dropped).

An utterance starts after `START_FRAMES` speech frames in a row; its start reaches back over weaker
speech-like frames just before them (the s of "stop"), and its audio begins `pre_roll` earlier. It ends
after `trailing_silence` without speech, or is cut at `max_seconds` (truncated=True). One whose speech
(start to last speech frame) is shorter than `min_speech` (a click, a cough, a door) is dropped. Its
audio runs to the last speech frame plus a 0.3 s tail. Nothing else is done: no decoding while the room
is quiet, about 5 ms of CPU per second of audio.

`events` reports the audio as it goes (see `endpoint_events`), so speech can be decoded while it is
spoken; `process` only hands out the utterances.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.hearing.endpoint_events import (
    EndpointEvent,
    SpeechAudio,
    SpeechDropped,
    SpeechEnded,
    SpeechPaused,
    SpeechStarted,
    coalesced,
)
from assistant.hearing.frame_scorer import FRAME_SAMPLES, FRAME_SECONDS, HOLD_SNR_DB, FrameScorer
from assistant.messages import SAMPLE_RATE, SAMPLE_WIDTH, AudioChunk, Utterance
from assistant.settings import EndpointSettings

_LOGGER = logging.getLogger(__name__)

START_FRAMES = 3
"""Consecutive speech frames that start an utterance (90 ms)."""
TAIL_SECONDS = 0.3
"""Audio kept after the last speech frame."""
_PAUSE_SECONDS = TAIL_SECONDS + FRAME_SECONDS
"""Silence after the last word by which every frame the utterance keeps is out (`SpeechPaused`)."""
_ONSET_GAP_FRAMES = 2


@dataclass(frozen=True)
class OverVoice:
    """How utterances are cut while the assistant speaks and the loop listens over it (barge-in)."""

    trailing_silence: float = 0.18
    """Seconds of silence that end an utterance (6 frames), so a "stop" or "pause" cuts the sentence
    within about 0.3 s of the word's end."""
    margin_db: float = 11.0
    """Extra SNR asked of speech: what the echo canceller leaves of the voice sits a few dB over the room's
    noise and must not start or prolong an utterance (docs/hearing.md)."""


class Endpointer:
    """Feed chunks with `process`; it returns an `Utterance` when one ends, else None."""

    def __init__(self, settings: EndpointSettings | None = None, over_voice: OverVoice | None = None) -> None:
        self.settings = settings or EndpointSettings()
        self.over_voice = over_voice or OverVoice()
        self._over_voice = False
        self._scorer = FrameScorer()
        self._pending = np.zeros(0, dtype=np.float32)
        self._time: float | None = None  # seconds at the start of _pending
        pre_frames = round(self.settings.pre_roll / FRAME_SECONDS)
        self._ring: deque[tuple[np.ndarray, float]] = deque(maxlen=pre_frames + START_FRAMES)
        self._run = 0
        self._speaking = False
        self._frames: list[np.ndarray] = []
        self._start = 0.0
        self._audio_start = 0.0
        self._last_speech_end = 0.0
        self._silent_frames = 0
        self._ready: deque[Utterance] = deque()
        self._events: list[EndpointEvent] = []
        self._released = 0  # frames of the utterance already handed out as SpeechAudio
        self._paused = False  # SpeechPaused was sent for the current stretch of silence

    @property
    def frames_seen(self) -> int:
        """Frames judged so far."""
        return self._scorer.frames_seen

    @property
    def margin_db(self) -> float:
        """Extra SNR a frame needs to count as speech now (see `FrameScorer.margin_db`)."""
        return self._scorer.margin_db

    @property
    def trailing_silence(self) -> float:
        """Seconds of silence that end an utterance now."""
        return self.over_voice.trailing_silence if self._over_voice else self.settings.trailing_silence

    def listen_over_voice(self, on: bool) -> None:
        """The assistant is speaking and its voice is being cancelled (`on`), or not: cut utterances by
        `over_voice` while it is, by the settings otherwise."""
        self._over_voice = on
        self._scorer.margin_db = self.over_voice.margin_db if on else 0.0

    @property
    def speaking(self) -> bool:
        """True while an utterance is going on."""
        return self._speaking

    def process(self, chunk: AudioChunk) -> Utterance | None:
        """Adds a chunk; returns an utterance whose end has been detected, if any.

        Chunks longer than the trailing silence can complete two utterances; the later one is returned by
        the next call (or by `flush`).
        """
        self._ready.extend(e.utterance for e in self.events(chunk) if isinstance(e, SpeechEnded))
        return self._ready.popleft() if self._ready else None

    def events(self, chunk: AudioChunk) -> list[EndpointEvent]:
        """Adds a chunk; returns what happened in it, in order (audio pieces joined)."""
        if self._time is None:
            self._time = chunk.timestamp
        samples = np.concatenate([self._pending, pcm16_to_float(chunk.audio)])
        whole = len(samples) // FRAME_SAMPLES
        self._pending = samples[whole * FRAME_SAMPLES :]
        if whole:
            frames = samples[: whole * FRAME_SAMPLES].reshape(whole, FRAME_SAMPLES)
            for frame, level in zip(frames, self._scorer.levels(frames), strict=True):
                self._step(frame, level)
        return self._take_events()

    def flush(self) -> Utterance | None:
        """Ends the stream: returns an utterance not yet handed out, or the one in progress if it has
        enough speech. Call until it returns None."""
        self._ready.extend(e.utterance for e in self.flush_events() if isinstance(e, SpeechEnded))
        return self._ready.popleft() if self._ready else None

    def flush_events(self) -> list[EndpointEvent]:
        """Ends the stream: the utterance in progress ends here (or is dropped if too short)."""
        if self._speaking:
            self._finish(truncated=False)
        self._reset_utterance()
        self._run = 0
        self._ring.clear()
        return self._take_events()

    def _take_events(self) -> list[EndpointEvent]:
        events, self._events = coalesced(self._events), []
        return events

    def _now(self) -> float:
        assert self._time is not None
        return self._time + self.frames_seen * FRAME_SECONDS

    def _step(self, frame: np.ndarray, level: np.ndarray) -> None:
        frame_start = self._now()
        judged = self._scorer.score(level, self._speaking)
        if judged is None:  # still learning the noise floors
            self._ring.append((frame, 0.0))
            return
        if self._speaking and judged.noise_came_on:
            _LOGGER.debug("dropped the start at %.2f s: steady noise came on", self._start)
            self._events.append(SpeechDropped("steady noise came on"))
            self._reset_utterance()
        if self._speaking:
            self._continue(frame, frame_start, judged.speech)
            return
        self._ring.append((frame, judged.score))
        self._run = self._run + 1 if judged.speech else 0
        if self._run >= START_FRAMES:
            self._speaking = True
            self._frames = [ring_frame for ring_frame, _ in self._ring]
            onset = self._onset_frames()
            self._start = frame_start - (onset - 1) * FRAME_SECONDS
            self._audio_start = frame_start - (len(self._ring) - 1) * FRAME_SECONDS
            self._last_speech_end = frame_start + FRAME_SECONDS
            self._silent_frames = 0
            self._ring.clear()
            self._run = 0
            self._events.append(SpeechStarted(self._start))
            self._release(len(self._frames))

    def _onset_frames(self) -> int:
        """Frames from the onset of speech to now: the start run plus weaker frames just before it (a
        fricative such as the s of "stop"), bridging gaps of up to `_ONSET_GAP_FRAMES`."""
        scores = [score for _, score in self._ring]
        onset = START_FRAMES
        gap = 0
        for index in range(len(scores) - START_FRAMES - 1, -1, -1):
            if scores[index] >= HOLD_SNR_DB:
                onset = len(scores) - index
                gap = 0
            else:
                gap += 1
                if gap > _ONSET_GAP_FRAMES:
                    break
        return onset

    def _continue(self, frame: np.ndarray, frame_start: float, is_speech: bool) -> None:
        self._frames.append(frame)
        if is_speech:
            self._silent_frames = 0
            self._paused = False
            self._last_speech_end = frame_start + FRAME_SECONDS
        else:
            self._silent_frames += 1
        if self._silent_frames * FRAME_SECONDS >= self.trailing_silence - 1e-9:
            self._finish(truncated=False)
        elif self._now() - self._start >= self.settings.max_seconds:
            self._finish(truncated=True)
        else:
            self._release(self._kept_frames(truncated=False))
            if not self._paused and self._silent_frames * FRAME_SECONDS >= _PAUSE_SECONDS - 1e-9:
                self._paused = True
                self._events.append(SpeechPaused())
            return
        self._reset_utterance()

    def _kept_frames(self, truncated: bool) -> int:
        """How many of the utterance's frames it keeps if it ends now."""
        keep_until = self._now() if truncated else min(self._now(), self._last_speech_end + TAIL_SECONDS)
        return round((keep_until - self._audio_start) / FRAME_SECONDS)

    def _release(self, upto: int) -> None:
        """Hands out the utterance's frames up to `upto` not handed out yet."""
        if upto > self._released:
            self._events.append(SpeechAudio(_pcm(self._frames[self._released : upto])))
            self._released = upto

    def _finish(self, truncated: bool) -> None:
        speech_seconds = self._last_speech_end - self._start
        if speech_seconds < self.settings.min_speech and not truncated:
            _LOGGER.debug("dropped a %.2f s burst at %.2f s", speech_seconds, self._start)
            self._events.append(SpeechDropped("too short"))
            return
        keep = self._kept_frames(truncated)
        self._release(keep)
        pcm = _pcm(self._frames[:keep])
        end = self._now() if truncated else self._last_speech_end
        _LOGGER.debug("utterance %.2f-%.2f s%s", self._start, end, " (truncated)" if truncated else "")
        utterance = Utterance(pcm, start=self._start, end=end, ended_at=self._now(), truncated=truncated)
        self._events.append(SpeechEnded(utterance))

    def _reset_utterance(self) -> None:
        self._speaking = False
        self._frames = []
        self._silent_frames = 0
        self._released = 0
        self._paused = False


def pause_lead(settings: EndpointSettings | None = None) -> float:
    """Seconds from `SpeechPaused` to `SpeechEnded` when the speaker stays silent: the time a recogniser
    has to decode ahead before anyone waits for it."""
    trailing = (settings or EndpointSettings()).trailing_silence
    return max(0.0, trailing - _PAUSE_SECONDS)


def _pcm(frames: list[np.ndarray]) -> bytes:
    return float_to_pcm16(np.concatenate(frames))


def utterances(chunks: Iterable[AudioChunk], settings: EndpointSettings | None = None) -> Iterator[Utterance]:
    """Every utterance in a stream of chunks, the last one flushed at the end of the stream."""
    endpointer = Endpointer(settings)
    for chunk in chunks:
        utterance = endpointer.process(chunk)
        if utterance is not None:
            yield utterance
    while (last := endpointer.flush()) is not None:
        yield last


def speech_span(audio: bytes, settings: EndpointSettings | None = None) -> bytes:
    """The audio from the first detected speech (with its lead-in) to the end of the last; b"" for none."""
    step = SAMPLE_RATE * SAMPLE_WIDTH * 30 // 1000
    chunks = (
        AudioChunk(audio[at : at + step], timestamp=at / (SAMPLE_RATE * SAMPLE_WIDTH))
        for at in range(0, len(audio), step)
    )
    found = list(utterances(chunks, settings))
    if not found:
        return b""
    start = max(0.0, found[0].start - (settings or EndpointSettings()).pre_roll)
    end = found[-1].ended_at or found[-1].end
    return audio[_offset(start) : _offset(end)]


def _offset(seconds: float) -> int:
    return int(seconds * SAMPLE_RATE) * SAMPLE_WIDTH
