"""`cramp-assistant log --report`: the diary's figures, its HTML page and PDF, and each way it can fail."""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from diary_log import FIRST_NIGHT, LAST_NIGHT, NOW, PER_NIGHT, TZ, write_month

from assistant.cli.log import run_log
from assistant.cli.main import build_parser, main
from assistant.content.files import fill
from assistant.content.loader import Content
from assistant.cramp_log import CrampLog
from assistant.diary.figures import DiaryFigures, diary_figures, night_of
from assistant.diary.labels import DiaryLabels
from assistant.diary.report import output_paths
from assistant.diary.text import HeardFlag, diary_text
from assistant.log_phrases import load_log_phrases
from assistant.routines.exercises import ExerciseBook
from assistant.settings import DialogSettings
from assistant.settings_file import ENV_VAR


@pytest.fixture
def log_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A settings file whose cramp log is tmp_path/cramps.sqlite3 (not written yet); cwd is tmp_path."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    monkeypatch.setenv("XDG_CACHE_HOME", cache)  # the content cache stays where it was
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    config = tmp_path / "config.toml"
    config.write_text('[log]\nenabled = true\npath = "cramps.sqlite3"\n')
    monkeypatch.setenv(ENV_VAR, str(config))
    monkeypatch.chdir(tmp_path)
    return tmp_path / "cramps.sqlite3"


@pytest.fixture
def month(tmp_path: Path) -> DiaryFigures:
    path = tmp_path / "month.sqlite3"
    write_month(path)
    with CrampLog(path) as log:
        return diary_figures(log.records(), FIRST_NIGHT, LAST_NIGHT)


def report(*options: str) -> int:
    return run_log(build_parser().parse_args(["log", "--report", *options]), now=NOW)


# The figures.


def test_a_night_runs_from_six_in_the_evening() -> None:
    assert night_of(datetime(2024, 5, 5, 2, 0, tzinfo=TZ)) == date(2024, 5, 4)  # 2 a.m.: the night before
    assert night_of(datetime(2024, 5, 5, 17, 59, tzinfo=TZ)) == date(2024, 5, 4)
    assert night_of(datetime(2024, 5, 5, 18, 0, tzinfo=TZ)) == date(2024, 5, 5)


def test_cramps_per_night(month: DiaryFigures) -> None:
    assert [n.night for n in month.nights] == [FIRST_NIGHT + timedelta(days=i) for i in range(30)]
    assert tuple(n.count for n in month.nights) == PER_NIGHT
    assert (month.total, month.nights_with_cramps, month.most_in_a_night) == (40, 25, 3)


def test_hours_muscles_and_sides(month: DiaryFigures) -> None:
    assert {hour: n for hour, n in enumerate(month.hours) if n} == {2: 16, 3: 8, 4: 8, 23: 8}
    assert [(m.body_part, m.left, m.right, m.unsaid) for m in month.muscles] == [
        ("calf", 15, 5, 0),
        ("foot", 5, 0, 0),
        ("thigh", 0, 5, 0),
        ("toes", 0, 0, 5),
        (None, 0, 0, 5),
    ]


def test_relief_exercises_and_red_flags(month: DiaryFigures) -> None:
    assert month.relief_minutes == (2.0,) * 10 + (3.0,) * 10 + (5.0,) * 10
    assert month.median_relief == 3.0
    assert [(e.exercise, e.done, e.completed) for e in month.exercises] == [
        ("calf_stretch", 6, 5),
        ("toe_stretch", 3, 3),
        ("routine", 2, 0),
    ]  # April's quad stretch and red flag are before the period
    assert [(f.topic, f.advice, f.at) for f in month.red_flags] == [
        ("clot", "urgent.clot", datetime(2024, 5, 12, 3, 30, tzinfo=TZ)),
        ("prolonged", "urgent.prolonged", datetime(2024, 5, 22, 3, 30, tzinfo=TZ)),
    ]


def test_the_words_of_the_page(month: DiaryFigures, content: Content) -> None:
    labels = DiaryLabels.from_content(content, ExerciseBook.from_file(), DialogSettings(urgent_care="111"))
    text = diary_text(month, load_log_phrases(), labels, NOW)
    assert [value for _, value in text.facts] == [
        "40",
        "25 of 30",
        "3",
        "3 min (30 of 40 timed)",
        "11 (8 completed)",
        "2",
    ]
    assert text.exercise_rows[0] == ("Calf stretch", "6", "5")
    advice = fill(content.response("urgent", "clot").first[0], urgent_care="111", emergency_number="999")
    assert text.flag_rows[0] == HeardFlag("signs of a blood clot", ("12 May 03:30",), advice)
    assert "111" in advice


def test_every_red_flag_topic_has_a_label_and_advice(content: Content) -> None:
    phrases = load_log_phrases()
    labels = DiaryLabels.from_content(content, ExerciseBook.from_file(), DialogSettings())
    for topic in content.red_flags.topics():
        assert topic in phrases.red_flags, f"log_phrases.toml [red_flags] has no {topic}"
        assert f"urgent.{topic}" in labels.advice
    assert labels.exercise("no_such_stretch") == "No_such_stretch"


