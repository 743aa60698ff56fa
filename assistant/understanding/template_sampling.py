"""Stable samples of one template: a cover that uses every alternative, and seeded random draws.

hassil's sampler enumerates a template's expansions in product order, so a bounded prefix of them never
varies the first groups. These walkers read the parsed template instead: `cover` gives a few expansions in
which every alternative of every group (and of every rule it names) appears at least once, and `draws`
gives random expansions, each alternative of a group equally likely, from a generator seeded by the
caller. Both depend only on the template and the rules it names, never on other templates, so the
recogniser's language model changes only where its templates change.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from collections.abc import Sequence as Items

from hassil import Alternative, Group, ListReference, Permutation, RuleReference, Sentence, TextChunk
from hassil import Sequence as HassilSequence

from assistant.understanding.templates import Expansion, TemplateError, parse, tokens

Rules = Mapping[str, Sentence]

MAX_COVER = 400
"""An upper bound on a cover's size, so a careless template cannot explode."""


def cover(template: str, rules: Rules) -> list[Expansion]:
    """Expansions of `template` in which every alternative appears at least once, duplicates removed."""
    texts = _cover(parse(template).expression, rules)
    return list(dict.fromkeys(tokens(" ".join(t.split())) for t in texts if t.strip()))


def draws(template: str, rules: Rules, wanted: int, seed: str) -> list[Expansion]:
    """Up to `wanted` distinct random expansions of `template` (fewer when it has fewer), seeded by `seed`."""
    expression = parse(template).expression
    rng = random.Random(seed)
    found: dict[Expansion, None] = {}
    for _ in range(wanted * 4):
        if len(found) >= wanted:
            break
        text = " ".join(_draw(expression, rules, rng).split())
        if text:
            found.setdefault(tokens(text), None)
    return list(found)


def _cover(node: object, rules: Rules) -> list[str]:
    if isinstance(node, TextChunk):
        return [node.original_text]
    if isinstance(node, ListReference):
        return [f"{{{node.list_name}}}"]
    if isinstance(node, RuleReference):
        return _cover(_rule(node, rules), rules)
    if isinstance(node, Alternative):
        return [text for item in node.items for text in _cover(item, rules)][:MAX_COVER]
    if isinstance(node, Permutation):
        # Every item in every position at least once: the rotations of the items, each as a sequence.
        items = node.items
        rotations = [items[r:] + items[:r] for r in range(len(items))]
        return [text for order in rotations for text in _zip(order, rules, " ")][:MAX_COVER]
    if isinstance(node, HassilSequence):
        return _zip(node.items, rules, "")
    raise TemplateError(f"unexpected template part {node!r}")


def _zip(items: Items[object], rules: Rules, joiner: str) -> list[str]:
    """A sequence's cover: its items' covers side by side, each shorter one cycled (so as few as possible)."""
    covers = [_cover(item, rules) for item in items]
    longest = max((len(c) for c in covers), default=0)
    return [joiner.join(c[k % len(c)] for c in covers) for k in range(longest)]


def _draw(node: object, rules: Rules, rng: random.Random) -> str:
    if isinstance(node, TextChunk):
        return node.original_text
    if isinstance(node, ListReference):
        return f"{{{node.list_name}}}"
    if isinstance(node, RuleReference):
        return _draw(_rule(node, rules), rules, rng)
    if isinstance(node, Alternative):
        return _draw(rng.choice(node.items), rules, rng)
    if isinstance(node, Permutation):
        items = list(node.items)
        rng.shuffle(items)
        return " ".join(_draw(item, rules, rng) for item in items)
    if isinstance(node, Group):
        return "".join(_draw(item, rules, rng) for item in node.items)
    raise TemplateError(f"unexpected template part {node!r}")


def _rule(node: RuleReference, rules: Rules) -> object:
    if node.rule_name not in rules:
        raise TemplateError(f"unknown rule <{node.rule_name}>")
    return rules[node.rule_name].expression
