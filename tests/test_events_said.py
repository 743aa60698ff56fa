"""The event log remembers what the assistant said when (`EventLog.said_during`)."""

from __future__ import annotations

from assistant.clock import VirtualClock
from assistant.loop.events import SAID_KEPT, EventLog, Recorder


def test_a_phrase_counts_from_when_it_was_handed_over_for_its_length() -> None:
    clock = VirtualClock(50.0)
    log = EventLog(Recorder(), clock)
    log.say("Hold for 30 seconds, starting now.", 2.0, source="routine")
    clock.sleep(5.0)
    log.say("10 seconds.", 1.0, source="routine")
    assert log.said_during(50.5, 51.0) == ("Hold for 30 seconds, starting now.",)
    assert log.said_during(51.5, 55.2) == ("Hold for 30 seconds, starting now.", "10 seconds.")
    assert log.said_during(52.5, 54.5) == ()
    assert log.said_during(56.5, 60.0) == ()


def test_only_the_last_phrases_are_remembered() -> None:
    clock = VirtualClock()
    log = EventLog(Recorder(), clock)
    for n in range(SAID_KEPT + 3):
        log.say(f"{n}.", 0.5, source="routine")
        clock.sleep(1.0)
    assert log.said_during(0.0, clock.now()) == tuple(f"{n}." for n in range(3, SAID_KEPT + 3))
