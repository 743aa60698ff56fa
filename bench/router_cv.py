"""K-fold cross-validation of the router on its own training examples: the tuning signal that needs no
evaluation set.

Each fold removes a fifth of the lines of `content/examples*.tsv` from a copy of the content folder (a line's
fold comes from a hash of its text and the seed, so adding or editing examples moves no other line), builds
the router from the rest (templates plus the other examples) and routes the removed lines. It reports intent
accuracy on in-scope lines and the share of out-of-scope lines rejected, overall and per intent. Tune against
this and the dev sets; never against a held-out set.

Run: `python -m bench.router_cv [--folds 5] [--misses N]`.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from assistant.content.intents import example_files
from assistant.content.loader import Content, load_content
from assistant.dialog.dialog import Dialog
from assistant.settings import content_dir
from assistant.understanding.router import Router, RouterSettings
from assistant.understanding.understanding import Understanding

OUT_OF_SCOPE_LABEL = "out_of_scope"
CONTEXT_INTENTS = frozenset({"followup", "other_side", "extend", "time_left"})
"""Labels whose answer depends on the conversation so far: left out, since each line is asked afresh."""


def _example_lines(directory: Path) -> list[tuple[Path, str]]:
    lines = []
    for path in example_files(directory):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                lines.append((path, line))
    return lines


@dataclass(frozen=True)
class Fold:
    """The content without some examples, and those examples as (text, expected intent)."""

    content: Content
    held: list[tuple[str, str]]


def make_folds(folds: int = 5, seed: int = 7) -> list[Fold]:
    source = content_dir()
    lines = _example_lines(source)
    fold_of = [zlib.crc32(f"{seed}\t{line}".encode()) % folds for _, line in lines]
    made = []
    for fold in range(folds):
        held = {index for index, own in enumerate(fold_of) if own == fold}
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "content"
            shutil.copytree(source, folder)
            for path in example_files(folder):
                path.unlink()
            kept: dict[str, list[str]] = {}
            for index, (path, line) in enumerate(lines):
                if index not in held:
                    kept.setdefault(path.name, []).append(line)
            for name, kept_lines in kept.items():
                (folder / name).write_text("\n".join(kept_lines) + "\n", encoding="utf-8")
            content = load_content(folder, cache=False)
        cases = []
        for index in sorted(held):
            text, label = lines[index][1].split("\t")
            intent = label.split(".")[0]
            if intent in CONTEXT_INTENTS:
                continue
            cases.append((text, "unknown" if intent == OUT_OF_SCOPE_LABEL else intent))
        made.append(Fold(content, cases))
    return made


def cross_validate(
    folds: list[Fold], settings: RouterSettings | None = None
) -> tuple[Counter[str], Counter[str], list[str]]:
    """(right per intent, total per intent, misses); intent "unknown" counts rejected out-of-scope lines.
    Each line is answered by the dialog with a fresh context, as `ask` does."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    for fold in folds:
        router = Router.from_content(fold.content, settings)
        for text, want in fold.held:
            got = (
                Dialog(fold.content, understanding=Understanding(router), rng=random.Random(1))
                .respond_text(text)[0]
                .intent
            )
            total[want] += 1
            if got == want:
                right[want] += 1
            else:
                misses.append(f"{text!r}: {got} (want {want})")
    return right, total, misses


def summary(right: Counter[str], total: Counter[str]) -> str:
    in_right = sum(n for i, n in right.items() if i != "unknown")
    in_total = sum(n for i, n in total.items() if i != "unknown")
    return (
        f"in scope {in_right / in_total:.1%} of {in_total}, "
        f"out of scope rejected {right['unknown'] / max(1, total['unknown']):.1%} of {total['unknown']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7, help="which lines go to which fold")
    parser.add_argument("--misses", type=int, default=0, help="print this many misclassified lines")
    args = parser.parse_args(argv)
    right, total, misses = cross_validate(make_folds(args.folds, args.seed))
    print(summary(right, total))
    for intent in sorted(total):
        print(f"  {intent:<12} {right[intent]}/{total[intent]}")
    for miss in misses[: args.misses]:
        print(miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
