"""The controls benchmark's bookkeeping, data and driver (fast: no Whisper, no synthetic voices).

The driver test runs the real loop (echo canceller, routine, espeak-ng voice) with a typed recogniser, so
it fails when the loop's public surface that bench_controls relies on changes."""

from __future__ import annotations

import re
import shutil
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from audio_signals import syllables

from assistant.content.loader import Content
from assistant.messages import IDLE, Expectation, Transcript
from assistant.routines.controls import CONTROLS
from assistant.routines.phrases import SessionPhrases
from assistant.settings import Settings, VoiceSettings
from bench import bench_controls, controls_sets
from bench.controls_report import Quiet, Trial, report
from bench.controls_room import BedsideInRoom
from bench.controls_trials import (
    HOLD_QUIET,
    MISSED,
    PAUSED,
    SCRIPT,
    SPLITS,
    TAKEN,
    TWICE,
    WRONG,
    Phrasing,
    Stamped,
    Verdict,
    assign,
    judge,
    percentile,
    queued_start,
    read_phrasings,
    reply_patterns,
    share,
    unprompted,
    within,
)
from bench.synth import SynthError, Voice, _command, synthesize

ROOT = Path(__file__).resolve().parents[1]


def heard(at: float, intent: str, action: str = "control", text: str = "") -> Stamped:
    event = {"event": "heard", "t": at, "heard": text, "intent": intent, "action": action, "timings": {}}
    return Stamped(event, at, perf=at, call=int(at * 10))


def say(at: float, text: str, source: str = "routine") -> Stamped:
    return Stamped({"event": "say", "t": at, "text": text, "seconds": 1.0, "source": source}, at)


# --- the phrasings and the script ----------------------------------------------------------------------


def test_phrasing_file_has_two_phrasings_per_control_in_each_split() -> None:
    phrasings = read_phrasings()
    counts = Counter((p.intent, p.split) for p in phrasings)
    assert counts == {(intent, split): 2 for intent in CONTROLS for split in SPLITS}
    texts = [p.text for p in phrasings]
    assert len(set(texts)) == len(texts)
    assert set(SPLITS) == set(controls_sets.VOICES)


