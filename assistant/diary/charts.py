"""The diary's four charts, each drawn on a matplotlib Axes, so the PDF page and the HTML page share them.

Only this module and `pdf.py` use matplotlib, always through `Figure` and the Agg canvas (no pyplot, no
display, no global state).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections import Counter
from collections.abc import Callable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from assistant.diary.figures import NIGHT_START_HOUR, DiaryFigures
from assistant.log_phrases import LogPhrases

INK = "#222222"
BAR = "#3b6ea5"
SIDE_COLOURS = ("#3b6ea5", "#e08a3c", "#b5b5b5")
"""Left, right, side not said."""
FONT_SIZE = 8

Chart = Callable[[Axes, DiaryFigures, LogPhrases], None]


def nights_chart(ax: Axes, figures: DiaryFigures, phrases: LogPhrases) -> None:
    """Cramps per night, one bar per night of the period."""
    counts = [n.count for n in figures.nights]
    ax.bar(range(len(counts)), counts, color=BAR, width=0.8)
    step = max(1, math.ceil(len(counts) / 10))
    ticks = list(range(0, len(counts), step))
    ax.set_xticks(ticks)
    ax.set_xticklabels(
        [phrases.format("report.night_tick", night=figures.nights[i].night) for i in ticks], rotation=0
    )
    ax.set_xlim(-0.6, max(len(counts), 1) - 0.4)
    _counts_axis(ax, phrases, max(counts, default=0))
    _style(ax, phrases.format("report.nights_title"))


def hours_chart(ax: Axes, figures: DiaryFigures, phrases: LogPhrases) -> None:
    """Cramps by the hour they began, the hours in night order (from the evening)."""
    order = [(NIGHT_START_HOUR + i) % 24 for i in range(24)]
    counts = [figures.hours[h] for h in order]
    ax.bar(range(24), counts, color=BAR, width=0.8)
    ax.set_xticks(range(0, 24, 2))
    ax.set_xticklabels([f"{order[i]:02d}" for i in range(0, 24, 2)])
    ax.set_xlim(-0.6, 23.6)
    ax.set_xlabel(phrases.format("report.hours_axis"))
    _counts_axis(ax, phrases, max(counts, default=0))
    _style(ax, phrases.format("report.hours_title"))


def where_chart(ax: Axes, figures: DiaryFigures, phrases: LogPhrases) -> None:
    """Cramps by muscle, each bar split by side."""
    muscles = list(reversed(figures.muscles))  # barh draws bottom up: most cramps on top
    if not muscles:
        _message(ax, phrases.format("report.where_none"), phrases.format("report.where_title"))
        return
    names = [m.body_part or phrases.format("report.part_unknown") for m in muscles]
    keys = ("report.side_left", "report.side_right", "report.side_unknown")
    starts = [0] * len(muscles)
    for key, colour, values in zip(
        keys,
        SIDE_COLOURS,
        ([m.left for m in muscles], [m.right for m in muscles], [m.unsaid for m in muscles]),
        strict=True,
    ):
        ax.barh(names, values, left=starts, color=colour, height=0.6, label=phrases.format(key))
        starts = [s + v for s, v in zip(starts, values, strict=True)]
    for row, total in enumerate(starts):
        ax.text(total, row, f" {total}", va="center", fontsize=FONT_SIZE, color=INK)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(starts, default=0) * 1.12 + 0.5)
    ax.set_ylim(-0.6, len(muscles) + 0.4)  # a free row on top for the legend
    ax.set_xlabel(phrases.format("report.count_axis"))
    ax.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="upper right", ncol=3, handlelength=1,
              columnspacing=0.8, borderaxespad=0)  # fmt: skip
    _style(ax, phrases.format("report.where_title"))


def relief_chart(ax: Axes, figures: DiaryFigures, phrases: LogPhrases) -> None:
    """Minutes until each timed cramp eased, to the nearest minute, with the median marked."""
    minutes = figures.relief_minutes
    if not minutes:
        _message(ax, phrases.format("report.relief_none"), phrases.format("report.relief_title"))
        return
    _style(ax, phrases.format("report.relief_title"))
    top = max(10, math.ceil(max(minutes)))
    rounded = Counter(round(m) for m in minutes)  # each bar: the cramps that took about that many minutes
    counts = [rounded[m] for m in range(top + 1)]
    ax.bar(range(top + 1), counts, width=0.8, color=BAR)
    median = figures.median_relief
    if median is not None:
        ax.axvline(median, color=SIDE_COLOURS[1], linestyle="--", linewidth=1.5, zorder=3,
                   label=phrases.format("report.fact_relief"))  # fmt: skip
        ax.legend(fontsize=FONT_SIZE - 1, frameon=False, loc="upper right")
    ax.set_xlim(-0.6, top + 0.6)
    ax.set_xlabel(phrases.format("report.relief_axis"))
    _counts_axis(ax, phrases, max(counts), headroom=1.4)  # room for the legend above the bars


def chart_png(chart: Chart, figures: DiaryFigures, phrases: LogPhrases, size: tuple[float, float]) -> bytes:
    """One chart alone as a PNG (for the HTML page)."""
    figure = Figure(figsize=size, dpi=150, layout="constrained")
    FigureCanvasAgg(figure)
    chart(figure.add_subplot(), figures, phrases)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=150)
    return buffer.getvalue()


def _message(ax: Axes, text: str, title: str) -> None:
    """A chart with nothing to draw: its title and one line of text instead."""
    _style(ax, title)
    ax.set_axis_off()
    ax.text(0, 0.8, textwrap.fill(text, 50), ha="left", va="top", fontsize=FONT_SIZE, color=INK,
            transform=ax.transAxes)  # fmt: skip


def _counts_axis(ax: Axes, phrases: LogPhrases, highest: int, headroom: float = 1.1) -> None:
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(highest, 1) * headroom)
    ax.set_ylabel(phrases.format("report.count_axis"))


def _style(ax: Axes, title: str) -> None:
    ax.set_title(title, fontsize=FONT_SIZE + 2, color=INK, loc="left", fontweight="bold")
    ax.tick_params(labelsize=FONT_SIZE, colors=INK)
    ax.xaxis.label.set_fontsize(FONT_SIZE)
    ax.yaxis.label.set_fontsize(FONT_SIZE)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
