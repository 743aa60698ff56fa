"""The figures of `bench_controls`: what became of each control, by condition, voice, control and moment;
how long it took; and what the loop took from its own voice."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.controls_trials import MISSED, MOMENTS, TAKEN, TWICE, WRONG, Phrasing, Verdict, percentile, share

TARGET_TAKEN = 97.0
"""Issue 22: at least this share (%) of controls taken in each of its three conditions."""
TARGET_MS = 100.0
"""Issue 22: median end of speech (detected) to control under this many ms."""


@dataclass
class Trial:
    """One control said to the loop, and what became of it."""

    voice: str
    condition: str
    phrasing: Phrasing
    moment: str
    over_voice: bool
    """The assistant was speaking at some point while it was said."""
    verdict: Verdict
    heard: tuple[str, ...] = ()
    """What the loop heard in the window (every `heard` event's text, ignored ones too)."""
    endpointing: float | None = None
    """Seconds (virtual clock) from the last loud 10 ms of the speech to the loop acting on it."""
    decide_ms: float | None = None
    """Real ms from the start of the feed call that ended the utterance to the `heard` event taking it."""
    acted_ms: float | None = None
    """Real ms of that whole feed call (the routine carrying the control out included)."""
    backlog_ms: float | None = None
    """Real ms that call would have waited, in real time, for the calls before it (decoding ahead in the
    trailing silence) to finish, after its chunk was captured."""
    whole_ms: float | None = None
    """End of speech to the control carried out, as in real time: endpointing + backlog + that call."""
    own_ms: float | None = None
    """The loop's own `timings`: recognise_ms + route_ms."""

    @property
    def outcome(self) -> str:
        return self.verdict.outcome


@dataclass(frozen=True)
class Quiet:
    """A whole routine with nobody speaking."""

    condition: str
    taken: Counter[str]
    """Non-ignored `heard` events by "action:intent"."""
    heard: int
    """`heard` events: utterances of its own voice (or the fan) that reached the recogniser."""
    holds: int
    """Holds completed."""
    seconds: float


def _ms(values: Sequence[float]) -> str:
    if not values:
        return "none"
    return f"{statistics.median(values):.0f} ms, {percentile(values, 90):.0f} ms (n={len(values)})"


def _errors(trials: Sequence[Trial]) -> str:
    count = Counter(t.outcome for t in trials)
    return f"missed {count[MISSED]}, wrong {count[WRONG]}, taken twice {count[TWICE]}"


def _groups(trials: Sequence[Trial], key: Callable[[Trial], str]) -> dict[str, list[Trial]]:
    out: dict[str, list[Trial]] = {}
    for trial in trials:
        out.setdefault(key(trial), []).append(trial)
    return out


def report(
    trials: Sequence[Trial],
    main_conditions: Sequence[str],
    unprompted: Counter[str],
    quiet: Sequence[Quiet],
    detail: bool = True,
) -> dict[str, str]:
    """The figures; `main_conditions` are the issue's three (the targets are judged on them)."""
    figures = {"issue 22 done-when": targets(trials, main_conditions, unprompted, quiet)}
    for condition, group in _groups(trials, lambda t: t.condition).items():
        extra = "" if condition in main_conditions else " (extra)"
        taken = share([t.outcome for t in group])
        over = share([t.outcome for t in group if t.over_voice])
        clear = share([t.outcome for t in group if not t.over_voice])
        figures[f"taken, {condition}{extra}"] = (
            f"{taken}; {_errors(group)}; over its voice {over}, while quiet {clear}"
        )
    main = [t for t in trials if t.condition in main_conditions]
    figures["taken, the three conditions"] = f"{share([t.outcome for t in main])}; {_errors(main)}"
    over_all = share([t.outcome for t in main if t.over_voice])
    clear_all = share([t.outcome for t in main if not t.over_voice])
    figures["taken over the assistant's voice / while it was quiet (three conditions)"] = (
        f"{over_all} / {clear_all}"
    )
    if detail:
        by_moment = _groups(main, lambda t: t.moment)
        for moment in MOMENTS:
            if moment in by_moment:
                figures[f"taken {moment} (three conditions)"] = share([t.outcome for t in by_moment[moment]])
        for voice, group in _groups(main, lambda t: t.voice).items():
            figures[f"taken, voice {voice} (three conditions)"] = share([t.outcome for t in group])
        for intent, group in _groups(main, lambda t: t.phrasing.intent).items():
            figures[f"taken, control {intent} (three conditions)"] = share([t.outcome for t in group])
    instead = Counter(a for t in trials if t.outcome == WRONG for a in t.verdict.acted)
    figures["acted on instead, when wrong (all conditions)"] = (
        ", ".join(f"{name} {n}" for name, n in instead.most_common(8)) or "nothing"
    )
    timed = [t for t in main if t.outcome == TAKEN and t.decide_ms is not None]
    figures["end of speech to control, real time: recognition + deciding (median, p90)"] = _ms(
        [t.decide_ms for t in timed if t.decide_ms is not None]
    )
    figures["... with the backlog of decoding ahead, as in real time (median, p90)"] = _ms(
        [t.decide_ms + t.backlog_ms for t in timed if t.decide_ms is not None and t.backlog_ms is not None]
    )
    figures["... to the control carried out (the whole feed call; median, p90)"] = _ms(
        [t.acted_ms for t in timed if t.acted_ms is not None]
    )
    figures["... the loop's own timings, recognise + route (median, p90)"] = _ms(
        [t.own_ms for t in timed if t.own_ms is not None]
    )
    figures["endpointing delay before that, virtual clock: end of speech to end detected (median, p90)"] = (
        _ms([1000 * t.endpointing for t in timed if t.endpointing is not None])
    )
    figures["whole: end of speech to the control carried out, as in real time (median, p90)"] = _ms(
        [t.whole_ms for t in timed if t.whole_ms is not None]
    )
    figures["controls or answers taken while nobody spoke, in the control sessions"] = (
        f"{sum(unprompted.values())}" + (f" ({_counts(unprompted)})" if unprompted else "")
    )
    for run in quiet:
        count = sum(run.taken.values())
        figures[f"bedtime routine, nobody speaking, {run.condition}: taken from its own voice"] = (
            f"{count} (target 0){' (' + _counts(run.taken) + ')' if count else ''}; "
            f"{run.heard} utterances reached the recogniser; {run.holds} holds completed; {run.seconds:.0f} s"
        )
    return figures


def targets(
    trials: Sequence[Trial], main_conditions: Sequence[str], unprompted: Counter[str], quiet: Sequence[Quiet]
) -> str:
    """Each of the issue's targets, met or not: >= 97% taken in each condition, nothing taken from its
    own voice, median end of speech (detected) to control under 100 ms."""
    rates = []
    for condition in main_conditions:
        outcomes = [t.outcome for t in trials if t.condition == condition]
        rates.append((condition, 100 * outcomes.count(TAKEN) / len(outcomes) if outcomes else 0.0))
    taken = all(rate >= TARGET_TAKEN for _, rate in rates) and bool(rates)
    own = sum(unprompted.values()) + sum(sum(run.taken.values()) for run in quiet)
    times = [t.decide_ms for t in trials if t.condition in main_conditions and t.decide_ms is not None]
    median = statistics.median(times) if times else float("inf")
    each = ", ".join(f"{c} {rate:.1f}%" for c, rate in rates)
    return (
        f"taken >= {TARGET_TAKEN:g}% in each condition: {'yes' if taken else 'NO'} ({each}); "
        f"0 taken from its own voice: {'yes' if own == 0 else 'NO'} ({own}"
        f"{'' if quiet else ', no whole routine run'}); "
        f"median end of speech to control < {TARGET_MS:g} ms: {'yes' if median < TARGET_MS else 'NO'} "
        f"({median:.0f} ms)"
    )


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counter.most_common())


def trial_lines(trials: Sequence[Trial]) -> list[str]:
    """One line per trial (for the dev set: what to look at)."""
    lines = []
    for t in trials:
        voice = "over voice" if t.over_voice else "quiet"
        timing = f" {1000 * t.endpointing:.0f}+{t.decide_ms:.0f} ms" if t.endpointing and t.decide_ms else ""
        lines.append(
            f"{t.outcome:6} {t.condition:22} {t.voice:24} {t.phrasing.intent:10} {t.phrasing.text!r:32} "
            f"[{t.moment}; {voice}]{timing} {' '.join(t.verdict.acted)} heard {list(t.heard)}"
        )
    return lines
