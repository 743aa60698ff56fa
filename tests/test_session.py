"""The guided session on a virtual clock: exact holds, no overlapping speech, controls mid-hold."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from speech_fakes import FakeSpeaker

from assistant.clock import VirtualClock
from assistant.routines.exercises import ExerciseBook
from assistant.routines.phrases import SessionPhrases
from assistant.routines.runner import SessionRunner
from assistant.routines.session import Session
from assistant.routines.timeline import Cue, Timing

BOOK = ExerciseBook.from_file()
PHRASES = SessionPhrases.from_file()
NAMES = BOOK.names()
DURATIONS: dict[str, Callable[[str], float]] = {
    "quick": lambda text: 0.3,
    "espeak-like": lambda text: 0.35 + 0.055 * len(text),
    "very slow": lambda text: 0.5 + 0.15 * len(text),
}
T0 = 1000.0


def make(name: str = "calf_stretch", duration: Callable[[str], float] = DURATIONS["espeak-like"]) -> Session:
    return Session(BOOK.routine(name), PHRASES, duration, Timing(release_delay=0.45))


def run_until(session: Session, until: float) -> list[Cue]:
    out: list[Cue] = []
    while (t := session.next_wakeup()) is not None and t <= until:
        out.extend(session.due(t))
    return out


def first(cues: list[Cue], kind: str, side: str | None = None) -> Cue:
    return next(c for c in cues if c.kind == kind and (side is None or c.side == side))


def says(cues: list[Cue]) -> list[str]:
    return [c.text for c in cues if c.kind == "say"]


@pytest.mark.parametrize("speed", DURATIONS)
@pytest.mark.parametrize("name", NAMES)
def test_each_hold_lasts_its_length_whatever_the_speech(name: str, speed: str) -> None:
    cues = make(name, DURATIONS[speed]).timeline(T0)
    holds = [c for c in cues if c.kind == "hold"]
    releases = [c for c in cues if c.kind == "release"]
    expected = sum(len(e.sides or (1,)) * len(e.directions or (1,)) for e in BOOK.routine(name).exercises)
    assert len(holds) == len(releases) == expected
    for hold, release in zip(holds, releases, strict=True):
        assert release.t - hold.t == pytest.approx(hold.seconds, abs=0.01)
        assert release.side == hold.side


@pytest.mark.parametrize("speed", DURATIONS)
@pytest.mark.parametrize("name", NAMES)
def test_spoken_cues_never_overlap(name: str, speed: str) -> None:
    cues = [c for c in make(name, DURATIONS[speed]).timeline(T0) if c.kind == "say"]
    for before, after in itertools.pairwise(cues):
        assert before.end <= after.t + 1e-9, (before, after)
    assert cues == sorted(cues, key=lambda c: c.t)


def test_the_hold_says_progress_countdown_and_release_on_time() -> None:
    cues = make("calf_stretch").timeline(T0)
    hold = first(cues, "hold")
    inside = [
        (round(c.t - hold.t, 3), c.text) for c in cues if c.kind == "say" and hold.t <= c.t <= hold.t + 31
    ]
    assert inside == [
        (10.0, "20 seconds."),
        (20.0, "10 seconds left."),
        (25.0, "5."),
        (26.0, "4."),
        (27.0, "3."),
        (28.0, "2."),
        (29.0, "1."),
        (30.45, "Release."),
    ]
    assert "Now switch to your left leg." in says(cues)


def test_slow_speech_thins_optional_cues_but_keeps_the_release_exact() -> None:
    cues = make("calf_stretch", lambda text: 0.9 + 0.05 * len(text)).timeline(T0)
    hold, release = first(cues, "hold"), first(cues, "release")
    assert release.t - hold.t == pytest.approx(30.0, abs=1e-6)
    countdown = [c.text for c in cues if hold.t < c.t < release.t and c.text.rstrip(".").isdigit()]
    assert 0 < len(countdown) < 5 and countdown[-1] == "1."


def test_counted_sets_count_aloud_at_their_pace() -> None:
    cues = make("ankle_circles").timeline(T0)
    hold = first(cues, "hold")
    counts = [
        (round(c.t - hold.t, 3), c.text) for c in cues if c.kind == "say" and hold.t <= c.t < hold.t + 30
    ]
    assert counts == [(3.0 * i, f"{i + 1}.") for i in range(10)]
    assert first(cues, "release").t - hold.t == pytest.approx(30.0)


def test_pause_keeps_the_remaining_time() -> None:
    session = make()
    cues = session.start(T0) + run_until(session, T0 + 200)
    hold = first(cues, "hold")
    session = make()
    session.start(T0)
    run_until(session, hold.t + 12.0)
    paused = session.pause(hold.t + 12.0)
    assert says(paused) == ["Paused. Say resume when you're ready."]
    assert session.remaining(hold.t + 12.0) == pytest.approx(18.0)
    assert run_until(session, hold.t + 500) == []
    assert session.next_wakeup() is None and not session.finished
    assert session.remaining(hold.t + 500) == pytest.approx(18.0)
    resumed = session.resume(hold.t + 500)
    assert says(resumed) == ["Resuming. 18 seconds left."]
    after = run_until(session, hold.t + 600)
    assert first(after, "release").t == pytest.approx(hold.t + 500 + 18.0, abs=0.01)
    assert says(after)[:7] == ["10 seconds left.", "5.", "4.", "3.", "2.", "1.", "Release."]
    spoken = [c for c in resumed + after if c.kind == "say"]
    for before, nxt in itertools.pairwise(spoken):
        assert before.end <= nxt.t + 1e-9


def test_pause_in_the_instructions_repeats_the_cut_sentence_on_resume() -> None:
    session = make()
    cues = session.start(T0) + run_until(session, T0 + 3.0)
    cut = [c for c in cues if c.kind == "say"][-1]
    session.pause(T0 + 3.0)
    resumed = session.resume(T0 + 50)
    later = run_until(session, T0 + 60)
    assert says(resumed) == ["Resuming."]
    assert later[0].text == cut.text


def test_stop_ends_at_once() -> None:
    clock = VirtualClock(T0)
    speaker = FakeSpeaker(clock)
    session = make(duration=speaker.duration)
    runner = SessionRunner(session, speaker, clock)
    wakeup = runner.start()
    while wakeup is not None and clock.now() < T0 + 30:
        clock.sleep_until(wakeup)
        wakeup = runner.poll()
    stop_at = clock.now()
    runner.control("stop")
    assert speaker.stops and speaker.stops[-1] == stop_at
    assert speaker.played[-1] == type(speaker.played[-1])(stop_at, "Stopping.")
    assert session.finished and session.next_wakeup() is None
    assert session.due(stop_at + 10_000) == []
    assert session.control("resume", stop_at + 1) == []


def test_stop_mid_hold_releases_early() -> None:
    session = make()
    cues = session.start(T0) + run_until(session, T0 + 30)
    assert session.remaining(T0 + 30) is not None
    stopped = session.stop(T0 + 30)
    assert [(c.kind, c.completed) for c in stopped] == [("release", False), ("say", True)]
    assert session.finished and cues


def test_extend_adds_ten_seconds() -> None:
    session = make()
    cues = session.start(T0) + run_until(session, T0 + 200)
    hold = first(cues, "hold")
    session = make()
    session.start(T0)
    run_until(session, hold.t + 5)
    reply = session.extend(hold.t + 5)
    assert says(reply) == ["10 more seconds."]
    rest = run_until(session, hold.t + 100)
    assert first(rest, "release").t == pytest.approx(hold.t + 40.0, abs=0.01)
    assert "30 seconds." in says(rest) and "1." in says(rest)


def test_time_left_answers_the_remaining_seconds() -> None:
    session = make()
    session.start(T0)
    assert says(session.time_left(T0 + 0.5)) == ["There's no hold running right now."]
    hold = first(run_until(session, T0 + 40), "hold")
    run_until(session, hold.t + 12.3)
    assert says(session.control("time_left", hold.t + 12.3)) == ["18 seconds left."]
    assert first(run_until(session, hold.t + 40), "release").t == pytest.approx(hold.t + 30, abs=0.01)


def test_other_side_switches_legs_without_doing_one_twice() -> None:
    session = make()
    cues = session.start(T0) + run_until(session, T0 + 200)
    hold = first(cues, "hold", "right")
    session = make()
    session.start(T0)
    run_until(session, hold.t + 5)
    switched = session.other_side(hold.t + 5)
    assert next((c.kind, c.side, c.completed) for c in switched) == ("release", "right", False)
    assert says(switched) == ["Switching to your left leg."]
    rest = run_until(session, hold.t + 500)
    assert [(c.kind, c.side) for c in rest if c.kind == "hold"] == [("hold", "left")]
    assert says(rest)[-1] == "That's the calf stretch done. Well done."
    assert session.finished


def test_other_side_from_the_second_leg_goes_back_then_finishes() -> None:
    session = make()
    cues = session.start(T0) + run_until(session, T0 + 200)
    left = first(cues, "hold", "left")
    session = make()
    session.start(T0)
    run_until(session, left.t + 3)
    session.control("other_side", left.t + 3)
    rest = run_until(session, left.t + 500)
    assert [c.side for c in rest if c.kind == "hold"] == ["right"]
    assert session.finished


def test_other_side_on_an_unsided_exercise_says_so() -> None:
    session = make("toe_stretch")
    hold = first(make("toe_stretch").timeline(T0), "hold")
    session.start(T0)
    run_until(session, hold.t + 2)
    assert says(session.other_side(hold.t + 2)) == ["This one is done with both feet together."]
    assert first(run_until(session, hold.t + 100), "release").t == pytest.approx(hold.t + 30)


def test_repeat_during_a_hold_keeps_its_timing() -> None:
    session = make()
    hold = first(make().timeline(T0), "hold")
    session.start(T0)
    run_until(session, hold.t + 1)
    repeated = session.repeat(hold.t + 1) + run_until(session, hold.t + 31)
    assert says(repeated)[0] == BOOK.exercises["calf_stretch"].steps[0]
    assert first(repeated, "release").t == pytest.approx(hold.t + 30)
    spoken = [c for c in repeated if c.kind == "say"]
    for before, nxt in itertools.pairwise(spoken):
        assert before.end <= nxt.t + 1e-9


def test_repeat_in_the_instructions_starts_them_again() -> None:
    session = make()
    session.start(T0)
    run_until(session, T0 + 8)
    again = session.control("repeat", T0 + 8) + run_until(session, T0 + 30)
    steps = list(BOOK.exercises["calf_stretch"].steps)
    assert says(again)[: len(steps)] == steps


def test_skip_ends_the_hold_or_jumps_to_it() -> None:
    session = make()
    session.start(T0)
    jumped = session.control("skip", T0 + 2)
    assert says(jumped) == ["Skipping ahead."]
    nxt = run_until(session, T0 + 10)
    assert says(nxt)[0] == "Hold for 30 seconds, starting now."
    hold = first(nxt, "hold")
    skipped = session.next(hold.t + 3)
    assert [c.kind for c in skipped][:2] == ["release", "say"]
    assert says(run_until(session, hold.t + 10))[0] == "Now switch to your left leg."


def test_controls_before_start_or_unknown() -> None:
    session = make()
    assert session.control("pause", T0) == []
    with pytest.raises(ValueError):
        session.control("dance", T0)


def test_json_lines_have_t_and_exactly_one_kind() -> None:
    for cue in make("routine").timeline(T0):
        data = cue.to_json(T0)
        assert data["t"] >= 0
        assert len({"say", "hold", "release"} & data.keys()) == 1
        if "hold" in data:
            assert data["exercise"] in BOOK.exercises
            assert ("side" in data) == bool(BOOK.exercises[data["exercise"]].sides)
        if "release" in data:
            assert data["release"] is True
