"""Scoring the router (or the whole dialog) on labelled sentences: accuracy and a confusion summary."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.messages import IntentMatch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from labelled_cases import LabelledCase, read_cases

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


@dataclass
class RouterReport:
    """How a router did on one set of labelled sentences."""

    name: str
    in_scope: int = 0
    intent_ok: int = 0
    exact_ok: int = 0
    out_of_scope: int = 0
    rejected: int = 0
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    misses: list[str] = field(default_factory=list)

    @property
    def intent_accuracy(self) -> float:
        return self.intent_ok / self.in_scope if self.in_scope else 0.0

    @property
    def exact_accuracy(self) -> float:
        return self.exact_ok / self.in_scope if self.in_scope else 0.0

    @property
    def rejection(self) -> float:
        return self.rejected / self.out_of_scope if self.out_of_scope else 0.0

    def summary(self) -> str:
        return (
            f"{self.name}: intent {self.intent_accuracy:.1%} ({self.intent_ok}/{self.in_scope}), "
            f"intent+slots {self.exact_accuracy:.1%}, out-of-scope rejected {self.rejection:.1%} "
            f"({self.rejected}/{self.out_of_scope})"
        )

    def confusion_summary(self, top: int = 8) -> str:
        rows = [f"{want} -> {got}: {n}" for (want, got), n in self.confusion.most_common(top)]
        return "; ".join(rows) if rows else "none"


def evaluate(name: str, route: Callable[[str], IntentMatch], cases: Iterable[LabelledCase]) -> RouterReport:
    report = RouterReport(name)
    for case in cases:
        match = route(case.text)
        if case.intent == "unknown":
            report.out_of_scope += 1
            if match.intent == "unknown":
                report.rejected += 1
            else:
                report.confusion[("unknown", match.intent)] += 1
                report.misses.append(f"{case.where}: {case.text!r} -> {match.intent}")
            continue
        report.in_scope += 1
        if match.intent == case.intent:
            report.intent_ok += 1
            if dict(match.slots) == dict(case.slots):
                report.exact_ok += 1
            else:
                report.misses.append(f"{case.where}: {case.text!r} slots {dict(match.slots)} != {case.slots}")
        else:
            report.confusion[(case.intent, match.intent)] += 1
            report.misses.append(f"{case.where}: {case.text!r} -> {match.intent} (want {case.intent})")
    return report


def evaluate_file(path: Path, route: Callable[[str], IntentMatch]) -> RouterReport:
    return evaluate(path.stem, route, read_cases(path))
