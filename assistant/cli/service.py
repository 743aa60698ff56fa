"""`install-service`: a systemd unit that starts the bedside loop at boot and restarts it on failure.

A user service is the default: on Raspberry Pi OS bookworm the sound server (PipeWire) runs in the
user's session, so the assistant should too. `--system` writes a system-wide unit instead.
`--wyoming` writes a second unit, `cramp-assistant-wyoming.service`, that runs the Wyoming server for
Home Assistant (`cramp-assistant wyoming --uri URI`) beside the bedside loop; it needs no sound.
"""

from __future__ import annotations

import argparse
import getpass
import importlib.util
import os
import shlex
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from assistant.errors import SettingsError
from assistant.settings_file import ENV_VAR
from assistant.wyoming.settings import DEFAULT_URI, check_uri

UNIT_NAME = "cramp-assistant.service"
WYOMING_UNIT_NAME = "cramp-assistant-wyoming.service"
SYSTEM_UNIT_DIR = Path("/etc/systemd/system")


@dataclass(frozen=True)
class ServiceOptions:
    """What goes into the unit."""

    executable: Path
    """The `cramp-assistant` script of the installed environment (a venv's bin/)."""
    user_service: bool = True
    config: Path | None = None
    """A settings file to pass to the service through $CRAMP_ASSISTANT_CONFIG."""
    run_as: str | None = None
    """The account of a system-wide service (a user service runs as its owner)."""
    wyoming_uri: str | None = None
    """Run the Wyoming server on this URI instead of the bedside loop."""

    @property
    def unit_name(self) -> str:
        return UNIT_NAME if self.wyoming_uri is None else WYOMING_UNIT_NAME


def default_executable() -> Path:
    """`<venv>/bin/cramp-assistant` for the environment this command runs in."""
    return Path(sys.prefix) / "bin" / "cramp-assistant"


def user_unit_dir(environ: os._Environ[str] | dict[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def render_unit(options: ServiceOptions) -> str:
    """The unit file text, from the template `assistant/data/cramp-assistant.service`."""
    template = resources.files("assistant").joinpath("data", UNIT_NAME).read_text(encoding="utf-8")
    extra: list[str] = []
    if options.config is not None:
        extra.append(f"Environment={_quote(f'{ENV_VAR}={options.config}')}")
    command = "run"
    description = "cramp-assistant, an offline bedside voice assistant for leg and foot cramps"
    if options.user_service:
        after = "sound.target pipewire.service pipewire-pulse.service wireplumber.service"
        wanted_by = "default.target"
    else:
        after = "sound.target"
        wanted_by = "multi-user.target"
        extra.append(f"User={options.run_as or _login_user()}")
        if options.wyoming_uri is None:
            extra.append("SupplementaryGroups=audio")
    if options.wyoming_uri is not None:
        after = "network.target"
        command = f"wyoming --uri {_quote(options.wyoming_uri)}"
        description = "cramp-assistant Wyoming server: the cramp skill for Home Assistant"
    return Template(template).substitute(
        scope="user" if options.user_service else "system-wide",
        description=description,
        after=after,
        exec_start=f"{_quote(str(options.executable))} {command}",
        service_extra="".join(line + "\n" for line in extra),
        wanted_by=wanted_by,
    )


def install_unit(text: str, unit_dir: Path, unit_name: str = UNIT_NAME) -> Path:
    """Write the unit into `unit_dir`; SettingsError naming the path when that is not possible."""
    path = unit_dir / unit_name
    try:
        unit_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as err:
        hint = (
            " (a system-wide unit needs sudo; or leave out --system)"
            if isinstance(err, PermissionError)
            else ""
        )
        raise SettingsError(f"cannot write {path}: {err.strerror or err}{hint}") from None
    return path


def next_steps(user_service: bool, unit_name: str = UNIT_NAME) -> list[str]:
    """The commands that enable and start the unit (printed, never run by the installer)."""
    if user_service:
        return [
            "systemctl --user daemon-reload",
            f"systemctl --user enable --now {unit_name}",
            f"sudo loginctl enable-linger {_login_user()}   # start at boot, before anyone logs in",
            f"journalctl --user -u {unit_name} -f   # follow its log",
        ]
    return [
        "sudo systemctl daemon-reload",
        f"sudo systemctl enable --now {unit_name}",
        f"journalctl -u {unit_name} -f   # follow its log",
    ]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "install-service",
        help="install a systemd unit that runs the assistant at boot",
        description=(
            "Write a systemd unit that runs `cramp-assistant run` at boot and restarts it on failure. "
            "A user service by default (the sound server runs in the user session)."
        ),
    )
    scope = parser.add_mutually_exclusive_group()
    scope.add_argument(
        "--user", dest="user_service", action="store_true", default=True, help="user (default)"
    )
    scope.add_argument("--system", dest="user_service", action="store_false", help="system-wide (needs sudo)")
    parser.add_argument("--dry-run", action="store_true", help="print the unit instead of writing it")
    parser.add_argument("--config", type=Path, metavar="FILE", help="settings file for the service")
    parser.add_argument("--unit-dir", type=Path, metavar="DIR", help="write the unit here instead")
    parser.add_argument(
        "--wyoming",
        nargs="?",
        const=DEFAULT_URI,
        metavar="URI",
        help=(
            f"install {WYOMING_UNIT_NAME} instead: the Wyoming server for Home Assistant "
            f"(default URI {DEFAULT_URI}, this machine only; tcp://0.0.0.0:10700 serves the network)"
        ),
    )
    parser.set_defaults(func=_run_install)


def _run_install(args: argparse.Namespace) -> int:
    executable = default_executable()
    config = args.config.expanduser().resolve() if args.config else None
    if config is not None and not config.is_file():
        raise SettingsError(f"{config}: no such settings file")
    wyoming_uri = check_uri(args.wyoming) if args.wyoming else None
    options = ServiceOptions(
        executable, user_service=args.user_service, config=config, wyoming_uri=wyoming_uri
    )
    text = render_unit(options)
    if args.dry_run:
        print(text, end="")
        return 0
    if not executable.exists():
        raise SettingsError(f"{executable} does not exist; install cramp-assistant first (make setup)")
    if wyoming_uri is not None and importlib.util.find_spec("wyoming") is None:
        raise SettingsError("the wyoming package is not installed: pip install 'cramp-assistant[wyoming]'")
    unit_dir = args.unit_dir or (user_unit_dir() if args.user_service else SYSTEM_UNIT_DIR)
    path = install_unit(text, unit_dir, options.unit_name)
    print(f"Wrote {path}. To start it now and at every boot:")
    for step in next_steps(args.user_service, options.unit_name):
        print(f"  {step}")
    return 0


def _login_user() -> str:
    """The person's account, also under sudo."""
    return os.environ.get("SUDO_USER") or getpass.getuser()


def _quote(value: str) -> str:
    """Quote for a unit file when needed (systemd accepts shell-like double quotes)."""
    return (
        value if value == shlex.quote(value) else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    )
