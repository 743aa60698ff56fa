"""The trials of `bench_controls`: the phrasings (bench/data/controls.tsv), the order a session says them in,
and the bookkeeping that judges, from the loop's events alone, what the loop did with each one.

A control said to the loop is judged on what the loop acted on between the person starting to speak and
`WINDOW` seconds after they stopped:

- taken: acted on as that control exactly once, and nothing else acted on (a `heard` event with action
  "control" and that intent; a `control` event naming it, when the loop reports those and no `heard` one
  did; or, with neither, the routine saying that control's own reply, e.g. "Paused. ...");
- wrong: another control, or an answer, was acted on (even if the right control was too);
- twice: the right control was acted on more than once;
- missed: nothing was acted on.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from assistant.loop.events import Event
from assistant.routines.controls import CONTROLS
from assistant.routines.phrases import SessionPhrases

PHRASINGS = Path(__file__).parent / "data" / "controls.tsv"
SPLITS = ("dev", "heldout", "heldout2", "heldout3", "heldout4")
HEADER = ["phrase", "intent", "split"]
WINDOW = 3.0
"""Seconds after the end of what was said within which the loop's actions are counted for it."""
TAKEN, MISSED, WRONG, TWICE = "taken", "missed", "wrong", "twice"
RESPONSES = ("control", "answer")
"""`heard` actions that do something for the person (the others: ignore, not_heard, wake)."""

# Where in a routine a control is said.
OVER_CUE = "over a cue, outside a hold"
HOLD_QUIET = "in a hold, the assistant quiet"
HOLD_VOICE = "in a hold, over its voice"
PAUSED = "paused, the assistant quiet"
MOMENTS = (OVER_CUE, HOLD_QUIET, HOLD_VOICE, PAUSED)


@dataclass(frozen=True)
class Phrasing:
    """One way of saying a control."""

    text: str
    intent: str
    """The control it asks for (see `routines.controls.CONTROLS`)."""
    split: str
    """"dev", "heldout", "heldout2", "heldout3" or "heldout4"."""


def read_phrasings(path: Path = PHRASINGS) -> list[Phrasing]:
    """Every phrasing in the file ('#' lines are comments); ValueError naming the file and line."""
    rows: list[Phrasing] = []
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [(n, line) for n, line in enumerate(handle, 1) if line.strip() and not line.startswith("#")]
    for (number, _), row in zip(lines, csv.reader((line for _, line in lines), delimiter="\t"), strict=True):
        where = f"{path}:{number}"
        if not rows and row == HEADER:
            continue
        if len(row) != 3:
            raise ValueError(f"{where}: expected 3 tab-separated columns {HEADER}, got {row}")
        text, intent, split = (cell.strip() for cell in row)
        if not text or text != text.lower():
            raise ValueError(f"{where}: a phrase is lower-case and not empty: {text!r}")
        if intent not in CONTROLS:
            raise ValueError(f"{where}: {intent!r} is not a control ({', '.join(CONTROLS)})")
        if split not in SPLITS:
            raise ValueError(f"{where}: split {split!r} is not one of {SPLITS}")
        rows.append(Phrasing(text, intent, split))
    return rows


@dataclass(frozen=True)
class Step:
    """One control of a session's script: what is asked, at which moment, and the exercise to start
    when no routine is running then."""

    intent: str
    moment: str
    routine: str = "calf_stretch"


SCRIPT = (
    # The calf stretch: controls over its instructions, then in the holds of both legs.
    Step("repeat", OVER_CUE),
    Step("pause", OVER_CUE),
    Step("resume", PAUSED),
    Step("next", OVER_CUE),
    Step("time_left", HOLD_QUIET),
    Step("extend", HOLD_VOICE),
    Step("other_side", HOLD_QUIET),
    Step("pause", HOLD_QUIET),
    Step("resume", PAUSED),
    Step("time_left", HOLD_VOICE),
    Step("stop", HOLD_QUIET),
    # Asked for again, and stopped over its first instruction.
    Step("stop", OVER_CUE),
    # The quadriceps stretch, left to run to its end after the last control.
    Step("next", OVER_CUE, "quad_stretch"),
    Step("extend", HOLD_QUIET, "quad_stretch"),
    Step("repeat", HOLD_QUIET, "quad_stretch"),
    Step("other_side", HOLD_VOICE, "quad_stretch"),
)
"""A session: each control valid when it is said (resume while paused, other_side in a two-sided hold,
time_left and extend in a hold), each control twice, half of them over the assistant's voice."""


def assign(script: Sequence[Step], phrasings: Sequence[Phrasing], turn: int) -> list[tuple[Step, Phrasing]]:
    """Each step with the phrasing said there: the k-th step asking for a control takes that control's
    phrasings in turn, starting at `turn` (a voice's index), so a session says each phrasing once when
    the counts match, and each phrasing is said at different moments by different voices."""
    by_intent = {intent: [p for p in phrasings if p.intent == intent] for intent in CONTROLS}
    seen: dict[str, int] = {}
    out = []
    for step in script:
        options = by_intent[step.intent]
        if not options:
            raise ValueError(f"no phrasing for {step.intent}")
        k = seen.get(step.intent, 0)
        seen[step.intent] = k + 1
        out.append((step, options[(k + turn) % len(options)]))
    return out


