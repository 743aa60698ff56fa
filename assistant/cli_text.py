"""`ask` and `chat`: the typed (and WAV-file) ways to put a question to the assistant."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser("ask", help="answer one question", description="Answer one question.")
    ask.add_argument("text", nargs="*", help="the question, as words")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.set_defaults(func=_run_ask)


def _run_ask(args: argparse.Namespace) -> int:
    raise NotImplementedError("being written")
