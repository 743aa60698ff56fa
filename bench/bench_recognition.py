"""Speech-recognition figures for the default engine (pocketsphinx) on the held-out spoken corpus.

The corpus (bench/speech_corpus.py) speaks a held-out spoken set (by default
tests/data/heldout3_spoken.tsv; `--tsv` takes another) with eight synthetic voices, clean and in brown and
pink noise at 12 and 6 dB SNR, plus real human recordings not addressed to the assistant and a synthetic
radio talk show. `make bench` compares the engines with `bench_policies` instead; this is pocketsphinx
alone, per voice. Figures:

- intent+slots exact accuracy per condition (targets 95% clean, 90% at 12 dB, 80% at 6 dB), and per voice;
- real speech not addressed to the assistant that got no answer (target: all of it), and the share of the
  radio show's utterances that got none;
- real-time factor of decoding; end of speech to IntentMatch (decode + routing of the utterance) median and
  90th percentile; peak memory of a fresh process that loads everything and decodes.

Run: `python -m bench.bench_recognition [--limit N]` (needs `make bench-deps`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assistant.audio.source import WavSource
from assistant.content.loader import load_content
from assistant.dialog.dialog import Dialog
from assistant.dialog.intents.base import Context
from assistant.hearing.domain import domain_of
from assistant.hearing.endpointer import utterances
from assistant.hearing.recognizer import Recognizer, create_recognizer
from assistant.settings import RecognizerSettings
from assistant.understanding.understanding import Understanding
from bench.recognition_eval import Outcome, accuracy, by, evaluate, latency_ms, real_time_factor
from bench.speech_corpus import DEFAULT_TSV, CorpusEntry, build_corpus

TARGETS = {"clean": 0.95, "12 dB": 0.90, "6 dB": 0.80}


def _recognizer_and_dialog(models_dir: Path | None = None, live: bool = False) -> tuple[Recognizer, Dialog]:
    content = load_content()
    settings = RecognizerSettings(engine="pocketsphinx")
    if models_dir is not None:
        settings = RecognizerSettings(engine="pocketsphinx", models_dir=models_dir)
    domain = domain_of(content)
    understanding = Understanding.from_content(content)
    recognizer = create_recognizer(settings, domain, understanding.doubts)
    if live:
        from assistant.hearing.pocketsphinx_engine import PocketsphinxRecognizer, PocketsphinxTuning

        recognizer = PocketsphinxRecognizer(
            domain.sentences, settings.models_dir, PocketsphinxTuning(live=True)
        )
    return recognizer, Dialog(content, understanding=understanding)


def _radio_unanswered(entry: CorpusEntry, dialog: Dialog, recognizer: Recognizer) -> tuple[int, int]:
    """(utterances with no answer, utterances) in a long recording, endpointed as the bedside loop does."""
    total = unanswered = 0
    for utterance in utterances(iter(WavSource(entry.path))):
        dialog.context = Context()
        match, _ = dialog.respond(recognizer.transcribe(utterance.audio))
        total += 1
        unanswered += match.intent == "unknown"
    return unanswered, total


def peak_rss_mb() -> float:
    """Peak memory of a fresh process that loads content and the recogniser and decodes one file."""
    code = (
        "import resource, sys; from bench.bench_recognition import _probe; _probe(); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300
    )
    return int(done.stdout.strip().splitlines()[-1]) / 1024


def _probe() -> None:
    from assistant.audio.source import read_wav_pcm16k

    recognizer, dialog = _recognizer_and_dialog()
    audio = read_wav_pcm16k(
        Path(__file__).resolve().parent.parent / "tests" / "audio" / "q_calf_cramping.wav"
    )
    dialog.respond(recognizer.transcribe(audio))


def figures(outcomes: list[Outcome], radio: tuple[int, int] | None, rss_mb: float) -> dict[str, str]:
    questions = [o for o in outcomes if o.entry.kind == "question"]
    human = [o for o in outcomes if o.entry.kind == "human"]
    out: dict[str, str] = {}
    groups = by(questions, lambda o: o.condition)
    for condition in ("clean", "12 dB", "6 dB"):
        group = groups.get(condition, [])
        if group:
            out[f"intent+slots accuracy, {condition}"] = (
                f"{accuracy(group):.1%} of {len(group)} (target {TARGETS[condition]:.0%})"
            )
    if human:
        rejected = sum(not o.answered for o in human)
        out["real speech not for the assistant, no answer"] = (
            f"{rejected}/{len(human)} ({rejected / len(human):.0%})"
        )
    if radio is not None and radio[1]:
        out["radio talk show utterances, no answer"] = f"{radio[0]}/{radio[1]} ({radio[0] / radio[1]:.0%})"
    speech = questions + human
    out["real-time factor"] = f"{real_time_factor(speech):.3f} (target < 0.1)"
    median, p90 = latency_ms(questions)
    out["end of speech to intent"] = (
        f"median {median:.0f} ms, p90 {p90:.0f} ms (stream finish + routing; target median < 150 ms)"
    )
    out["peak memory"] = f"{rss_mb:.0f} MB (target < 200 MB)"
    for voice, group in sorted(by(questions, lambda o: o.entry.voice).items()):
        cells = by(group, lambda o: o.condition)
        parts = [f"{c} {accuracy(cells[c]):.0%}" for c in ("clean", "12 dB", "6 dB") if c in cells]
        out[f"voice {voice}"] = ", ".join(parts)
    return out


def run(
    limit: int | None = None, radio: bool = True, live: bool = False, tsv: Path = DEFAULT_TSV
) -> dict[str, str]:
    entries = build_corpus(tsv, limit=limit, radio=radio)
    long_entries = [e for e in entries if e.kind == "radio"]
    short_entries = [e for e in entries if e.kind != "radio"]
    with tempfile.TemporaryDirectory() as models:
        recognizer, dialog = _recognizer_and_dialog(Path(models), live)
        started = time.perf_counter()
        outcomes = evaluate(short_entries, recognizer, dialog)
        radio_counts = _radio_unanswered(long_entries[0], dialog, recognizer) if long_entries else None
        elapsed = time.perf_counter() - started
    result = figures(outcomes, radio_counts, peak_rss_mb())
    result["benchmark run time"] = f"{elapsed:.0f} s for {len(entries)} files"
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N held-out sentences")
    parser.add_argument(
        "--tsv", type=Path, default=DEFAULT_TSV, help="the spoken sentences (text, intent, slots)"
    )
    parser.add_argument("--no-radio", action="store_true", help="skip the four-minute radio show")
    parser.add_argument("--live", action="store_true", help="pocketsphinx decodes while speech arrives")
    args = parser.parse_args(argv)
    result = run(args.limit, radio=not args.no_radio, live=args.live, tsv=args.tsv)
    width = max(len(name) for name in result)
    for name, value in result.items():
        print(f"{name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
