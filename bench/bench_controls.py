"""Controls during a routine (issue 22): pause, resume, stop, skip, repeat, how long left, ten more seconds
and the other leg, said to the real bedside loop while a stretch runs, by several synthetic voices, in a
quiet room, under a fan and with the assistant's own voice echoing back; and whole bedtime routines with
nobody speaking.

- The loop: `build_loop` with the default recogniser (pocketsphinx with Whisper as the second opinion,
  built once), the real speexdsp echo canceller, barge-in on, the default voice rendering the assistant's
  speech (see bench/controls_room.py for the exact surface it is driven through). Voice at 165 wpm and
  volume 0.9 by day and night alike (the louder echo; and the figures do not depend on the hour).
- The person: each phrasing (bench/data/controls.tsv) synthesised by each voice of the set, at -26 dBFS
  of active speech (`SPEECH_RMS`, as the night benchmark's speakers).
- The room: always a faint room tone (-54 dBFS brown noise and microphone hiss). Conditions: `quiet`; `fan
  12 dB` (brown noise 12 dB under the person's active speech); `room echo` (the assistant's voice back
  through `RoomEcho()`: 30 ms, -6 dB, 200 ms tail, as `run --room-echo`); and, extra, both together.
  Without the echo the loudspeaker still plays (the canceller has its reference); the microphone just
  does not hear it.
- A session (one voice, one condition): `controls_trials.SCRIPT`, 16 controls over a calf stretch and a
  quadriceps stretch, each said when it is valid, half over the assistant's voice. A control missed or
  mistaken is then applied by the driver (a repair) so the next one is still valid.
- Judged by `controls_trials.judge`. Taken within 3 s of the end of the speech, exactly once, nothing else.
- Time to a control: the endpointing delay, on the virtual clock, from the last loud 10 ms of the speech to
  the `heard` event (the trailing silence the endpointer waits); then, in real time on this machine, from
  the start of the `feed` call in which the end was detected to the `heard` event taking the control
  (recognition + deciding: the issue's "end of speech to control"), and to the end of that call (the
  routine carrying it out: its reply handed to the speaker). The feed calls' real times are also replayed
  as if the chunks came in real time, so that work done ahead in the trailing silence (decoding ahead)
  that overruns it shows: as a backlog before that call, and in the whole, end of speech to the control
  carried out.
- Its own voice: the whole bedtime routine with nobody speaking, room echo on, without and with the fan:
  `heard` events not ignored (target 0), and how many reached the recogniser at all.

`python -m bench.bench_controls --set dev` (the set to look at; `--trials` lists every trial),
`--set heldout4` (the default, for `make bench`: the unseen set, its own phrasings and voices; judge on it,
never tune on it), `--set heldout`, `--set heldout2` or `--set heldout3` (the first three held-out sets:
each run, seen since); `--quick`: two voices, quiet and room echo; `--dry-run`: synthesise the set's audio
only (check the voices), no loop.
"""

from __future__ import annotations

import argparse
import bisect
import re
import time
from collections import Counter
from collections.abc import Sequence

from assistant.content.loader import Content, load_content
from assistant.hearing.domain import domain_of
from assistant.hearing.recognizer import Transcriber, create_recognizer
from assistant.hearing.second_opinion_engine import SecondOpinionRecognizer
from assistant.messages import SAMPLE_RATE
from assistant.routines.phrases import SessionPhrases
from assistant.settings import Settings
from assistant.understanding.understanding import Understanding
from bench.bargein_trials import word_end
from bench.controls_report import Quiet, Trial, report, trial_lines
from bench.controls_room import BedsideInRoom
from bench.controls_sets import CONDITIONS, VOICES, Condition, bed, settings, spoken
from bench.controls_trials import (
    MISSED,
    SCRIPT,
    TAKEN,
    WINDOW,
    WRONG,
    Phrasing,
    assign,
    judge,
    queued_start,
    read_phrasings,
    reply_patterns,
    unprompted,
    within,
)
from bench.synth import Voice

LABELS = {
    "dev": "dev",
    "heldout": "held-out (seen)",
    "heldout2": "held-out 2 (seen)",
    "heldout3": "held-out 3 (seen)",
    "heldout4": "held-out 4 (unseen)",
}
"""How the report names each split."""
UNSEEN = "heldout4"
"""The split `make bench` judges on: never run before its first `make bench`, never tuned on."""


