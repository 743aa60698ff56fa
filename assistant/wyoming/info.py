"""The answer to `describe`: a handle program (the cramp skill) and an asr program (its recogniser)."""

from __future__ import annotations

from wyoming.info import (
    AsrModel,
    AsrProgram,
    Attribution,
    HandleModel,
    HandleProgram,
    Info,
    TtsProgram,
    TtsVoice,
)

from assistant import __version__

LANGUAGES = ["en"]
"""The content in content/ is English."""
PROJECT = Attribution(name="cramp-assistant", url="")
"""The project has no public home page yet, so its attribution carries no address."""
ENGINE_ATTRIBUTION = {
    "pocketsphinx": Attribution(name="CMU Sphinx", url="https://github.com/cmusphinx/pocketsphinx"),
    "vosk": Attribution(name="Alpha Cephei", url="https://alphacephei.com/vosk/"),
    "whisper": Attribution(name="SYSTRAN faster-whisper", url="https://github.com/SYSTRAN/faster-whisper"),
}
HANDLE_NAME = "cramp-assistant"
ASR_NAME = "cramp-assistant-asr"
TTS_NAME = "cramp-assistant-tts"
VOICE_ATTRIBUTION = Attribution(name="eSpeak NG", url="https://github.com/espeak-ng/espeak-ng")


def describe(engine: str, voice: str | None = None) -> Info:
    """What this server offers; `engine` is the recogniser's name (`Recognizer.name`), `voice` the tts
    voice's when tts is offered."""
    handle = HandleProgram(
        name=HANDLE_NAME,
        attribution=PROJECT,
        installed=True,
        description="Answers questions about leg and foot cramps: relief, causes, stretches, warning signs",
        version=__version__,
        models=[
            HandleModel(
                name="cramp-skill",
                attribution=PROJECT,
                installed=True,
                description="The cramp skill's intents and answers",
                version=__version__,
                languages=list(LANGUAGES),
            )
        ],
    )
    asr = AsrProgram(
        name=ASR_NAME,
        attribution=PROJECT,
        installed=True,
        description="Speech to text restricted to questions about leg and foot cramps",
        version=__version__,
        models=[
            AsrModel(
                name=engine,
                attribution=ENGINE_ATTRIBUTION.get(engine.split("+")[0], PROJECT),
                installed=True,
                description=f"{engine}, restricted to the cramp skill's sentences",
                version=__version__,
                languages=list(LANGUAGES),
            )
        ],
    )
    tts = []
    if voice is not None:
        tts.append(
            TtsProgram(
                name=TTS_NAME,
                attribution=PROJECT,
                installed=True,
                description="The assistant's own voice",
                version=__version__,
                voices=[
                    TtsVoice(
                        name=voice,
                        attribution=VOICE_ATTRIBUTION,
                        installed=True,
                        description="The bedside assistant's day voice",
                        version=__version__,
                        languages=list(LANGUAGES),
                    )
                ],
            )
        )
    return Info(handle=[handle], asr=[asr], tts=tts)
