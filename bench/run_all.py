"""`make bench`: run every benchmark, print the figures, and write them down.

Each benchmark module has `run() -> dict[str, str]` (figure name -> value with its unit). A benchmark that
cannot run here (a missing voice, no model) reports why instead of a figure; the others still run.

Every benchmark's full table goes into docs/benchmarks.md, between `<!-- bench:start -->` and
`<!-- bench:end -->`. The README keeps only the headline figures (`HEADLINE`), taken from those tables and
written between `<!-- headline:start -->` and `<!-- headline:end -->`, with a link to the full tables.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import re
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS = (
    ("Router", "bench.bench_router"),
    ("Recognition", "bench.bench_policies"),
    ("Endpointer", "bench.endpointer_cost"),
    ("Speech out and hold timers", "bench.bench_speech"),
    ("Voices: Piper and espeak-ng", "bench.bench_voice"),
    ("Bedside loop", "bench.bench_loop"),
    ("Barge-in", "bench.bench_bargein"),
    ("Controls during a routine", "bench.bench_controls"),
    ("A night: an audiobook under a fan, and a quiet bedroom", "bench.bench_night"),
    ("Vosk model install", "bench.model_download"),
    ("Wyoming server", "bench.bench_wyoming"),
)
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"
HEADLINE_START = "<!-- headline:start -->"
HEADLINE_END = "<!-- headline:end -->"
NOT_MEASURED = "not measured"


@dataclass(frozen=True)
class Headline:
    """One row of the README's headline table, taken from figures of one benchmark's table."""

    label: str
    """What the README row says the figure is."""
    table: str
    """The benchmark's title in `BENCHMARKS`."""
    figures: tuple[str, ...]
    """The figures' names in that benchmark's table; their values are joined with "; " for `pick`."""
    pick: str = r"(.*)"
    """A regular expression searched in the joined values; its groups fill `show`."""
    show: str = "{0}"
    """The row's value, from the groups `pick` found."""


_POLICY = ("pocketsphinx (default: RNNoise above its gate) then whisper when doubted",)
_NIGHT = "A night: an audiobook under a fan, and a quiet bedroom"
_CONTROLS = "Controls during a routine"

HEADLINE = (
    Headline(
        "Typed questions by someone who never saw the templates (newest held-out set, one run)",
        "Router",
        ("router, held-out set 9 (by a helper who saw no templates; measured once, after tuning)",),
        r"^intent ([\d.]+%), intent\+slots ([\d.]+%) \((\d+) sentences\), "
        r"out-of-scope rejected ([\d.]+%) \((\d+)\)",
        "intent right {0}, every slot too {1} (of {2}); off-topic rejected {3} (of {4})",
    ),
    Headline(
        "Spoken questions, four synthetic voices, default engine: intent and slots right",
        "Recognition",
        _POLICY,
        r"exact clean (\d+%) / 12 dB (\d+%) / 6 dB (\d+%) \(n=(\d+)\)",
        "clean {0}; in noise at 12 dB SNR {1}, at 6 dB {2} (n={3})",
    ),
    Headline(
        "Speech not for it, left unanswered",
        "Recognition",
        _POLICY,
        r"out of scope no answer (\d+/\d+); human no answer (\d+/\d+); radio no answer (\d+/\d+)",
        "off-topic questions {0}, real people talking {1}, radio {2}",
    ),
    Headline(
        "End of speech to intent, default engine",
        "Recognition",
        _POLICY,
        r"latency median (\d+ ms), p90 (\d+ ms)",
        "median {0}, p90 {1}",
    ),
    Headline(
        "An hour of audiobook under a fan, with cramp questions among it",
        _NIGHT,
        ("answers to speech not for it", "false alarms (urgent answers among them)", "questions answered"),
        r"^(\d+)\b[^;]*; (\d+)\b[^;]*; (\d+ of \d+)",
        "answers to speech not for it: {0}, false alarms: {1}; questions answered: {2}",
    ),
    Headline("A quiet 8-hour night: answers", _NIGHT, ("quiet night: answers",), r"^(\d+)"),
    Headline(
        "Bedside loop: end of speech to first sound (median)",
        "Bedside loop",
        ("end of speech to first audio (median, after endpointing)",),
    ),
    Headline(
        "Bedside loop: CPU while listening to a quiet room",
        "Bedside loop",
        ("CPU while idle-listening",),
        r"^([\d.]+) % of one core",
        "{0}% of one core",
    ),
    Headline(
        "Bedside loop: start-up to ready (caches built), peak memory",
        "Bedside loop",
        ("start-up to ready (warm)", "peak resident memory (loop process)"),
        r"^(.+); (.+)$",
        "{0}, {1}",
    ),
    Headline(
        "A control (stop, pause, ...) said over its own voice, heard",
        "Barge-in",
        ("controls heard over cues, fan -40 dBFS",),
    ),
    Headline(
        "A control said during a stretch (8 controls, held-out voices and phrasings), taken",
        _CONTROLS,
        ("taken, quiet", "taken, fan 12 dB", "taken, room echo"),
        r"^([\d.]+%) \(\d+ of (\d+)\).*?; ([\d.]+%) \(\d+ of \d+\); missed"
        r".*?; ([\d.]+%) \(\d+ of \d+\); missed",
        "quiet {0}, fan at 12 dB SNR {2}, its own voice in the room {3} (of {1} each)",
    ),
    Headline(
        "Controls: taken from its own voice over the bedtime routine; end of speech to control",
        _CONTROLS,
        (
            "bedtime routine, nobody speaking, room echo: taken from its own voice",
            "bedtime routine, nobody speaking, fan 12 dB + room echo: taken from its own voice",
            "end of speech to control, real time: recognition + deciding (median, p90)",
        ),
        r"^(\d+) \(target 0\).*?; (\d+) \(target 0\).*?; (\d+ ms), (\d+ ms)",
        "{0}, and {1} with a fan; median {2}, p90 {3} after the end is detected",
    ),
    Headline(
        "Piper voice: text to first sound (median)",
        "Voices: Piper and espeak-ng",
        ("piper: text to first audio, 11 answers of 30-48 words",),
        r"^median (\d+ ms).*first piece kept from an earlier run: median ([\d.]+ ms)",
        "{0}; {1} for a phrase said before",
    ),
    Headline(
        "Home Assistant: a question over Wyoming (handle, 1 client)",
        "Wyoming server",
        ("handle round trip, 1 client",),
        r"^(median \d+ ms, p90 \d+ ms)",
    ),
)


