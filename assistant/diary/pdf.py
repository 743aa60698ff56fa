"""The diary as a one-page A4 PDF: the same words and charts as the HTML page, laid out with matplotlib."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.backends.backend_pdf import FigureCanvasPdf
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from assistant.diary.charts import (
    FONT_SIZE,
    INK,
    SIDE_COLOURS,
    hours_chart,
    nights_chart,
    relief_chart,
    where_chart,
)
from assistant.diary.figures import DiaryFigures
from assistant.diary.text import DiaryText
from assistant.log_phrases import LogPhrases

A4 = (8.27, 11.69)
LEFT, RIGHT = 0.08, 0.95
LINE = 0.0125
"""The height of one line of table text, as a fraction of the page."""
GREY = "#555555"


def diary_pdf(figures: DiaryFigures, text: DiaryText, phrases: LogPhrases) -> bytes:
    """One A4 page: header and key figures, the four charts, the stretches and the red flags."""
    page = Figure(figsize=A4)
    FigureCanvasPdf(page)
    page.text(LEFT, 0.962, text.title, fontsize=17, fontweight="bold", color=INK)
    period = textwrap.fill(text.period, 125)
    page.text(LEFT, 0.947, period, fontsize=FONT_SIZE, color=GREY, va="top")
    for index, (label, value) in enumerate(text.facts):
        x = LEFT + (index % 3) * 0.29
        y = 0.897 - (index // 3) * 0.036
        page.text(x, y + 0.013, label, fontsize=FONT_SIZE - 1, color=GREY)
        page.text(x, y, value, fontsize=FONT_SIZE + 2, fontweight="bold", color=INK)
    nights_chart(page.add_axes((LEFT, 0.70, RIGHT - LEFT, 0.12)), figures, phrases)
    hours_chart(page.add_axes((LEFT, 0.505, 0.37, 0.14)), figures, phrases)
    where_chart(page.add_axes((0.64, 0.505, RIGHT - 0.64, 0.14)), figures, phrases)
    relief_chart(page.add_axes((LEFT, 0.325, 0.37, 0.12)), figures, phrases)
    _exercises(page, text, phrases, x=0.54, top=0.455)
    _flags(page, text, phrases, top=0.265)
    page.text(LEFT, 0.022, textwrap.fill(text.made, 140), fontsize=FONT_SIZE - 1, color=GREY)
    buffer = io.BytesIO()
    page.savefig(buffer, format="pdf", metadata={"Title": text.title, "Creator": "cramp-assistant"})
    return buffer.getvalue()


def _exercises(page: Figure, text: DiaryText, phrases: LogPhrases, x: float, top: float) -> None:
    _heading(page, phrases.format("report.exercises_title"), x, top)
    if not text.exercise_rows:
        page.text(x, top - 0.03, phrases.format("report.exercises_none"), fontsize=FONT_SIZE, color=INK)
        return
    columns = (x, x + 0.25, x + 0.34)
    y = top - 0.03
    _row(page, text.exercise_headings, columns, y, bold=True)
    for row in text.exercise_rows[:9]:
        y -= LINE * 1.3
        _row(page, row, columns, y)


def _flags(page: Figure, text: DiaryText, phrases: LogPhrases, top: float) -> None:
    _heading(page, phrases.format("report.flags_title"), LEFT, top)
    if not text.flag_rows:
        page.text(LEFT, top - 0.03, phrases.format("report.flags_none"), fontsize=FONT_SIZE, color=INK)
        return
    columns = (LEFT, LEFT + 0.24, LEFT + 0.45)
    widths = (30, 26, 60)
    y = top - 0.03
    _row(page, text.flag_headings, columns, y, bold=True)
    bottom = 0.045
    for shown, flag in enumerate(text.flag_rows):
        cells = [
            textwrap.wrap(flag.what, widths[0]) or [""],
            _pack(flag.times, text.joiner, widths[1]),
            textwrap.wrap(flag.advice, widths[2]) or [""],
        ]
        height = max(len(c) for c in cells) * LINE
        if y - LINE * 0.5 - height < bottom + LINE:
            more = phrases.format("report.flags_more", count=len(text.flag_rows) - shown)
            page.text(LEFT, y - LINE * 1.3, more, fontsize=FONT_SIZE, color=GREY, style="italic")
            return
        y -= LINE * 0.5
        for column, lines in zip(columns, cells, strict=True):
            for number, line in enumerate(lines):
                page.text(column, y - (number + 1) * LINE, line, fontsize=FONT_SIZE, color=INK)
        y -= height
        rule = y - LINE * 0.3
        page.add_artist(Line2D([LEFT, RIGHT], [rule, rule], color=SIDE_COLOURS[2], linewidth=0.4))


def _heading(page: Figure, title: str, x: float, y: float) -> None:
    page.text(x, y, title, fontsize=FONT_SIZE + 2, fontweight="bold", color=INK)


def _row(page: Figure, values: Sequence[str], columns: Sequence[float], y: float, bold: bool = False) -> None:
    for value, column in zip(values, columns, strict=True):
        page.text(column, y, value, fontsize=FONT_SIZE, color=INK, fontweight="bold" if bold else "normal")


def _pack(items: Sequence[str], joiner: str, width: int) -> list[str]:
    """Items joined into lines of at most `width` characters, never breaking inside one."""
    lines = [""]
    for item in items:
        joined = f"{lines[-1]}{joiner}{item}" if lines[-1] else item
        if len(joined) <= width or not lines[-1]:
            lines[-1] = joined
        else:
            lines[-1] = lines[-1] + joiner.rstrip()
            lines.append(item)
    return lines
