"""Sentence templates (hassil-style) and their expansion.

Syntax: ``[optional words]``, ``(a|b|c)`` alternatives, ``{list}`` slot references, ``<rule>`` references.
Expansion yields ``Expansion`` items: a tuple of words where a slot reference stays as a ``SlotRef`` so
the router can match masked text, and the recogniser's sentences can fill every value in.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

MAX_PER_TEMPLATE = 3000
"""An upper bound on the expansions of one template, so a careless template cannot explode."""


@dataclass(frozen=True)
class SlotRef:
    """A `{list}` reference inside an expanded template."""

    name: str


Token = str | SlotRef
Expansion = tuple[Token, ...]


class TemplateError(ValueError):
    """A template does not parse; the message says where."""


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Node, ...]


@dataclass(frozen=True)
class _Alt:
    options: tuple[_Seq, ...]


@dataclass(frozen=True)
class _Word:
    token: Token


@dataclass(frozen=True)
class _Rule:
    name: str


_Node = _Seq | _Alt | _Word | _Rule


def parse(template: str) -> _Seq:
    """Parse one template into a tree."""
    parser = _Parser(template)
    tree = parser.sequence(end="")
    return tree


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _error(self, problem: str) -> TemplateError:
        return TemplateError(f"{problem} at character {self.pos} of {self.text!r}")

    def sequence(self, end: str) -> _Seq:
        """Parse alternatives up to `end` (")", "]" or "" for the end of text)."""
        options: list[_Seq] = []
        items: list[_Node] = []
        word = ""

        def flush() -> None:
            nonlocal word
            if word:
                items.append(_Word(word))
                word = ""

        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in ")]":
                if ch != end:
                    raise self._error(f"unexpected {ch!r}")
                flush()
                self.pos += 1
                options.append(_Seq(tuple(items)))
                return _Seq((_Alt(tuple(options)),)) if len(options) > 1 else options[0]
            self.pos += 1
            if ch == "|":
                if not end:
                    raise self._error("'|' outside ( ) or [ ]")
                flush()
                options.append(_Seq(tuple(items)))
                items = []
            elif ch == "(":
                flush()
                items.append(self.sequence(end=")"))
            elif ch == "[":
                flush()
                inner = self.sequence(end="]")
                items.append(_Alt((inner, _Seq(()))))
            elif ch in "{<":
                flush()
                close = "}" if ch == "{" else ">"
                stop = self.text.find(close, self.pos)
                if stop < 0:
                    raise self._error(f"unclosed {ch!r}")
                name = self.text[self.pos : stop].strip()
                if not name:
                    raise self._error(f"empty {ch}{close}")
                self.pos = stop + 1
                items.append(_Word(SlotRef(name)) if ch == "{" else _Rule(name))
            elif ch.isspace():
                flush()
            elif ch in "}>":
                raise self._error(f"unexpected {ch!r}")
            else:
                word += ch
        if end:
            raise self._error(f"missing {end!r}")
        flush()
        options.append(_Seq(tuple(items)))
        return _Seq((_Alt(tuple(options)),)) if len(options) > 1 else options[0]


def expand(template: str, rules: Mapping[str, _Seq], limit: int = MAX_PER_TEMPLATE) -> list[Expansion]:
    """Every expansion of a template (deterministically sampled down to `limit`), duplicates removed."""
    results = _expand_node(parse(template), rules, depth=0)
    unique = list(dict.fromkeys(tuple(r) for r in results))
    if len(unique) > limit:
        unique = random.Random(template).sample(unique, limit)
    return unique


def _expand_node(node: _Node, rules: Mapping[str, _Seq], depth: int) -> list[Expansion]:
    if depth > 20:
        raise TemplateError("rules nest too deeply (a rule refers to itself?)")
    if isinstance(node, _Word):
        return [(node.token,)]
    if isinstance(node, _Rule):
        if node.name not in rules:
            raise TemplateError(f"unknown rule <{node.name}>")
        return _expand_node(rules[node.name], rules, depth + 1)
    if isinstance(node, _Alt):
        out: list[Expansion] = []
        for option in node.options:
            out.extend(_expand_node(option, rules, depth))
        return out
    parts = [_expand_node(item, rules, depth) for item in node.items]
    combos: list[Expansion] = []
    for combo in itertools.product(*parts):
        combos.append(tuple(itertools.chain.from_iterable(combo)))
        if len(combos) > MAX_PER_TEMPLATE * 8:
            break
    return combos


def slot_names(expansion: Expansion) -> Iterator[str]:
    """The slot lists an expansion refers to, in order."""
    return (tok.name for tok in expansion if isinstance(tok, SlotRef))
