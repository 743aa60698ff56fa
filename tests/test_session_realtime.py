"""On the real clock: the release comes on schedule (a short hold, a few seconds)."""

from __future__ import annotations

import pytest
from speech_fakes import FakeSpeaker, short_routine

from assistant.clock import MonotonicClock
from assistant.routines.phrases import SessionPhrases
from assistant.routines.runner import SessionRunner
from assistant.routines.session import Session
from assistant.routines.timeline import Cue, Timing


@pytest.mark.realtime
def test_release_within_a_quarter_second_of_schedule() -> None:
    clock = MonotonicClock()
    speaker = FakeSpeaker(clock, lambda text: 0.05 * len(text))
    session = Session(short_routine(3.0), SessionPhrases.from_file(), speaker.duration, Timing(gap=0.1))
    played: list[tuple[Cue, float]] = []
    started = clock.now()
    SessionRunner(session, speaker, clock, on_cue=lambda cue, at: played.append((cue, at))).run()
    hold = next((c, at) for c, at in played if c.kind == "hold")
    release = next((c, at) for c, at in played if c.kind == "release")
    assert release[0].t - hold[0].t == pytest.approx(3.0, abs=1e-6)
    assert abs(release[1] - release[0].t) < 0.25
    assert abs((release[1] - hold[1]) - 3.0) < 0.25
    assert all(abs(at - cue.t) < 0.25 for cue, at in played)
    assert clock.now() - started < 15
