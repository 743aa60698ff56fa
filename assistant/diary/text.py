"""The words of the diary page, shared by the HTML page and the PDF: headings, key figures and table rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from assistant.cramp_log.entries import RedFlagEntry
from assistant.diary.figures import NIGHT_START_HOUR, DiaryFigures
from assistant.diary.labels import DiaryLabels
from assistant.log_phrases import LogPhrases


@dataclass(frozen=True)
class HeardFlag:
    """One row of the red-flag table: a topic (and the advice given for it) and every time it was heard."""

    what: str
    times: tuple[str, ...]
    advice: str


@dataclass(frozen=True)
class DiaryText:
    """Every piece of text on the page, filled in from `content/log_phrases.toml` ([report])."""

    title: str
    period: str
    """The nights covered and what a night is."""
    facts: tuple[tuple[str, str], ...]
    """(label, value) of the key figures."""
    exercise_headings: tuple[str, str, str]
    exercise_rows: tuple[tuple[str, str, str], ...]
    """(name, times done, times completed), or none: then `exercises_none` is shown."""
    flag_headings: tuple[str, str, str]
    flag_rows: tuple[HeardFlag, ...]
    """One per topic and advice, in order of first hearing, or none: then `flags_none` is shown."""
    joiner: str
    """Between the times a red flag was heard."""
    made: str


def diary_text(figures: DiaryFigures, phrases: LogPhrases, labels: DiaryLabels, made: datetime) -> DiaryText:
    def say(key: str, **values: object) -> str:
        return phrases.format(f"report.{key}", **values)

    nights = len(figures.nights)
    start = time(NIGHT_START_HOUR).strftime("%H:%M")
    period = say("period", first=figures.first_night, last=figures.last_night, nights=nights)
    median = figures.median_relief
    relief = (
        say("relief_value", minutes=round(median, 1), count=len(figures.relief_minutes), total=figures.total)
        if median is not None
        else say("relief_unknown")
    )
    completed = sum(e.completed for e in figures.exercises)
    facts = (
        (say("fact_cramps"), str(figures.total)),
        (say("fact_nights"), say("nights_value", count=figures.nights_with_cramps, nights=nights)),
        (say("fact_most"), str(figures.most_in_a_night)),
        (say("fact_relief"), relief),
        (say("fact_exercises"), say("exercises_value", count=sum(e.done for e in figures.exercises),
                                    completed=completed)),
        (say("fact_flags"), str(len(figures.red_flags))),
    )  # fmt: skip
    return DiaryText(
        title=say("title"),
        period=f"{period} {say('night_rule', start=start)}",
        facts=facts,
        exercise_headings=(say("exercise_heading"), say("done_heading"), say("completed_heading")),
        exercise_rows=tuple(
            (labels.exercise(e.exercise), str(e.done), str(e.completed)) for e in figures.exercises
        ),
        flag_headings=(say("flag_heading"), say("when_heading"), say("advice_heading")),
        flag_rows=tuple(
            HeardFlag(
                phrases.red_flag(topic),
                tuple(say("flag_when", at=at) for at in times),
                labels.advice_for(advice),
            )
            for (topic, advice), times in _heard(figures.red_flags).items()
        ),
        joiner=say("joiner"),
        made=say("made", made=made),
    )


def _heard(flags: Sequence[RedFlagEntry]) -> dict[tuple[str, str], list[datetime]]:
    """(topic, advice) -> the times it was heard, in order of first hearing."""
    heard: dict[tuple[str, str], list[datetime]] = {}
    for flag in flags:
        heard.setdefault((flag.topic, flag.advice), []).append(flag.at)
    return heard
