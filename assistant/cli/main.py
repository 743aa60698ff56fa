"""The `cramp-assistant` command line: builds the parser from one module per subcommand."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from types import ModuleType

from assistant import __version__
from assistant.errors import AssistantError

_LOGGER = logging.getLogger(__name__)


def _command_modules() -> list[ModuleType]:
    """Each module has `register(subparsers)`, which adds a parser whose `func(args) -> int` runs it."""
    from assistant.cli import (
        config as cli_config,
    )
    from assistant.cli import (
        devices as cli_devices,
    )
    from assistant.cli import (
        log as cli_log,
    )
    from assistant.cli import (
        models as cli_models,
    )
    from assistant.cli import (
        run as cli_run,
    )
    from assistant.cli import (
        service as cli_service,
    )
    from assistant.cli import (
        stretch as cli_stretch,
    )
    from assistant.cli import (
        text as cli_text,
    )
    from assistant.cli import (
        wyoming as cli_wyoming,
    )

    return [
        cli_run,
        cli_text,
        cli_stretch,
        cli_config,
        cli_log,
        cli_service,
        cli_devices,
        cli_models,
        cli_wyoming,
    ]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cramp-assistant",
        description=(
            "An offline, hands-free bedside assistant for leg and foot cramps: ask it aloud what to do, "
            "and it answers and coaches stretches with spoken hold timers."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _command_modules():
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except AssistantError as err:
        print(f"cramp-assistant: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
