"""Whisper (faster-whisper on CTranslate2, tiny.en in int8): open-vocabulary recognition with its own doubt.

Unlike pocketsphinx, Whisper is not restricted to the domain: it writes what it hears, so a question said a
new way comes out right, and a radio comes out as radio talk the router rejects. It is slower, so on a Pi it
is the second opinion, not the fast path. The model folder is verified against its pinned digests before it
is loaded.

The encoder's window: faster-whisper pads every input to Whisper's 30 s window, so a two-second question
costs the encoder as much as thirty seconds of speech (most of an utterance's CPU).
CTranslate2 accepts shorter inputs, so this engine computes the features with faster-whisper's feature
extractor and runs CTranslate2's encoder and decoder itself on a window of `min_window_s` seconds (10 by
default), or for longer speech the utterance and a second of silence rounded up to a whole number of those
windows (up to 30 s: a few window sizes, so CTranslate2's allocator does not keep buffers for every length
an audiobook's utterances come in). Much shorter windows (the utterance and a second) made tiny.en loop
("stop, stop, stop, ...") on one-word commands. The 10 s window costs about a third of the 30 s one
(docs/hearing.md); `without_repeats` undoes the odd sentence said twice. The number of new tokens is capped
by the audio's length, so a loop that does start ends early and shows in the compression ratio.

The decoding is a beam search of 5 (faster-whisper's default) at temperature 0 with no fallback (fallback
re-decodes noise several times) and no no-speech filter: on tiny.en the decoder's cost is small beside the
encoder's, and beam 5 hears several points more than greedy decoding for a few per cent more CPU. The
signals (mean token log-probability, no-speech probability, compression ratio) are reported in
`Transcript.whisper` and the belief rule decides. A short prompt of domain words (`whisper_prompt`, made
from the content by the caller) biases the spelling of the domain's words without being a sentence Whisper
could repeat back from noise.
"""

from __future__ import annotations

import logging
import math
import os
import zlib
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from assistant.errors import ModelError
from assistant.messages import IDLE, SAMPLE_RATE, Expectation, Transcript, WhisperSignals
from assistant.models.whisper_model import INSTALL_HINT, find_whisper_model

_LOGGER = logging.getLogger(__name__)

MIN_SAMPLES = SAMPLE_RATE // 10
"""Shorter audio (under 0.1 s) is not decoded: nothing can be said in it."""
FRAMES_PER_SECOND = 100
"""Whisper's log-mel frames (10 ms hop)."""
FULL_WINDOW_S = 30.0
TRAILING_S = 1.0
"""Silence kept after the utterance inside the window."""
TOKENS_PER_SECOND = 6
EXTRA_TOKENS = 12
"""New tokens allowed: about twice a fast speaker's rate over the audio's length, and a margin."""


def _import_faster_whisper() -> ModuleType:
    try:
        import faster_whisper
    except ImportError as err:
        raise ModelError(f"the Whisper engine is not installed: {INSTALL_HINT}") from err
    return faster_whisper


