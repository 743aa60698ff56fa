"""`make bench`'s writer: full tables into docs/benchmarks.md, headline rows into the README."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from bench import run_all
from bench.run_all import (
    BENCHMARKS,
    END,
    HEADLINE,
    HEADLINE_END,
    HEADLINE_START,
    NOT_MEASURED,
    START,
    read_tables,
    write_docs,
    write_readme,
)

ROOT = Path(__file__).resolve().parent.parent
ROUTER_ROW = "router, held-out set 9 (by a helper who saw no templates; measured once, after tuning)"
OLD_DOCS = f"""# Benchmarks

Text written by hand stays.

{START}
_Measured by `make bench` on 2000-01-01 (old machine)._

**Router**

| figure | value |
| --- | --- |
| {ROUTER_ROW} | intent 90.0%, intent+slots 80.0% (240 sentences), out-of-scope rejected 70.0% (60) |

**Recognition**

| figure | value |
| --- | --- |
| old figure | old value |
{END}

After the tables.
"""
OLD_README = f"""# Project

`make run`, `make test`.

## How well it works

{HEADLINE_START}
| | measured |
| --- | --- |
| Home Assistant: a question over Wyoming (handle, 1 client) | median 99 ms, p90 99 ms |
{HEADLINE_END}

## Privacy
"""


def _project(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "docs").mkdir()
    docs, readme = tmp_path / "docs" / "benchmarks.md", tmp_path / "README.md"
    docs.write_text(OLD_DOCS, encoding="utf-8")
    readme.write_text(OLD_README, encoding="utf-8")
    return docs, readme


def _headline(readme: Path) -> dict[str, str]:
    text = readme.read_text(encoding="utf-8")
    block = text[text.index(HEADLINE_START) : text.index(HEADLINE_END)]
    rows = [re.fullmatch(r"\| (.+?) \| (.+) \|", line) for line in block.splitlines()]
    return {row.group(1): row.group(2) for row in rows if row and "---" not in row.group(1)}


def test_a_partial_run_replaces_only_its_own_table(tmp_path: Path) -> None:
    docs, _ = _project(tmp_path)
    write_docs(docs, [("Recognition", {"pocketsphinx alone": "exact clean 57% | 12 dB 57%"})])
    text = docs.read_text(encoding="utf-8")
    tables = read_tables(text)
    assert list(tables) == ["Router", "Recognition"]
    assert tables["Router"][ROUTER_ROW].startswith("intent 90.0%")
    assert tables["Recognition"] == {"pocketsphinx alone": "exact clean 57% / 12 dB 57%"}
    assert text.startswith("# Benchmarks\n\nText written by hand stays.\n") and text.endswith(
        "After the tables.\n"
    )
    assert "2000-01-01" not in text and "_Measured by `make bench` on " in text


def test_tables_are_kept_in_benchmark_order(tmp_path: Path) -> None:
    docs, _ = _project(tmp_path)
    write_docs(docs, [("Wyoming server", {"a": "1"}), ("Bedside loop", {"b": "2"})])
    order = [title for title, _ in BENCHMARKS]
    titles = list(read_tables(docs.read_text(encoding="utf-8")))
    assert titles == sorted(titles, key=order.index)


def test_docs_without_a_figures_block_get_one(tmp_path: Path) -> None:
    docs = tmp_path / "benchmarks.md"
    docs.write_text("# Benchmarks\n\nHow they are measured.\n", encoding="utf-8")
    write_docs(docs, [("Router", {"routing cost": "1 ms"})])
    text = docs.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks\n\nHow they are measured.\n")
    assert read_tables(text) == {"Router": {"routing cost": "1 ms"}}


def test_the_readme_gets_headline_rows_from_the_docs_tables(tmp_path: Path) -> None:
    docs, readme = _project(tmp_path)
    write_readme(readme, docs)
    text = readme.read_text(encoding="utf-8")
    rows = _headline(readme)
    assert [label for label in rows] == [row.label for row in HEADLINE]
    typed = HEADLINE[0].label
    assert (
        rows[typed] == "intent right 90.0%, every slot too 80.0% (of 240); off-topic rejected 70.0% (of 60)"
    )
    # not in the docs' tables: the README's old value stays, or "not measured" when there was none
    assert rows["Home Assistant: a question over Wyoming (handle, 1 client)"] == "median 99 ms, p90 99 ms"
    assert rows["A quiet 8-hour night: answers"] == NOT_MEASURED
    assert "[docs/benchmarks.md](docs/benchmarks.md)" in text and "2000-01-01 (old machine)" in text
    assert text.startswith("# Project\n\n`make run`, `make test`.\n") and text.endswith("## Privacy\n")
    assert START not in text  # the full tables stay out of the README


def test_the_headline_follows_a_new_run(tmp_path: Path) -> None:
    docs, readme = _project(tmp_path)
    figures = {"handle round trip, 1 client": "median 12 ms, p90 20 ms (n=40)"}
    run_all.write_figures([("Wyoming server", figures)], docs, readme)
    assert (
        _headline(readme)["Home Assistant: a question over Wyoming (handle, 1 client)"]
        == "median 12 ms, p90 20 ms"
    )
    assert read_tables(docs.read_text(encoding="utf-8"))["Wyoming server"] == figures


def test_main_writes_docs_beside_the_readme_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs, readme = _project(tmp_path)
    monkeypatch.setattr(sys, "argv", ["run_all", "--only", "no_such_benchmark", "--readme", str(readme)])
    assert run_all.main() == 0
    assert "2000-01-01" not in docs.read_text(encoding="utf-8")  # rewritten (a new stamp), tables kept
    assert _headline(readme)[HEADLINE[0].label].startswith("intent right 90.0%")


def test_every_headline_row_names_a_benchmark() -> None:
    titles = {title for title, _ in BENCHMARKS}
    assert {row.table for row in HEADLINE} <= titles


def test_the_committed_readme_headline_is_what_the_committed_tables_give(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    readme, docs = tmp_path / "README.md", tmp_path / "docs" / "benchmarks.md"
    shutil.copy(ROOT / "README.md", readme)
    shutil.copy(ROOT / "docs" / "benchmarks.md", docs)
    tables = read_tables(docs.read_text(encoding="utf-8"))
    missing = [row.label for row in HEADLINE if run_all.headline_value(row, tables) is None]
    assert not missing, f"headline rows whose figure is not in docs/benchmarks.md: {missing}"
    write_readme(readme, docs)
    assert readme.read_text(encoding="utf-8") == (ROOT / "README.md").read_text(encoding="utf-8")
