"""Settings from one TOML file and the command line, validated strictly, in one place.

The file has one table per subsystem (`[mic]`, `[endpoint]`, `[recognizer]`, `[voice]`, `[routine]`,
`[dialog]`, `[log]`), whose keys are the fields of the dataclasses in `settings.py`. A key left out keeps
its default; TOML has no null, so a setting whose default is "not set" is simply omitted. Relative paths
are taken from the folder holding the file. Command-line overrides use the same dotted names
(`recognizer.engine`) and the same checks.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.errors import SettingsError
from assistant.settings import ENGINES, Settings
from assistant.settings_checks import CHECKS, TTS_ENGINES

ENV_VAR = "CRAMP_ASSISTANT_CONFIG"
"""Environment variable naming the settings file (the `--config` option wins over it)."""

# Command-line options (argparse dest) and the setting each overrides.
CLI_OVERRIDES: dict[str, str] = {
    "engine": "recognizer.engine",
    "model": "recognizer.model",
    "input_device": "mic.device",
    "output_device": "voice.device",
    "tts_engine": "voice.engine",
    "voice_model": "voice.piper_model",
    "voice_sha256": "voice.piper_sha256",
}

_OPTIONS = {"tts_engine": "--tts"}
"""Options whose argparse dest is not their name."""


def default_config_path() -> Path:
    """`~/.config/cramp-assistant/config.toml`, or under `$XDG_CONFIG_HOME` when that is set."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "cramp-assistant" / "config.toml"