class WhisperRecognizer:
    """Transcribes one utterance with faster-whisper."""

    name = "whisper"

    def __init__(
        self,
        models_dir: Path,
        model: Path | None = None,
        *,
        prompt: str,
        routine_prompt: str = "",
        compute_type: str = "int8",
        threads: int | None = None,
        beam_size: int = 5,
        min_window_s: float = 10.0,
    ) -> None:
        if not 1.0 <= min_window_s <= FULL_WINDOW_S:
            raise ValueError(f"min_window_s must be 1-{FULL_WINDOW_S:g} s, not {min_window_s:g}")
        faster_whisper = _import_faster_whisper()
        self.model_path = find_whisper_model(models_dir, model)
        self.prompt = prompt
        self.routine_prompt = routine_prompt or prompt
        self.beam_size = beam_size
        self.min_window_s = min_window_s
        try:
            self.model: Any = faster_whisper.WhisperModel(
                str(self.model_path),
                device="cpu",
                compute_type=compute_type,
                cpu_threads=threads or min(4, os.cpu_count() or 1),
                local_files_only=True,
            )
        except (RuntimeError, ValueError, OSError) as err:
            raise ModelError(f"faster-whisper could not load {self.model_path}: {err}") from None
        self._tokenizer = faster_whisper.tokenizer.Tokenizer(
            self.model.hf_tokenizer, self.model.model.is_multilingual, task="transcribe", language="en"
        )
        self._prompt_ids = self._prompt_tokens(self.prompt)
        self._routine_prompt_ids = self._prompt_tokens(self.routine_prompt)
        _LOGGER.info("whisper: %s (%s), prompt %r", self.model_path, compute_type, self.prompt)

    def _prompt_tokens(self, prompt: str) -> list[int]:
        """Whisper's decoder prompt: the previous-text marker and the domain words, then start of transcript
        (the same sequence faster-whisper builds for an initial prompt without timestamps)."""
        tokenizer = self._tokenizer
        words = tokenizer.encode(" " + prompt.strip()) if prompt.strip() else []
        previous = [tokenizer.sot_prev, *words] if words else []
        return [*previous, *tokenizer.sot_sequence, tokenizer.no_timestamps]

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        """Recognise one utterance of 16 kHz mono s16le PCM."""
        samples = np.frombuffer(audio[: len(audio) // 2 * 2], dtype=np.int16).astype(np.float32) / 32768.0
        if len(samples) < MIN_SAMPLES:
            return Transcript("", 0.0, self.name, out_of_domain=bool(len(samples)))
        return self.verdict(
            *self._decode(samples, self._routine_prompt_ids if expect.routine else self._prompt_ids)
        )

    def window_frames(self, samples: int) -> int:
        """The encoder's window for an utterance of `samples`, in feature frames."""
        needed = samples / SAMPLE_RATE + TRAILING_S
        seconds = min(FULL_WINDOW_S, self.min_window_s * max(1, math.ceil(needed / self.min_window_s)))
        return round(seconds * FRAMES_PER_SECOND)

    def _decode(self, samples: np.ndarray, prompt: list[int]) -> tuple[str, WhisperSignals]:
        """One beam-search decode of the utterance on a short window: what Whisper wrote, and its
        signals."""
        import ctranslate2

        window = self.window_frames(len(samples))
        features = self.model.feature_extractor(samples[: int(FULL_WINDOW_S * SAMPLE_RATE)])
        padded = np.zeros((features.shape[0], window), dtype=np.float32)
        used = min(window, features.shape[-1])
        padded[:, :used] = features[:, :used]
        encoded = self.model.model.encode(ctranslate2.StorageView.from_array(padded[None]), to_cpu=False)
        new_tokens = int(TOKENS_PER_SECOND * len(samples) / SAMPLE_RATE) + EXTRA_TOKENS
        result = self.model.model.generate(
            encoded,
            [prompt],
            beam_size=self.beam_size,
            max_length=len(prompt) + new_tokens,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=[-1],
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self._tokenizer.eot]
        text = self._tokenizer.decode(tokens).strip()
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        signals = WhisperSignals(
            avg_logprob=round(float(avg_logprob), 3),
            no_speech_prob=round(float(result.no_speech_prob), 3),
            compression_ratio=round(compression_ratio(text), 3),
        )
        return text, signals

    def verdict(self, raw: str, signals: WhisperSignals) -> Transcript:
        """The transcript of what Whisper wrote, with its signals (the belief rule reads them)."""
        words = without_repeats(tuple(raw.lower().split()))
        _LOGGER.debug("whisper heard %r %s", raw, signals)
        return Transcript(
            text=" ".join(words),
            confidence=round(float(np.exp(signals.avg_logprob)), 3),
            engine=self.name,
            words=words,
            whisper=signals,
        )


def compression_ratio(text: str) -> float:
    """How well the text compresses (as faster-whisper measures it): a looping transcript compresses well."""
    data = text.encode("utf-8")
    return len(data) / len(zlib.compress(data)) if data else 0.0


_PUNCTUATION = ".,?!;:"


def without_repeats(words: tuple[str, ...]) -> tuple[str, ...]:
    """The words with an immediate repeat of their ending removed ("when should i see a doctor? when should i
    see a doctor?" -> once, "stop, stop." -> "stop,"): on a short window tiny.en sometimes says the utterance
    twice. Words are compared without their punctuation. The compression ratio is measured on what Whisper
    wrote, so a real loop is still seen as one."""
    bare = tuple(word.strip(_PUNCTUATION) for word in words)
    for size in range(1, len(words) // 2 + 1):
        tail = bare[-size:]
        end = len(words)
        while end - 2 * size >= 0 and bare[end - 2 * size : end - size] == tail:
            end -= size
        if end < len(words):
            return words[:end]
    return words
