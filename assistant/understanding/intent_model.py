"""A multinomial logistic regression over words, word pairs and word stems, beside the router's fuzzy match.

Fuzzy matching is strong on phrasings close to a template; this model generalises to long, reordered or
reworded sentences by weighing the words themselves ("doctor", "prevent", "eat"), and it is trained
against the out-of-scope sentences as a class of their own, so its probabilities say how likely a
sentence is to be talk about something else. Trained with numpy (full-batch Adam, L2) when the content
is loaded; each template counts as one unit however many sentences it expands to, and each intent weighs the
same in total.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

STEM = 4
"""Words longer than this also give their first STEM letters as a feature ("cramping" -> "cram~")."""


def features(words: Sequence[str]) -> list[str]:
    """Words, stems of long words, and neighbouring pairs (with the sentence's start and end)."""
    found = list(words)
    found += [f"{w[:STEM]}~" for w in words if len(w) > STEM]
    padded = ["<s>", *words, "</s>"]
    found += [f"{a}_{b}" for a, b in itertools.pairwise(padded)]
    return found


@dataclass(frozen=True)
class TrainingSettings:
    epochs: int = 60
    learning_rate: float = 0.2
    l2: float = 1e-4
    """L2 penalty per unit of sample weight: keeps rare words from deciding alone."""


class LinearModel:
    """P(intent | words) from a trained weight matrix."""

    def __init__(self, classes: Sequence[str], index: dict[str, int], weights: np.ndarray, bias: np.ndarray):
        self.classes = tuple(classes)
        self.index = index
        self.weights = weights
        self.bias = bias

    def posterior(self, words: Sequence[str]) -> dict[str, float]:
        rows = [self.index[f] for f in features(words) if f in self.index]
        if not rows:
            return {}
        logits = self.bias + self.weights[rows].sum(axis=0)
        logits -= logits.max()
        exp = np.exp(logits)
        probs = exp / exp.sum()
        return {intent: float(p) for intent, p in zip(self.classes, probs, strict=True)}


def train(samples: Sequence[tuple[str, str, int]], settings: TrainingSettings | None = None) -> LinearModel:
    """Trains on (masked text, intent, template id) triples."""
    settings = settings or TrainingSettings()
    classes = sorted({intent for _, intent, _ in samples})
    class_of = {intent: i for i, intent in enumerate(classes)}
    index: dict[str, int] = {}
    rows: list[list[int]] = []
    for text, _, _ in samples:
        rows.append(sorted({index.setdefault(f, len(index)) for f in features(text.split())}))
    per_template: dict[int, int] = {}
    for _, _, template in samples:
        per_template[template] = per_template.get(template, 0) + 1
    weight = np.array([1.0 / per_template[t] for _, _, t in samples])
    labels = np.array([class_of[intent] for _, intent, _ in samples])
    class_totals = np.bincount(labels, weights=weight, minlength=len(classes))
    weight *= (len(samples) / len(classes)) / class_totals[labels]
    weight /= weight.sum()
    counts = np.array([len(r) for r in rows])
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(counts.sum()))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    owner = np.repeat(np.arange(len(rows)), counts)
    n_features, n_classes = len(index), len(classes)
    w = np.zeros((n_features, n_classes), dtype=np.float32)
    b = np.zeros(n_classes, dtype=np.float32)
    onehot = np.zeros((len(rows), n_classes), dtype=np.float32)
    onehot[np.arange(len(rows)), labels] = 1.0
    sample_weight = weight.astype(np.float32)[:, None]
    by_feature = np.argsort(flat, kind="stable")
    owner_by_feature = owner[by_feature]
    feature_starts = np.searchsorted(flat[by_feature], np.arange(n_features))
    adam = _Adam(w, b, settings.learning_rate)
    for _ in range(settings.epochs):
        logits = np.add.reduceat(w[flat], starts, axis=0) + b
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        delta = (probs - onehot) * sample_weight
        grad_w = np.add.reduceat(delta[owner_by_feature], feature_starts, axis=0)
        grad_w += settings.l2 * w
        adam.step(grad_w, delta.sum(axis=0))
    return LinearModel(classes, index, w, b)


class _Adam:
    """Adam updates of the weights and biases, in place."""

    def __init__(self, w: np.ndarray, b: np.ndarray, learning_rate: float) -> None:
        self.params = (w, b)
        self.moments = [(np.zeros_like(p), np.zeros_like(p)) for p in self.params]
        self.learning_rate = learning_rate
        self.steps = 0

    def step(self, *grads: np.ndarray) -> None:
        beta1, beta2, eps = 0.9, 0.999, 1e-8
        self.steps += 1
        for param, grad, (m, v) in zip(self.params, grads, self.moments, strict=True):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            m_hat = m / (1 - beta1**self.steps)
            v_hat = v / (1 - beta2**self.steps)
            param -= (self.learning_rate * m_hat / (np.sqrt(v_hat) + eps)).astype(param.dtype)
