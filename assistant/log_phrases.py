"""The wording of the cramp log summary and diary report, from `content/log_phrases.toml`, validated on
load."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.content.files import check_placeholders, fill, read_toml
from assistant.cramp_log.summary import BAND_HOURS, CrampSummary, PlaceCount
from assistant.errors import ContentError
from assistant.settings import content_dir

# Each template and the placeholders it may use.
_TEMPLATES: dict[str, dict[str, set[str]]] = {
    "summary": {
        "none": {"days"},
        "total_one": {"days"},
        "total_many": {"count", "days"},
        "top_place": {"count", "place"},
        "all_place": {"place"},
        "one_place": {"place"},
        "mostly_band": {"band", "count"},
        "most_often_band": {"band", "count"},
        "one_band": {"band"},
        "joiner": set(),
        "end": set(),
        "period": {"since", "until"},
        "log_off": set(),
        "cleared_one": {"path"},
        "cleared_many": {"count", "path"},
    },
    "table": {
        "places_heading": set(),
        "hours_heading": set(),
        "row": {"label", "count"},
        "band_label": {"band"},
    },
    "places": {
        "with_side": {"side", "body_part"},
        "without_side": {"body_part"},
        "side_only": {"side"},
        "unspecified": set(),
    },
    "report": {
        "title": set(),
        "period": {"first", "last", "nights"},
        "night_rule": {"start"},
        "made": {"made"},
        "fact_cramps": set(),
        "fact_nights": set(),
        "nights_value": {"count", "nights"},
        "fact_most": set(),
        "fact_relief": set(),
        "relief_value": {"minutes", "count", "total"},
        "relief_unknown": set(),
        "fact_exercises": set(),
        "exercises_value": {"count", "completed"},
        "fact_flags": set(),
        "nights_title": set(),
        "night_tick": {"night"},
        "count_axis": set(),
        "hours_title": set(),
        "hours_axis": set(),
        "where_title": set(),
        "side_left": set(),
        "side_right": set(),
        "side_unknown": set(),
        "part_unknown": set(),
        "where_none": set(),
        "relief_title": set(),
        "relief_axis": set(),
        "relief_none": set(),
        "exercises_title": set(),
        "exercise_heading": set(),
        "done_heading": set(),
        "completed_heading": set(),
        "exercises_none": set(),
        "flags_title": set(),
        "when_heading": set(),
        "flag_heading": set(),
        "advice_heading": set(),
        "flag_when": {"at"},
        "joiner": set(),
        "flags_none": set(),
        "flags_more": {"count"},
        "written": {"html", "pdf"},
        "empty": {"first", "last"},
        "skipped": {"count", "path"},
    },
}
_LABELS = "red_flags"
"""The section naming each red-flag topic: any keys, each a plain label."""


def default_path() -> Path:
    return content_dir() / "log_phrases.toml"


@dataclass(frozen=True)
class LogPhrases:
    """Templates by "section.key", and the labels of the bands of hours."""

    templates: dict[str, str]
    bands: tuple[str, ...]
    red_flags: dict[str, str]
    """Red-flag topic -> what the report calls it."""

    @classmethod
    def from_file(cls, path: Path | None = None) -> LogPhrases:
        path = path or default_path()
        return cls.from_dict(read_toml(path), str(path))

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str) -> LogPhrases:
        for section in data:
            if section not in {*_TEMPLATES, "hours", _LABELS}:
                raise ContentError(source, section, "unknown section")
        templates: dict[str, str] = {}
        for section, keys in _TEMPLATES.items():
            table = data.get(section)
            if not isinstance(table, dict):
                raise ContentError(source, section, "missing section")
            for key in table:
                if key not in keys:
                    raise ContentError(source, f"{section}.{key}", "unknown key")
            for key, allowed in keys.items():
                templates[f"{section}.{key}"] = _template(table.get(key), allowed, source, f"{section}.{key}")
        hours = data.get("hours")
        bands = hours.get("bands") if isinstance(hours, dict) else None
        count = 24 // BAND_HOURS
        if not isinstance(bands, list) or len(bands) != count:
            raise ContentError(source, "hours.bands", f"must be a list of {count} labels, one per band")
        if isinstance(hours, dict) and set(hours) != {"bands"}:
            raise ContentError(source, "hours", "only bands is allowed")
        for index, label in enumerate(bands):
            _template(label, set(), source, f"hours.bands[{index}]")
        labels = data.get(_LABELS)
        if not isinstance(labels, dict):
            raise ContentError(source, _LABELS, "missing section")
        flags = {str(k): _template(v, set(), source, f"{_LABELS}.{k}") for k, v in labels.items()}
        return cls(templates, tuple(bands), flags)

    def format(self, key: str, **values: object) -> str:
        return fill(self.templates[key], **values)

    def place(self, place: PlaceCount) -> str:
        if place.body_part and place.side:
            return self.format("places.with_side", side=place.side, body_part=place.body_part)
        if place.body_part:
            return self.format("places.without_side", body_part=place.body_part)
        if place.side:
            return self.format("places.side_only", side=place.side)
        return self.format("places.unspecified")

    def red_flag(self, topic: str) -> str:
        """What the report calls a red-flag topic (the topic itself if it has no label)."""
        return self.red_flags.get(topic, topic)

    def band(self, start_hour: int) -> str:
        return self.bands[start_hour // BAND_HOURS]

    def headline(self, summary: CrampSummary) -> str:
        """One sentence: "12 cramps in the last 30 days, 9 in the left calf, mostly between 2 and 4 a.m."."""
        if not summary.total:
            return self.format("summary.none", days=summary.days)
        key = "summary.total_one" if summary.total == 1 else "summary.total_many"
        parts = [self.format(key, count=summary.total, days=summary.days)]
        known = [p for p in summary.places if p.body_part or p.side]
        if known:
            top = known[0]
            runner_up = max((p.count for p in summary.places if p is not top), default=0)
            if top.count == summary.total:
                key = "summary.one_place" if summary.total == 1 else "summary.all_place"
                parts.append(self.format(key, place=self.place(top)))
            elif top.count >= 2 and top.count > runner_up:
                parts.append(self.format("summary.top_place", count=top.count, place=self.place(top)))
        band = summary.top_band()
        if band is not None:
            others = max((b.count for b in summary.bands if b is not band), default=0)
            label = self.band(band.start_hour)
            if summary.total == 1:
                parts.append(self.format("summary.one_band", band=label))
            elif band.count * 2 > summary.total:
                parts.append(self.format("summary.mostly_band", band=label, count=band.count))
            elif band.count >= 2 and band.count > others:
                parts.append(self.format("summary.most_often_band", band=label, count=band.count))
        text = self.format("summary.joiner").join(parts)
        end = self.format("summary.end")
        return text if text.endswith(end) else text + end  # "... 4 a.m." takes no second full stop

    def report(self, summary: CrampSummary) -> str:
        """The headline, the period, and a table by place and by band of hours."""
        lines = [
            self.headline(summary),
            self.format(
                "summary.period",
                since=summary.since.date().isoformat(),
                until=summary.until.date().isoformat(),
            ),
        ]
        if summary.total:
            lines += ["", self.format("table.places_heading")]
            lines += [self.format("table.row", label=self.place(p), count=p.count) for p in summary.places]
            lines.append(self.format("table.hours_heading"))
            for band in summary.bands:
                if band.count:
                    label = self.format("table.band_label", band=self.band(band.start_hour))
                    lines.append(self.format("table.row", label=label, count=band.count))
        return "\n".join(lines)


def load_log_phrases(path: Path | None = None) -> LogPhrases:
    return LogPhrases.from_file(path)


def _template(value: Any, allowed: set[str], source: str, key: str) -> str:
    if value is None:
        raise ContentError(source, key, "missing")
    if not isinstance(value, str):
        raise ContentError(source, key, f"must be a string, got {type(value).__name__}")
    check_placeholders(value, allowed, source, key)
    return value
