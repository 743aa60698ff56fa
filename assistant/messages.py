"""Typed messages passed between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field

SAMPLE_RATE = 16000
"""Every stage after the audio source works on 16 kHz, mono, signed 16-bit little-endian PCM."""
SAMPLE_WIDTH = 2
CHANNELS = 1


@dataclass(frozen=True)
class AudioChunk:
    """A piece of audio from a source, already converted to 16 kHz mono s16le."""

    audio: bytes
    """Raw PCM bytes."""
    timestamp: float = 0.0
    """Seconds from the start of the source to the first sample of this chunk."""
    rate: int = SAMPLE_RATE
    """Samples per second."""

    @property
    def samples(self) -> int:
        return len(self.audio) // SAMPLE_WIDTH

    @property
    def seconds(self) -> float:
        return self.samples / self.rate

    @property
    def milliseconds(self) -> int:
        return int(self.seconds * 1000)


@dataclass(frozen=True)
class Utterance:
    """One stretch of speech cut out by the endpointer."""

    audio: bytes
    """16 kHz mono s16le PCM, including a little lead-in before the detected start."""
    start: float
    """Seconds from the start of the source to the start of speech."""
    end: float
    """Seconds from the start of the source to the detected end of speech (before trailing silence)."""
    ended_at: float = 0.0
    """Seconds from the start of the source when the end was detected (after the trailing silence)."""
    truncated: bool = False
    """True when the utterance was cut at the maximum length rather than by silence."""

    @property
    def seconds(self) -> float:
        return len(self.audio) / (SAMPLE_RATE * SAMPLE_WIDTH)


UNKNOWN_WORD = "[unk]"
"""What engines put in `Transcript.words` for speech that fits no word of the domain (garbage)."""


@dataclass(frozen=True)
class WhisperSignals:
    """Whisper's own view of an utterance it transcribed (what its decoder reports per segment)."""

    avg_logprob: float
    """Mean log-probability of the tokens (near 0: sure; below about -0.8: guessing)."""
    no_speech_prob: float
    """The model's probability that the audio holds no speech at all."""
    compression_ratio: float
    """Text length over its zlib-compressed length: high (above about 2.4) for looping hallucinations."""


@dataclass(frozen=True)
class Transcript:
    """What a recogniser heard in one utterance."""

    text: str
    """The words, lower case, without engine markers such as [unk] or <sil>."""
    confidence: float = 1.0
    """The engine's confidence in 0..1 (1.0 for typed text)."""
    engine: str = "text"
    """Which engine produced it: "text", "pocketsphinx", "whisper", "vosk"."""
    out_of_domain: bool = False
    """True when the engine judged the speech not to be a question for the assistant."""
    words: tuple[str, ...] = ()
    """The raw word sequence the engine returned, markers included."""
    fluency: float = 1.0
    """How much the word sequence looks like the domain's sentences, 0..1 (the share of words the domain
    language model knew in that order); 1.0 when the engine cannot tell."""
    whisper: WhisperSignals | None = None
    """Whisper's signals, for a Whisper transcript."""
    second: Transcript | None = None
    """A second engine's hypothesis of the same audio (the second opinion), when one was asked for."""
    snr_db: float | None = None
    """The utterance's signal-to-noise estimate in dB, when the second opinion was asked for (the belief
    rule weighs the engines by it); None when not measured."""


@dataclass(frozen=True)
class Expectation:
    """What the conversation expects of the next utterance. The loop says it when the utterance ends;
    understanding weighs the engines by it (a running routine's control is taken from the fast engine at
    once) and the dialog decides by it."""

    controls: tuple[str, ...] = ()
    """The running routine's voice controls; empty when no routine runs."""
    conversation: bool = False
    """A conversation is open (an answer or an offer was just spoken): short replies mean something."""
    said: tuple[str, ...] = ()
    """What the assistant was saying while the utterance was spoken: a control its own words name ("Say
    pause, stop or next at any time") may be its echo, not the person."""

    @property
    def routine(self) -> bool:
        """A routine is running: its controls are expected, with no wake phrase."""
        return bool(self.controls)


IDLE = Expectation()
"""Nothing in particular is expected: a question, asked directly or after the wake phrase."""


@dataclass(frozen=True)
class IntentMatch:
    """The router's verdict on one transcript."""

    intent: str
    """An intent id from content/intents, or "unknown"."""
    slots: dict[str, str] = field(default_factory=dict)
    """Slot values: body_part, side, exercise."""
    score: float = 0.0
    """How well the text matched, in 0..1."""
    text: str = ""
    """The normalised text that was matched."""
    sentence: str = ""
    """The template sentence it matched best."""
    topic: str = "default"
    """The template group it matched (picks the response: "painkillers", "emergency", ...)."""
    probability: float = 0.0
    """The router's combined probability of this intent, 0..1 (1 for a red-flag phrase)."""


@dataclass(frozen=True)
class Reply:
    """What the assistant answers."""

    text: str
    """What to say, written for the ear."""
    intent: str = "unknown"
    """The intent this answers."""
    routine: str | None = None
    """An exercise id (or "routine") to start guiding after the text is spoken."""
    sources: tuple[str, ...] = ()
    """The content sources this reply is drawn from."""
    urgent: bool = False
    """True for red-flag answers."""
