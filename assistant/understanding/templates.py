"""Sentence templates in hassil's syntax, parsed and expanded by hassil.

Syntax (Home Assistant's sentence format): ``[optional]``, ``(a|b|c)`` alternatives, ``(a;b)`` permutations,
``{list}`` slot references, ``<rule>`` references, ``\\`` escapes; white space is significant, so
``light[s]`` means "light" or "lights". Expansion yields ``Expansion`` items: a tuple of words where a slot
reference stays as a ``SlotRef`` so the router can match masked text, and the recogniser's sentences can
fill every value in.
"""

from __future__ import annotations

import functools
import itertools
import random
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from hassil import Group, RuleReference, Sentence, TextChunk, parse_sentence, sample_expression
from hassil.errors import HassilError
from hassil.parser import ParseError

MAX_PER_TEMPLATE = 3000
"""An upper bound on the expansions of one template, so a careless template cannot explode."""

_MAX_SAMPLED = MAX_PER_TEMPLATE * 8
"""How many raw expansions are read from hassil's sampler before duplicates are removed."""

_EMPTY = re.compile(r"(?<!\\)(\(\s*\)|\[\s*\]|\{\s*\}|<\s*>)")
_SLOT = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class SlotRef:
    """A `{list}` reference inside an expanded template."""

    name: str


Token = str | SlotRef
Expansion = tuple[Token, ...]
Rules = Mapping[str, Sentence]


class TemplateError(ValueError):
    """A template does not parse; the message says why."""


def parse(template: str) -> Sentence:
    """Parse one template with hassil."""
    found = _EMPTY.search(template)
    if not template.strip() or found:
        raise TemplateError(f"empty {found.group(1) if found else 'template'} in {template!r}")
    try:
        sentence = parse_sentence(template)
    except (ParseError, AssertionError) as err:
        raise TemplateError(f"does not parse ({err or 'hassil'}): {template!r}") from None
    for chunk in _walk(sentence.expression):
        if isinstance(chunk, TextChunk) and set(chunk.original_text) & set("{}"):
            raise TemplateError(f"a brace in plain text (templates match normalised words): {template!r}")
    return sentence


def check_rules(rules: Rules) -> None:
    """Raise `TemplateError` for a rule that refers to a missing rule or, directly or not, to itself."""

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in path:
            raise TemplateError(f"rule <{name}> refers to itself: {' -> '.join((*path, name))}")
        if name not in rules:
            raise TemplateError(f"unknown rule <{name}> (in <{path[-1]}>)")
        for node in _walk(rules[name].expression):
            if isinstance(node, RuleReference):
                visit(node.rule_name, (*path, name))

    for rule in rules:
        visit(rule, ())


def expand(template: str, rules: Rules, limit: int = MAX_PER_TEMPLATE) -> list[Expansion]:
    """Every expansion of a template (deterministically sampled down to `limit`), duplicates removed.

    `rules` must have passed `check_rules`; a rule the template names but `rules` lacks raises.
    """
    expression = parse(template).expression
    for node in _walk(expression):
        if isinstance(node, RuleReference) and node.rule_name not in rules:
            raise TemplateError(f"unknown rule <{node.rule_name}> in {template!r}")
    try:
        texts = sample_expression(expression, expansion_rules=dict(rules), expand_lists=False)
        sampled = dict.fromkeys(text.strip() for text in itertools.islice(texts, _MAX_SAMPLED))
    except HassilError as err:
        raise TemplateError(f"{err} in {template!r}") from None
    unique = list(dict.fromkeys(_tokens(text) for text in sampled if text))
    if len(unique) > limit:
        unique = random.Random(template).sample(unique, limit)
    return unique


def slot_names(expansion: Expansion) -> Iterator[str]:
    """The slot lists an expansion refers to, in order."""
    return (tok.name for tok in expansion if isinstance(tok, SlotRef))


def _tokens(text: str) -> Expansion:
    """Words of one sampled sentence; a `{list}` left unexpanded by the sampler becomes a `SlotRef`."""
    words: list[Token] = []
    for word in text.split():
        if "{" not in word:
            words.append(word)
        elif _SLOT.fullmatch(word):
            words.append(_slot_ref(word[1:-1]))
        else:  # a reference glued to a word: "{side}ward"
            words += [_slot_ref(w) if i % 2 else w for i, w in enumerate(_SLOT.split(word)) if w]
    return tuple(words)


@functools.cache
def _slot_ref(reference: str) -> SlotRef:
    """`list` or `list:slot` (hassil's renaming) refers to the list."""
    return SlotRef(reference.partition(":")[0].strip())


def _walk(node: object) -> Iterator[object]:
    yield node
    if isinstance(node, Group):
        for item in node.items:
            yield from _walk(item)
