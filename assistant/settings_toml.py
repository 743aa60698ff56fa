"""Settings written back as TOML: the effective settings, and a commented example file.

The comments come from the field docstrings in `settings.py` (read with `ast`, since Python keeps no
attribute docstrings at run time), so the example never drifts from the code.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
from functools import cache
from pathlib import Path
from typing import Any

from assistant import settings as settings_module
from assistant.settings import Settings

# A sample value for each setting that is "not set" by default, shown commented out in the example.
EXAMPLE_VALUES: dict[str, object] = {
    "mic.device": "USB PnP Sound Device",
    "recognizer.model": "~/models/vosk-model-small-en-us-0.15",
    "voice.device": "USB PnP Sound Device",
    "voice.piper_model": "~/voices/en_GB-alan-medium.onnx",
    "voice.piper_sha256": "0" * 64,
    "voice.voice": "en-gb",
    "routine.hold_seconds": 30.0,
    "dialog.wake_phrase": "hey assistant",
}


@cache
def field_docs() -> dict[str, dict[str, str]]:
    """Class name -> field name -> the docstring written under that field in settings.py."""
    tree = ast.parse(inspect.getsource(settings_module))
    docs: dict[str, dict[str, str]] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        fields: dict[str, str] = {}
        for previous, current in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(previous, ast.AnnAssign)
                and isinstance(previous.target, ast.Name)
                and isinstance(current, ast.Expr)
                and isinstance(current.value, ast.Constant)
                and isinstance(current.value.value, str)
            ):
                # In a TOML file "None" is a setting left out.
                text = " ".join(current.value.value.split()).replace("None", "unset")
                fields[previous.target.id] = text
        docs[node.name] = fields
    return docs


def toml_value(value: Any) -> str:
    """One value as a TOML literal (strings, paths, booleans and numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path | str):
        # A JSON string (ASCII only) is a valid TOML basic string, except that TOML forbids a raw DEL.
        return json.dumps(str(value)).replace("\x7f", "\\u007f")
    raise TypeError(f"no TOML form for {type(value).__name__}")


def render_settings(settings: Settings) -> str:
    """The effective settings as a TOML file that loads back to the same settings."""
    lines: list[str] = []
    for section in dataclasses.fields(settings):
        group = getattr(settings, section.name)
        lines.append(f"[{section.name}]")
        for item in dataclasses.fields(group):
            value = getattr(group, item.name)
            if value is None:
                lines.append(f"# {item.name} is not set")
            else:
                lines.append(f"{item.name} = {toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def example_config() -> str:
    """A commented example settings file: every setting with its meaning and its default."""
    docs = field_docs()
    defaults = Settings()
    lines = [
        "# cramp-assistant settings (TOML). Every setting is optional: uncomment a line to change it.",
        "# Default location: ~/.config/cramp-assistant/config.toml (or --config FILE, or",
        "# $CRAMP_ASSISTANT_CONFIG). Relative paths are taken from this file's folder.",
        "",
    ]
    for section in dataclasses.fields(defaults):
        group = getattr(defaults, section.name)
        lines.append(f"# {_class_doc(type(group))}")
        lines.append(f"[{section.name}]")
        for item in dataclasses.fields(group):
            doc = docs.get(type(group).__name__, {}).get(item.name, "")
            lines.extend(f"# {line}" for line in _wrap(doc))
            value = getattr(group, item.name)
            if value is None:
                value = EXAMPLE_VALUES[f"{section.name}.{item.name}"]
            lines.append(f"# {item.name} = {toml_value(value)}")
        lines.append("")
    return "\n".join(lines)


def _class_doc(cls: type) -> str:
    return " ".join((cls.__doc__ or cls.__name__).split())


def _wrap(text: str, width: int = 100) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines
