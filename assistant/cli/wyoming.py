"""`wyoming`: serve the cramp skill (handle), its recogniser (asr) and a voice (tts) to Home Assistant."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import sys

from assistant.errors import AssistantError
from assistant.settings_file import add_settings_arguments, settings_from_args
from assistant.wyoming.settings import DEFAULT_URI, WyomingSettings, check_uri

INSTALL_HINT = "the wyoming package is not installed: pip install 'cramp-assistant[wyoming]'"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "wyoming",
        help="serve Home Assistant over the Wyoming protocol (handle, asr, tts)",
        description=(
            "Serve the cramp skill to Home Assistant over the Wyoming protocol: a conversation agent "
            "(handle), speech-to-text (asr) and text-to-speech (tts). Add it in Home Assistant under "
            "Settings > Devices & services > Add integration > Wyoming Protocol. The default "
            f"{DEFAULT_URI} listens on this machine only; use tcp://0.0.0.0:10700 to serve the network."
        ),
    )
    defaults = WyomingSettings()
    parser.add_argument(
        "--uri", default=DEFAULT_URI, help=f"where to listen (default {DEFAULT_URI}; or unix:///PATH)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=defaults.workers,
        help=f"utterances decoded at once, one recogniser each (default {defaults.workers})",
    )
    parser.add_argument(
        "--max-clients",
        type=int,
        default=defaults.max_clients,
        help=f"open connections at most (default {defaults.max_clients})",
    )
    parser.add_argument(
        "--no-tts", dest="tts", action="store_false", help="do not offer the assistant's voice as tts"
    )
    add_settings_arguments(parser)
    parser.set_defaults(func=run_wyoming)


def wyoming_settings(args: argparse.Namespace) -> WyomingSettings:
    if args.max_clients < 1:
        raise AssistantError(f"--max-clients {args.max_clients}: needs at least 1")
    return WyomingSettings(
        uri=check_uri(args.uri), workers=args.workers, max_clients=args.max_clients, tts=args.tts
    )


def run_wyoming(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("wyoming") is None:
        raise AssistantError(INSTALL_HINT)
    from assistant.wyoming.server import WyomingServer

    settings = wyoming_settings(args)
    server = WyomingServer.build(settings_from_args(args), settings)

    def ready() -> None:
        print(
            f"cramp-assistant: serving Home Assistant over Wyoming on {settings.uri}",
            file=sys.stderr,
        )

    asyncio.run(server.run(ready))
    return 0
