"""End-of-speech detection: cuts utterances out of a stream of chunks, cheaply, in steady noise.

Each 30 ms frame is windowed and transformed (one 512-point FFT); its power is summed in seven bands
between 200 Hz and 7 kHz. Every band has its own noise floor (in dB), so steady noise of any colour, a
fan's brown noise or an air purifier's pink noise, sits near 0 dB above its floor in every band while
speech stands well above it. A frame's score is the best of: the mean of its three best band SNRs; its
single best band less 4 dB (a fricative); twice the SNR of all bands averaged as power ratios (speech
spread thinly over many bands). A frame is speech when the score passes a threshold (a lower one inside an
utterance, for hysteresis) and the frame is not near-silent.

The first five frames only teach the floors (their quietest level per band). Then the floors follow the
frames that are not speech and creep up slowly during speech. When the last half second has been steady
in every band (noise, not the rise and fall of syllables) the floors jump to it, so a fan switched on is
learnt within about a second, and an utterance it had started is dropped.

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

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.hearing.band_levels import BAND_COUNT, BandLevels
from assistant.hearing.endpoint_events import (
    EndpointEvent,
    SpeechAudio,
    SpeechDropped,
    SpeechEnded,
    SpeechPaused,
    SpeechStarted,
    coalesced,
)
from assistant.messages import SAMPLE_RATE, AudioChunk, Utterance
from assistant.settings import EndpointSettings

_LOGGER = logging.getLogger(__name__)

FRAME_SAMPLES = 480
"""30 ms at 16 kHz."""
FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE
START_FRAMES = 3
"""Consecutive speech frames that start an utterance (90 ms)."""
START_SNR_DB = 7.0
"""Band SNR (mean of the best three bands) a frame needs to count as speech outside an utterance."""
HOLD_SNR_DB = 5.0
"""The same, inside an utterance."""
MIN_LEVEL_DB = -65.0
"""Frames quieter than this (dB full scale, per band) are never speech."""
TAIL_SECONDS = 0.3
"""Audio kept after the last speech frame."""
_PAUSE_SECONDS = TAIL_SECONDS + FRAME_SECONDS
"""Silence after the last word by which every frame the utterance keeps is out (`SpeechPaused`)."""
_BEST_BANDS = 3
_SINGLE_BAND_PENALTY_DB = 4.0
"""A frame strong in one band only (a fricative, s or f, lives above 4.5 kHz) counts with this much less."""
_SPREAD_GAIN = 2.0
"""The mean of all bands' SNRs (as power ratios) fluctuates less in noise than any one band, so it counts
this much more: it catches speech spread thinly over many bands deep in noise."""
_ONSET_GAP_FRAMES = 2
_WARMUP_FRAMES = 5
"""The first frames only teach the noise floor (their quietest level per band); speech cannot start."""
_FLOOR_FOLLOW = 0.1
_FLOOR_FALL = 0.3
_FLOOR_CREEP_DB = 0.05
_STEADY_FRAMES = 17
_STEADY_STD_DB = 3.5
_STEADY_EVERY = 4
"""The steadiness check runs every this many frames (it is the costliest step)."""
_STEADY_JUMP_DB = 6.0


class Endpointer:
    """Feed chunks with `process`; it returns an `Utterance` when one ends, else None."""

    def __init__(self, settings: EndpointSettings | None = None) -> None:
        self.settings = settings or EndpointSettings()
        self._band_levels = BandLevels(FRAME_SAMPLES)
        self._floor = np.zeros(BAND_COUNT)
        self._recent: deque[np.ndarray] = deque(maxlen=_STEADY_FRAMES)
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
        self._speech_frames = 0
        self._silent_frames = 0
        self._noise_onset = False
        self._ready: deque[Utterance] = deque()
        self._events: list[EndpointEvent] = []
        self._released = 0  # frames of the utterance already handed out as SpeechAudio
        self._paused = False  # SpeechPaused was sent for the current stretch of silence
        self.frames_seen = 0

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
            for frame, level in zip(frames, self._band_levels(frames), strict=True):
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
        self.frames_seen += 1
        if self.frames_seen <= _WARMUP_FRAMES:
            self._floor = level if self.frames_seen == 1 else np.minimum(self._floor, level)
            self._ring.append((frame, 0.0))
            return None
        snr = level - self._floor
        ranked = np.sort(snr)
        spread = 10.0 * np.log10(np.mean(10.0 ** (np.clip(snr, -30.0, 60.0) / 10.0)))
        best = max(
            float(np.mean(ranked[-_BEST_BANDS:])),
            float(ranked[-1]) - _SINGLE_BAND_PENALTY_DB,
            float(spread) * _SPREAD_GAIN,
        )
        threshold = HOLD_SNR_DB if self._speaking else START_SNR_DB
        audible = float(level.max()) > MIN_LEVEL_DB
        is_speech = best >= threshold and audible
        self._adapt_floor(level, is_speech)
        if self._speaking and self._noise_onset:
            _LOGGER.debug("dropped the start at %.2f s: steady noise came on", self._start)
            self._events.append(SpeechDropped("steady noise came on"))
            self._reset_utterance()
        if self._speaking:
            self._continue(frame, frame_start, is_speech)
            return
        self._ring.append((frame, best if audible else 0.0))
        self._run = self._run + 1 if is_speech else 0
        if self._run >= START_FRAMES:
            self._speaking = True
            self._frames = [ring_frame for ring_frame, _ in self._ring]
            onset = self._onset_frames()
            self._start = frame_start - (onset - 1) * FRAME_SECONDS
            self._audio_start = frame_start - (len(self._ring) - 1) * FRAME_SECONDS
            self._last_speech_end = frame_start + FRAME_SECONDS
            self._speech_frames = START_FRAMES
            self._silent_frames = 0
            self._noise_onset = False
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
            self._speech_frames += 1
            self._silent_frames = 0
            self._paused = False
            self._last_speech_end = frame_start + FRAME_SECONDS
        else:
            self._silent_frames += 1
        if self._silent_frames * FRAME_SECONDS >= self.settings.trailing_silence - 1e-9:
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

    def _adapt_floor(self, level: np.ndarray, is_speech: bool) -> None:
        self._recent.append(level)
        falling = level < self._floor
        if is_speech:
            step = np.minimum(level - self._floor, _FLOOR_CREEP_DB)
            self._floor = np.where(
                falling, self._floor + _FLOOR_FALL * (level - self._floor), self._floor + step
            )
        else:
            self._floor = self._floor + _FLOOR_FOLLOW * (level - self._floor)
        if len(self._recent) == _STEADY_FRAMES and self.frames_seen % _STEADY_EVERY == 0:
            recent = np.array(self._recent)
            mean = recent.mean(axis=0)
            if float(recent.std(axis=0).max()) < _STEADY_STD_DB and float(np.max(mean - self._floor)) > 3.0:
                if float(np.max(mean - self._floor)) > _STEADY_JUMP_DB and self._speaking:
                    self._noise_onset = True
                self._floor = np.maximum(self._floor, mean - 1.0)

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
        self._speech_frames = 0
        self._silent_frames = 0
        self._noise_onset = False
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