@dataclass(frozen=True)
class Stamped:
    """One event of the loop, as it arrived at the benchmark's sink."""

    event: Event
    at: float
    """Clock time (virtual) it arrived."""
    perf: float = 0.0
    """`time.perf_counter()` when it arrived."""
    call: int = -1
    """Serial of the `bedside.feed` call during which it arrived (-1: outside any)."""


@dataclass(frozen=True)
class Verdict:
    outcome: str
    acted: tuple[str, ...]
    """What the loop acted on in the window, as "control:pause", "answer:diet", "not_heard:unknown"."""
    taking: Stamped | None
    """The event that took it (None unless taken by a `heard` or `control` event)."""


def _intent(event: Event) -> str:
    for key in ("control", "intent", "name"):
        if isinstance(event.get(key), str):
            return str(event[key])
    return "unknown"


def acts(events: Iterable[Stamped]) -> list[tuple[str, str, Stamped]]:
    """(kind, intent, event) for what the loop did in response to speech: `heard` events that did not
    ignore it; `control` events too when no `heard` event among them was a control."""
    heard = [s for s in events if s.event.get("event") == "heard" and s.event.get("action") != "ignore"]
    out = [(str(s.event.get("action")), _intent(s.event), s) for s in heard]
    if not any(kind == "control" for kind, _, _ in out):
        out += [("control", _intent(s.event), s) for s in events if s.event.get("event") == "control"]
    return out


def reply_patterns(phrases: SessionPhrases) -> dict[str, list[re.Pattern[str]]]:
    """For each control, the routine's replies that show it was applied; a reply worded like another
    session phrase (time_left's "{seconds} seconds left." is also the last progress cue) shows nothing."""
    replies = {
        "pause": ["paused"],
        "resume": ["resumed", "resumed_hold"],
        "stop": ["stopped"],
        "next": ["skipped"],
        "time_left": ["time_left"],
        "extend": ["extended"],
        "other_side": ["other_side"],
    }
    templates = {f.name: str(getattr(phrases, f.name)) for f in fields(phrases)}
    out: dict[str, list[re.Pattern[str]]] = {}
    for control, names in replies.items():
        for name in names:
            text = templates[name]
            if any(other == text for key, other in templates.items() if key != name):
                continue
            parts = re.split(r"\{\w+\}", text)
            out.setdefault(control, []).append(re.compile(".+".join(re.escape(p) for p in parts) + "$"))
    return out


def judge(
    expected: str, events: Sequence[Stamped], replies: dict[str, list[re.Pattern[str]]] | None = None
) -> Verdict:
    """What became of a control asking for `expected`, from the events in its window."""
    done = acts(events)
    acted = tuple(f"{kind}:{intent}" for kind, intent, _ in done)
    right = [s for kind, intent, s in done if kind == "control" and intent == expected]
    if any(kind in RESPONSES and not (kind == "control" and intent == expected) for kind, intent, _ in done):
        return Verdict(WRONG, acted, right[0] if right else None)
    if len(right) > 1:
        return Verdict(TWICE, acted, right[0])
    if right:
        return Verdict(TAKEN, acted, right[0])
    patterns = (replies or {}).get(expected, [])
    routine = [s for s in events if s.event.get("event") == "say" and s.event.get("source") == "routine"]
    if any(p.match(str(s.event.get("text", ""))) for s in routine for p in patterns):
        return Verdict(TAKEN, (*acted, f"reply:{expected}"), None)
    return Verdict(MISSED, acted, None)


def within(events: Sequence[Stamped], start: float, end: float) -> list[Stamped]:
    return [s for s in events if start <= s.at <= end]


def unprompted(events: Sequence[Stamped], windows: Sequence[tuple[float, float]]) -> list[tuple[str, str]]:
    """(kind, intent) of what the loop did in response to "speech" outside every window (nobody spoke)."""
    outside = [s for s in events if not any(a <= s.at <= b for a, b in windows)]
    return [(kind, intent) for kind, intent, _ in acts(outside)]


def queued_start(arrivals: Sequence[float], seconds: Sequence[float], first: int, last: int) -> float:
    """When call `last` would start if the chunks came in real time: each call starts when its chunk has
    arrived (`arrivals`, clock time) and the call before it has finished (taking `seconds`), from an idle
    loop at call `first`."""
    free = float("-inf")
    for i in range(first, last):
        free = max(free, arrivals[i]) + seconds[i]
    return max(free, arrivals[last])


def share(outcomes: Sequence[str]) -> str:
    """ "97.5% (39 of 40)", or "none" for no trials."""
    if not outcomes:
        return "none"
    taken = sum(1 for o in outcomes if o == TAKEN)
    return f"{100 * taken / len(outcomes):.1f}% ({taken} of {len(outcomes)})"


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the nearest ranks."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
