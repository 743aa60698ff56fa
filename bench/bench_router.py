"""Routing cost per utterance, content load time, and router accuracy on the labelled sets."""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time

from assistant.content.loader import load_content
from assistant.dialog.dialog import Dialog
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding
from bench.router_eval import DATA, RouterReport, evaluate_file

SETS = (
    ("heldout9_text", "held-out set 9 (by a helper who saw no templates; measured once, after tuning)"),
    ("heldout8_text", "held-out set 8 (measured once last round; seen since)"),
    ("heldout7_text", "held-out set 7 (measured once in an earlier round; seen since)"),
    ("heldout6_text", "held-out set 6 (measured once in an earlier round; seen since)"),
    ("heldout5_text", "held-out set 5 (measured once in an earlier round; seen since)"),
    ("heldout4_text", "held-out set 4 (measured once in an earlier round; seen since)"),
    ("heldout3_text", "held-out set 3 (written by a helper who saw no templates; totals seen while tuning)"),
    ("heldout2_text", "held-out set 2 (never read; totals seen while tuning)"),
    ("heldout_text", "held-out set 1 (seen after its first run, since used for tuning)"),
    ("dev_text", "dev set (tuned on)"),
)


def _load_seconds(cache: bool) -> float:
    """Content load time in a fresh process, with or without the content cache."""
    code = (
        "import time; t = time.perf_counter(); from assistant.content.loader import load_content; "
        f"load_content(cache={cache}); print(time.perf_counter() - t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out.strip())


def reports() -> list[tuple[str, RouterReport]]:
    content = load_content()
    router = Router.from_content(content)

    def answer(text: str):  # type: ignore[no-untyped-def]
        return Dialog(content, understanding=Understanding(router), rng=random.Random(1)).respond_text(text)[
            0
        ]

    return [(label, evaluate_file(DATA / f"{name}.tsv", answer)) for name, label in SETS]


def run() -> dict[str, str]:
    content = load_content()
    router = Router.from_content(content)
    texts = [case.strip().split("\t")[0] for case in (DATA / "dev_text.tsv").read_text().splitlines()]
    texts = [t for t in texts if t and not t.startswith("#")]
    costs = []
    for _ in range(5):
        for text in texts:
            start = time.perf_counter()
            router.route(text)
            costs.append((time.perf_counter() - start) * 1000)
    figures = {
        "routing cost per utterance (median / p90)": (
            f"{statistics.median(costs):.2f} ms / {statistics.quantiles(costs, n=10)[-1]:.2f} ms"
        ),
        "content load, first start (expanding templates)": f"{_load_seconds(cache=False):.2f} s",
        "content load, cached": f"{_load_seconds(cache=True):.2f} s",
        "template sentences (matched / expanded)": f"{router.matched_sentences} / {len(content.masked)}",
    }
    for label, report in reports():
        figures[f"router, {label}"] = (
            f"intent {report.intent_accuracy:.1%}, intent+slots {report.exact_accuracy:.1%} "
            f"({report.in_scope} sentences), out-of-scope rejected {report.rejection:.1%} "
            f"({report.out_of_scope}); confusions: {report.confusion_summary(5)}"
        )
    return figures


if __name__ == "__main__":
    for name, value in run().items():
        print(f"{name}: {value}")
