"""The bedside loop's core, event-driven: audio chunks in; answers, routines and events out.

`feed(chunk)` for every chunk from the microphone (or a WAV standing in for it), `tick()` whenever there
is no audio (the microphone is gone) so routine timers keep running, `finish()` at the end of a file.
Chunks go to the endpointer; speech is fed to a recognition stream as it arrives (nothing is decoded in
silence), so when the end is detected only the stream's last words remain to decode. A dropped burst
cancels its stream. Each utterance is recognised, checked against the rule in `attention`,
answered through the dialog, and either spoken, or started as a routine, or routed to the running
routine as a control (no wake phrase during a routine).

Half-duplex: while the assistant speaks, and for `echo_tail` seconds after, audio is discarded, so it
never answers its own voice; an utterance in progress when the assistant starts speaking is cut there
and heard as far as it went. During a routine it listens in the gaps between cues. Nothing here blocks
except recognition and synthesis; time comes from the Clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Protocol

from assistant.cramp_log import CrampLog
from assistant.dialog.attention import Attention, Verdict
from assistant.dialog.dialog import Dialog
from assistant.dialog.intents.controls import ROUTINE_CONTROLS
from assistant.dialog.turn import Heard
from assistant.hearing.endpoint_events import (
    EndpointEvent,
    SpeechAudio,
    SpeechEnded,
    SpeechPaused,
    SpeechStarted,
)
from assistant.hearing.endpointer import Endpointer
from assistant.hearing.recognizer import RecognitionStream, start_stream
from assistant.loop.events import Event, EventSink
from assistant.messages import AudioChunk, IntentMatch, Reply, Transcript, Utterance
from assistant.routines.host import RoutineHost
from assistant.settings import EndpointSettings
from assistant.voice.speaker import Speaker

_LOGGER = logging.getLogger(__name__)
ECHO_TAIL = 0.3
"""Seconds after the assistant stops speaking before audio is listened to again (room echo, the
speaker's own ring-down)."""


class Recognizer(Protocol):
    """Turns one utterance (16 kHz mono s16le PCM) into a Transcript; one with `start()` (see
    `recognizer.StreamingRecognizer`) decodes it while it is spoken."""

    def transcribe(self, pcm: bytes) -> Transcript: ...


@dataclass(frozen=True)
class LoopOptions:
    """How the loop behaves (the settings it needs beyond the subsystems')."""

    half_duplex: bool = True
    """Discard audio while the assistant speaks (and `echo_tail` after)."""
    echo_tail: float = ECHO_TAIL
    listening_earcon: bool = True
    """A soft tone when the wake phrase is heard on its own."""


class Bedside:
    """One bedside conversation; everything it uses is injected."""

    def __init__(
        self,
        recognizer: Recognizer,
        dialog: Dialog,
        speaker: Speaker,
        routines: RoutineHost,
        emit: EventSink,
        endpoint: EndpointSettings | None = None,
        attention: Attention | None = None,
        cramp_log: CrampLog | None = None,
        options: LoopOptions | None = None,
    ) -> None:
        self.recognizer = recognizer
        self.dialog = dialog
        self.speaker = speaker
        self.routines = routines
        self.clock = routines.clock
        self.emit = emit
        self.endpointer = Endpointer(endpoint)
        self.attention = attention or Attention(
            dialog.settings.wake_phrase, dialog.settings.follow_up_seconds
        )
        self.cramp_log = cramp_log
        self.options = options or LoopOptions()
        self.origin = routines.origin
        self._listen_from = float("-inf")
        self._muted = False
        self._stream: RecognitionStream | None = None
        self.utterances = 0

    # --- driving -------------------------------------------------------------------------------

    def start(self) -> None:
        self.emit(self.event("ready"))

    def tick(self) -> None:
        """Advance a routine's cues and the half-duplex state; call often (each chunk does)."""
        self.routines.tick()
        self.dialog.routine_active = self.routines.active
        if self.options.half_duplex and self.speaker.is_speaking():
            self._listen_from = self.clock.now() + self.options.echo_tail

    def feed(self, chunk: AudioChunk) -> None:
        """One chunk from the microphone."""
        self.tick()
        if self.options.half_duplex and self.clock.now() < self._listen_from:
            if not self._muted:
                self._muted = True
                # Speech already under way when the assistant began (a control said just before a
                # routine cue) is heard as far as it went; nothing after this point is listened to.
                self._follow(self.endpointer.flush_events())
            return
        self._muted = False
        self._follow(self.endpointer.events(chunk))

    def _follow(self, events: list[EndpointEvent]) -> None:
        """Feeds speech to a recognition stream as the endpointer hands it out."""
        for event in events:
            if isinstance(event, SpeechStarted):
                self._close_stream()
                self._stream = self._open_stream()
            elif isinstance(event, SpeechAudio):
                self._on_stream(partial(_accept, event.pcm), "streaming recognition")
            elif isinstance(event, SpeechPaused):
                self._on_stream(_prepare, "decoding ahead")
            elif isinstance(event, SpeechEnded):
                stream, self._stream = self._stream, None
                self.hear(event.utterance, stream)
            else:
                self._close_stream()

    def _on_stream(self, call: Callable[[RecognitionStream], None], what: str) -> None:
        """Calls the open stream, if any; on a failure the stream is dropped and the utterance is decoded
        whole at its end instead."""
        if self._stream is None:
            return
        try:
            call(self._stream)
        except Exception as err:
            _LOGGER.warning("%s failed: %s", what, err)
            self._close_stream()

    def _open_stream(self) -> RecognitionStream | None:
        try:
            return start_stream(self.recognizer)
        except Exception as err:
            _LOGGER.warning("cannot start streaming recognition: %s", err)
            return None

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.cancel()
            except Exception as err:
                _LOGGER.warning("cancelling a recognition stream failed: %s", err)

    def finish(self, stopping: Callable[[], bool] = lambda: False) -> None:
        """The input ended: hear what is left, let a running routine play out, wait for silence; each
        wait ends early once `stopping()` is true."""
        self._follow(self.endpointer.flush_events())
        while self.routines.active and not stopping():
            wakeup = self.routines.next_wakeup()
            if wakeup is None:  # paused with nobody left to resume it
                self.routines.end("stopped")
                break
            self.clock.sleep_until(wakeup)
            self.tick()
        while self.speaker.is_speaking() and not stopping():
            self.clock.sleep(0.02)

    # --- one utterance ---------------------------------------------------------------------------

    def hear(self, utterance: Utterance, stream: RecognitionStream | None = None) -> None:
        """Recognise (finish the stream fed while it was spoken, else decode the audio), decide, and act
        on one utterance; a failure is reported and the loop goes on."""
        self.utterances += 1
        detected = time.perf_counter()
        try:
            began = time.perf_counter()
            if stream is not None:
                transcript = stream.finish()
            else:
                transcript = self.recognizer.transcribe(utterance.audio)
            recognised = time.perf_counter()
        except Exception as err:  # any engine failure on one utterance must not end the loop
            _LOGGER.warning("recognition failed: %s", err, exc_info=_LOGGER.isEnabledFor(logging.DEBUG))
            self.emit(self.event("error", message=f"recognition failed: {err}"))
            return
        understood, verdict, woken_text = self._decide(transcript)
        match = understood.match
        routed = time.perf_counter()
        timings = {
            "speech_ms": round(utterance.seconds * 1000),
            "recognise_ms": round((recognised - began) * 1000, 1),
            "route_ms": round((routed - recognised) * 1000, 1),
        }
        heard = self.event(
            "heard",
            heard=transcript.text,
            intent=match.intent,
            guess=understood.guess,
            slots=dict(match.slots),
            confidence=round(match.score, 3),
            timings=timings,
            action=verdict.action,
            reason=understood.reason,
            action_reason=verdict.reason,
        )
        if transcript.out_of_domain:
            heard["out_of_domain"] = True
        if woken_text is not None:
            heard["wake"] = True
        self.emit(heard)
        self._act(match, verdict, detected)

    def _decide(self, transcript: Transcript) -> tuple[Heard, Verdict, str | None]:
        woken, text = self.attention.strip_wake(transcript.text)
        if woken:
            transcript = replace(transcript, text=text)
        understood = self.dialog.understand(transcript)  # `unknown` when not believed (attention rule 5)
        if self.routines.active:
            verdict = self._during_routine(understood.match)
        else:
            verdict = self.attention.decide(transcript, understood.match, self.clock.now(), woken)
        return understood, verdict, text if woken else None

    def _during_routine(self, match: IntentMatch) -> Verdict:
        """During a routine only its controls and red-flag questions are acted on (no wake phrase)."""
        if match.intent in ROUTINE_CONTROLS:
            return Verdict("control", "routine control")
        if match.intent == "urgent":
            return Verdict("answer", "red flag during a routine")
        return Verdict("ignore", "not a control, a routine is running")

    def _act(self, match: IntentMatch, verdict: Verdict, detected: float) -> None:
        if verdict.action == "ignore":
            return
        if verdict.action == "wake":
            self.attention.open_window(self.clock.now())
            if self.options.listening_earcon:
                self.speaker.play_earcon("listening")
            return
        if verdict.action == "not_heard":
            self._answer(self.dialog.not_heard(), detected)
            return
        match, reply = self.dialog.handle(match)
        if verdict.action == "control" or (reply.control and self.routines.active):
            if reply.control:
                self.routines.control(reply.control)
            self.dialog.routine_active = self.routines.active
            return
        if reply.urgent and self.routines.active:
            self.speaker.stop()
            self.routines.end("stopped")
        self._log_cramp(match)
        self._answer(reply, detected)

    def _answer(self, reply: Reply, detected: float) -> None:
        if not reply.text:
            return
        now = self.clock.now()
        self.speaker.play(reply.text)
        latency = round((time.perf_counter() - detected) * 1000, 1)
        seconds = self.speaker.duration(reply.text)
        self.emit(
            self.event(
                "say", text=reply.text, seconds=round(seconds, 3), latency_ms=latency, intent=reply.intent
            )
        )
        ends = now + seconds
        if reply.routine:
            self.attention.close_window()
            self.routines.begin(reply.routine, ends + GAP_BEFORE_ROUTINE)
            self.dialog.routine_active = True
        else:
            self.attention.open_window(ends)

    def _log_cramp(self, match: IntentMatch) -> None:
        if self.cramp_log is None or match.intent != "relief":
            return
        try:
            self.cramp_log.report(match.slots.get("body_part"), match.slots.get("side"))
        except Exception as err:  # the log is a nicety; it never stops an answer
            _LOGGER.warning("cramp log: %s", err)
            self.emit(self.event("error", message=f"cramp log: {err}"))

    def event(self, kind: str, **fields: object) -> Event:
        return {"event": kind, "t": round(self.clock.now() - self.origin, 3), **fields}


GAP_BEFORE_ROUTINE = 0.4
"""Seconds between the announcement ("Okay, let's do the calf stretch.") and the routine's first cue."""


def _accept(pcm: bytes, stream: RecognitionStream) -> None:
    stream.accept(pcm)


def _prepare(stream: RecognitionStream) -> None:
    stream.prepare()