def run_all(only: set[str] | None = None) -> list[tuple[str, dict[str, str]]]:
    results = []
    for title, module_name in BENCHMARKS:
        name = module_name.rsplit(".", 1)[-1]
        if only and name not in only and name.removeprefix("bench_") not in only:
            continue
        print(f"== {title} ({module_name})", flush=True)
        started = time.perf_counter()
        try:
            figures = importlib.import_module(module_name).run()
        except ModuleNotFoundError as err:
            figures = {"not run": f"module missing ({err.name})"}
        except Exception as err:  # a failing benchmark is reported, the others still run
            traceback.print_exc()
            figures = {"failed": f"{type(err).__name__}: {err}"}
        for name, value in figures.items():
            print(f"  {name}: {value}", flush=True)
        print(f"  ({time.perf_counter() - started:.0f} s)", flush=True)
        results.append((title, figures))
    return results


def section(title: str, figures: dict[str, str]) -> str:
    lines = [f"**{title}**", "", "| figure | value |", "| --- | --- |"]
    lines += [f"| {name} | {_cell(value)} |" for name, value in figures.items()]
    return "\n".join(lines) + "\n"


def _cell(value: object) -> str:
    return str(value).replace("|", "/").replace("\n", " ")


def _block(text: str, start: str, end: str) -> re.Match[str] | None:
    return re.compile(re.escape(start) + "\n(.*?)" + re.escape(end), re.S).search(text)


def read_tables(text: str) -> dict[str, dict[str, str]]:
    """The tables of a figures block (title -> figure name -> value), as `write_docs` wrote them."""
    found = _block(text, START, END)
    tables: dict[str, dict[str, str]] = {}
    if not found:
        return tables
    title = None
    for line in found.group(1).splitlines():
        heading = re.fullmatch(r"\*\*(.+?)\*\*", line.strip())
        if heading:
            title = heading.group(1)
            tables[title] = {}
        elif title and line.startswith("| ") and line.endswith(" |") and line not in _TABLE_HEAD:
            name, _, value = line[2:-2].partition(" | ")
            tables[title][name] = value
    return tables


_TABLE_HEAD = ("| figure | value |", "| --- | --- |")


def stamp_of(text: str) -> str | None:
    """The `_Measured by ..._` line of a figures block, without its underscores."""
    found = _block(text, START, END)
    line = re.search(r"(?m)^_(Measured by .+?)_$", found.group(1)) if found else None
    return line.group(1) if line else None


