"""The voice controls of a running routine: one list for the routine, the dialog and the bedside loop.

Each control has an intent of the same name in content/intents.toml (so "carry on" routes to `resume`).
"""

from __future__ import annotations

CONTROLS = ("pause", "resume", "stop", "next", "repeat", "time_left", "extend", "other_side")
"""What a person can say to a running routine (the intent and the control share the name)."""
ALIASES = {"skip": "next"}
"""Other names a session accepts for a control."""
WHEN_PAUSED = {"yes": "resume"}
"""Replies that mean a control while the routine is paused: after "Say resume when you're ready", an
"okay" or a "sure, go ahead" means resume (intent -> control)."""


def control_name(name: str) -> str | None:
    """The control `name` stands for (itself or through an alias), or None when it is not one."""
    if name in CONTROLS:
        return name
    return ALIASES.get(name)
