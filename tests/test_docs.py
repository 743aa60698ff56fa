"""The README stays a short guide, its links and commands work, and code quotes no measurement history.

Measurements live in docs/ (docs/benchmarks.md is written by `make bench`); docstrings and comments say what
the code does and why, so none quotes the evaluation sets by number ("seen spoken set 7", "held-out set 9").
"""

from __future__ import annotations

import ast
import io
import re
import shlex
import tokenize
from pathlib import Path

import pytest

from assistant.cli.main import build_parser

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
MAX_README_LINES = 220

SET_NUMBER = re.compile(r"\b(held-out|heldout|seen|spoken|typed|dev)\s+sets?\s+\(?\d", re.IGNORECASE)
"""A docstring or comment quoting an evaluation set by number: that is measurement history, for docs/."""


CHECKED = ("assistant", "bench")


def _markdown_files() -> list[Path]:
    return [README, *DOCS]


def _outside_code(text: str) -> list[str]:
    """The lines of a markdown file that are not inside a fenced code block."""
    lines, fenced = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced:
            lines.append(line)
    return lines


def _anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    lines = _outside_code(path.read_text(encoding="utf-8"))
    return {_anchor(m.group(1)) for line in lines if (m := re.match(r"#+ (.+)", line))}


def _links(path: Path) -> list[str]:
    text = "\n".join(_outside_code(path.read_text(encoding="utf-8")))
    return re.findall(r"\]\(([^)\s]+)\)", text)


def _shell_commands(path: Path) -> list[str]:
    """`cramp-assistant ...` lines of the ```sh blocks, without `sudo`, the venv path or a comment."""
    commands, in_sh = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_sh = line.strip() == "```sh"
            continue
        command = line.split("  #")[0].strip().removeprefix("sudo ")
        command = re.sub(r"^(\.venv/bin/)?cramp-assistant\b", "cramp-assistant", command)
        if in_sh and command.startswith("cramp-assistant"):
            commands.append(command.split(" > ")[0])
    return commands


def set_number_quotes(source: str) -> list[tuple[int, str]]:
    """(line, text) of every docstring or comment in Python `source` that quotes a set by number (also
    when the words run over a line break)."""
    texts: list[tuple[int, list[str]]] = []  # (first line, lines) of each docstring and run of comments
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Expr):
            continue
        if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            texts.append((node.lineno, node.value.value.splitlines()))
    comments = [
        t for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT
    ]
    for token in comments:
        first, lines = texts[-1] if texts else (0, [])
        if lines and lines[-1].startswith("#") and first + len(lines) == token.start[0]:
            lines.append(token.string)
        else:
            texts.append((token.start[0], [token.string]))
    found = []
    for first, lines in texts:
        text = "\n".join(line.lstrip().removeprefix("#") for line in lines)
        for match in SET_NUMBER.finditer(text):
            offset = text.count("\n", 0, match.start())
            found.append((first + offset, lines[offset].strip()))
    return sorted(found)


def _checked_python_files() -> list[Path]:
    return [p for folder in CHECKED for p in sorted((ROOT / folder).rglob("*.py"))]


def test_the_readme_is_a_short_guide_with_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_README_LINES
    assert "make run" in text and "make test" in text


def test_the_docs_exist() -> None:
    names = {p.name for p in DOCS}
    assert {"benchmarks.md", "design.md", "hearing.md", "understanding.md"} <= names


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: p.name)
def test_every_relative_link_points_at_a_file_and_heading_that_exist(path: Path) -> None:
    broken = []
    for link in _links(path):
        if re.match(r"[a-z]+:", link):
            continue  # http(s), mailto: not checked offline
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        missing_heading = anchor and file.suffix == ".md" and anchor not in _anchors(file)
        if not file.exists() or missing_heading:
            broken.append(link)
    assert not broken, f"{path.name}: broken links {broken}"


def test_the_readme_and_setup_commands_parse() -> None:
    commands = _shell_commands(README) + _shell_commands(ROOT / "docs" / "setup.md")
    assert len(commands) >= 10  # the quick start, the Pi, Home Assistant, settings, models, the log
    parser = build_parser()
    for command in commands:
        args = shlex.split(command)[1:]
        try:
            parser.parse_args(args)
        except SystemExit:
            pytest.fail(f"does not parse: {command}")


def test_the_set_number_check_finds_a_docstring_and_a_comment() -> None:
    source = (
        '"""Tuned on seen spoken set 7."""\n\nX = 1  # held-out set 9: 95%\n"""Fine: the held-out sets."""\n'
        "# measured on the seen spoken\n# set 6, and on the spoken sets (1+3+4; 5)\n"
    )
    assert [line for line, _ in set_number_quotes(source)] == [1, 3, 5, 6]
    assert set_number_quotes('"""Measured once on the newest held-out set (docs/benchmarks.md)."""\n') == []


def test_no_docstring_or_comment_quotes_a_set_by_number() -> None:
    quotes = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for path in _checked_python_files()
        for line, text in set_number_quotes(path.read_text(encoding="utf-8"))
    ]
    assert not quotes, "measurement history belongs in docs/:\n" + "\n".join(quotes)