def write_docs(docs: Path, results: list[tuple[str, dict[str, str]]]) -> None:
    """Put each benchmark's table into the figures block of `docs`, replacing that benchmark's old table
    (a partial run with --only leaves the other tables as they were)."""
    text = docs.read_text(encoding="utf-8") if docs.exists() else "# Benchmarks\n"
    found = _block(text, START, END)
    tables: dict[str, str] = {}
    if found:
        for chunk in re.split(r"(?m)^(?=\*\*)", found.group(1)):
            heading = re.match(r"\*\*(.+?)\*\*", chunk)
            if heading:
                tables[heading.group(1)] = chunk.rstrip() + "\n"
    for title, figures in results:
        tables[title] = section(title, figures)
    order = [title for title, _ in BENCHMARKS] + [t for t in tables if t not in dict(BENCHMARKS)]
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    stamp = f"_Measured by `make bench` on {time.strftime('%Y-%m-%d')} ({machine})._\n"
    block = START + "\n" + stamp + "\n" + "\n".join(tables[t] for t in order if t in tables) + END
    if found:
        text = text[: found.start()] + block + text[found.end() :]
    else:
        text = text.rstrip() + "\n\n## The tables\n\n" + block + "\n"
    docs.parent.mkdir(parents=True, exist_ok=True)
    docs.write_text(text, encoding="utf-8")


def headline_value(row: Headline, tables: dict[str, dict[str, str]]) -> str | None:
    """The row's value from the benchmark tables; None when the figure is not there or reads otherwise."""
    table = tables.get(row.table, {})
    if any(figure not in table for figure in row.figures):
        return None
    found = re.search(row.pick, "; ".join(table[figure] for figure in row.figures))
    return row.show.format(*found.groups()) if found else None


def headline_table(tables: dict[str, dict[str, str]], old: dict[str, str] | None = None) -> str:
    """The README's headline table; a figure missing from `tables` keeps its `old` value (label -> value)."""
    lines = ["| | measured |", "| --- | --- |"]
    for row in HEADLINE:
        value = headline_value(row, tables)
        if value is None:
            value = (old or {}).get(row.label, NOT_MEASURED)
        lines.append(f"| {row.label} | {_cell(value)} |")
    return "\n".join(lines) + "\n"


def _old_headline(text: str) -> dict[str, str]:
    found = _block(text, HEADLINE_START, HEADLINE_END)
    rows = re.findall(r"(?m)^\| (.+?) \| (.+) \|$", found.group(1)) if found else []
    return {label: value for label, value in rows if label.strip() and set(value) != {"-", " "}}


def write_readme(readme: Path, docs: Path) -> None:
    """Write the headline figures, taken from the tables in `docs`, into the README's headline block."""
    docs_text = docs.read_text(encoding="utf-8")
    text = readme.read_text(encoding="utf-8")
    link = Path(os.path.relpath(docs, readme.parent)).as_posix()
    stamp = stamp_of(docs_text)
    note = f"{stamp} " if stamp else ""
    note = f"_{note}Every figure, and how it was measured: [{link}]({link})._\n"
    block = HEADLINE_START + "\n" + headline_table(read_tables(docs_text), _old_headline(text))
    block += "\n" + note + HEADLINE_END
    found = _block(text, HEADLINE_START, HEADLINE_END)
    if found:
        text = text[: found.start()] + block + text[found.end() :]
    else:
        text = text.rstrip() + "\n\n## Measured figures\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def write_figures(results: list[tuple[str, dict[str, str]]], docs: Path, readme: Path | None = None) -> None:
    """The full tables into `docs`, then (when given) the headline figures into `readme`."""
    write_docs(docs, results)
    if readme is not None:
        write_readme(readme, docs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, help="write every table into this file (docs/benchmarks.md)")
    parser.add_argument(
        "--readme",
        type=Path,
        help="write the headline figures into this README (tables: --docs, by default "
        "docs/benchmarks.md beside it)",
    )
    parser.add_argument("--only", nargs="*", help="module names to run (e.g. bench_router or router)")
    args = parser.parse_args()
    docs = args.docs
    if docs is None and args.readme is not None:
        docs = args.readme.parent / "docs" / "benchmarks.md"
    results = run_all(set(args.only) if args.only else None)
    if docs is not None:
        write_figures(results, docs, args.readme)
        print(f"figures written to {docs}" + (f" and {args.readme}" if args.readme else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
