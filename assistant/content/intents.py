"""Reading intents.toml: slot lists, rules, sentence templates expanded into masked sentences."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assistant.content.files import strings, table
from assistant.content.records import OUT_OF_SCOPE, MaskedSentence
from assistant.errors import ContentError
from assistant.understanding.normalise import Normaliser
from assistant.understanding.slots import SlotMasker, slot_placeholder
from assistant.understanding.templates import SlotRef, TemplateError, check_rules, expand, parse


def load_intents(
    path: Path, data: Mapping[str, Any], normalise: Normaliser
) -> tuple[
    dict[str, dict[str, tuple[str, ...]]],
    tuple[str, ...],
    tuple[str, ...],
    SlotMasker,
    tuple[MaskedSentence, ...],
]:
    lists: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, values in table(data, "lists", "", path).items():
        if not isinstance(values, dict) or not values:
            raise ContentError(str(path), f"lists.{name}", "must be a table of value = [spoken forms]")
        lists[name] = {
            value: tuple(normalise(f) for f in strings(forms, f"lists.{name}.{value}", path))
            for value, forms in values.items()
        }
    slots_table = table(data, "slots", "", path)
    slot_names = strings(slots_table.get("names"), "slots.names", path)
    free = strings(slots_table.get("free", []), "slots.free", path, allow_empty=True)
    oos = table(data, "out_of_scope", "", path)
    oos_lists = strings(oos.get("lists", []), "out_of_scope.lists", path, allow_empty=True)
    for key, names in (("slots.names", slot_names), ("slots.free", free), ("out_of_scope.lists", oos_lists)):
        for name in names:
            if name not in lists:
                raise ContentError(str(path), key, f"no list named {name!r}")
    masker = SlotMasker(lists, free, slot_names)
    full_masker = SlotMasker(lists, (), slot_names)
    free_words = {slot_placeholder(name) for name in free}
    placeholders = {slot_placeholder(name): name for name in lists}
    rules = {}
    for name, text in table(data, "rules", "", path).items():
        try:
            rules[name] = parse(str(text))
        except TemplateError as err:
            raise ContentError(str(path), f"rules.{name}", str(err)) from None
    try:
        check_rules(rules)
    except TemplateError as err:
        raise ContentError(str(path), "rules", str(err)) from None
    groups: list[tuple[str, str, str, tuple[str, ...]]] = []
    for intent, body in table(data, "intents", "", path).items():
        for group, spec in table(body, "groups", f"intents.{intent}.", path).items():
            key = f"intents.{intent}.groups.{group}.sentences"
            groups.append((intent, group, key, strings(spec.get("sentences"), key, path)))
    oos_key = "out_of_scope.sentences"
    groups.append((OUT_OF_SCOPE, "default", oos_key, strings(oos.get("sentences"), oos_key, path)))
    masked: dict[tuple[str, str], MaskedSentence] = {}
    counter = 0
    for intent, group, key, templates in groups:
        for index, template in enumerate(templates):
            counter += 1
            try:
                expansions = expand(template, rules)
            except TemplateError as err:
                raise ContentError(str(path), f"{key}[{index}]", str(err)) from None
            for expansion in expansions:
                refs = [tok.name for tok in expansion if isinstance(tok, SlotRef)]
                for slot in refs:
                    if slot not in lists:
                        raise ContentError(str(path), f"{key}[{index}]", f"unknown list {{{slot}}}")
                words = " ".join(slot_placeholder(t.name) if isinstance(t, SlotRef) else t for t in expansion)
                spoken, _ = full_masker.mask(normalise(words))
                text = " ".join(w for w in spoken.split() if w not in free_words)
                if text and (text, intent) not in masked:
                    order = _slot_order(spoken, placeholders)
                    masked[(text, intent)] = MaskedSentence(text, intent, group, order, spoken, counter)
    groups_of: dict[str, set[str]] = {}
    for intent, group, _, _ in groups:
        groups_of.setdefault(intent, set()).add(group)
    for examples in example_files(path.parent):
        for line_no, text, intent, group in _read_examples(examples, groups_of):
            counter += 1
            spoken, _ = full_masker.mask(normalise(text))
            masked_text = " ".join(w for w in spoken.split() if w not in free_words)
            if not masked_text:
                raise ContentError(str(examples), f"line {line_no}", "nothing left after normalising")
            if (masked_text, intent) not in masked:
                order = _slot_order(spoken, placeholders)
                masked[(masked_text, intent)] = MaskedSentence(
                    masked_text, intent, group, order, spoken, counter
                )
    return lists, slot_names, oos_lists, masker, tuple(masked.values())


def example_files(directory: Path) -> list[Path]:
    """Training example files: `examples*.tsv`, lines `text<TAB>label` (`intent` or `intent.topic`)."""
    return sorted(directory.glob("examples*.tsv"))


def _read_examples(path: Path, groups_of: Mapping[str, set[str]]) -> list[tuple[int, str, str, str]]:
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise ContentError(str(path), "-", f"unreadable ({err})") from None
    out = []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip():
            raise ContentError(str(path), f"line {line_no}", "expected text<TAB>label")
        intent, _, group = fields[1].strip().partition(".")
        intent = OUT_OF_SCOPE if intent == "out_of_scope" else intent
        group = group or "default"
        if group not in groups_of.get(intent, set()):
            raise ContentError(str(path), f"line {line_no}", f"unknown label {fields[1].strip()!r}")
        out.append((line_no, fields[0].strip(), intent, group))
    return out


def _slot_order(masked_text: str, placeholders: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(placeholders[w] for w in masked_text.split() if w in placeholders)