def _normalised(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", "", text.lower().replace("-", " ")).split())


@pytest.mark.parametrize("split", ["heldout2", "heldout3", "heldout4"])
def test_a_held_out_sets_phrasings_repeat_none_of_another_set(split: str) -> None:
    """Compared as normalised text; only counts are shown on failure (the phrasings are not to be seen)."""
    phrasings = read_phrasings()
    others = {_normalised(p.text) for p in phrasings if p.split != split}
    mine = [_normalised(p.text) for p in phrasings if p.split == split]
    repeated = sum(text in others for text in mine)
    assert len(mine) == 2 * len(CONTROLS), f"{split} has {len(mine)} phrasings"
    assert repeated == 0, f"{repeated} {split} phrasing(s) repeat a phrasing of another set"
    assert len(set(mine)) == len(mine), f"two {split} phrasings are the same"


@pytest.mark.parametrize("split", ["heldout3", "heldout4"])
def test_the_newest_sets_phrasings_are_short(split: str) -> None:
    """One to six words each (counts only on failure)."""
    mine = [p for p in read_phrasings() if p.split == split]
    long = sum(not 1 <= len(_normalised(p.text).split()) <= 6 for p in mine)
    assert mine and long == 0, f"{long} {split} phrasing(s) not 1 to 6 words"


def test_the_unseen_set_is_the_newest_and_checked_as_such() -> None:
    assert bench_controls.UNSEEN == SPLITS[-1] == "heldout4"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("pause\tpause", "3 tab-separated columns"),
        ("pause\tsnooze\tdev", "not a control"),
        ("pause\tpause\ttrain", "split"),
        ("Pause\tpause\tdev", "lower-case"),
    ],
)
def test_a_bad_phrasing_line_names_the_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "controls.tsv"
    path.write_text("# comment\nphrase\tintent\tsplit\nstop\tstop\tdev\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(f"{path}:4") + ".*" + problem):
        read_phrasings(path)


def test_the_script_asks_each_control_twice_and_resumes_only_after_a_pause() -> None:
    assert Counter(step.intent for step in SCRIPT) == dict.fromkeys(CONTROLS, 2)
    for index, step in enumerate(SCRIPT):
        if step.intent == "resume":
            assert step.moment == PAUSED and SCRIPT[index - 1].intent == "pause"
        if step.intent in ("time_left", "extend", "other_side"):
            assert step.moment.startswith("in a hold")
    assert SCRIPT[-1].intent != "stop"  # the last routine runs to its end: what it says later is counted


def test_each_session_says_every_phrasing_once_and_voices_say_them_at_other_moments() -> None:
    dev = [p for p in read_phrasings() if p.split == "dev"]
    first, second = assign(SCRIPT, dev, 0), assign(SCRIPT, dev, 1)
    assert sorted(p.text for _, p in first) == sorted(p.text for p in dev)
    moments = {p.text: step.moment for step, p in first}
    assert any(moments[p.text] != step.moment for step, p in second)


# --- the voices ---------------------------------------------------------------------------------------


def _other_files() -> str:
    mine = {
        "bench_controls.py",
        "controls_room.py",
        "controls_trials.py",
        "controls_report.py",
        "controls_sets.py",
    }
    paths = [*ROOT.joinpath("bench").glob("*.py"), *ROOT.joinpath("tests").rglob("*.py")]
    return "\n".join(
        p.read_text(encoding="utf-8") for p in paths if p.name not in mine and p != Path(__file__)
    )


def test_held_out_voices_are_used_nowhere_else_and_dev_voices_were_used_before() -> None:
    others = _other_files()
    held_out = [voices for split, voices in controls_sets.VOICES.items() if split != "dev"]
    assert controls_sets.HELDOUT4_VOICES in held_out and len(held_out) == len(SPLITS) - 1
    for voices in held_out:
        assert len(voices) >= 5
        for voice in voices:
            assert voice.name and voice.name not in others, voice
    for voice in controls_sets.DEV_VOICES:
        used = f'Voice("{voice.engine}"' + (f', "{voice.name}"' if voice.name else ")")
        assert used in others, voice
    every = [v for voices in controls_sets.VOICES.values() for v in voices]
    assert len({v.label for v in every}) == len(every)
    assert len({(v.engine, v.name) for v in every}) == len(every)


@pytest.mark.parametrize("split", ["heldout2", "heldout3", "heldout4"])
def test_a_newer_sets_voices_are_new_to_every_earlier_set_and_speak_at_different_rates(split: str) -> None:
    unseen = controls_sets.VOICES[split]
    earlier = [v for s in SPLITS[: SPLITS.index(split)] for v in controls_sets.VOICES[s]]
    assert earlier and not {(v.engine, v.name) for v in earlier} & {(v.engine, v.name) for v in unseen}
    rates = [v.rate for v in unseen if v.engine == "espeak-ng"]
    assert all(r is not None and 140 <= r <= 185 for r in rates) and len(set(rates)) == len(rates)


_VARIANT = re.compile(r'"(en[a-z0-9-]*)\+([a-z]+[0-9]*)"')


@pytest.mark.parametrize("split", ["heldout3", "heldout4"])
def test_the_newest_voices_pair_a_language_voice_with_a_variant_never_paired_before(split: str) -> None:
    """Each (language voice, variant) pair of held-out 3 and of the unseen held-out 4 is new to every other
    set and to every other benchmark and test (`Voice("espeak-ng", "en-us+f3")` and the like), and no two
    of a set's voices share a language voice, a variant or a rate with each other; nor a rate with another
    set's voice."""
    newest = controls_sets.VOICES[split]
    assert len(newest) == 6 and all(v.engine == "espeak-ng" for v in newest)
    pairs = [tuple(v.name.split("+")) for v in newest]
    assert all(len(pair) == 2 for pair in pairs), "each voice has a variant"
    assert not any(variant.startswith(("klatt", "croak", "whisper")) for _, variant in pairs)
    assert all(base != "en-gb" for base, _ in pairs), "espeak-ng ignores a variant on en-gb"
    assert len({base for base, _ in pairs}) == len({variant for _, variant in pairs}) == len(pairs)
    earlier = [v for other, voices in controls_sets.VOICES.items() if other != split for v in voices]
    used = {tuple(v.name.split("+")) for v in earlier if "+" in v.name}
    used |= set(_VARIANT.findall(_other_files()))
    assert used and not used & set(pairs)
    assert not {v.rate for v in earlier} & {v.rate for v in newest}


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
@pytest.mark.parametrize(
    "voice",
    [v for split in SPLITS[2:] for v in controls_sets.VOICES[split] if "+" in v.name],
    ids=str,
)
def test_an_unseen_voices_variant_changes_its_voice(voice: Voice) -> None:
    """espeak-ng says "en-gb+m6" exactly as "en-gb": the variant is ignored without a word."""
    plain = replace(voice, name=voice.name.split("+")[0])
    assert not np.array_equal(synthesize(voice, "ten more"), synthesize(plain, "ten more"))


@pytest.mark.parametrize("split", SPLITS)
def test_each_split_can_be_chosen_on_the_command_line(monkeypatch: pytest.MonkeyPatch, split: str) -> None:
    chosen: list[str] = []

    def dry_run(name: str) -> dict[str, str]:
        chosen.append(name)
        return {}

    monkeypatch.setattr(bench_controls, "dry_run", dry_run)
    monkeypatch.setattr(sys, "argv", ["bench_controls", "--set", split, "--dry-run"])
    assert bench_controls.main() == 0 and chosen == [split]


def test_make_bench_and_the_command_line_judge_on_the_unseen_set(monkeypatch: pytest.MonkeyPatch) -> None:
    measured: list[str] = []

    def measure(split: str, *_: object) -> dict[str, str]:
        measured.append(split)
        return {}

    monkeypatch.setattr(bench_controls, "measure", measure)
    monkeypatch.setattr(sys, "argv", ["bench_controls"])
    assert bench_controls.run() == {} and bench_controls.main() == 0
    assert measured == ["heldout4", "heldout4"]


def test_only_the_newest_set_is_labelled_unseen() -> None:
    assert set(bench_controls.LABELS) == set(SPLITS)
    assert bench_controls.LABELS[bench_controls.UNSEEN] == "held-out 4 (unseen)"
    unseen = [split for split, label in bench_controls.LABELS.items() if "unseen" in label]
    assert unseen == [bench_controls.UNSEEN] == [SPLITS[-1]]
    assert bench_controls.LABELS["heldout2"] == "held-out 2 (seen)"
    assert bench_controls.LABELS["heldout3"] == "held-out 3 (seen)"


def test_a_festival_voice_is_chosen_by_name(tmp_path: Path) -> None:
    command, text = _command(Voice("festival", "ked_diphone"), "stop", tmp_path / "out.wav")
    assert command[:3] == ["text2wave", "-eval", "(voice_ked_diphone)"] and text == "stop"
    assert _command(Voice("festival"), "stop", tmp_path / "out.wav")[0] == [
        "text2wave",
        "-o",
        str(tmp_path / "out.wav"),
    ]
    with pytest.raises(SynthError):
        _command(Voice("festival", "kal) (quit"), "stop", tmp_path / "out.wav")


# --- judging one control --------------------------------------------------------------------------------


def test_a_control_acted_on_once_is_taken() -> None:
    verdict = judge("pause", [heard(1.0, "pause"), heard(1.5, "unknown", "ignore")])
    assert verdict.outcome == TAKEN and verdict.taking is not None and verdict.taking.at == 1.0


def test_nothing_acted_on_is_missed_and_not_heard_is_no_answer() -> None:
    assert judge("stop", []).outcome == MISSED
    assert (
        judge("stop", [heard(1.0, "unknown", "not_heard"), heard(2.0, "pause", "ignore")]).outcome == MISSED
    )


def test_another_control_or_an_answer_is_wrong_even_with_the_right_one() -> None:
    assert judge("time_left", [heard(1.0, "extend")]).outcome == WRONG
    assert judge("time_left", [heard(1.0, "diet", "answer")]).outcome == WRONG
    both = judge("pause", [heard(1.0, "pause"), heard(1.2, "next")])
    assert both.outcome == WRONG and both.acted == ("control:pause", "control:next")


def test_a_control_acted_on_twice_is_an_error() -> None:
    assert judge("next", [heard(1.0, "next"), heard(2.0, "next")]).outcome == TWICE


def test_a_control_event_counts_when_no_heard_event_was_a_control() -> None:
    control = Stamped({"event": "control", "t": 1.1, "control": "pause"}, 1.1)
    assert judge("pause", [heard(1.0, "pause", "hold"), control]).outcome == TAKEN
    both = judge("pause", [heard(1.0, "pause"), control])  # one utterance reported twice: once
    assert both.outcome == TAKEN


def test_the_routines_own_reply_shows_a_control_was_applied_unless_it_is_ambiguous() -> None:
    phrases = SessionPhrases.from_file()
    replies = reply_patterns(phrases)
    assert judge("pause", [say(1.0, phrases.paused)], replies).outcome == TAKEN
    assert judge("extend", [say(1.0, phrases.extended.format(seconds=10))], replies).outcome == TAKEN
    assert judge("pause", [say(1.0, phrases.paused, source="answer")], replies).outcome == MISSED
    if phrases.time_left == phrases.last_progress:  # "10 seconds left." is also a progress cue
        assert judge("time_left", [say(1.0, phrases.time_left.format(seconds=10))], replies).outcome == MISSED


def test_what_the_loop_did_outside_every_window_is_unprompted() -> None:
    events = [
        heard(1.0, "pause"),
        heard(5.0, "stop"),
        heard(6.0, "x", "ignore"),
        heard(9.0, "diet", "answer"),
    ]
    assert unprompted(events, [(0.5, 2.0)]) == [("control", "stop"), ("answer", "diet")]
    assert [s.at for s in within(events, 4.0, 6.0)] == [5.0, 6.0]


def test_a_call_waits_for_the_work_before_it_when_replayed_in_real_time() -> None:
    arrivals = [0.03, 0.06, 0.09, 0.12]
    assert queued_start(arrivals, [0.001] * 4, 0, 3) == 0.12  # light work: no backlog
    assert queued_start(arrivals, [0.001, 0.2, 0.001, 0.0], 0, 3) == pytest.approx(0.261)  # decoding ahead
    assert queued_start(arrivals, [0.5, 0.5, 0.5, 0.5], 2, 3) == pytest.approx(0.59)  # idle at `first`


def test_shares_and_percentiles() -> None:
    assert share([TAKEN, TAKEN, MISSED, WRONG]) == "50.0% (2 of 4)"
    assert share([]) == "none"
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert percentile([10.0, 20.0], 90) == pytest.approx(19.0)


def test_the_report_counts_each_condition_and_the_own_voice_runs() -> None:
    phrasing = Phrasing("pause", "pause", "dev")

    def trial(condition: str, outcome: str, over: bool) -> Trial:
        verdict = Verdict(outcome, ("control:next",) if outcome == WRONG else (), None)
        return Trial("v", condition, phrasing, HOLD_QUIET, over, verdict, decide_ms=50.0, endpointing=0.6)

    trials = [trial("quiet", TAKEN, False), trial("quiet", WRONG, True), trial("extra", TAKEN, True)]
    quiet = [Quiet("room echo", Counter({"control:stop": 1}), 3, 8, 340.0)]
    figures = report(trials, ["quiet"], Counter(), quiet)
    assert figures["taken, quiet"] == (
        "50.0% (1 of 2); missed 0, wrong 1, taken twice 0; "
        "over its voice 0.0% (0 of 1), while quiet 100.0% (1 of 1)"
    )
    assert figures["taken, extra (extra)"].startswith("100.0% (1 of 1)")
    assert figures["taken over the assistant's voice / while it was quiet (three conditions)"] == (
        "0.0% (0 of 1) / 100.0% (1 of 1)"
    )
    assert figures["acted on instead, when wrong (all conditions)"] == "control:next 1"
    assert figures["issue 22 done-when"] == (
        "taken >= 97% in each condition: NO (quiet 50.0%); 0 taken from its own voice: NO (1); "
        "median end of speech to control < 100 ms: yes (50 ms)"
    )
    assert figures["bedtime routine, nobody speaking, room echo: taken from its own voice"].startswith(
        "1 (target 0) (control:stop 1); 3 utterances"
    )


# --- the driver on the real loop ----------------------------------------------------------------------


class Typed:
    """Hears every utterance as the same words (typed text, believed as it is)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def transcribe(self, audio: bytes, expect: Expectation = IDLE) -> Transcript:
        return Transcript(self.text)


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_the_driver_reaches_a_hold_says_a_control_and_sees_it_taken(content: Content) -> None:
    settings = replace(
        controls_sets.settings(), voice=VoiceSettings(engine="espeak", rate=165, night_rate=165)
    )
    assert isinstance(settings, Settings)
    room = BedsideInRoom(settings, content, Typed("pause"), controls_sets.bed(False, 1), echo=False)
    try:
        step = SCRIPT[7]
        assert (step.intent, step.moment) == ("pause", HOLD_QUIET)
        assert room.reach(step)
        assert room.hold_at is not None and not room.bedside.own_voice.speaking
        start = room.clock.now()
        room.feed(syllables(0.6, 0.05))
        room.bed(3.0)
        verdict = judge("pause", within(room.recorder.stamped, start, room.clock.now()))
        assert verdict.outcome == TAKEN and verdict.taking is not None
        assert room.paused and room.bedside.routines.active
        assert verdict.taking.call >= 0 and room.call_at[verdict.taking.call] > start
        assert room.reach(SCRIPT[2])  # resume: paused, the assistant quiet
        assert np.isclose(room.fed, room.clock.now())
    finally:
        room.close()
