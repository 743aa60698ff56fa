"""The bedside loop's core, event-driven: audio chunks in; answers, routines and events out.

`feed(chunk)` for every chunk from the microphone (or a WAV standing in for it), `tick()` whenever there
is no audio (the microphone is gone) so routine timers keep running, `finish()` at the end of a file.
Chunks are endpointed and streamed to the recogniser as speech arrives (`listening`). When an utterance
ends, the dialog says what the conversation expects (a routine's controls, or questions), the recogniser
finishes it with that expectation (a clear control is not sent to Whisper), and `Dialog.take_turn`
decides the whole action; the loop only carries it out (`_act`): silence the speaker, end or control the
routine, log a cramp, speak the reply, start the routine it announces.

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
from datetime import timedelta

from assistant.cramp_log import CrampLog, local_now
from assistant.dialog.dialog import Dialog
from assistant.dialog.turn import Moment, Turn
from assistant.hearing.endpointer import Endpointer
from assistant.hearing.recognizer import RecognitionStream, Transcriber
from assistant.loop.barge_in import BargeIn
from assistant.loop.events import Event
from assistant.loop.listening import Listening
from assistant.loop.own_voice import OwnVoice
from assistant.messages import AudioChunk, Reply, Utterance
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
        cramp_log: CrampLog | None = None,
        options: LoopOptions | None = None,
        barge_in: BargeIn | None = None,
    ) -> None:
        if dialog.attention is None:
            raise ValueError("the bedside dialog needs an Attention (the wake phrase and follow-up window)")
        self.recognizer = recognizer
        self.dialog = dialog
        self.speaker = speaker
        self.routines = routines
        self.clock = routines.clock
        self.events = routines.events
        """The routine's event log: one clock and origin for every event of the loop."""
        self.listening = Listening(recognizer, self.hear, endpoint)
        self.own_voice = OwnVoice(speaker, self.clock)
        self.cramp_log = cramp_log
        routines.on_end = self._routine_ended
        self.options = options or LoopOptions()
        self.barge_in = barge_in or BargeIn(None)
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
            self.dialog.speech_ended(ended)
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
        self.endpointer.listen_over_voice(self.barge_in.over_voice(self.own_voice.speaking))
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

    def moment(self, said: tuple[str, ...] = ()) -> Moment:
        """The loop's state now, as the dialog decides by it (with what the assistant was saying while the
        utterance was spoken: `said_over`)."""
        return Moment(
            self.clock.now(),
            self.routines.active,
            self.routines.paused,
            self.speaker.is_speaking(),
            self.barge_in.answering,
            said,
        )

    def said_over(self, utterance: Utterance) -> tuple[str, ...]:
        """What the assistant was saying while `utterance` was spoken (and its echo's tail before it), the
        utterance's end having been detected now (its times are on the source's time line)."""
        now = self.clock.now()
        start = now - (utterance.ended_at - utterance.start) - ECHO_TAIL
        end = now - max(0.0, utterance.ended_at - utterance.end) + ECHO_TAIL
        return self.events.said_during(start, end)

    def hear(self, utterance: Utterance, stream: RecognitionStream | None = None) -> None:
        """Recognise (finish the stream fed while it was spoken, else decode the audio) with what the
        conversation expects, decide, and act on one utterance; a failure is reported and the loop goes on."""
        self.utterances += 1
        detected = time.perf_counter()
        said = self.said_over(utterance)  # once: recognising takes time, the utterance stays where it was
        expect = self.dialog.expectation(self.moment(said))
        try:
            began = time.perf_counter()
            if stream is not None:
                transcript = stream.finish(expect)
            else:
                transcript = self.recognizer.transcribe(utterance.audio, expect)
            recognised = time.perf_counter()
        except Exception as err:  # any engine failure on one utterance must not end the loop
            _LOGGER.warning("recognition failed: %s", err, exc_info=_LOGGER.isEnabledFor(logging.DEBUG))
            self.events.report("error", message=f"recognition failed: {err}")
            return
        turn = self.dialog.take_turn(transcript, self.moment(said))
        routed = time.perf_counter()
        timings = {
            "speech_ms": round(utterance.seconds * 1000),
            "recognise_ms": round((recognised - began) * 1000, 1),
            "route_ms": round((routed - recognised) * 1000, 1),
        }
        event = self.events.stamp("heard", heard=transcript.text)
        if transcript.second is not None:  # the second engine was asked: what it heard
            event["second"] = transcript.second.text
        self.events.sink(heard_event(event, turn, timings))
        self._act(turn, detected)

    def _act(self, turn: Turn, detected: float) -> None:
        """Carry out what the dialog decided."""
        if turn.verdict.action == "wake":
            self.barge_in.answering = False
            if self.options.listening_earcon:
                self.speaker.play_earcon("listening")
            return
        if turn.silence:
            self.speaker.stop()
        if turn.end_routine:
            self.routines.end("stopped")
        if turn.control is not None:
            self.routines.control(turn.control)
        if turn.log_cramp:
            slots = turn.match.slots
            self._note("cramp", lambda log: log.report(slots.get("body_part"), slots.get("side")))
        if turn.log_eased:
            self._note("eased", lambda log: log.record_eased())
        if turn.log_red_flag is not None:
            topic = turn.log_red_flag
            self._note("red flag", lambda log: log.record_red_flag(topic))
        if turn.reply is not None:
            self._answer(turn.reply, detected, turn.interruptible)

    def _answer(self, reply: Reply, detected: float, interruptible: bool) -> None:
        if not reply.text:
            return
        self.barge_in.answering = interruptible
        self.speaker.play(reply.text)
        self.own_voice.started()
        latency = round((time.perf_counter() - detected) * 1000, 1)
        seconds = self.speaker.duration(reply.text)
        self.events.say(reply.text, seconds, source="answer", latency_ms=latency, intent=reply.intent)
        if reply.routine:
            self.routines.begin(reply.routine)  # starts when the announcement has been said (`tick`)

    def _routine_ended(self, name: str, completed: bool, seconds: float) -> None:
        """A routine ended: which exercise, whether it ran to its end, and when it began."""
        began = local_now() - timedelta(seconds=seconds)
        self._note("exercise", lambda log: log.record_exercise(name, completed, began))

    def _note(self, what: str, write: Callable[[CrampLog], object]) -> None:
        """Write one note into the cramp log (when it is on); the log is a nicety, it never stops a turn."""
        if self.cramp_log is None:
            return
        try:
            write(self.cramp_log)
        except Exception as err:
            _LOGGER.warning("cramp log (%s): %s", what, err)
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
