"""Decoding one utterance with pocketsphinx while it is spoken, and reading the decoder's verdict.

The decoder object comes from `pocketsphinx_engine` (the only module that imports pocketsphinx).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import ModelError
from assistant.hearing.denoise import denoise
from assistant.hearing.domain_lm import is_garbage
from assistant.messages import IDLE, UNKNOWN_WORD, Expectation, Transcript

if TYPE_CHECKING:
    from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer

BLOCK_BYTES = 1600
"""PCM fed to the decoder per call: 50 ms; at most this much is left to decode when an utterance ends."""
_NON_WORDS = frozenset({"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]"})


class PocketsphinxStream:
    """One utterance, cut into fixed blocks of `BLOCK_BYTES` as it arrives, so however the audio is cut into
    pieces the result equals `transcribe` of the whole. With `tuning.live` each block is dithered and
    decoded at once, once the recogniser is warm. Otherwise the audio is decoded as one utterance (with its
    own cepstral mean and, unless switched off, steady noise suppressed by `denoise`) when it finishes,
    which warms the recogniser, or ahead of that by `prepare` when the speaker pauses: `finish` then costs
    nothing unless more audio came after it."""

    def __init__(self, owner: PocketsphinxRecognizer) -> None:
        self._owner = owner
        self._decoder: Any = owner.decoder
        self._dither = owner.tuning.dither
        self._denoise = owner.tuning.denoise_settings()
        self._noise = np.random.default_rng(0)
        self._live = owner.tuning.live and owner.warm
        self._held: list[bytes] = []
        self._buffer = bytearray()
        self._fed = 0
        self._open = True
        self._in_utterance = False
        self._cmn: str = owner.decoder.get_cmn()
        """The decoder's cepstral mean when the stream began: every whole-utterance decode starts from it."""
        self._prepared: tuple[int, Decoded, str] | None = None
        """(bytes decoded ahead, what came out, the cepstral mean that decode left behind)"""
        if self._live:
            self._start_utterance()

    def accept(self, pcm: bytes) -> None:
        if not self._open:
            raise ModelError("this recognition stream is closed")
        self._buffer += pcm
        whole = len(self._buffer) // BLOCK_BYTES * BLOCK_BYTES
        for offset in range(0, whole, BLOCK_BYTES):
            self._feed(bytes(self._buffer[offset : offset + BLOCK_BYTES]))
        del self._buffer[:whole]

    def prepare(self) -> None:
        """Decode what has arrived now (not when live): `finish` reuses it if nothing more arrives."""
        if not self._open or self._live:
            return
        self._feed_rest()
        if self._held and (self._prepared is None or self._prepared[0] != self._fed):
            # The decoder carries its cepstral mean from one utterance to the next: a decode ahead must
            # leave it as it was, and hand it on only if `finish` uses the result.
            decoded = self._decode_held()
            self._prepared = (self._fed, decoded, self._decoder.get_cmn())
            self._decoder.set_cmn(self._cmn)

    def finish(self, expect: Expectation = IDLE) -> Transcript:
        return self._owner.verdict(self.finish_decoded())

    def finish_decoded(self) -> Decoded:
        if not self._open:
            raise ModelError("this recognition stream is closed")
        self._feed_rest()
        try:
            if not self._fed:
                return Decoded((), 0.0, 0.0, 0.0)
            if self._live:
                self._end_utterance()
                return _decoded(self._decoder)
            if self._prepared is not None and self._prepared[0] == self._fed:
                _, decoded, cmn = self._prepared
                self._decoder.set_cmn(cmn)
                return decoded
            return self._decode_held()
        finally:
            self._close()

    def cancel(self) -> None:
        if self._open:
            self._close()

    def _feed_rest(self) -> None:
        """Feeds the carried-over samples short of a block (an odd last byte stays for the next piece)."""
        whole = len(self._buffer) // 2 * 2
        self._feed(bytes(self._buffer[:whole]))
        del self._buffer[:whole]

    def _feed(self, block: bytes) -> None:
        """Decodes the block now (live), or keeps it for one whole-utterance decode."""
        if not block:
            return
        self._fed += len(block)
        if self._live:
            self._process(self._dithered(block, self._noise), full_utt=False)
        else:
            self._held.append(block)

    def _decode_held(self) -> Decoded:
        """One whole-utterance decode of the audio held so far (the same result for the same audio)."""
        audio = b"".join(self._held)
        if self._denoise is not None:
            audio = denoise(audio, self._denoise)
        self._decoder.reinit_feat()  # no statistics left over from an earlier decode, only the mean:
        self._decoder.set_cmn(self._cmn)
        self._start_utterance()
        self._process(self._dithered(audio, np.random.default_rng(0)), full_utt=True)
        self._end_utterance()
        self._owner.warm = True
        decoded = _decoded(self._decoder)
        self._decoder.set_cmn(self._decoder.get_cmn())  # the mean as its text gives it, however decoded
        return decoded

    def _start_utterance(self) -> None:
        self._decoder.start_utt()
        self._in_utterance = True

    def _end_utterance(self) -> None:
        if self._in_utterance:
            self._in_utterance = False
            self._decoder.end_utt()

    def _process(self, audio: bytes, full_utt: bool) -> None:
        try:
            self._decoder.process_raw(audio, no_search=False, full_utt=full_utt)
        except BaseException:
            self._close()
            raise

    def _close(self) -> None:
        self._open = False
        self._buffer.clear()
        self._held = []
        self._prepared = None
        self._end_utterance()
        self._owner.stream_closed(self)

    def _dithered(self, audio: bytes, noise: np.random.Generator) -> bytes:
        """The audio with a little seeded Gaussian noise (the same noise for the same audio)."""
        if self._dither <= 0:
            return audio
        samples = np.frombuffer(audio, dtype=np.int16).astype(np.float32)
        samples += noise.normal(0.0, self._dither, len(samples)).astype(np.float32)
        return np.clip(samples, -32768, 32767).astype(np.int16).tobytes()


def _decoded(decoder: Any) -> Decoded:
    """The decoder's verdict on the utterance it just ended."""
    scored = [s for s in decoder.seg() if s.word not in _NON_WORDS or s.word == "</s>"]
    segments = [s for s in scored if s.word != "</s>"]
    fit = sum(s.lback >= 2 for s in scored) / len(scored) if segments else 0.0
    words = tuple(UNKNOWN_WORD if is_garbage(s.word) else _base_word(s.word) for s in segments)
    speech_frames = sum(s.end_frame - s.start_frame + 1 for s in segments)
    garbage_frames = sum(s.end_frame - s.start_frame + 1 for s in segments if is_garbage(s.word))
    garbage = garbage_frames / speech_frames if speech_frames else 0.0
    spoken = [min(1.0, max(0.0, float(s.prob))) for s in segments if not is_garbage(s.word)]
    confidence = sum(spoken) / len(spoken) if spoken else 0.0
    return Decoded(words, confidence, garbage, fit)


@dataclass(frozen=True)
class Decoded:
    """What one decode produced."""

    words: tuple[str, ...]
    """The words, garbage as "[unk]"."""
    confidence: float
    """The mean lattice posterior of the domain words, 0..1: comparable across utterance lengths."""
    garbage: float
    """The share of speech frames decoded as garbage."""
    fit: float
    """The share of words (and the sentence end) the language model scored with a bigram or trigram
    rather than backing off to a unigram: how much the word sequence looks like a domain sentence."""


def _base_word(word: str) -> str:
    """ "a(2)" -> "a": alternate pronunciations are the same word."""
    return word.split("(", 1)[0]
