"""Piper (piper-tts, a VITS voice run by onnxruntime) to `Speech`: the natural voice.

piper-tts is imported only here and only when a Piper synthesiser is made, with an install hint when it
is missing. The voice profile maps onto Piper's own controls: the speaking rate onto `length_scale`
(longer phonemes are slower speech; the voice's own pace counts as NATURAL_RATE words a minute) and the
volume onto its output gain.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import numpy as np

from assistant.errors import ModelError
from assistant.voice.piper_voices import VoiceFiles, check_voice
from assistant.voice.speech import Speech, trim_silence
from assistant.voice.voice_profile import VoiceProfile

_LOGGER = logging.getLogger(__name__)
_INSTALL_HINT = "install it with: pip install 'cramp-assistant[piper]' (or pip install piper-tts)"

NATURAL_RATE = 165
"""Words a minute taken as a Piper voice's own pace (the day rate's default): length_scale 1 there."""


def length_scale(voice_scale: float, rate: int) -> float:
    """Piper's length_scale for `rate` words a minute, from the voice's own scale (slower: larger)."""
    return round(voice_scale * NATURAL_RATE / max(60, rate), 3)


class PiperSynthesizer:
    """Text to `Speech` with one Piper voice (checked against its digest before loading)."""

    def __init__(self, voice: VoiceFiles, profile: VoiceProfile, threads: int = 1) -> None:
        self.voice_files = check_voice(voice)
        self.profile = profile
        piper = _import_piper()
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        try:
            config = piper.PiperConfig.from_dict(json.loads(voice.config.read_text(encoding="utf-8")))
            session = onnxruntime.InferenceSession(
                str(voice.model), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as err:  # onnxruntime and piper raise their own types for a bad file
            raise ModelError(
                f"cannot load the Piper voice {voice.model}: {type(err).__name__}: {err}"
            ) from None
        self._voice: Any = piper.PiperVoice(session=session, config=config)
        self.rate = int(config.sample_rate)
        self._config = piper.SynthesisConfig(
            length_scale=length_scale(float(config.length_scale), profile.rate),
            volume=max(0.0, min(1.0, profile.volume)),
        )
        self.identity = f"piper-{voice.name}-{(voice.sha256 or '')[:12]}-x{self._config.length_scale}"
        self.identity += f"-v{self._config.volume}"
        """Names the voice and profile (the folder of its `SpeechStore`)."""
        self._lock = threading.Lock()
        _LOGGER.info(
            "Piper voice %s at %s Hz, length_scale %s, volume %s",
            voice.name,
            self.rate,
            self._config.length_scale,
            self._config.volume,
        )

    def synthesize(self, text: str) -> Speech:
        with self._lock:
            chunks = [chunk.audio_int16_array for chunk in self._voice.synthesize(text, self._config)]
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
        return Speech(trim_silence(samples.astype(np.int16, copy=False), self.rate), self.rate)

    def close(self) -> None:
        self._voice = None


def _import_piper() -> Any:
    try:
        import piper
    except ImportError as err:
        raise ModelError(
            f"the Piper voice needs piper-tts, which is not installed ({err}); {_INSTALL_HINT}"
        ) from None
    return piper