def session(
    room: BedsideInRoom,
    voice: Voice,
    turn: int,
    condition: Condition,
    phrasings: Sequence[Phrasing],
    replies: dict[str, list[re.Pattern[str]]],
) -> tuple[list[Trial], Counter[str], int]:
    """The script said to one loop: (trials, what it did while nobody spoke, moments never reached)."""
    trials: list[Trial] = []
    windows: list[tuple[float, float]] = []
    missing = 0
    for step, phrasing in assign(SCRIPT, phrasings, turn):
        if not room.reach(step):
            missing += 1
            continue
        samples = spoken(voice, phrasing.text)
        start = room.clock.now()
        over_voice = room.feed(samples)
        end = start + word_end(samples)
        room.bed(WINDOW)
        windows.append((start, room.clock.now()))
        events = within(room.recorder.stamped, start + 0.1, room.clock.now())
        verdict = judge(step.intent, events, replies)
        heard = tuple(_heard(s.event) for s in events if s.event.get("event") == "heard")
        trial = Trial(voice.label, condition.name, phrasing, step.moment, over_voice, verdict, heard)
        trials.append(_timed(trial, room, start, end))
        if verdict.outcome in (MISSED, WRONG):
            room.force(step.intent)
    room.until(lambda: not room.bedside.routines.active, 150.0)
    room.bed(2.0)
    outside = unprompted(room.recorder.stamped, windows)
    return trials, Counter(f"{kind}:{intent}" for kind, intent in outside if kind != "ignore"), missing


def _heard(event: dict[str, object]) -> str:
    """What one `heard` event says of an utterance: the first engine's text, the second's when it was
    asked, and why it was ignored when it was."""
    text = str(event.get("heard", ""))
    if "second" in event:
        text += f" | {event['second']}"
    if event.get("action") == "ignore":
        text += f" (ignored: {event.get('reason') or event.get('action_reason')})"
    return text


def _timed(trial: Trial, room: BedsideInRoom, start: float, end: float) -> Trial:
    """The trial with its times, when a `heard` (or `control`) event during a feed call took it."""
    taking = trial.verdict.taking
    if trial.outcome != TAKEN or taking is None or taking.call < 0:
        return trial
    trial.endpointing = taking.at - end
    trial.decide_ms = (taking.perf - room.call_start[taking.call]) * 1000
    trial.acted_ms = room.call_seconds[taking.call] * 1000
    first = bisect.bisect_left(room.call_at, start)
    began = queued_start(room.call_at, room.call_seconds, first, taking.call)
    trial.backlog_ms = (began - room.call_at[taking.call]) * 1000
    trial.whole_ms = (began + room.call_seconds[taking.call] - end) * 1000
    timings = taking.event.get("timings")
    if isinstance(timings, dict) and "recognise_ms" in timings:
        trial.own_ms = float(timings["recognise_ms"]) + float(timings.get("route_ms", 0.0))
    return trial


def quiet_routine(
    settings: Settings, content: Content, hearing: Hearing, condition: Condition, seed: int
) -> Quiet:
    """The whole bedtime routine, nobody speaking, the room's echo on."""
    recognizer, understanding = hearing
    room = BedsideInRoom(settings, content, recognizer, bed(condition.fan, seed), True, understanding)
    try:
        room.begin("routine")
        room.until(lambda: not room.bedside.routines.active, 900.0)
        room.bed(2.0)
        heard = room.recorder.of("heard")
        taken = Counter(f"{e['action']}:{e['intent']}" for e in heard if e.get("action") != "ignore")
        holds = sum(1 for e in room.recorder.of("release") if e.get("completed"))
        return Quiet(condition.name, taken, len(heard), holds, room.fed)
    finally:
        room.close()


Hearing = tuple[Transcriber, Understanding]
"""The recogniser and the understanding whose doubt check it uses (one pair for every session)."""


def default_recognizer(content: Content) -> Hearing:
    """The default two-engine recogniser and the understanding it doubts with (RuntimeError when Whisper
    is missing and it would not be)."""
    understanding = Understanding.from_content(content)
    recognizer = create_recognizer(Settings().recognizer, domain_of(content), understanding.doubts)
    if not isinstance(recognizer, SecondOpinionRecognizer):
        raise RuntimeError(
            f"the default recogniser here is {type(recognizer).__name__}, not pocketsphinx with Whisper as "
            "the second opinion (install faster-whisper and its model: make setup)"
        )
    return recognizer, understanding


