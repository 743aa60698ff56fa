"""Synthesised pieces by text, shared by a speaker's playback thread and its callers.

The countdown and progress phrases come back again and again, and a reply's duration is asked for while
its later sentences are still being synthesised: each piece is synthesised once, under one lock, so the
two never do the same work twice.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from assistant.voice.sentences import Piece, speech_pieces
from assistant.voice.speech import Speech, Synthesizer


class SpeechCache:
    """Pieces (sentences, clauses) synthesised by `synth`, the most recent `size` of them kept."""

    def __init__(self, synth: Synthesizer, size: int = 256) -> None:
        self.synth = synth
        self.size = size
        self._items: OrderedDict[str, Speech] = OrderedDict()
        self._lock = threading.RLock()

    def piece(self, piece: Piece) -> Speech:
        """One piece, with its pause after it as trailing silence."""
        speech = self._synthesized(piece.text)
        if piece.pause_after <= 0:
            return speech
        pause = np.zeros(round(piece.pause_after * speech.rate), dtype=np.int16)
        return Speech(np.concatenate([speech.samples, pause]), speech.rate)

    def get(self, text: str) -> Speech:
        """The whole text: its pieces one after the other."""
        parts = [self.piece(p) for p in speech_pieces(text)]
        if not parts:
            return Speech(np.zeros(0, dtype=np.int16), 22050)
        rate = parts[0].rate
        if any(p.rate != rate for p in parts):
            raise ValueError("a synthesiser changed its sample rate between pieces")
        return Speech(np.concatenate([p.samples for p in parts]), rate)

    def cached(self, text: str) -> bool:
        """True when every piece of `text` is already synthesised."""
        with self._lock:
            return all(p.text in self._items for p in speech_pieces(text))

    def _synthesized(self, text: str) -> Speech:
        with self._lock:
            speech = self._items.get(text)
            if speech is None:
                speech = self.synth.synthesize(text)
                self._items[text] = speech
                if len(self._items) > self.size:
                    self._items.popitem(last=False)
            self._items.move_to_end(text)
            return speech
