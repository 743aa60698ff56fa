"""Write the diary: the HTML page and the PDF side by side (same base name, .html and .pdf)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from assistant.diary.figures import DiaryFigures
from assistant.diary.labels import DiaryLabels
from assistant.diary.page import diary_html
from assistant.diary.pdf import diary_pdf
from assistant.diary.text import diary_text
from assistant.errors import AssistantError
from assistant.log_phrases import LogPhrases

DEFAULT_BASE = Path("cramp-diary")
"""Written as ./cramp-diary.html and ./cramp-diary.pdf unless another name is given."""
SUFFIXES = (".html", ".pdf")


class DiaryError(AssistantError):
    """The diary could not be written (no such folder, no permission)."""


def output_paths(out: Path | None) -> tuple[Path, Path]:
    """The HTML and PDF paths for `--out`: a name ending in .html or .pdf stands for both."""
    base = out or DEFAULT_BASE
    if base.suffix.lower() in SUFFIXES:
        base = base.with_suffix("")
    return base.with_name(base.name + ".html"), base.with_name(base.name + ".pdf")


def write_diary(
    figures: DiaryFigures, phrases: LogPhrases, labels: DiaryLabels, made: datetime, out: Path | None = None
) -> tuple[Path, Path]:
    """Render both files and write them; returns their paths."""
    text = diary_text(figures, phrases, labels, made)
    html_path, pdf_path = output_paths(out)
    html = diary_html(figures, text, phrases).encode("utf-8")
    for path, data in ((html_path, html), (pdf_path, diary_pdf(figures, text, phrases))):
        try:
            path.write_bytes(data)
        except OSError as err:
            raise DiaryError(f"{path}: cannot write the cramp diary: {err.strerror or err}") from None
    return html_path, pdf_path
