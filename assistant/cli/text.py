"""`ask` and `chat`: the typed ways to put a question to the assistant."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import BinaryIO, TextIO

from assistant.answers import answer_record, dumps
from assistant.content.loader import load_content
from assistant.dialog.dialog import Dialog
from assistant.settings_file import add_settings_arguments, settings_from_args
from assistant.understanding.understanding import Understanding
from assistant.voice.speaker import Speaker, open_speaker

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
    ask.add_argument(
        "--wav", nargs="+", metavar="F.wav", help="recognise and answer WAV files instead of text"
    )
    ask.add_argument("--speak-to", type=Path, metavar="OUT.wav", help="also speak the answer into a WAV file")
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
    chat.add_argument(
        "--speak-to", type=Path, metavar="OUT.wav", help="also speak the answers into one WAV file"
    )
    add_settings_arguments(chat)
    chat.set_defaults(func=run_chat)


def _dialog(args: argparse.Namespace) -> tuple[Dialog, Speaker | None]:
    settings = settings_from_args(args)
    speak_to = getattr(args, "speak_to", None)
    speaker = open_speaker(settings.voice, speak_to) if speak_to is not None else None
    content = load_content()
    return Dialog(content, settings.dialog, Understanding.from_content(content)), speaker


def run_ask(args: argparse.Namespace) -> int:
    if getattr(args, "wav", None):
        from assistant.cli.wav_batch import run_ask_wav

        return run_ask_wav(args)
    text = " ".join(args.text)
    if not text.strip():
        print(
            "cramp-assistant: ask needs a question, e.g.: cramp-assistant ask what causes cramps",
            file=sys.stderr,
        )
        return 2
    dialog, speaker = _dialog(args)
    match, reply = dialog.respond_text(text)
    print(dumps(answer_record(text, match, reply)) if args.json else reply.text)
    if speaker is not None:
        speaker.say(reply.text)
        speaker.close()
    return 0


def run_chat(args: argparse.Namespace, stdin: BinaryIO | None = None, stdout: TextIO | None = None) -> int:
    source = stdin or sys.stdin.buffer
    out = stdout or sys.stdout
    dialog, speaker = _dialog(args)
    try:
        return _chat_lines(dialog, speaker, source, out, args.json)
    finally:
        if speaker is not None:
            speaker.close()


def _chat_lines(dialog: Dialog, speaker: Speaker | None, source: BinaryIO, out: TextIO, as_json: bool) -> int:
    interactive = source.isatty() and not as_json
    if interactive:
        print("Ask about leg or foot cramps (Ctrl-D to quit).", file=out)
    while True:
        if interactive:
            print("> ", end="", file=out, flush=True)
        raw = source.readline()
        if not raw:
            return 0
        text = raw[:MAX_LINE_BYTES].decode("utf-8", errors="replace").strip()
        if not text and not as_json:
            continue
        match, reply = dialog.respond_text(text)
        print(dumps(answer_record(text, match, reply)) if as_json else reply.text, file=out, flush=True)
        if speaker is not None and reply.text:
            speaker.say(reply.text)
