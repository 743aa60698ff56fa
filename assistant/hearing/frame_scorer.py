"""How speech-like each 30 ms frame is, against noise floors that follow the room (the endpointer's ear).

Each frame is windowed and transformed (one 512-point FFT); its power is summed in seven bands between
200 Hz and 7 kHz (`band_levels`). Every band has its own noise floor (in dB), so steady noise of any
colour, a fan's brown noise or an air purifier's pink noise, sits near 0 dB above its floor in every band
while speech stands well above it. A frame's score is the best of: the mean of its three best band SNRs;
its single best band less 4 dB (a fricative); twice the SNR of all bands averaged as power ratios (speech
spread thinly over many bands). A frame is speech when the score passes a threshold (a lower one inside
an utterance, for hysteresis) and the frame is not near-silent.

The first five frames only teach the floors (their quietest level per band). Then the floors follow the
frames that are not speech and creep up slowly during speech. When the last half second has been steady
in every band (noise, not the rise and fall of syllables) the floors jump to it, so a fan switched on is
learnt within about a second (`FrameScore.noise_came_on` says so, and the endpointer drops an utterance
it had started).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from assistant.hearing.band_levels import BAND_COUNT, BandLevels
from assistant.messages import SAMPLE_RATE

FRAME_SAMPLES = 480
"""30 ms at 16 kHz."""
FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE
START_SNR_DB = 7.0
"""Band SNR (mean of the best three bands) a frame needs to count as speech outside an utterance."""
HOLD_SNR_DB = 5.0
"""The same, inside an utterance."""
MIN_LEVEL_DB = -65.0
"""Frames quieter than this (dB full scale, per band) are never speech."""
_BEST_BANDS = 3
_SINGLE_BAND_PENALTY_DB = 4.0
"""A frame strong in one band only (a fricative, s or f, lives above 4.5 kHz) counts with this much less."""
_SPREAD_GAIN = 2.0
"""The mean of all bands' SNRs (as power ratios) fluctuates less in noise than any one band, so it counts
this much more: it catches speech spread thinly over many bands deep in noise."""
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


@dataclass(frozen=True)
class FrameScore:
    """One frame, judged."""

    score: float
    """The frame's speech score in dB above the floors (0 for a near-silent frame)."""
    speech: bool
    """The score passed the threshold and the frame is audible."""
    noise_came_on: bool = False
    """The floors jumped to steady noise well above them (a fan switched on) at this frame."""


class FrameScorer:
    """Scores frames in order; `levels` first gives their band levels (a batch at a time)."""

    def __init__(self) -> None:
        self.levels = BandLevels(FRAME_SAMPLES)
        self._floor = np.zeros(BAND_COUNT)
        self._recent: deque[np.ndarray] = deque(maxlen=_STEADY_FRAMES)
        self.frames_seen = 0
        self.margin_db = 0.0
        """Extra SNR a frame needs to count as speech (raised while the assistant's own voice, cancelled,
        may leave a residue: see `loop.barge_in`)."""

    def score(self, level: np.ndarray, in_utterance: bool) -> FrameScore | None:
        """Judge the next frame from its band levels (None while the floors are still being learnt);
        `in_utterance` picks the lower threshold that holds an utterance."""
        self.frames_seen += 1
        if self.frames_seen <= _WARMUP_FRAMES:
            self._floor = level if self.frames_seen == 1 else np.minimum(self._floor, level)
            return None
        snr = level - self._floor
        ranked = np.sort(snr)
        spread = 10.0 * np.log10(np.mean(10.0 ** (np.clip(snr, -30.0, 60.0) / 10.0)))
        best = max(
            float(np.mean(ranked[-_BEST_BANDS:])),
            float(ranked[-1]) - _SINGLE_BAND_PENALTY_DB,
            float(spread) * _SPREAD_GAIN,
        )
        threshold = (HOLD_SNR_DB if in_utterance else START_SNR_DB) + self.margin_db
        audible = float(level.max()) > MIN_LEVEL_DB
        is_speech = best >= threshold and audible
        jumped = self._adapt_floor(level, is_speech)
        return FrameScore(best if audible else 0.0, is_speech, jumped)

    def _adapt_floor(self, level: np.ndarray, is_speech: bool) -> bool:
        """Follow the room; True when the floors jumped by more than `_STEADY_JUMP_DB`."""
        self._recent.append(level)
        falling = level < self._floor
        if is_speech:
            step = np.minimum(level - self._floor, _FLOOR_CREEP_DB)
            self._floor = np.where(
                falling, self._floor + _FLOOR_FALL * (level - self._floor), self._floor + step
            )
        else:
            self._floor = self._floor + _FLOOR_FOLLOW * (level - self._floor)
        jumped = False
        if len(self._recent) == _STEADY_FRAMES and self.frames_seen % _STEADY_EVERY == 0:
            recent = np.array(self._recent)
            mean = recent.mean(axis=0)
            if float(recent.std(axis=0).max()) < _STEADY_STD_DB and float(np.max(mean - self._floor)) > 3.0:
                jumped = float(np.max(mean - self._floor)) > _STEADY_JUMP_DB
                self._floor = np.maximum(self._floor, mean - 1.0)
        return jumped
