"""The diary as one self-contained HTML page: charts embedded as base64 PNG, styles inline, no links out."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from html import escape

from assistant.diary.charts import Chart, chart_png, hours_chart, nights_chart, relief_chart, where_chart
from assistant.diary.figures import DiaryFigures
from assistant.diary.text import DiaryText
from assistant.log_phrases import LogPhrases

_STYLE = """
@page { size: A4; margin: 12mm; }
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #222; max-width: 60rem; margin: 1.5rem auto;
       padding: 0 1rem; font-size: 0.9rem; line-height: 1.35; }
h1 { font-size: 1.5rem; margin: 0 0 0.2rem; }
h2 { font-size: 1rem; margin: 0.8rem 0 0.3rem; }
p.period { margin: 0 0 0.6rem; color: #444; }
dl.facts { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0.3rem 1rem; margin: 0 0 0.5rem; }
dl.facts div { border-left: 3px solid #3b6ea5; padding-left: 0.5rem; }
dl.facts dt { font-size: 0.8rem; color: #555; }
dl.facts dd { margin: 0; font-weight: bold; }
.row { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
img { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 0.2rem 0.4rem; border-bottom: 1px solid #ddd; }
td.n, th.n { text-align: right; }
footer { margin-top: 1rem; font-size: 0.75rem; color: #555; }
figure { margin: 0; }
@media print { body { margin: 0; padding: 0; font-size: 0.75rem; max-width: none; }
                h2 { margin-top: 0.4rem; } }
"""
_NUMBER = ' class="n"'


def diary_html(figures: DiaryFigures, text: DiaryText, phrases: LogPhrases) -> str:
    """The whole page; every text comes from `text` and `phrases`, every chart from `charts.py`."""
    facts = "".join(
        f"<div><dt>{escape(label)}</dt><dd>{escape(value)}</dd></div>" for label, value in text.facts
    )
    exercises = _table(text.exercise_headings, text.exercise_rows, numeric=(1, 2)) or _none(
        phrases, "exercises_none"
    )
    flag_rows = [(f.what, text.joiner.join(f.times), f.advice) for f in text.flag_rows]
    flags = _table(text.flag_headings, flag_rows) or _none(phrases, "flags_none")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(text.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(text.title)}</h1>",
        f'<p class="period">{escape(text.period)}</p>',
        f'<dl class="facts">{facts}</dl>',
        _chart(nights_chart, "nights_title", figures, phrases, (9.0, 2.4)),
        '<div class="row">',
        _chart(hours_chart, "hours_title", figures, phrases, (4.6, 2.6)),
        _chart(where_chart, "where_title", figures, phrases, (4.6, 2.6)),
        "</div>",
        '<div class="row">',
        _chart(relief_chart, "relief_title", figures, phrases, (4.6, 2.4)),
        f"<section><h2>{escape(phrases.format('report.exercises_title'))}</h2>{exercises}</section>",
        "</div>",
        f"<section><h2>{escape(phrases.format('report.flags_title'))}</h2>{flags}</section>",
        f"<footer>{escape(text.made)}</footer>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _chart(
    chart: Chart, title: str, figures: DiaryFigures, phrases: LogPhrases, size: tuple[float, float]
) -> str:
    """A chart as an <img> with its data inline; its title (drawn in the image) is the alt text."""
    data = base64.b64encode(chart_png(chart, figures, phrases, size)).decode("ascii")
    alt = escape(phrases.format(f"report.{title}"))
    return f'<figure><img alt="{alt}" src="data:image/png;base64,{data}"></figure>'


def _table(headings: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    if not rows:
        return ""

    def cells(tag: str, values: Sequence[str]) -> str:
        return "".join(
            f"<{tag}{_NUMBER if i in numeric else ''}>{escape(v)}</{tag}>" for i, v in enumerate(values)
        )

    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    return f"<table><thead><tr>{cells('th', headings)}</tr></thead><tbody>{body}</tbody></table>"


def _none(phrases: LogPhrases, key: str) -> str:
    return f"<p>{escape(phrases.format(f'report.{key}'))}</p>"
