"""`config show` and `config example`: the effective settings, and a commented example file."""

from __future__ import annotations

import argparse

from assistant.settings_file import add_settings_arguments, config_path, settings_from_args
from assistant.settings_toml import example_config, render_settings


def register(subparsers: argparse._SubParsersAction) -> None:
    config = subparsers.add_parser(
        "config", help="show the settings or an example settings file", description="Settings."
    )
    actions = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    show = actions.add_parser(
        "show",
        help="print the effective settings as TOML",
        description="Print the settings in effect (the file, then command-line overrides) as TOML.",
    )
    add_settings_arguments(show)
    show.set_defaults(func=_run_show)
    example = actions.add_parser(
        "example",
        help="print a commented example settings file",
        description="Print a commented example settings file, with every setting and its default.",
    )
    example.set_defaults(func=_run_example)


def _run_show(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    file, explicit = config_path(args.config)
    origin = file if (explicit or file.exists()) else f"defaults ({file} does not exist)"
    print(f"# Effective settings from {origin}")
    print(render_settings(settings), end="")
    return 0


def _run_example(args: argparse.Namespace) -> int:
    print(example_config(), end="")
    return 0
