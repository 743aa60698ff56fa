"""`stretch NAME`: guide an exercise or the bedtime routine aloud, or print / render its timeline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.clock import Clock, MonotonicClock, VirtualClock
from assistant.routines.exercises import ExerciseBook
from assistant.routines.phrases import SessionPhrases
from assistant.routines.runner import SessionRunner
from assistant.routines.session import Session
from assistant.routines.timeline import Cue, Timing
from assistant.settings_file import add_settings_arguments, settings_from_args
from assistant.voice.earcons import earcon_seconds
from assistant.voice.speaker import SPEAKER_KINDS, Speaker, open_speaker


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "stretch",
        help="guide an exercise or the bedtime routine with spoken hold timers",
        description=(
            "Guide an exercise from the article, or the whole bedtime routine, with spoken hold "
            "timers. Names: calf_stretch, toe_stretch, towel_scrunch, ankle_circles, quad_stretch, routine."
        ),
    )
    parser.add_argument("name", help="the exercise, or routine")
    parser.add_argument("--dry-run", action="store_true", help="print the timeline on a virtual clock")
    parser.add_argument("--json", action="store_true", help="one JSON object per cue")
    parser.add_argument("--speak-to", type=Path, metavar="OUT.wav", help="render the session into a WAV file")
    parser.add_argument(
        "--hold",
        type=float,
        metavar="S",
        help="seconds per hold, within the article's range (for routine: each exercise's own range)",
    )
    parser.add_argument(
        "--speaker",
        choices=SPEAKER_KINDS,
        default="sound",
        help="sound: play on the output device (default); null: no sound, only the printed cues",
    )
    add_settings_arguments(parser)
    parser.set_defaults(func=run_stretch)


def run_stretch(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    voice = settings.voice
    hold = args.hold if args.hold is not None else settings.routine.hold_seconds
    routine = ExerciseBook.from_file().routine(args.name, hold)
    phrases = SessionPhrases.from_file()
    virtual = args.dry_run or args.speak_to is not None
    clock: Clock = VirtualClock() if virtual else MonotonicClock()
    if args.dry_run and args.speak_to is None:
        speaker: Speaker = open_speaker(voice, None, "null")
    else:
        speaker = open_speaker(voice, args.speak_to, args.speaker, clock)
    timing = Timing(release_delay=earcon_seconds("hold_end") + 0.05 if voice.earcons else 0.0)
    session = Session(routine, phrases, speaker.duration, timing)
    origin = clock.now()
    printer = _CuePrinter(args.json, origin)
    runner = SessionRunner(session, speaker, clock, earcons=voice.earcons, on_cue=printer)
    try:
        runner.run()
    except KeyboardInterrupt:
        runner.control("stop")
        return 130
    finally:
        speaker.close()
    if args.speak_to is not None and not args.json:
        print(f"wrote {args.speak_to} ({clock.now() - origin:.1f} s)", file=sys.stderr)
    return 0


class _CuePrinter:
    def __init__(self, as_json: bool, origin: float) -> None:
        self.as_json = as_json
        self.origin = origin

    def __call__(self, cue: Cue, played_at: float) -> None:
        data = cue.to_json(self.origin)
        if self.as_json:
            print(json.dumps(data), flush=True)
            return
        t = data.pop("t")
        if cue.kind == "say":
            print(f"{t:7.2f}  {cue.text}", flush=True)
        elif cue.kind == "hold":
            side = f" ({cue.side})" if cue.side else ""
            print(f"{t:7.2f}  [hold {cue.seconds:g} s{side}]", flush=True)
        else:
            print(f"{t:7.2f}  [release]", flush=True)
