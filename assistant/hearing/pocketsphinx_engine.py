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

from assistant.content.loader import content_dir
from assistant.errors import ModelError
from assistant.hearing.denoise import DenoiseSettings
from assistant.hearing.domain_lm import (
    DomainModel,
    build_domain_model,
    read_pronunciations,
    sentences_hash,
    words_of,
)
from assistant.hearing.pocketsphinx_stream import Decoded, PocketsphinxStream
from assistant.messages import IDLE, SAMPLE_RATE, UNKNOWN_WORD, Expectation, Transcript

_LOGGER = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'pocketsphinx>=5.0.3' (or run `make setup`)"
_PHONES = (
    "AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH"
)
ARPABET = tuple(_PHONES.split())
"""The acoustic model's phones; each becomes a garbage word."""


@dataclass(frozen=True)
class PocketsphinxTuning:
    """Decoder and rejection settings, tuned on the spoken dev sets (`bench.bench_policies`,
    `bench.ps_settings`)."""

    dither: float = 30.0
    """Standard deviation (in 16-bit steps, about -60 dBFS) of the seeded noise added before decoding.
    Digital silence (zeros, as in generated or padded files) upsets the decoder's noise and cepstral mean
    estimates; a microphone never produces it."""
    topn: int = 4
    """Gaussians scored per codebook: more is slower and a little more accurate on synthetic voices."""
    lw: float = 6.5
    fwdflat: bool = True
    """The decoder's second, flat-lexicon pass over the words the first (tree) pass found."""
    live: bool = False
    """Decode while speech arrives (`PocketsphinxStream`). The model's batch cepstral mean needs a whole
    utterance, so even when live the first utterance is decoded whole when it ends, which sets the mean
    the decoder then updates after each utterance, and later ones are decoded as they arrive. Off by
    default: live decoding cut end-of-speech latency but misheard fixtures the batch mean gets right
    (docs/hearing.md)."""
    denoise: bool = True
    """Suppress steady background noise (`denoise`) before a whole-utterance decode (not when live)."""
    over_subtraction: float = 1.5
    """`DenoiseSettings.over_subtraction`, tuned on the dev spoken set."""
    noise_floor: float = 0.1
    """`DenoiseSettings.floor`, tuned on the dev spoken set."""
    garbage_mass: float = 0.6
    """Unigram probability shared by the garbage phone words."""
    min_confidence: float = 0.2
    """A mean word posterior below this is out of domain."""
    min_fit: float = 0.5
    """A word sequence with a smaller share of bigram/trigram hits (`Decoded.fit`) is out of domain."""
    max_garbage: float = 0.3
    """A transcript whose speech frames are more than this share garbage is out of domain."""

    def denoise_settings(self) -> DenoiseSettings | None:
        if not self.denoise:
            return None
        return DenoiseSettings(over_subtraction=self.over_subtraction, floor=self.noise_floor)

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
            self.decoder: Any = pocketsphinx.Decoder(
                hmm=str(hmm),
                lm=str(self.lm_path),
                dict=str(self.dict_path),
                topn=self.tuning.topn,
                lw=self.tuning.lw,
                fwdflat=self.tuning.fwdflat,
                samprate=SAMPLE_RATE,
                loglevel="FATAL",
            )
        except (RuntimeError, ValueError) as err:
            raise ModelError(f"pocketsphinx could not load its model ({err}): {INSTALL_HINT}") from err
        self._open: PocketsphinxStream | None = None
        self.warm = False
        """True once an utterance was decoded whole: the decoder has a cepstral mean from speech."""

    def start(self) -> PocketsphinxStream:
        """A stream that decodes an utterance while it is spoken (cancels one still open)."""
        if self._open is not None:
            _LOGGER.debug("a new utterance started before the last one was finished")
            self._open.cancel()
        self._open = PocketsphinxStream(self)
        return self._open

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        """Decode one utterance of 16 kHz mono s16le PCM: the same as a stream fed all of it."""
        stream = self.start()
        stream.accept(audio)
        return stream.finish()

    def decode(self, audio: bytes) -> Decoded:
        """The decoder's raw verdict on one utterance, before the out-of-domain rule."""
        stream = self.start()
        stream.accept(audio)
        return stream.finish_decoded()

    def verdict(self, decoded: Decoded) -> Transcript:
        """The transcript of a decode, with the out-of-domain rule applied."""
        text = " ".join(w for w in decoded.words if w != UNKNOWN_WORD)
        out_of_domain = bool(decoded.words) and (
            not text
            or decoded.confidence < self.tuning.min_confidence
            or decoded.garbage > self.tuning.max_garbage
            or decoded.fit < self.tuning.min_fit
        )
        _LOGGER.debug("heard %r %s ood %s", decoded.words, decoded, out_of_domain)
        return Transcript(
            text=text,
            confidence=round(decoded.confidence, 3),
            engine=self.name,
            out_of_domain=out_of_domain,
            words=decoded.words,
            fluency=round(decoded.fit, 3),
        )

    def stream_closed(self, stream: PocketsphinxStream) -> None:
        """Called by a stream when it ends."""
        if self._open is stream:
            self._open = None


SUPPLEMENT = "pronunciations.dict"
"""Pronunciations in content/ for domain words that cmudict lacks."""


def domain_model_files(
    sentences: Sequence[str], models_dir: Path, cmudict: Path, tuning: PocketsphinxTuning
) -> tuple[Path, Path]:
    """The cached (language model, dictionary) files for these sentences, built when missing."""
    supplement = content_dir() / SUPPLEMENT
    extra = supplement.read_text(encoding="utf-8") if supplement.is_file() else ""
    key = sentences_hash(sentences, tuning.cache_key() + extra)
    folder = _writable(models_dir)
    lm_path = folder / f"pocketsphinx-domain-{key}.lm"
    dict_path = folder / f"pocketsphinx-domain-{key}.dic"
    if lm_path.is_file() and dict_path.is_file():
        _LOGGER.debug("using cached domain model %s", lm_path)
        return lm_path, dict_path
    words = {w for s in sentences for w in words_of(s)}
    pronunciations = read_pronunciations(cmudict, words)
    if supplement.is_file():
        for word, phones in read_pronunciations(supplement, words).items():
            pronunciations.setdefault(word, phones)
    model: DomainModel = build_domain_model(sentences, pronunciations, ARPABET, tuning.garbage_mass)
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


def _import_pocketsphinx() -> ModuleType:
    try:
        import pocketsphinx
    except ImportError as err:
        raise ModelError(f"the pocketsphinx engine is not installed: {INSTALL_HINT}") from err
    return pocketsphinx
