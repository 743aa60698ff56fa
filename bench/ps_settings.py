"""pocketsphinx decoder settings compared under the default suppression (RNNoise above its gate, else the
spectral subtraction), each with its own cached transcripts (see `bench_policies.hear_all`): run
`python -m bench.bench_policies --no-whisper --decoder noflat`.

RNNoise's output does not depend on the decoder, so it is computed once per utterance and cached with its
CPU time (bench/out/policies/rnnoise-audio.pkl); every setting's real-time factor includes that time.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from dataclasses import replace
from typing import Any

from assistant.hearing.neural_denoise import noise_floor_dbfs
from bench.bench_policies import CACHE, Heard, Item, hear_all, pocketsphinx_maker

DECODER_SETTINGS: dict[str, dict[str, Any]] = {
    "noflat": {"fwdflat": False},
    "topn2": {"topn": 2},
    "lw5": {"lw": 5.0},
    "lw8": {"lw": 8.0},
    "lw10": {"lw": 10.0},
}
"""Variant name (of the cache, and `bench_policies --decoder NAME`) -> the `PocketsphinxTuning` fields
that differ from the default. Each lost exact sentences against the default (docs/hearing.md, "What was
tried")."""
RNNOISE_CACHE = CACHE / "rnnoise-audio.pkl"


def suppressed(todo: list[Item]) -> dict[str, tuple[bytes, float]]:
    """Each item's audio after RNNoise and the CPU seconds it took, by the digest of the input audio."""
    from assistant.hearing.neural_denoise import NoiseSuppressor

    stored: dict[str, tuple[bytes, float]] = (
        pickle.loads(RNNOISE_CACHE.read_bytes()) if RNNOISE_CACHE.is_file() else {}
    )
    missing = [item for item in todo if _digest(item.audio) not in stored]
    if missing:
        suppressor = NoiseSuppressor()
        for item in missing:
            started = time.process_time()
            audio = suppressor.suppress(item.audio)
            stored[_digest(item.audio)] = (audio, time.process_time() - started)
        CACHE.mkdir(parents=True, exist_ok=True)
        RNNOISE_CACHE.write_bytes(pickle.dumps(stored))
    return {key: stored[key] for key in {_digest(item.audio) for item in todo}}


def hear_default(variant: str, options: dict[str, Any], todo: list[Item], gate: float) -> dict[str, Heard]:
    """Each item heard as the default pipeline hears it, with these decoder settings: RNNoise, then the
    decoder without the subtraction, above the gate; the decoder with the subtraction below it."""
    above = {item.key: noise_floor_dbfs(item.audio) > gate for item in todo}
    noisy = [item for item in todo if above[item.key]]
    quiet = [item for item in todo if not above[item.key]]
    cleaned = suppressed(noisy)
    heard = hear_all(f"ps-spectral-{variant}", pocketsphinx_maker(True, False, options), quiet)
    before = [replace(item, audio=cleaned[_digest(item.audio)][0]) for item in noisy]
    after = hear_all(f"ps-rnnoise-{variant}", pocketsphinx_maker(False, False, options), before)
    for item in noisy:
        found = after[item.key]
        heard[item.key] = Heard(found.transcript, found.seconds + cleaned[_digest(item.audio)][1])
    return heard


def _digest(audio: bytes) -> str:
    return hashlib.sha1(audio).hexdigest()
