"""`ask` and `chat`: the typed ways to put a question to the assistant."""

from __future__ import annotations

import argparse
import sys
from typing import BinaryIO, TextIO

from assistant.answers import answer_record, dumps
from assistant.content import load_content
from assistant.dialog import Dialog
from assistant.settings_file import add_settings_arguments, settings_from_args

MAX_LINE_BYTES = 64 * 1024
"""A typed line longer than this is read in full but only its start is considered."""


def register(subparsers: argparse._SubParsersAction) -> None:
    ask = subparsers.add_parser(
        "ask",
        help="answer one question",
        description="Answer one typed question, e.g.  cramp-assistant ask my calf is cramping",
    )
    ask.add_argument("text", nargs="*", help="the question, as words")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    add_settings_arguments(ask)
    ask.set_defaults(func=run_ask)

    chat = subparsers.add_parser(
        "chat",
        help="a typed conversation on stdin",
        description=(
            "A typed conversation: one utterance per line on stdin, one answer per line. Context is kept, so "
            "follow-ups such as 'it's in my foot' or 'tell me more' work. End with Ctrl-D."
        ),
    )
    chat.add_argument("--json", action="store_true", help="print one JSON object per line")
    add_settings_arguments(chat)
    chat.set_defaults(func=run_chat)


def _dialog(args: argparse.Namespace) -> Dialog:
    settings = settings_from_args(args)
    return Dialog(load_content(), settings.dialog)


def run_ask(args: argparse.Namespace) -> int:
    text = " ".join(args.text)
    if not text.strip():
        print(
            "cramp-assistant: ask needs a question, e.g.: cramp-assistant ask what causes cramps",
            file=sys.stderr,
        )
        return 2
    dialog = _dialog(args)
    match, reply = dialog.respond_text(text)
    print(dumps(answer_record(text, match, reply)) if args.json else reply.text)
    return 0


def run_chat(args: argparse.Namespace, stdin: BinaryIO | None = None, stdout: TextIO | None = None) -> int:
    source = stdin or sys.stdin.buffer
    out = stdout or sys.stdout
    dialog = _dialog(args)
    interactive = source.isatty() and not args.json
    if interactive:
        print("Ask about leg or foot cramps (Ctrl-D to quit).", file=out)
    while True:
        if interactive:
            print("> ", end="", file=out, flush=True)
        raw = source.readline()
        if not raw:
            return 0
        text = raw[:MAX_LINE_BYTES].decode("utf-8", errors="replace").strip()
        if not text and not args.json:
            continue
        match, reply = dialog.respond_text(text)
        print(dumps(answer_record(text, match, reply)) if args.json else reply.text, file=out, flush=True)
