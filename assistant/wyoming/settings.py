"""The Wyoming server's settings: where it listens and the limits that keep it up under abuse."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from assistant.errors import SettingsError

DEFAULT_URI = "tcp://127.0.0.1:10700"
"""Loopback only; `tcp://0.0.0.0:10700` serves the whole network."""


@dataclass(frozen=True)
class WyomingSettings:
    """Built once from the command line and passed down."""

    uri: str = DEFAULT_URI
    """`tcp://HOST:PORT` (port 0 picks a free one) or `unix:///path/to.sock`."""
    workers: int = 1
    """Recognisers decoding at once (each its own engine instance; more use more memory and cores)."""
    max_clients: int = 64
    """Open connections beyond this are answered with an error and closed."""
    max_waiting: int = 32
    """Utterances queued for a recogniser beyond this are refused as busy."""
    idle_seconds: float = 60.0
    """A connection that sends nothing for this long is closed."""
    followup_seconds: float = 300.0
    """A conversation's context is forgotten after this long without a turn."""
    max_conversations: int = 256
    """Contexts kept at most (the least recently used is forgotten first)."""
    max_audio_seconds: float = 60.0
    """Longer utterances are refused (one question per utterance)."""
    max_text_chars: int = 2000
    """A longer transcript is refused rather than routed."""
    max_bad_events: int = 10
    """A connection that sends this many malformed events is closed."""
    max_payload_bytes: int = 4 * 1024 * 1024
    """The largest `payload_length` (audio bytes) accepted in one event."""
    max_data_bytes: int = 64 * 1024
    """The largest `data_length` (extra JSON) accepted in one event."""
    tts: bool = True
    """Offer the assistant's voice as a tts service (when it can speak)."""


def check_uri(uri: str) -> str:
    """The URI if the server can listen on it; SettingsError saying what is wrong otherwise."""
    parsed = urlparse(uri)
    if parsed.scheme == "tcp":
        try:
            port = parsed.port
        except ValueError:
            port = None
        if not parsed.hostname or port is None:
            raise SettingsError(f"--uri {uri}: a tcp URI needs a host and a port, e.g. tcp://127.0.0.1:10700")
        return uri
    if parsed.scheme == "unix" and parsed.path:
        return uri
    raise SettingsError(f"--uri {uri}: use tcp://HOST:PORT (e.g. tcp://127.0.0.1:10700) or unix:///PATH")
