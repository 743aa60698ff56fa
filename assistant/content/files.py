"""Reading and checking the TOML files in content/: sources, responses, phrases and red flags."""

from __future__ import annotations

import string
import tomllib
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from assistant.content.records import RedFlags, Response, Source
from assistant.errors import ContentError
from assistant.understanding.normalise import Normaliser

PLACEHOLDER_FIELDS = frozenset({"side", "emergency_number", "urgent_care", "exercise_name"})


def read_toml(path: Path) -> dict[str, Any]:
    """The parsed TOML of one content file; ContentError naming the file if it is missing, unreadable or
    not TOML."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(str(path), "-", "file is missing") from None
    except OSError as err:
        raise ContentError(str(path), "-", f"cannot read: {err.strerror or err}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ContentError(str(path), "-", f"not valid TOML ({err})") from None


def table(data: Mapping[str, Any], key: str, where: str, path: Path) -> dict[str, Any]:
    value = data.get(key)
    if not isinstance(value, dict):
        raise ContentError(str(path), f"{where}{key}", "must be a table")
    return value


def strings(value: Any, key: str, path: Path, allow_empty: bool = False) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(str(path), key, "must be a list of non-empty strings")
    if not value and not allow_empty:
        raise ContentError(str(path), key, "must not be empty")
    return tuple(value)


def load_red_flags(
    path: Path, data: Mapping[str, Any], normalise: Normaliser, lists: Collection[str]
) -> RedFlags:
    """The red-flag rule of intents.toml: each topic's phrases (normalised) in the order they are checked,
    the topics that count anywhere, the `lists` one of which a sentence must name for the others to count,
    and the words that tell a sentence about someone else from one about the speaker."""
    flags_table = table(data, "red_flags", "", path)
    order = strings(flags_table.get("order"), "red_flags.order", path)
    flags = []
    for topic in order:
        phrases = strings(flags_table.get(topic), f"red_flags.{topic}", path)
        flags.append((topic, tuple(normalise(p) for p in phrases)))
    anywhere = strings(flags_table.get("anywhere", []), "red_flags.anywhere", path, allow_empty=True)
    if unknown := set(anywhere) - set(order):
        raise ContentError(str(path), "red_flags.anywhere", f"not in red_flags.order: {sorted(unknown)}")
    about = strings(flags_table.get("about"), "red_flags.about", path)
    for name in about:
        if name not in lists:
            raise ContentError(str(path), "red_flags.about", f"names no list: {name!r}")
    words = {}
    for key in ("others", "speaker"):
        found = [normalise(w) for w in strings(flags_table.get(key), f"red_flags.{key}", path)]
        if any(len(w.split()) != 1 for w in found):
            raise ContentError(str(path), f"red_flags.{key}", "must be single words")
        words[key] = frozenset(found)
    if shared := words["others"] & words["speaker"]:
        raise ContentError(str(path), "red_flags.speaker", f"also in red_flags.others: {sorted(shared)}")
    return RedFlags(tuple(flags), frozenset(anywhere), frozenset(about), words["others"], words["speaker"])


def load_sources(path: Path) -> dict[str, Source]:
    data = table(read_toml(path), "sources", "", path)
    out = {}
    for key, item in data.items():
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            raise ContentError(str(path), f"sources.{key}.title", "must be a string")
        out[key] = Source(key, item["title"], str(item.get("kind", "article")))
    return out


def load_responses(
    path: Path,
    sources: Mapping[str, Source],
    lists: Mapping[str, Mapping[str, tuple[str, ...]]],
    red_flag_topics: set[str],
) -> tuple[dict[tuple[str, str], Response], dict[str, tuple[str, ...]], dict[str, str], dict[str, str]]:
    data = read_toml(path)
    exercises = set(lists.get("exercise", {}))
    responses: dict[tuple[str, str], Response] = {}
    for intent, topics in table(data, "responses", "", path).items():
        for topic, item in dict(topics).items():
            key = f"responses.{intent}.{topic}"
            if not isinstance(item, dict):
                raise ContentError(str(path), key, "must be a table")
            first = strings(item.get("first"), f"{key}.first", path)
            more = item.get("more", "")
            if not isinstance(more, str):
                raise ContentError(str(path), f"{key}.more", "must be a string")
            cited = strings(item.get("sources"), f"{key}.sources", path)
            for source in cited:
                if source not in sources:
                    raise ContentError(str(path), f"{key}.sources", f"unknown source {source!r}")
            offer = item.get("offer")
            if intent == "urgent" and topic not in red_flag_topics:
                raise ContentError(str(path), key, "not a topic in red_flags.order")
            if offer is not None and offer not in exercises:
                raise ContentError(str(path), f"{key}.offer", f"unknown exercise {offer!r}")
            for text in (*first, more):
                _check_placeholders(text, f"{key}", path)
            responses[(intent, topic)] = Response(first, more, cited, offer)
    phrases = {k: strings(v, f"phrases.{k}", path) for k, v in table(data, "phrases", "", path).items()}
    for key, texts in phrases.items():
        for text in texts:
            _check_placeholders(text, f"phrases.{key}", path)
    names = {str(k): str(v) for k, v in table(data, "exercise_names", "", path).items()}
    if missing := exercises - set(names):
        raise ContentError(str(path), "exercise_names", f"missing {sorted(missing)}")
    body_ex = {str(k): str(v) for k, v in table(data, "body_part_exercise", "", path).items()}
    for part, exercise in body_ex.items():
        if exercise not in exercises:
            raise ContentError(str(path), f"body_part_exercise.{part}", f"unknown exercise {exercise!r}")
    return responses, phrases, names, body_ex


def _check_placeholders(text: str, key: str, path: Path) -> None:
    check_placeholders(text, PLACEHOLDER_FIELDS, str(path), key)


def fill(template: str, **values: object) -> str:
    """Fill a template checked by `check_placeholders`: a field not given is said as nothing, a float
    that is a whole number without a decimal point ("30", not "30.0")."""
    clean = {k: (f"{v:g}" if isinstance(v, float) else v) for k, v in values.items()}
    return template.format_map(_Blank(clean))


class _Blank(dict[str, object]):
    def __missing__(self, key: str) -> str:
        return ""


def check_placeholders(text: str, allowed: Collection[str], path: str, key: str) -> None:
    """Raise ContentError naming file and key if `text` is not a template or uses a field not `allowed`."""
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as err:
        raise ContentError(path, key, f"bad placeholder: {err}") from None
    unknown = names - set(allowed)
    if unknown:
        allowed_text = ", ".join(sorted(allowed)) or "none"
        raise ContentError(
            path, key, f"unknown placeholder {{{sorted(unknown)[0]}}}; allowed: {allowed_text}"
        )