def measure(split: str, quick: bool = False, trials_out: list[Trial] | None = None) -> dict[str, str]:
    """Every session of the set, and the quiet routines; the figures."""
    began, cpu = time.perf_counter(), time.process_time()
    phrasings = [p for p in read_phrasings() if p.split == split]
    voices: Sequence[Voice] = VOICES[split]
    conditions = [c for c in CONDITIONS if not quick or c.name in ("quiet", "room echo")]
    if quick:
        voices = voices[:2]
    content, config = load_content(), settings()
    hearing = default_recognizer(content)
    recognizer, understanding = hearing
    replies = reply_patterns(SessionPhrases.from_file())
    trials: list[Trial] = []
    outside: Counter[str] = Counter()
    missing = repairs = 0
    fed = 0.0
    warned: dict[str, Counter[str]] = {}
    for c_index, condition in enumerate(conditions):
        for turn, voice in enumerate(voices):
            noise = bed(condition.fan, 100 * c_index + turn)
            room = BedsideInRoom(config, content, recognizer, noise, condition.echo, understanding)
            try:
                done, others, lost = session(room, voice, turn, condition, phrasings, replies)
            finally:
                room.close()
            for message in set(room.warnings.messages):
                warned.setdefault(message, Counter())[condition.name] += 1
            trials += done
            outside += others
            missing, repairs, fed = missing + lost, repairs + room.repairs, fed + room.fed
            taken = sum(t.outcome == TAKEN for t in done)
            print(f"  {condition.name}, {voice.label}: {taken} of {len(done)} taken", flush=True)
    quiet = [] if quick else [quiet_routine(config, content, hearing, c, 99) for c in CONDITIONS if c.echo]
    main = [c.name for c in conditions if not c.extra]
    label = LABELS[split]
    names = ", ".join(v.label for v in voices)
    figures = {
        "set": f"{label}: {len(phrasings)} phrasings, {len(voices)} voices ({names})" + (" (quick)" * quick),
        "recogniser": f"{type(recognizer).__name__}: pocketsphinx, Whisper as the second opinion; built once",
    }
    figures |= report(trials, main, outside, quiet)
    figures["script repairs (controls the driver applied after a miss or a wrong one)"] = str(repairs)
    figures["moments never reached (controls not said)"] = str(missing)
    figures["the loop's warnings (sessions with each, by condition)"] = (
        "; ".join(f"{m!r}: {', '.join(f'{c} {n}' for c, n in by.items())}" for m, by in warned.items())
        or "none"
    )
    audio = fed + sum(q.seconds for q in quiet)
    figures["run time"] = (
        f"{time.perf_counter() - began:.0f} s wall, {time.process_time() - cpu:.0f} s CPU (this process), "
        f"{audio / 60:.0f} min of audio fed"
    )
    if trials_out is not None:
        trials_out.extend(trials)
    return figures


def dry_run(split: str) -> dict[str, str]:
    """The set's audio, synthesised by each voice: no loop (checks the voices work here)."""
    phrasings = [p for p in read_phrasings() if p.split == split]
    figures = {}
    for voice in VOICES[split]:
        lengths = [len(spoken(voice, p.text)) / SAMPLE_RATE for p in phrasings]
        figures[f"voice {voice.label}"] = (
            f"{len(lengths)} phrasings, {min(lengths):.2f} to {max(lengths):.2f} s of speech"
        )
    return figures


def run() -> dict[str, str]:
    """For `make bench`: the unseen held-out set."""
    return measure(UNSEEN)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", choices=tuple(VOICES), default=UNSEEN, dest="split")
    parser.add_argument("--quick", action="store_true", help="two voices, quiet and room echo only")
    parser.add_argument("--dry-run", action="store_true", help="synthesise the audio only, no loop")
    parser.add_argument("--trials", action="store_true", help="list every trial (a seen set only)")
    args = parser.parse_args()
    if args.trials and args.split == UNSEEN:
        parser.error("--trials lists a seen set only: the unseen set is for judging, not tuning")
    trials: list[Trial] = []
    figures = dry_run(args.split) if args.dry_run else measure(args.split, args.quick, trials)
    if args.trials:
        print("\n".join(trial_lines(trials)))
    for key, value in figures.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
