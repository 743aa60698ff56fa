"""The default recogniser: pocketsphinx 5 with the English model its wheel ships, restricted to the domain.

The decoder's language model and dictionary are built from the template sentences (`domain_lm`) and cached
under models_dir. Out-of-domain speech is rejected two ways: one-phone garbage words in the language model
soak up speech that fits no domain sentence, and the lattice posterior of the best path says how sure the
decoder is. A transcript with too much garbage or too low a posterior is marked `out_of_domain`.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from assistant.domain_lm import (
    DomainModel,
    build_domain_model,
    is_garbage,
    read_pronunciations,
    sentences_hash,
    words_of,
)
from assistant.errors import ModelError
from assistant.messages import SAMPLE_RATE, Transcript

_LOGGER = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'pocketsphinx>=5.0.3' (or run `make setup`)"
_PHONES = (
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH"
)
ARPABET = tuple(_PHONES.split())
"""The acoustic model's phones; each becomes a garbage word."""
_NON_WORDS = frozenset({"<s>", "</s>", "<sil>", "[NOISE]", "[SPEECH]"})


@dataclass(frozen=True)
class PocketsphinxTuning:
    """Decoder and rejection settings, tuned on the dev spoken set (see bench/bench_recognition.py)."""

    dither: float = 30.0
    """Standard deviation (in 16-bit steps, about -60 dBFS) of the seeded noise added before decoding.
    Digital silence (zeros, as in generated or padded files) upsets the decoder's noise and cepstral mean
    estimates; a microphone never produces it. On the dev fixtures this doubled the exact-sentence rate."""
    topn: int = 4
    """Gaussians scored per codebook: more is slower and a little more accurate on synthetic voices."""
    lw: float = 6.5
    """Language model weight."""
    garbage_mass: float = 0.6
    """Unigram probability shared by the garbage phone words."""
    min_posterior: float = 0.01
    """A best path less probable than this (lattice posterior) is out of domain."""
    max_garbage: float = 0.25
    """A transcript whose speech frames are more than this share garbage is out of domain."""

    def cache_key(self) -> str:
        return f"g{self.garbage_mass}"


class PocketsphinxRecognizer:
    """Recognises one utterance at a time with a domain-restricted pocketsphinx decoder."""

    name = "pocketsphinx"

    def __init__(
        self,
        sentences: Sequence[str],
        models_dir: Path,
        tuning: PocketsphinxTuning | None = None,
    ) -> None:
        self.tuning = tuning or PocketsphinxTuning()
        pocketsphinx = _import_pocketsphinx()
        model_path = Path(pocketsphinx.get_model_path())
        hmm = model_path / "en-us" / "en-us"
        cmudict = model_path / "en-us" / "cmudict-en-us.dict"
        if not hmm.is_dir() or not cmudict.is_file():
            raise ModelError(f"the pocketsphinx English model is missing from {model_path}: {INSTALL_HINT}")
        self.lm_path, self.dict_path = domain_model_files(sentences, models_dir, cmudict, self.tuning)
        try:
            self._decoder: Any = pocketsphinx.Decoder(
                hmm=str(hmm),
                lm=str(self.lm_path),
                dict=str(self.dict_path),
                topn=self.tuning.topn,
                lw=self.tuning.lw,
                samprate=SAMPLE_RATE,
                loglevel="FATAL",
            )
        except (RuntimeError, ValueError) as err:
            raise ModelError(f"pocketsphinx could not load its model ({err}): {INSTALL_HINT}") from err

    def transcribe(self, audio: bytes) -> Transcript:
        """Decode one utterance of 16 kHz mono s16le PCM."""
        audio = audio[: len(audio) // 2 * 2]
        if not audio:
            return Transcript("", 0.0, self.name, out_of_domain=False)
        decoder = self._decoder
        decoder.start_utt()
        decoder.process_raw(_dithered(audio, self.tuning.dither), full_utt=True)
        decoder.end_utt()
        hypothesis = decoder.hyp()
        segments = [s for s in decoder.seg() if s.word not in _NON_WORDS]
        raw = tuple("[unk]" if is_garbage(s.word) else _base_word(s.word) for s in segments)
        text = " ".join(w for w in raw if w != "[unk]")
        posterior = float(hypothesis.prob) if hypothesis is not None else 0.0
        speech_frames = sum(s.end_frame - s.start_frame + 1 for s in segments)
        garbage_frames = sum(s.end_frame - s.start_frame + 1 for s in segments if is_garbage(s.word))
        garbage = garbage_frames / speech_frames if speech_frames else 0.0
        out_of_domain = bool(raw) and (
            posterior < self.tuning.min_posterior or garbage > self.tuning.max_garbage or not text
        )
        _LOGGER.debug("heard %r posterior %.3f garbage %.2f ood %s", raw, posterior, garbage, out_of_domain)
        return Transcript(
            text=text,
            confidence=round(min(1.0, max(0.0, posterior)), 3),
            engine=self.name,
            out_of_domain=out_of_domain,
            words=raw,
        )


def domain_model_files(
    sentences: Sequence[str], models_dir: Path, cmudict: Path, tuning: PocketsphinxTuning
) -> tuple[Path, Path]:
    """The cached (language model, dictionary) files for these sentences, built when missing."""
    key = sentences_hash(sentences, tuning.cache_key())
    folder = _writable(models_dir)
    lm_path = folder / f"pocketsphinx-domain-{key}.lm"
    dict_path = folder / f"pocketsphinx-domain-{key}.dic"
    if lm_path.is_file() and dict_path.is_file():
        _LOGGER.debug("using cached domain model %s", lm_path)
        return lm_path, dict_path
    words = {w for s in sentences for w in words_of(s)}
    model: DomainModel = build_domain_model(
        sentences, read_pronunciations(cmudict, words), ARPABET, tuning.garbage_mass
    )
    _LOGGER.info("built domain model: %d words, %s", len(model.vocabulary), lm_path)
    _write_atomically(dict_path, model.dictionary)
    _write_atomically(lm_path, model.arpa)
    return lm_path, dict_path


def _writable(models_dir: Path) -> Path:
    """models_dir, or a private temporary folder when it cannot be written (the model is then rebuilt)."""
    try:
        models_dir.mkdir(parents=True, exist_ok=True)
        if os.access(models_dir, os.W_OK):
            return models_dir
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"cramp-assistant-{os.getuid()}"
    _LOGGER.warning("cannot write to %s; caching the domain model in %s", models_dir, fallback)
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _dithered(audio: bytes, level: float) -> bytes:
    """The audio with a little seeded Gaussian noise (the same noise every call, so results repeat)."""
    if level <= 0:
        return audio
    samples = np.frombuffer(audio, dtype=np.int16).astype(np.float32)
    samples += np.random.default_rng(0).normal(0.0, level, len(samples)).astype(np.float32)
    return np.clip(samples, -32768, 32767).astype(np.int16).tobytes()


def _base_word(word: str) -> str:
    """ "a(2)" -> "a": alternate pronunciations are the same word."""
    return word.split("(", 1)[0]


def _import_pocketsphinx() -> ModuleType:
    try:
        import pocketsphinx
    except ImportError as err:
        raise ModelError(f"the pocketsphinx engine is not installed: {INSTALL_HINT}") from err
    return pocketsphinx
