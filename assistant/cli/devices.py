"""`devices`: list the microphones and speakers PortAudio sees (the same list as `run --list-devices`)."""

from __future__ import annotations

import argparse

from assistant.audio.devices import list_devices


def register(subparsers: argparse._SubParsersAction) -> None:
    devices = subparsers.add_parser(
        "devices",
        help="list audio input and output devices",
        description="List the audio input and output devices, by number and name, with the defaults marked.",
    )
    devices.set_defaults(func=_run_devices)


def _run_devices(args: argparse.Namespace) -> int:
    print(list_devices())
    return 0
