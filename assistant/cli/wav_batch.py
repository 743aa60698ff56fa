"""`ask --wav`: recognise, route and answer a batch of WAV files in one process (start-up paid once).

Each file is converted to 16 kHz mono, passed through the endpointer, and the span from the first
detected speech to the end of the last is decoded as one utterance; a file with no speech at all is
answered as `unknown` without decoding. Every file gets a fresh conversation context, so the answers do
not depend on the order of the files.

Long files: a file longer than `MAX_FILE_SECONDS` is refused with one line (the length is read from the
header, before any audio), because `ask --wav` answers one question per file; a long recording belongs in
the bedside loop (`run --mic-file F.wav`), which endpoints it and answers every utterance.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from assistant.audio.source import WavSource
from assistant.dialog.dialog import Dialog
from assistant.dialog.intents.base import Context
from assistant.errors import AudioError
from assistant.hearing.endpointer import speech_span
from assistant.hearing.recognizer import Recognizer
from assistant.messages import SAMPLE_RATE, SAMPLE_WIDTH, IntentMatch, Reply, Transcript
from assistant.settings import EndpointSettings
from assistant.understanding.heard import Heard

_LOGGER = logging.getLogger(__name__)

MAX_FILE_SECONDS = 60.0
"""Longer files are refused: one question per file."""


@dataclass(frozen=True)
class WavAnswer:
    """One file's answer."""

    file: str
    transcript: Transcript
    match: IntentMatch
    reply: Reply
    heard: Heard
    """The router's guess and why it was or was not believed."""
    timings: dict[str, int] = field(default_factory=dict)
    """Milliseconds: decode_ms, route_ms, audio_ms (the file's length)."""

    def record(self) -> dict[str, Any]:
        """The JSON object `ask --wav --json` prints."""
        from assistant.answers import answer_record

        return answer_record(
            self.transcript.text,
            self.match,
            self.reply,
            confidence=self.transcript.confidence,
            guess=self.heard.guess,
            reason=self.heard.reason,
            file=self.file,
            engine=self.transcript.engine,
            out_of_domain=self.transcript.out_of_domain,
            timings=self.timings,
        )


def answer_file(
    path: Path,
    recognizer: Recognizer,
    dialog: Dialog,
    endpoint: EndpointSettings | None = None,
    timer: Callable[[], float] = time.perf_counter,
) -> WavAnswer:
    """Recognise and answer one file (AudioError for a bad or too long file)."""
    source = WavSource(path, chunk_ms=1000)
    if source.seconds > MAX_FILE_SECONDS:
        raise AudioError(
            f"{path}: {source.seconds:.0f} s is too long for ask --wav (at most {MAX_FILE_SECONDS:.0f} s, "
            "one question per file); use `cramp-assistant run --mic-file FILE` for a long recording"
        )
    audio = b"".join(chunk.audio for chunk in source)
    speech = speech_span(audio, endpoint)
    started = timer()
    transcript = recognizer.transcribe(speech) if speech else Transcript("", 0.0, recognizer.name)
    decoded = timer()
    dialog.context = Context()
    match, reply, heard = dialog.respond_heard(transcript)
    routed = timer()
    timings = {
        "decode_ms": round((decoded - started) * 1000),
        "route_ms": round((routed - decoded) * 1000),
        "audio_ms": round(len(audio) / (SAMPLE_RATE * SAMPLE_WIDTH) * 1000),
    }
    return WavAnswer(str(path), heard.transcript, match, reply, heard, timings)  # the hypothesis judged


def answer_files(
    paths: Iterable[Path],
    recognizer: Recognizer,
    dialog: Dialog,
    endpoint: EndpointSettings | None = None,
) -> Iterator[WavAnswer | AudioError]:
    """Each file's answer, or the AudioError that stopped it (the batch goes on)."""
    for path in paths:
        try:
            yield answer_file(path, recognizer, dialog, endpoint)
        except AudioError as err:
            _LOGGER.debug("failed: %s", err)
            yield err


def run_ask_wav(args: Any, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """`ask --wav F1.wav [F2.wav ...] [--json] [--engine E]`: exit 2 if any file failed, else 0."""
    from assistant.answers import dumps
    from assistant.content.loader import load_content
    from assistant.hearing.domain import domain_of
    from assistant.hearing.recognizer import create_recognizer
    from assistant.settings_file import settings_from_args
    from assistant.understanding.understanding import Understanding

    out = out or sys.stdout
    err = err or sys.stderr
    settings = settings_from_args(args)
    content = load_content()
    understanding = Understanding.from_content(content)
    recognizer = create_recognizer(settings.recognizer, domain_of(content), understanding.doubts)
    dialog = Dialog(content, settings.dialog, understanding)
    failed = 0
    for result in answer_files([Path(p) for p in args.wav], recognizer, dialog, settings.endpoint):
        if isinstance(result, AudioError):
            failed += 1
            print(f"cramp-assistant: {result}", file=err, flush=True)
            continue
        line = dumps(result.record()) if args.json else f"{result.file}: {result.reply.text}"
        print(line, file=out, flush=True)
    return 2 if failed else 0
