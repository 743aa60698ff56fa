"""The echo canceller stage: removes the assistant's own voice from the microphone signal, so the loop can
listen while it speaks (barge-in).

Each chunk from the microphone is paired with what the loudspeaker played over the same stretch of clock
time (`PlaybackReference`, already shifted by the output latency) and run, 10 ms at a time, through
speexdsp's echo canceller (its residual-echo suppressor stays off: see `speex_aec`). Microphone chunks at
another rate than 16 kHz are converted first. While nothing has been played for longer than the filter
spans, chunks pass untouched (no CPU spent in a quiet night).

Alignment: the canceller only learns an echo that arrives between 0 and `filter` samples after its
reference. A `AlignmentWatch` compares the energy out of the canceller with the energy in while the
loudspeaker is playing; when it stays high (the output latency is unknown or has changed), it finds the
echo's real delay by cross-correlating the microphone with the reference, shifts the reference and starts
learning again (one log line). If no delay can be found, the stage reports `full_duplex = False` and the
loop falls back to half-duplex listening (one log line) until a later window finds the echo cancelled, or
not heard at all (a person talking over a voice the microphone does not hear looks like an echo not
cancelled); it never raises into the loop.
"""

from __future__ import annotations

import logging
import time
from collections import deque

import numpy as np

from assistant.audio.pcm import float_to_pcm16, pcm16_to_float
from assistant.audio.playback import PlaybackReference
from assistant.audio.resample import Resampler
from assistant.audio.speex_aec import SpeexEchoCanceller
from assistant.messages import SAMPLE_RATE, AudioChunk

_LOGGER = logging.getLogger(__name__)
FRAME = 160
"""10 ms at 16 kHz: the canceller's step."""
FILTER = 2048
"""128 ms of echo path: a delay of tens of ms and the loud part of a bedroom's reverberation (it cancelled
more than 64 or 256 ms did: docs/hearing.md)."""
CHECK_SECONDS = 3.0
"""Seconds of playback over which the canceller's attenuation is judged."""
MIN_ATTENUATION_DB = 6.0
"""Less than this, over `CHECK_SECONDS` of loud playback, means the echo is not being cancelled."""
MAX_LAG = 1.0
"""The furthest (seconds, either way) the echo is looked for when re-aligning."""
FALLBACK_MISSES = 3
"""Windows in a row with the echo neither cancelled nor found before falling back to half-duplex."""
_SETTLE_SECONDS = 1.5
"""Playback the filter is given to converge before it is judged (after a start or a re-alignment)."""
CONVERGED_DB = 18.0
"""Attenuation of the echo, the room's noise taken off both sides (over the last `_CONVERGE_SECONDS` of
audible playback), from which the canceller counts as having learnt the room: until then the loop listens
only when it is quiet (a lower threshold let a residue of its voice be heard as a word)."""
_CONVERGE_SECONDS = 0.5
_FLOOR_RISE = 10 ** (0.05 / 10)
_AUDIBLE = 10.0
"""Playback counts as heard by the microphone (in the alignment check) when it lifts the mean power 10 dB
over its noise floor (a tracked minimum, a few dB under the noise's mean)."""
_MAX_DRIFT = 0.05
"""Seconds the microphone's sample count may drift from the clock before it is re-anchored."""
_ACTIVE_LEVEL = 1e-4
"""Mean power (float samples) above which the loudspeaker counts as playing in a frame (-40 dBFS)."""


