"""`log --report`: the cramp diary, a one-page HTML page and PDF drawn from the local cramp log."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

from assistant.cramp_log import CrampLog, LogRecords
from assistant.errors import SettingsError
from assistant.log_phrases import LogPhrases
from assistant.settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report",
        action="store_true",
        help="write a one-page cramp diary for a doctor, as an HTML page and a PDF",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="where --report writes: FILE.html and FILE.pdf (default ./cramp-diary.html and .pdf)",
    )
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="first night of --report, YYYY-MM-DD (a night runs 18:00 to 18:00; default: the last N days)",
    )


def check_arguments(args: argparse.Namespace) -> None:
    """--out and --since only go with --report, which goes with neither --json nor --clear."""
    if args.report and (args.json or args.clear):
        raise SettingsError("log --report cannot be combined with --json or --clear")
    for option in ("out", "since"):
        if getattr(args, option) is not None and not args.report:
            raise SettingsError(f"--{option} goes with --report")


def run_report(args: argparse.Namespace, settings: Settings, phrases: LogPhrases, now: datetime) -> int:
    """Write the diary and say where in one line; an empty log is one line and nothing written."""
    # Drawing needs matplotlib and the content loader: imported here, so the other commands start fast.
    from assistant.content.loader import load_content
    from assistant.diary.figures import diary_figures, night_of
    from assistant.diary.labels import DiaryLabels
    from assistant.diary.report import write_diary
    from assistant.routines.exercises import ExerciseBook

    last = night_of(now)
    first = _since(args.since, last) if args.since is not None else last - timedelta(days=args.days - 1)
    path = settings.log.path
    records = LogRecords((), (), ())
    if path.exists():
        with CrampLog(path, now=lambda: now) as log:
            records = log.records(until=now)
    if records.skipped:
        warning = phrases.format("report.skipped", count=records.skipped, path=path)
        print(f"cramp-assistant: {warning}", file=sys.stderr)
    figures = diary_figures(records, first, last)
    if figures.empty:
        print(phrases.format("report.empty", first=first.isoformat(), last=last.isoformat()))
        return 0
    labels = DiaryLabels.from_content(load_content(), ExerciseBook.from_file(), settings.dialog)
    html, pdf = write_diary(figures, phrases, labels, now, args.out)
    print(phrases.format("report.written", html=html, pdf=pdf))
    return 0


def _since(value: str, last: date) -> date:
    try:
        first = datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise SettingsError(f"--since: expected a date as YYYY-MM-DD, got {value!r}") from None
    if first > last:
        raise SettingsError(f"--since: {first.isoformat()} is after the last night ({last.isoformat()})")
    return first
