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
    ("Recognition", "bench.bench_recognition"),
    ("Endpointer", "bench.endpointer_cost"),
    ("Speech out and hold timers", "bench.bench_speech"),
    ("Bedside loop", "bench.bench_loop"),
    ("Vosk model install", "bench.model_download"),
)
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"


def run_all(only: set[str] | None = None) -> list[tuple[str, dict[str, str]]]:
    results = []
    for title, module_name in BENCHMARKS:
        if only and module_name.rsplit(".", 1)[-1] not in only:
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


def markdown(results: list[tuple[str, dict[str, str]]]) -> str:
    machine = f"{platform.machine()}, {platform.processor() or 'cpu'}, Python {platform.python_version()}"
    lines = [START, f"_Measured by `make bench` on {time.strftime('%Y-%m-%d')} ({machine})._", ""]
    for title, figures in results:
        lines += [f"**{title}**", "", "| figure | value |", "| --- | --- |"]
        lines += [f"| {name} | {str(value).replace('|', '/')} |" for name, value in figures.items()]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def write_readme(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n## Measured figures\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readme", type=Path, help="write the figures into this README")
    parser.add_argument("--only", nargs="*", help="module names to run (e.g. bench_router)")
    args = parser.parse_args()
    results = run_all(set(args.only) if args.only else None)
    if args.readme:
        write_readme(args.readme, markdown(results))
        print(f"figures written to {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