def config_path(path: Path | None, environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """The settings file to read and whether it was asked for (`--config` or the environment)."""
    environ = os.environ if environ is None else environ
    if path is not None:
        return path, True
    if environ.get(ENV_VAR):
        return Path(environ[ENV_VAR]).expanduser(), True
    return default_config_path(), False


def load_settings(
    path: Path | None = None,
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from the file (`path`, else `$CRAMP_ASSISTANT_CONFIG`, else the default), then overrides.

    `overrides` maps dotted keys (`"voice.device"`) or command-line dests (`"output_device"`, see
    `CLI_OVERRIDES`) to values; None values are ignored. A missing default file means the defaults;
    a missing file that was asked for is an error. Raises SettingsError naming the file (or the
    command line) and the key.
    """
    file, explicit = config_path(path, environ)
    tables: dict[str, Any] = {}
    if explicit or file.exists():
        tables = read_settings_file(file)
    base = file.expanduser().parent
    settings = settings_from_dict(tables, str(file), base)
    return apply_overrides(settings, overrides or {})


def read_settings_file(file: Path) -> dict[str, Any]:
    """The parsed TOML of a settings file; SettingsError for a missing, unreadable or non-TOML file."""
    try:
        data = file.expanduser().read_bytes()
    except FileNotFoundError:
        raise SettingsError(f"{file}: no such settings file") from None
    except OSError as err:
        raise SettingsError(f"{file}: cannot read the settings file: {err.strerror or err}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingsError(f"{file}: not a TOML file: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(f"{file}: not a valid TOML file: {err}") from None


def settings_from_dict(tables: Mapping[str, Any], source: str, base: Path | None = None) -> Settings:
    """Settings built from parsed TOML tables; `source` names the file in errors."""
    sections = _sections()
    for name in tables:
        if name not in sections:
            raise SettingsError(f"{source}: [{name}]: unknown section; expected one of {', '.join(sections)}")
    built: dict[str, Any] = {}
    for name, cls in sections.items():
        table = tables.get(name, {})
        if not isinstance(table, dict):
            raise SettingsError(f"{source}: {name}: must be a table ([{name}]), got {type(table).__name__}")
        hints = typing.get_type_hints(cls)
        values: dict[str, Any] = {}
        for key, raw in table.items():
            if key not in hints:
                known = ", ".join(f.name for f in dataclasses.fields(cls))
                raise SettingsError(f"{source}: {name}.{key}: unknown setting; {name} has {known}")
            values[key] = convert_value(f"{name}.{key}", raw, hints[key], source, base)
        built[name] = cls(**values)
    settings = Settings(**built)
    _check_together(settings, source)
    return settings


def apply_overrides(settings: Settings, overrides: Mapping[str, object]) -> Settings:
    """A copy of `settings` with command-line values applied (checked like the file's)."""
    for name, value in overrides.items():
        if value is None:
            continue
        dotted = CLI_OVERRIDES.get(name, name)
        section, _, key = dotted.partition(".")
        current: Any = getattr(settings, section, None) if section in _sections() else None
        if current is None or key not in {f.name for f in dataclasses.fields(current)}:
            raise SettingsError(f"command line: {dotted}: unknown setting")
        option = _OPTIONS.get(name, "--" + name.replace("_", "-")) if name in CLI_OVERRIDES else dotted
        hint = typing.get_type_hints(type(current))[key]
        if isinstance(value, str) and key == "device" and value.strip().isdigit():
            value = int(value)
        converted = convert_value(dotted, value, hint, "command line", Path.cwd(), label=option)
        updated: dict[str, Any] = {section: dataclasses.replace(current, **{key: converted})}
        settings = dataclasses.replace(settings, **updated)
    _check_together(settings, "command line")
    return settings


def add_settings_arguments(parser: argparse.ArgumentParser) -> None:
    """`--config` and the common overrides, for any subcommand that loads settings."""
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"settings file (default: ${ENV_VAR} or {default_config_path()})",
    )
    parser.add_argument("--engine", choices=ENGINES, help="speech recognition engine")
    parser.add_argument(
        "--model",
        type=Path,
        metavar="DIR",
        help="a Vosk or Whisper model folder (for --engine vosk or whisper)",
    )
    parser.add_argument("--input-device", metavar="NAME|INDEX", help="microphone by name or number")
    parser.add_argument("--output-device", metavar="NAME|INDEX", help="speaker by name or number")
    parser.add_argument(
        "--tts",
        dest="tts_engine",
        choices=TTS_ENGINES[1:],
        help="speech engine (default: piper when a voice is present)",
    )
    parser.add_argument("--voice-model", type=Path, metavar="PATH", help="a Piper voice (NAME.onnx)")
    parser.add_argument(
        "--voice-sha256", metavar="HEX", help="SHA-256 of a --voice-model the project does not pin"
    )


def overrides_from_args(args: argparse.Namespace) -> dict[str, object]:
    """The override options the user gave (see `add_settings_arguments`)."""
    return {name: getattr(args, name) for name in CLI_OVERRIDES if getattr(args, name, None) is not None}


def settings_from_args(args: argparse.Namespace) -> Settings:
    """`load_settings` for a parser set up with `add_settings_arguments`."""
    return load_settings(getattr(args, "config", None), overrides_from_args(args))


def convert_value(
    dotted: str, raw: Any, hint: Any, source: str, base: Path | None, label: str | None = None
) -> Any:
    """One value checked against its field's type and range; SettingsError naming source and key."""
    where = f"{source}: {label or dotted}"
    allowed = _allowed_types(hint)
    value: Any = None
    if isinstance(raw, bool):
        if bool in allowed:
            value = raw
    elif isinstance(raw, int):
        if int in allowed:
            value = raw
        elif float in allowed:
            value = float(raw)
    elif isinstance(raw, float):
        if float in allowed:
            if not math.isfinite(raw):
                raise SettingsError(f"{where}: must be a finite number, got {raw!r}")
            value = raw
    elif isinstance(raw, str | Path):
        if Path in allowed:
            value = Path(raw).expanduser()
            if base is not None and not value.is_absolute():
                value = base / value
        elif str in allowed and isinstance(raw, str):
            value = raw
    if value is None:
        raise SettingsError(f"{where}: must be {_describe(allowed)}, got {_toml_type(raw)} {raw!r}")
    check = CHECKS.get(dotted)
    problem = check(value) if check else None
    if problem:
        raise SettingsError(f"{where}: {problem}")
    return value


def _check_together(settings: Settings, source: str) -> None:
    endpoint = settings.endpoint
    if endpoint.min_speech >= endpoint.max_seconds:
        raise SettingsError(
            f"{source}: endpoint.min_speech: must be shorter than endpoint.max_seconds "
            f"({endpoint.max_seconds:g}), got {endpoint.min_speech:g}"
        )
    if settings.voice.night_start == settings.voice.night_end:
        raise SettingsError(
            f"{source}: voice.night_end: must differ from voice.night_start, got {settings.voice.night_end}"
        )


def _sections() -> dict[str, type]:
    hints = typing.get_type_hints(Settings)
    return {f.name: hints[f.name] for f in dataclasses.fields(Settings)}


def _allowed_types(hint: Any) -> set[type]:
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return {arg for arg in typing.get_args(hint) if arg is not type(None)}
    return {hint}


def _describe(allowed: set[type]) -> str:
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "a string", Path: "a path"}
    if float in allowed:
        allowed = allowed - {int}
    return " or ".join(names[t] for t in (bool, int, float, Path, str) if t in allowed)


def _toml_type(raw: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "float", str: "string", list: "array", dict: "table"}
    return names.get(type(raw), type(raw).__name__)
