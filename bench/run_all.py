"""`make bench`: run every benchmark, print the figures, and write them into the README.

Each benchmark module has `run() -> dict[str, str]` (figure name -> value with its unit). A benchmark that
cannot run here (a missing voice, no model) reports why instead of a figure; the others still run.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import re
import time
import traceback
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
    lines += [f"| {name} | {str(value).replace('|', '/')} |" for name, value in figures.items()]
    return "\n".join(lines) + "\n"


def write_readme(readme: Path, results: list[tuple[str, dict[str, str]]]) -> None:
    """Put each benchmark's table into the README's figures block, replacing that benchmark's old table
    (a partial run with --only leaves the other tables as they were)."""
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + "\n(.*?)" + re.escape(END), re.S)
    found = pattern.search(text)
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
        text = text.rstrip() + "\n\n## Measured figures\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", type=Path, help="write the figures into this README")
    parser.add_argument("--only", nargs="*", help="module names to run (e.g. bench_router or router)")
    args = parser.parse_args()
    results = run_all(set(args.only) if args.only else None)
    if args.readme:
        write_readme(args.readme, results)
        print(f"figures written to {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
