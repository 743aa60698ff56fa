"""`run`: the bedside loop. Listens on the microphone (or a WAV file standing in for it), answers aloud,
guides routines, and reports each event; Ctrl-C or SIGTERM stop it cleanly."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from assistant.audio.room import RoomEcho
from assistant.audio.source import AudioSource, WavSource
from assistant.clock import Clock, MonotonicClock, VirtualClock
from assistant.errors import AudioError, SettingsError
from assistant.loop.events import EventSink, JsonLines, PlainText
from assistant.loop.setup import LoopParts, build_loop
from assistant.settings import Settings
from assistant.settings_file import add_settings_arguments, settings_from_args
from assistant.voice.speaker import SPEAKER_KINDS

_LOGGER = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "run",
        help="the bedside loop: listen, answer aloud, guide stretches",
        description=(
            "The bedside loop: listens on the microphone, answers questions about leg and foot cramps "
            "aloud and guides stretches with spoken hold timers; say pause, resume, stop, next, repeat, "
            "'how long left' or 'ten more seconds' during a stretch. Ctrl-C or SIGTERM stop it. With no "
            "microphone it offers the typed conversation instead."
        ),
    )
    parser.add_argument(
        "--mic-file", type=Path, metavar="F.wav", help="use a recorded WAV file as the microphone"
    )
    parser.add_argument(
        "--speak-to", type=Path, metavar="OUT.wav", help="render what is said into a WAV file, at its times"
    )
    parser.add_argument("--log-json", action="store_true", help="print one JSON object per event")
    parser.add_argument("--list-devices", action="store_true", help="list audio devices and exit")
    pace = parser.add_mutually_exclusive_group()
    pace.add_argument(
        "--realtime",
        dest="fast",
        action="store_false",
        help="feed --mic-file at the speed it was recorded, timers on the real clock (the default)",
    )
    pace.add_argument(
        "--fast",
        dest="fast",
        action="store_true",
        help="feed --mic-file as fast as it can be processed, on a virtual clock (tests; needs --mic-file)",
    )
    parser.add_argument(
        "--speaker",
        choices=SPEAKER_KINDS,
        default="sound",
        help="sound: play on the output device (default); null: no sound, only the printed events",
    )
    _add_room_arguments(parser)
    parser.add_argument(
        "--seed", type=int, metavar="N", help="pick among phrasing variants reproducibly (tests, demos)"
    )
    add_settings_arguments(parser)
    parser.set_defaults(func=run_loop, fast=False)


def _add_room_arguments(parser: argparse.ArgumentParser) -> None:
    room = RoomEcho()
    parser.add_argument(
        "--room-echo",
        action="store_true",
        help="with --mic-file: add what the assistant says back into the microphone signal, as a "
        "loudspeaker beside the microphone would (tests, demos)",
    )
    parser.add_argument(
        "--echo-delay-ms",
        type=float,
        default=room.delay_ms,
        metavar="MS",
        help=f"--room-echo: loudspeaker-to-microphone delay (default {room.delay_ms:g} ms)",
    )
    parser.add_argument(
        "--echo-gain",
        type=float,
        default=room.gain,
        metavar="G",
        help=f"--room-echo: level of the direct path relative to what is played (default {room.gain:g})",
    )
    parser.add_argument(
        "--echo-tail-ms",
        type=float,
        default=room.tail_ms,
        metavar="MS",
        help=f"--room-echo: reverberation time, 60 dB decay (default {room.tail_ms:g} ms)",
    )
    parser.add_argument(
        "--half-duplex",
        action="store_true",
        help="never listen while the assistant speaks (no echo canceller, no barge-in)",
    )


def _room(args: argparse.Namespace) -> RoomEcho | None:
    if not args.room_echo:
        return None
    try:
        return RoomEcho(delay_ms=args.echo_delay_ms, gain=args.echo_gain, tail_ms=args.echo_tail_ms)
    except ValueError as err:
        raise SettingsError(str(err)) from None


def run_loop(args: argparse.Namespace) -> int:
    if args.list_devices:
        from assistant.audio.devices import list_devices

        print(list_devices())
        return 0
    settings = settings_from_args(args)
    if args.fast and args.mic_file is None:
        print("cramp-assistant: --fast needs --mic-file (it paces a file, not a microphone)", file=sys.stderr)
        return 2
    if args.room_echo and args.mic_file is None:
        print(
            "cramp-assistant: --room-echo needs --mic-file (it simulates the room for a file)",
            file=sys.stderr,
        )
        return 2
    room = _room(args)
    clock: Clock = VirtualClock() if args.fast else MonotonicClock()
    if args.mic_file is not None:
        wav = WavSource(args.mic_file, settings.mic.block_ms, realtime=True, clock=clock)

        def open_source() -> AudioSource:
            return wav

    else:
        try:
            open_source = _microphone(settings)
        except AudioError as err:
            return _no_microphone(args, err)
    emit: EventSink = JsonLines() if args.log_json else PlainText()
    parts = build_loop(
        settings,
        clock,
        emit,
        args.speak_to,
        args.speaker,
        open_source,
        finite=args.mic_file is not None,
        seed=args.seed,
        room=room,
        barge_in=not args.half_duplex,
    )
    return _run(parts)


def _microphone(settings: Settings) -> Callable[[], AudioSource]:
    """A factory for the microphone, checked once now (AudioError when there is none)."""
    from assistant.audio.microphone import MicSource

    MicSource(settings.mic)  # fails now, with a clear message, when there is no input device

    def open_mic() -> AudioSource:
        return MicSource(settings.mic)

    return open_mic


def _no_microphone(args: argparse.Namespace, err: AudioError) -> int:
    if not sys.stdin.isatty():
        print(f"cramp-assistant: {err}; use --mic-file F.wav, or run `cramp-assistant chat`", file=sys.stderr)
        return 2
    print(f"cramp-assistant: {err}. Starting the typed conversation instead.", file=sys.stderr)
    from assistant.cli.text import run_chat

    args.json = args.log_json
    return run_chat(args)


def _run(parts: LoopParts) -> int:
    with _stop_on_signals(parts.loop.stop):
        try:
            parts.loop.run()
        finally:
            parts.close()
    return 0


@contextmanager
def _stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """SIGINT and SIGTERM ask the loop to stop (it finishes within a chunk) instead of killing it."""

    def handler(signum: int, frame: FrameType | None) -> None:
        _LOGGER.info("signal %s: stopping", signum)
        stop()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
