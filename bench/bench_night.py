"""A night through the real bedside loop: an hour of audiobook speech under a fan with cramp questions
among it, and a quiet night; issue 10's "trigger nothing, while every question asked among it is answered".

- The audiobook (bench/night_audio.py says exactly what it is: synthetic voices reading public-domain and
  freely licensed prose, and the real LibriVox clips, under brown fan noise at 12 dB SNR; cramp questions
  in another voice, each after a pause) and the quiet night (bench/quiet_night.py: hours of room tone with
  coughs, creaks, passing cars and breathing) are built once and cached under bench/out/night.
- Each is fed to `cramp-assistant -vv run --mic-file F --fast --speaker null --log-json` (virtual clock,
  the default engine `auto`: pocketsphinx first, Whisper when doubted), in a fresh process. The JSON event
  log gives what was heard and done; the debug log between two `heard` events gives the endpointer's span
  of that utterance (seconds into the file) and the engines' own signals.
- Counted: a response (a `heard` event whose action is not `ignore`: an answer, a control acted on, a
  "sorry?") to an utterance that does not overlap an inserted question is a false answer; urgent ones are
  false alarms. A question is answered when an utterance overlapping it got an answer; with the right
  intent (and slots) when that answer's intent (and slots) are the question's. CPU is the child process's
  user + system time (os.wait4), start-up included.

Run: `python -m bench.bench_night [--minutes 5] [--questions F.tsv] [--night-hours 0.5] [--no-quiet]`;
`python -m bench.run_all --only night --readme README.md` writes the figures of a full run into
docs/benchmarks.md (and the headline rows into the README).
Details of every false answer and question go to bench/out/night/results_*.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.night_audio import DEFAULT_QUESTIONS, OUT, QUESTION_COUNT, Manifest, audiobook
from bench.night_loop import SLACK, Heard, LoopRun, run_loop
from bench.quiet_night import SOUNDS, Sound, quiet_night
from bench.speech_corpus import ROOT


def _playing(manifest: Manifest, item: Heard) -> str:
    """What the audiobook held where an utterance was heard."""
    pieces = [s for s in manifest.segments if item.overlaps(s, 0.0)]
    return " + ".join(f"{s.kind} ({s.voice}): {s.text[:90]!r}" for s in pieces) or "fan only"


def one_line(item: Heard, playing: str) -> str:
    """A false answer for the table: when, over what, what was heard and done, and why it was believed."""
    e = item.event
    verdict = f"{e['intent']} [{e['action']}], {e['reason']}"
    return f"at {item.start:.1f} s ({playing}): heard {e['heard']!r} -> {verdict}"


def false_detail(item: Heard, playing: str) -> dict[str, Any]:
    e = item.event
    return {
        "utterance": f"{item.start:.2f}-{item.end:.2f} s",
        "playing": playing,
        "heard": e["heard"],
        "intent": e["intent"],
        "slots": e["slots"],
        "action": e["action"],
        "confidence": e["confidence"],
        "reason": e["reason"],
        "action_reason": e["action_reason"],
        "said": item.said,
        "engine log": item.log,
    }


def score_audiobook(run: LoopRun, manifest: Manifest) -> tuple[dict[str, str], dict[str, Any]]:
    questions = manifest.questions
    on_question = [[h for h in run.heard if h.overlaps(q)] for q in questions]
    asked = {id(h) for group in on_question for h in group}
    false = [h for h in run.heard if h.responded and id(h) not in asked]
    urgent = [h for h in false if h.event["intent"] == "urgent"]
    answered = [[h for h in group if h.event["action"] == "answer"] for group in on_question]
    right = sum(
        any(h.event["intent"] == q.intent for h in group)
        for q, group in zip(questions, answered, strict=True)
    )
    exact = sum(
        any((h.event["intent"], h.event["slots"]) == (q.intent, q.slots) for h in group)
        for q, group in zip(questions, answered, strict=True)
    )
    second = sum(any("second opinion on" in line for line in h.log) for h in run.heard)
    hours = manifest.seconds / 3600
    kinds = {
        kind: sum(s.end - s.start for s in manifest.segments if s.kind == kind)
        for kind in ("narration", "human")
    }
    figures = {
        "audio": (
            f"{manifest.seconds / 60:.1f} min: {kinds['narration'] / 60:.1f} min synthetic narration, "
            f"{kinds['human'] / 60:.1f} min real LibriVox speech, {len(questions)} questions; brown fan "
            f"at {manifest.snr_db:g} dB SNR (see bench/night_audio.py)"
        ),
        "utterances heard": f"{len(run.heard)} ({sum(map(len, on_question))} on the questions)",
        "answers to speech not for it": f"{len(false)} ({', '.join(_actions(false)) or 'none'})",
        "false alarms (urgent answers among them)": str(len(urgent)),
        "questions answered": f"{sum(map(bool, answered))} of {len(questions)}",
        "questions answered with the right intent": (
            f"{right} of {len(questions)} ({exact} with every slot right)"
        ),
        "second opinion (Whisper) asked": f"on {second} of {len(run.heard)} utterances",
        "CPU": (
            f"{run.cpu_seconds:.0f} s for {manifest.seconds / 60:.0f} min of audio "
            f"({run.cpu_seconds / hours / 60:.1f} CPU min per audio hour, start-up included); "
            f"peak memory {run.peak_mb:.0f} MB"
        ),
    }
    for n, item in enumerate(false, start=1):
        figures[f"false answer {n}"] = one_line(item, _playing(manifest, item)[:80])
    missed = [(q, group) for q, group, ok in zip(questions, on_question, answered, strict=True) if not ok]
    for n, (question, group) in enumerate(missed, start=1):
        why = (
            "; ".join(f"heard {h.event['heard']!r}: {h.event['action_reason']}" for h in group) or "not heard"
        )
        figures[f"question not answered {n}"] = f"{question.text!r} at {question.start:.1f} s: {why}"
    details = {
        "false answers": [false_detail(h, _playing(manifest, h)) for h in false],
        "questions": [
            {
                "question": asdict(q),
                "heard": [false_detail(h, "question") for h in group],
            }
            for q, group in zip(questions, on_question, strict=True)
        ],
    }
    return figures, details


def _actions(items: list[Heard]) -> list[str]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.event["action"]] = counts.get(item.event["action"], 0) + 1
    return [f"{n} {action}" for action, n in sorted(counts.items())]


def score_quiet(run: LoopRun, hours: float, sounds: list[Sound]) -> tuple[dict[str, str], dict[str, Any]]:
    responded = [h for h in run.heard if h.responded]
    counts = ", ".join(f"{sum(s.kind == kind for s in sounds)} {kind}" for kind in sorted(SOUNDS))
    figures = {
        "quiet night": f"{hours:g} h of room tone, {len(sounds)} small sounds ({counts})",
        "quiet night: utterances heard": str(len(run.heard)),
        "quiet night: answers": f"{len(responded)} ({', '.join(_actions(responded)) or 'none'})",
        "quiet night: CPU": (
            f"{run.cpu_seconds / hours:.0f} CPU s per hour "
            f"({100 * run.cpu_seconds / (hours * 3600):.1f} % of one core; "
            f"{run.cpu_seconds:.0f} s in all, start-up included)"
        ),
    }
    details = []
    for n, item in enumerate(responded, start=1):
        near = [s for s in sounds if item.start < s.start + s.seconds + SLACK and s.start - SLACK < item.end]
        playing = " + ".join(f"{s.kind} at {s.start:.1f} s (peak {s.peak:g})" for s in near) or "room tone"
        figures[f"quiet night: answer {n}"] = one_line(item, playing)
        details.append(false_detail(item, playing))
    return figures, {"answers": details}


def run(
    minutes: float = 60.0,
    questions: Path = DEFAULT_QUESTIONS,
    count: int = QUESTION_COUNT,
    night_hours: float = 8.0,
    quiet: bool = True,
) -> dict[str, str]:
    figures: dict[str, str] = {}
    details: dict[str, Any] = {"questions file": str(questions)}
    if minutes > 0:
        wav, manifest = audiobook(minutes, questions, count)
        found, details["audiobook"] = score_audiobook(run_loop(wav), manifest)
        figures.update(found)
    if quiet and night_hours > 0:
        wav, sounds = quiet_night(night_hours)
        found, details["quiet night"] = score_quiet(run_loop(wav), night_hours, sounds)
        figures.update(found)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"results_{minutes:g}min_{night_hours if quiet else 0:g}h.json"
    out.write_text(json.dumps(details, indent=1), encoding="utf-8")
    figures["details"] = f"{out.relative_to(ROOT)} (not committed)"
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0, help="length of the audiobook (0: none)")
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS, help="the questions' TSV")
    parser.add_argument("--count", type=int, default=QUESTION_COUNT, help="questions in a full hour")
    parser.add_argument("--night-hours", type=float, default=8.0, help="length of the quiet night")
    parser.add_argument("--no-quiet", action="store_true", help="the audiobook only")
    parser.add_argument("--docs", type=Path, help="write the table into this file (as run_all does)")
    parser.add_argument("--readme", type=Path, help="and the headline figures into this README")
    args = parser.parse_args(argv)
    figures = run(args.minutes, args.questions, args.count, args.night_hours, not args.no_quiet)
    for name, value in figures.items():
        print(f"{name}: {value}", flush=True)
    if args.docs:
        from bench.run_all import BENCHMARKS, write_figures

        title = dict((m, t) for t, m in BENCHMARKS)["bench.bench_night"]
        write_figures([(title, figures)], args.docs, args.readme)
    return 0


if __name__ == "__main__":
    sys.exit(main())
