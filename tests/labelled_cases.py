"""Readers for the labelled evaluation data in tests/data.

The TSV files hold one sentence per line as ``text<TAB>intent<TAB>slots``, where slots are ``key=value``
pairs joined by commas, or ``-`` for none. ``night_script.md`` holds one markdown table per scripted night.
Both readers validate labels against the project's intent and slot contract and raise ``CaseFormatError``
naming the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

CONTROL_INTENTS = frozenset({"next", "repeat", "pause", "resume", "stop", "yes", "no"})
TOPIC_INTENTS = frozenset(
    {
        "relief",
        "causes",
        "stretch",
        "prevention",
        "doctor",
        "medications",
        "conditions",
        "diet",
        "heat_cold",
        "urgent",
        "help",
    }
)
UNKNOWN = "unknown"
INTENTS = CONTROL_INTENTS | TOPIC_INTENTS | {UNKNOWN}

SLOT_VALUES: dict[str, frozenset[str]] = {
    "body_part": frozenset({"calf", "foot", "toes", "thigh", "hamstring", "leg"}),
    "side": frozenset({"left", "right"}),
    "exercise": frozenset(
        {"calf_stretch", "toe_stretch", "towel_scrunch", "ankle_circles", "quad_stretch", "routine"}
    ),
}

NIGHT_SPEAKERS = frozenset({"user", "partner", "radio", "noise"})
NOTHING = "nothing"


class CaseFormatError(ValueError):
    """A labelled line that does not follow the format or the intent and slot contract."""


@dataclass(frozen=True)
class LabelledCase:
    """One sentence with the intent and slots a correct assistant must find."""

    text: str
    """The sentence as a person would type or say it."""
    intent: str
    """The expected intent id, ``unknown`` for out-of-scope speech."""
    slots: dict[str, str]
    """Expected slots; empty when the sentence names none."""
    where: str
    """``file:line`` of the case, for error messages and test ids."""


@dataclass(frozen=True)
class ScriptLine:
    """One utterance or sound in a scripted night."""

    at_seconds: int
    """Approximate start, in seconds from the start of the recording."""
    who: str
    """One of ``NIGHT_SPEAKERS``."""
    says: str
    """Text to synthesise, or a sound description in parentheses."""
    expect: LabelledCase | None
    """The intent the loop must log for it, or None when it must trigger nothing."""


def normalise(text: str) -> str:
    """Lower-case words without punctuation, used to find duplicate sentences across sets."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower().replace("'", "")))


def parse_slots(raw: str, intent: str, where: str) -> dict[str, str]:
    """Parse ``key=value,key=value`` (or ``-``) and check keys and values against the contract."""
    if raw == "-":
        return {}
    slots: dict[str, str] = {}
    for pair in raw.split(","):
        key, sep, value = pair.partition("=")
        if not sep:
            raise CaseFormatError(f"{where}: slot {pair!r} is not key=value")
        if key not in SLOT_VALUES:
            raise CaseFormatError(f"{where}: unknown slot key {key!r}")
        if value not in SLOT_VALUES[key]:
            raise CaseFormatError(f"{where}: slot {key} has unknown value {value!r}")
        if key in slots:
            raise CaseFormatError(f"{where}: slot {key} given twice")
        slots[key] = value
    if intent == UNKNOWN or intent in CONTROL_INTENTS:
        raise CaseFormatError(f"{where}: intent {intent} takes no slots")
    if "exercise" in slots and intent != "stretch":
        raise CaseFormatError(f"{where}: only stretch takes an exercise slot")
    return slots


def parse_case(text: str, intent: str, raw_slots: str, where: str) -> LabelledCase:
    """Build one validated case from its three fields."""
    if not text or text != text.strip() or "\t" in text:
        raise CaseFormatError(f"{where}: text is empty or has stray whitespace")
    if intent not in INTENTS:
        raise CaseFormatError(f"{where}: unknown intent {intent!r}")
    return LabelledCase(text, intent, parse_slots(raw_slots, intent, where), where)


def read_cases(path: Path) -> list[LabelledCase]:
    """Read a ``text<TAB>intent<TAB>slots`` file; ``#`` comment lines and blank lines are skipped."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{path.name}:{number}"
        fields = line.split("\t")
        if len(fields) != 3:
            raise CaseFormatError(f"{where}: expected 3 tab-separated fields, got {len(fields)}")
        text, intent, raw_slots = fields
        cases.append(parse_case(text, intent, raw_slots, where))
    return cases


def _parse_time(raw: str, where: str) -> int:
    match = re.fullmatch(r"(\d+):([0-5]\d)", raw)
    if match is None:
        raise CaseFormatError(f"{where}: time {raw!r} is not m:ss")
    return int(match[1]) * 60 + int(match[2])


def _parse_expect(raw: str, says: str, where: str) -> LabelledCase | None:
    if raw == NOTHING:
        return None
    intent, _, slots = raw.partition(" ")
    return parse_case(says, intent, slots or "-", where)


def read_night_script(path: Path) -> dict[str, list[ScriptLine]]:
    """Read the scripted nights: ``## Night X: title`` headings, each followed by one table."""
    nights: dict[str, list[ScriptLine]] = {}
    current: list[ScriptLine] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{number}"
        heading = re.match(r"## (Night \w+)", line)
        if heading:
            current = nights.setdefault(heading[1], [])
            continue
        if not line.startswith("|") or current is None:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4:
            raise CaseFormatError(f"{where}: expected 4 table cells, got {len(cells)}")
        if cells[0] == "at" or set(cells[0]) <= {"-"}:
            continue
        at, who, says, expect = cells
        if who not in NIGHT_SPEAKERS:
            raise CaseFormatError(f"{where}: unknown speaker {who!r}")
        parsed = _parse_expect(expect, says, where)
        if parsed is not None and who != "user":
            raise CaseFormatError(f"{where}: only the user may trigger an intent")
        current.append(ScriptLine(_parse_time(at, where), who, says, parsed))
    return nights
