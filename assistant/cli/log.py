"""`log`: summarise the local cramp log for a doctor, as text or JSON; `log --report` writes the cramp
diary (HTML and PDF, `log_report.py`); `log --clear --yes` empties the log."""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from pathlib import Path

from assistant.cli import log_report
from assistant.cramp_log import CrampLog, local_now, summarise
from assistant.errors import SettingsError
from assistant.log_phrases import load_log_phrases
from assistant.settings_file import load_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    log = subparsers.add_parser(
        "log",
        help="summarise the local cramp log",
        description=(
            "Summarise the cramps recorded on this device (time, body part and side only) for the last "
            "N days, in words a doctor can read, or write a one-page diary of them (--report). Nothing is "
            "ever sent anywhere."
        ),
    )
    log.add_argument("--days", type=int, default=30, metavar="N", help="how many days back (default 30)")
    log.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    log.add_argument("--clear", action="store_true", help="delete every recorded cramp (needs --yes)")
    log.add_argument("--yes", action="store_true", help="confirm --clear")
    log_report.add_arguments(log)
    log.add_argument("--config", type=Path, metavar="FILE", help="settings file")
    log.set_defaults(func=run_log)


def run_log(args: argparse.Namespace, now: datetime | None = None) -> int:
    settings = load_settings(args.config, {})
    phrases = load_log_phrases()
    path = settings.log.path
    if args.days < 1:
        raise SettingsError(f"--days: must be 1 or more, got {args.days}")
    log_report.check_arguments(args)
    if args.clear:
        if not args.yes:
            raise SettingsError(f"log --clear deletes every cramp recorded in {path}; add --yes to confirm")
        count = 0
        if path.exists():
            with CrampLog(path) as log:
                count = log.clear()
        key = "summary.cleared_one" if count == 1 else "summary.cleared_many"
        print(phrases.format(key, count=count, path=path))
        return 0
    now = now or local_now()
    if args.report:
        return log_report.run_report(args, settings, phrases, now)
    if path.exists():
        with CrampLog(path, now=lambda: now) as log:
            summary = log.summary(now, args.days)
    else:
        summary = summarise([], now, args.days)
    if args.json:
        print(json.dumps({**summary.to_dict(), "headline": phrases.headline(summary)}))
        return 0
    print(phrases.report(summary))
    if not settings.log.enabled:
        print(phrases.format("summary.log_off"))
    return 0