class EchoCanceller:
    """Removes what `playback` played from each microphone chunk; see the module docstring."""

    def __init__(
        self,
        playback: PlaybackReference,
        input_latency: float = 0.0,
        filter: int = FILTER,
        engine: SpeexEchoCanceller | None = None,
    ) -> None:
        self.playback = playback
        self.input_latency = input_latency
        """Seconds from a sample being captured to its chunk arriving, beyond the chunk's own length."""
        self.engine = engine or SpeexEchoCanceller(FRAME, filter, SAMPLE_RATE)
        self.offset = 0.0
        """Seconds the reference is taken earlier than the microphone (found by re-aligning)."""
        self.full_duplex = True
        self.cpu_seconds = 0.0
        self.audio_seconds = 0.0
        self._span = self.engine.filter / SAMPLE_RATE
        self._mic_pending = np.zeros(0, dtype=np.float32)
        self._anchor = float("-inf")
        """Clock time of the first microphone sample of the current stretch without gaps."""
        self._next_timestamp = float("-inf")
        """The timestamp the next chunk has when none is missing."""
        self._done = 0
        """16 kHz samples processed since the anchor."""
        self._converter: Resampler | None = None
        self._converter_rate = SAMPLE_RATE
        self.watch = AlignmentWatch()
        self._misses = 0
        self._last_lag: float | None = None

    def process(self, chunk: AudioChunk, captured_end: float) -> AudioChunk:
        """The chunk without the echo; `captured_end` is the clock time its last sample was captured."""
        began = time.process_time()
        try:
            return self._process(chunk, captured_end)
        finally:
            self.cpu_seconds += time.process_time() - began
            self.audio_seconds += chunk.seconds

    def _process(self, chunk: AudioChunk, captured_end: float) -> AudioChunk:
        # The microphone's time line runs on by its samples from an anchor on the clock (a converter hands
        # out uneven pieces: timing each by the clock would jitter the echo path); it is anchored again
        # only after a gap (a microphone reopened).
        # Continuity is judged on the chunks' own timestamps (capture time): a chunk handed over late,
        # after a slow decode, was still captured when its timestamp says.
        if abs(chunk.timestamp - self._next_timestamp) > _MAX_DRIFT:
            self._anchor = captured_end - self.input_latency - chunk.seconds
            self._done = 0
            self._mic_pending = np.zeros(0, dtype=np.float32)
        self._next_timestamp = chunk.timestamp + chunk.seconds
        mic = self._to_16k(chunk)
        pending = np.concatenate([self._mic_pending, mic])
        whole = len(pending) // FRAME * FRAME
        self._mic_pending = pending[whole:]
        block, block_start = pending[:whole], self._anchor + self._done / SAMPLE_RATE
        self._done += whole
        timestamp = chunk.timestamp - (len(pending) - len(mic)) / SAMPLE_RATE
        if whole == 0:
            return AudioChunk(b"", timestamp)
        reference_start = block_start - self.offset
        quiet = not self.playback.playing(reference_start - self._span, reference_start + whole / SAMPLE_RATE)
        if quiet:
            self.watch.quiet(block)
            return AudioChunk(float_to_pcm16(block), timestamp)
        played = self.playback.render(reference_start, whole)
        mic16 = np.clip(np.rint(block * 32768.0), -32768, 32767).astype(np.int16)
        ref16 = np.clip(np.rint(played * 32768.0), -32768, 32767).astype(np.int16)
        out = np.empty_like(mic16)
        for at in range(0, whole, FRAME):
            out[at : at + FRAME] = self.engine.process(mic16[at : at + FRAME], ref16[at : at + FRAME])
        self._check(block, out, played, reference_start)
        return AudioChunk(out.astype("<i2").tobytes(), timestamp)

    def _to_16k(self, chunk: AudioChunk) -> np.ndarray:
        samples = pcm16_to_float(chunk.audio)
        if chunk.rate == SAMPLE_RATE:
            return samples
        if self._converter is None or self._converter_rate != chunk.rate:
            _LOGGER.info(
                "microphone at %d Hz: converted to %d Hz for the echo canceller", chunk.rate, SAMPLE_RATE
            )
            self._converter, self._converter_rate = Resampler(chunk.rate, SAMPLE_RATE), chunk.rate
        return self._converter.process(samples)

    @property
    def converged(self) -> bool:
        """The canceller has learnt the echo path (or the microphone hardly hears the loudspeaker)."""
        return self.watch.converged

    def _check(self, mic: np.ndarray, out: np.ndarray, played: np.ndarray, reference_start: float) -> None:
        verdict = self.watch.observe(mic, out.astype(np.float32) / 32768.0, played)
        if verdict == "ok":
            self._misses, self._last_lag = 0, None
            if not self.full_duplex:  # the echo is cancelled, or not heard, again: the fallback is over
                self.full_duplex = True
                _LOGGER.warning("echo canceller hears its echo cancelled (or none): listening over it again")
        if verdict != "misaligned" or not self.full_duplex:
            return
        lag = self.watch.find_lag()
        if lag is not None and 0.0 <= lag <= 0.8 * self._span:
            self._misses, self._last_lag = 0, None
            return  # the echo is where the filter looks: it was the person talking over it, or noise
        if lag is None:
            self._misses += 1
            if self._misses >= FALLBACK_MISSES:
                self.full_duplex = False
                _LOGGER.warning("echo canceller cannot find its echo path: listening only when it is quiet")
            return
        previous, self._last_lag = self._last_lag, lag
        if previous is None or abs(previous - lag) > 0.005:
            return  # re-align only on two windows in a row that agree (talk over the voice misleads one)
        # Keep the echo a little after its reference, well inside the filter.
        self.offset += lag - 0.01
        self.engine.reset()
        self.watch.restart()
        self._misses, self._last_lag = 0, None
        _LOGGER.warning("echo path moved: reference re-aligned by %+.0f ms", (lag - 0.01) * 1000)

    def close(self) -> None:
        self.engine.close()