# The command.


def test_report_writes_a_self_contained_page_and_a_one_page_pdf(
    log_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_month(log_path)
    assert report() == 0
    out, err = capsys.readouterr()
    html_path, pdf_path = tmp_path / "cramp-diary.html", tmp_path / "cramp-diary.pdf"
    assert out == f"Wrote the cramp diary to {Path('cramp-diary.html')} and {Path('cramp-diary.pdf')}.\n"
    assert err == ""
    page = html_path.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "<link" not in page and "<script" not in page and "url(" not in page
    sources = re.findall(r'src="([^"]*)"', page)
    assert len(sources) == 4 and all(s.startswith("data:image/png;base64,") for s in sources)
    assert "<h1>Leg cramp diary</h1>" in page and "<dd>40</dd>" in page and "signs of a blood clot" in page
    pdf = pdf_path.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1


def test_out_and_since(log_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_month(log_path)
    (tmp_path / "reports").mkdir()
    assert report("--out", "reports/may.pdf", "--since", "2024-05-20") == 0
    assert capsys.readouterr().out.count("\n") == 1
    page = (tmp_path / "reports" / "may.html").read_text(encoding="utf-8")
    assert "Nights of 20 May 2024 to 30 May 2024 (11 nights)." in page
    assert f"<dd>{sum(PER_NIGHT[19:])}</dd>" in page
    assert (tmp_path / "reports" / "may.pdf").read_bytes().startswith(b"%PDF")


def test_output_paths() -> None:
    assert output_paths(None) == (Path("cramp-diary.html"), Path("cramp-diary.pdf"))
    assert output_paths(Path("a/b.PDF")) == (Path("a/b.html"), Path("a/b.pdf"))
    assert output_paths(Path("a/diary.v2")) == (Path("a/diary.v2.html"), Path("a/diary.v2.pdf"))


def test_an_empty_log_is_one_line_and_writes_nothing(
    log_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert report() == 0  # no log file at all
    assert capsys.readouterr().out == (
        "Nothing in the cramp log for the nights of 2024-05-01 to 2024-05-30: no report written.\n"
    )
    assert not log_path.exists()  # reading never creates the log
    with CrampLog(log_path) as log:
        log.record("calf", "left", datetime(2024, 3, 1, 2, 0, tzinfo=TZ))  # long before the period
    assert report() == 0
    out, err = capsys.readouterr()
    assert out.startswith("Nothing in the cramp log") and out.count("\n") == 1 and err == ""
    assert not list(tmp_path.glob("cramp-diary.*"))


def test_damaged_rows_are_skipped_with_one_warning(
    log_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_month(log_path)
    db = sqlite3.connect(log_path)
    with db:
        db.execute("INSERT INTO cramps (at_epoch, local_time, body_part) VALUES (1, 'not a time', 'calf')")
        db.execute("INSERT INTO red_flags (at_epoch, local_time, topic, advice) VALUES (2, ?, ?, 'x')",
                   (NOW.isoformat(), b"\x00"))  # fmt: skip
    db.close()
    assert report() == 0
    out, err = capsys.readouterr()
    assert err == (
        f"cramp-assistant: warning: damaged records skipped in {log_path}: 2; the report shows the rest.\n"
    )
    assert out.startswith("Wrote the cramp diary")
    assert "<dd>40</dd>" in (tmp_path / "cramp-diary.html").read_text(encoding="utf-8")


def test_a_file_that_is_not_a_database_is_one_line_and_status_2(
    log_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_path.write_bytes(b"these are my notes, not a database " * 200)
    assert main(["log", "--report"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"cramp-assistant: {log_path}: cannot use the cramp log")


@pytest.mark.parametrize("since", ["2024-13-01", "yesterday", "01/05/2024", "", "2999-01-01"])
def test_a_bad_since_is_one_line_and_status_2(
    log_path: Path, since: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["log", "--report", "--since", since]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("cramp-assistant: --since: ")


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["log", "--report", "--json"], "cannot be combined"),
        (["log", "--report", "--clear", "--yes"], "cannot be combined"),
        (["log", "--out", "x.html"], "--out goes with --report"),
        (["log", "--since", "2024-05-01"], "--since goes with --report"),
    ],
)
def test_options_that_do_not_go_together(
    log_path: Path, argv: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert problem in capsys.readouterr().err


def test_a_log_with_only_a_stretch_still_makes_a_page(
    log_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with CrampLog(log_path) as log:
        log.record_exercise("routine", True, datetime(2024, 5, 30, 22, 0, tzinfo=TZ))
    assert report("--days", "7") == 0
    assert capsys.readouterr().out.startswith("Wrote the cramp diary")
    page = (tmp_path / "cramp-diary.html").read_text(encoding="utf-8")
    assert "<dd>0</dd>" in page and "Bedtime routine" in page and "No red flags heard." in page
    assert (tmp_path / "cramp-diary.pdf").read_bytes().startswith(b"%PDF")
