"""The bedside loop's core, event-driven: audio chunks in; answers, routines and events out.

`feed(chunk)` for every chunk from the microphone (or a WAV standing in for it), `tick()` whenever there
is no audio (the microphone is gone) so routine timers keep running, `finish()` at the end of a file.
Chunks are endpointed and streamed to the recogniser as speech arrives (`listening`). Each utterance is
recognised and handed to `Dialog.take_turn` with the routine's state, which decides (control, question or
speech to ignore) and answers; the loop then acts on the `Turn`: speaks the reply, starts it as a
routine, or hands the control to the running routine (no wake phrase during a routine).

Barge-in (`barge_in`): each chunk first passes the echo canceller, and during a routine or an answer the
loop keeps listening over its own voice. Otherwise half-duplex: while the assistant speaks, and for
`echo_tail` seconds after, audio is discarded, so it never answers its own voice; an utterance in
progress when the assistant starts speaking is cut there and heard as far as it went. `own_voice` is the
one source of "the assistant has finished speaking": for the mute, and for opening the follow-up window
or starting the routine an answer announced. Nothing here blocks except recognition and synthesis; time
comes from the Clock.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from assistant.cramp_log import CrampLog
from assistant.dialog.attention import Attention
from assistant.dialog.dialog import Dialog
from assistant.dialog.turn import Turn
from assistant.hearing.endpointer import Endpointer
from assistant.hearing.recognizer import RecognitionStream, Transcriber
from assistant.loop.barge_in import BargeIn
from assistant.loop.events import Event
from assistant.loop.listening import Listening
from assistant.loop.own_voice import OwnVoice
from assistant.messages import AudioChunk, IntentMatch, Reply, Utterance
from assistant.routines.host import RoutineHost
from assistant.settings import EndpointSettings
from assistant.voice.speaker import Speaker

_LOGGER = logging.getLogger(__name__)
ECHO_TAIL = 0.3
"""Seconds after the assistant stops speaking before audio is listened to again (room echo, the
speaker's own ring-down)."""
GAP_BEFORE_ROUTINE = 0.4
"""Seconds between the announcement ("Okay, let's do the calf stretch.") and the routine's first cue."""


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
        recognizer: Transcriber,
        dialog: Dialog,
        speaker: Speaker,
        routines: RoutineHost,
        endpoint: EndpointSettings | None = None,
        attention: Attention | None = None,
        cramp_log: CrampLog | None = None,
        options: LoopOptions | None = None,
        barge_in: BargeIn | None = None,
    ) -> None:
        self.recognizer = recognizer
        self.dialog = dialog
        self.speaker = speaker
        self.routines = routines
        self.clock = routines.clock
        self.events = routines.events
        """The routine's event log: one clock and origin for every event of the loop."""
        self.listening = Listening(recognizer, self.hear, endpoint)
        self.attention = attention or Attention(
            dialog.settings.wake_phrase, dialog.settings.follow_up_seconds
        )
        self.own_voice = OwnVoice(speaker, self.clock)
        self.cramp_log = cramp_log
        self.options = options or LoopOptions()
        self.barge_in = barge_in or BargeIn(None)
        self._trailing = self.endpointer.settings.trailing_silence
        self._muted = False
        self.utterances = 0

    @property
    def endpointer(self) -> Endpointer:
        return self.listening.endpointer

    # --- driving -------------------------------------------------------------------------------

    def start(self) -> None:
        self.events.report("ready")

    def tick(self) -> None:
        """Advance a routine's cues and follow the assistant's own speech; call often (each chunk does)."""
        self.routines.tick()
        if not self.own_voice.update():
            ended = self.own_voice.spoke_at
            self.attention.speech_ended(ended)
            self.routines.announcement_ended(ended + GAP_BEFORE_ROUTINE)

    def listening_now(self) -> bool:
        """Whether audio is listened to now (half-duplex: not while the assistant speaks, nor just after;
        barge-in: over its own voice too, during a routine or an answer)."""
        if not self.options.half_duplex or self.own_voice.quiet_for(self.options.echo_tail):
            return True
        return self.barge_in.listens_over_voice(self.routines.active)

    def feed(self, chunk: AudioChunk) -> None:
        """One chunk from the microphone."""
        self.tick()
        chunk = self.barge_in.clean(chunk, self.clock.now())
        self.barge_in.pace(self.endpointer, self._trailing, self.own_voice.speaking)
        if not self.listening_now():
            if not self._muted:
                self._muted = True
                # Speech already under way when the assistant began (a control said just before a
                # routine cue) is heard as far as it went; nothing after this point is listened to.
                self.listening.flush()
            return
        self._muted = False
        self.listening.feed(chunk)

    def finish(self, stopping: Callable[[], bool] = lambda: False) -> None:
        """The input ended: hear what is left, let a running routine play out, wait for silence; each
        wait ends early once `stopping()` is true."""
        self.listening.flush()
        while self.routines.active and not stopping():
            wakeup = self.routines.next_wakeup()
            if wakeup is None and self.routines.announcing:  # still saying what it will do
                self.clock.sleep(0.02)
                self.tick()
                continue
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
            self.events.report("error", message=f"recognition failed: {err}")
            return
        turn = self.dialog.take_turn(transcript, self.routines.active, self.attention, self.clock.now())
        routed = time.perf_counter()
        timings = {
            "speech_ms": round(utterance.seconds * 1000),
            "recognise_ms": round((recognised - began) * 1000, 1),
            "route_ms": round((routed - recognised) * 1000, 1),
        }
        self.events.sink(heard_event(self.events.stamp("heard", heard=transcript.text), turn, timings))
        self._act(turn, detected)

    def _act(self, turn: Turn, detected: float) -> None:
        action, reply = turn.verdict.action, turn.reply
        if action == "wake":
            self.attention.open_window(self.clock.now())
            self.barge_in.answering = False
            if self.options.listening_earcon:
                self.speaker.play_earcon("listening")
            return
        if reply is None:  # ignored
            return
        speaking = self.speaker.is_speaking()
        if action == "not_heard" and speaking:  # over its own voice, a miss is most likely its echo
            return
        if self.barge_in.silences_answer(turn.match.intent, speaking, self.routines.active):
            self.speaker.stop()
            return
        if action == "control":
            if reply.control:
                self.routines.control(reply.control)
            return
        if reply.urgent and self.routines.active:
            self.speaker.stop()
            self.routines.end("stopped")
        if action == "answer":
            self._log_cramp(turn.match)
        self._answer(reply, detected, interruptible=action != "not_heard")

    def _answer(self, reply: Reply, detected: float, interruptible: bool = True) -> None:
        if not reply.text:
            return
        self.barge_in.answering = interruptible
        self.speaker.play(reply.text)
        self.own_voice.started()
        latency = round((time.perf_counter() - detected) * 1000, 1)
        seconds = self.speaker.duration(reply.text)
        self.events.say(reply.text, seconds, source="answer", latency_ms=latency, intent=reply.intent)
        if reply.routine:
            self.attention.close_window()
            self.routines.begin(reply.routine)  # starts when the announcement has been said (`tick`)
        else:
            self.attention.expect_follow_up()

    def _log_cramp(self, match: IntentMatch) -> None:
        if self.cramp_log is None or match.intent != "relief":
            return
        try:
            self.cramp_log.report(match.slots.get("body_part"), match.slots.get("side"))
        except Exception as err:  # the log is a nicety; it never stops an answer
            _LOGGER.warning("cramp log: %s", err)
            self.events.report("error", message=f"cramp log: {err}")


def heard_event(event: Event, turn: Turn, timings: dict[str, float]) -> Event:
    """The `heard` event for a turn (see `loop.events`), added to `event` (stamped, with what was heard)."""
    match, transcript = turn.heard.match, turn.heard.transcript
    event.update(
        intent=match.intent,
        guess=turn.guess,
        reason=turn.reason,
        slots=dict(match.slots),
        confidence=round(match.score, 3),
        timings=timings,
        action=turn.verdict.action,
        action_reason=turn.verdict.reason,
    )
    if transcript.out_of_domain:
        event["out_of_domain"] = True
    if turn.woken:
        event["wake"] = True
    return event