class AlignmentWatch:
    """Keeps the last few seconds of playback-time audio and judges whether the echo is being cancelled."""

    def __init__(self) -> None:
        self._frames: deque[tuple[np.ndarray, np.ndarray, np.ndarray]] = deque()
        self._settle = int(_SETTLE_SECONDS * SAMPLE_RATE)
        self._window = int(CHECK_SECONDS * SAMPLE_RATE)
        self._seen = 0
        self._held = 0
        self.noise: float | None = None
        """Mean power of the microphone's noise while nothing plays (None: not heard yet)."""
        self.floor = 1.0
        """Mean power of the microphone while nothing plays (its noise)."""
        self.converged = False
        self._recent: deque[tuple[int, float, float]] = deque()

    def quiet(self, mic: np.ndarray) -> None:
        """A block heard while nothing was played: it teaches the microphone's noise level."""
        power = max(float(np.mean(mic**2)), 1e-10)
        if power < self.floor:  # falls at once, rises slowly (0.05 dB a block): speech does not lift it
            self.floor = power
        else:
            self.floor = min(power, self.floor * _FLOOR_RISE)
        if power < 4 * self.floor:  # the room's noise (not a person talking): its mean power
            self.noise = power if self.noise is None else self.noise + 0.05 * (power - self.noise)

    def restart(self) -> None:
        self.converged = False
        self._recent.clear()
        self._frames.clear()
        self._seen = 0
        self._held = 0

    def observe(self, mic: np.ndarray, out: np.ndarray, played: np.ndarray) -> str:
        """ "ok", "misaligned" or "unknown" (not enough loud playback yet)."""
        self._frames.append((mic, out, played))
        self._held += len(mic)
        limit = self._window + int(2 * MAX_LAG * SAMPLE_RATE)
        while self._held - len(self._frames[0][0]) >= limit:
            self._held -= len(self._frames.popleft()[0])
        if float(np.mean(played**2)) >= _ACTIVE_LEVEL:
            self._seen += len(mic)
            self._learn(len(mic), float(np.mean(mic**2)), float(np.mean(out**2)))
        if self._seen < self._settle + self._window:
            return "unknown"
        mic_all, out_all, played_all = (
            np.concatenate(parts)[-self._window :] for parts in zip(*self._frames, strict=False)
        )
        active = np.convolve(played_all**2 >= _ACTIVE_LEVEL, np.ones(FRAME), mode="same") > 0
        mic_power = float(np.mean(mic_all[active] ** 2)) if active.any() else 0.0
        if mic_power < _AUDIBLE * self.floor:
            return "ok"  # the microphone hardly hears the loudspeaker: nothing to cancel
        out_power = float(np.mean(out_all[active] ** 2))
        attenuation = 10 * np.log10(mic_power / max(out_power, 1e-12))
        self._seen = self._settle  # judge again after another window
        return "ok" if attenuation >= MIN_ATTENUATION_DB else "misaligned"

    def _learn(self, count: int, mic_power: float, out_power: float) -> None:
        """Judges convergence from blocks where the loudspeaker plays (`count` samples each)."""
        if self.converged:
            return
        span = int(_CONVERGE_SECONDS * SAMPLE_RATE)
        self._recent.append((count, mic_power * count, out_power * count))
        while sum(c for c, _, _ in self._recent) - self._recent[0][0] >= span:
            self._recent.popleft()
        total = sum(c for c, _, _ in self._recent)
        if total < span:
            return
        # The echo in and what is left of it, each less the room's noise (which no canceller removes).
        noise = self.noise if self.noise is not None else 0.0
        echo = sum(m for _, m, _ in self._recent) / total - noise
        left = sum(o for _, _, o in self._recent) / total - noise
        if echo < noise:
            self.converged = True
            _LOGGER.info("the microphone hardly hears the loudspeaker: listening while it speaks")
        elif 10 * np.log10(echo / max(left, echo * 1e-4)) >= CONVERGED_DB:
            self.converged = True
            _LOGGER.info("echo canceller has learnt the room: listening while it speaks")

    def find_lag(self) -> float | None:
        """The echo's delay after its reference (seconds, may be negative), or None when none stands out."""
        mic = np.concatenate([f[0] for f in self._frames])
        played = np.concatenate([f[2] for f in self._frames])
        size = 1 << int(np.ceil(np.log2(2 * len(mic))))
        spectrum = np.fft.rfft(mic, size) * np.conj(np.fft.rfft(played, size))
        correlation = np.fft.irfft(spectrum / (np.abs(spectrum) + 1e-9), size)  # PHAT weighting
        max_lag = int(MAX_LAG * SAMPLE_RATE)
        lags = np.concatenate([correlation[: max_lag + 1], correlation[-max_lag:]])
        values = np.concatenate([np.arange(max_lag + 1), np.arange(-max_lag, 0)])
        best = int(np.argmax(lags))
        peak, typical = float(lags[best]), float(np.median(np.abs(lags)))
        if peak < 15 * typical:
            return None
        return float(values[best]) / SAMPLE_RATE
