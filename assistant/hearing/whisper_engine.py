"""Whisper (faster-whisper on CTranslate2, tiny.en in int8): open-vocabulary recognition with its own doubt.

Unlike pocketsphinx, Whisper is not restricted to the domain: it writes what it hears, so a question said a
new way comes out right, and a radio comes out as radio talk the router rejects. It is slower (a forward
pass of the encoder over 30 s of padded audio, whatever the utterance's length), so on a Pi it is the second
opinion, not the fast path. The model folder is verified against its pinned digests before it is loaded.

The decoding is greedy at temperature 0 with no fallback (fallback re-decodes noise several times) and
with faster-whisper's own no-speech filter off: its signals are reported in `Transcript.whisper` and the
belief rule decides. A short prompt of domain words (`whisper_prompt`) biases the spelling of the domain's
words without being a sentence Whisper could repeat back from noise.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from assistant.errors import ModelError
from assistant.hearing.whisper_prompt import whisper_prompt
from assistant.messages import SAMPLE_RATE, Transcript, WhisperSignals
from assistant.models.whisper_model import INSTALL_HINT, find_whisper_model

_LOGGER = logging.getLogger(__name__)

MIN_SAMPLES = SAMPLE_RATE // 10
"""Shorter audio (under 0.1 s) is not decoded: nothing can be said in it."""


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
        prompt: str | None = None,
        compute_type: str = "int8",
        threads: int | None = None,
        beam_size: int = 1,
    ) -> None:
        faster_whisper = _import_faster_whisper()
        self.model_path = find_whisper_model(models_dir, model)
        self.prompt = whisper_prompt() if prompt is None else prompt
        self.beam_size = beam_size
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
        _LOGGER.info("whisper: %s (%s), prompt %r", self.model_path, compute_type, self.prompt)

    def transcribe(self, audio: bytes) -> Transcript:
        """Recognise one utterance of 16 kHz mono s16le PCM."""
        samples = np.frombuffer(audio[: len(audio) // 2 * 2], dtype=np.int16).astype(np.float32) / 32768.0
        if len(samples) < MIN_SAMPLES:
            return Transcript("", 0.0, self.name, out_of_domain=bool(len(samples)))
        segments, _info = self.model.transcribe(
            samples,
            language="en",
            beam_size=self.beam_size,
            temperature=[0.0],
            initial_prompt=self.prompt or None,
            condition_on_previous_text=False,
            without_timestamps=True,
            no_speech_threshold=None,
            log_prob_threshold=None,
            compression_ratio_threshold=None,
            vad_filter=False,
        )
        return self.verdict(
            [(s.text, s.avg_logprob, s.no_speech_prob, s.compression_ratio) for s in segments]
        )

    def verdict(self, segments: Sequence[tuple[str, float, float, float]]) -> Transcript:
        """The transcript of (text, avg log-prob, no-speech prob, compression ratio) per segment."""
        raw = " ".join(text.strip() for text, *_ in segments).strip()
        words = tuple(raw.lower().split())
        if not segments:
            return Transcript("", 0.0, self.name, whisper=WhisperSignals(-10.0, 1.0, 0.0))
        signals = WhisperSignals(
            avg_logprob=round(min(s[1] for s in segments), 3),
            no_speech_prob=round(max(s[2] for s in segments), 3),
            compression_ratio=round(max(s[3] for s in segments), 3),
        )
        _LOGGER.debug("whisper heard %r %s", raw, signals)
        return Transcript(
            text=" ".join(words),
            confidence=round(float(np.exp(signals.avg_logprob)), 3),
            engine=self.name,
            words=words,
            whisper=signals,
        )
