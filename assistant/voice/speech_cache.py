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
from assistant.voice.speech_store import SpeechStore


class SpeechCache:
    """Pieces (sentences, clauses) synthesised by `synth`, the most recent `size` of them kept."""

    def __init__(self, synth: Synthesizer, size: int = 256, store: SpeechStore | None = None) -> None:
        self.synth = synth
        self.size = size
        self.store = store
        """Where pieces are kept between runs (None: only in memory)."""
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

    def prepare(self, texts: list[str]) -> None:
        """Synthesise the first piece of each text now (into the store), so it plays at once later."""
        for text in texts:
            pieces = speech_pieces(text)
            if pieces:
                self.piece(pieces[0])

    def _synthesized(self, text: str) -> Speech:
        with self._lock:
            speech = self._items.get(text)
            if speech is None and self.store is not None:
                speech = self.store.load(text)
            if speech is None:
                speech = self.synth.synthesize(text)
                if self.store is not None:
                    self.store.save(text, speech)
            if text not in self._items:
                self._items[text] = speech
                if len(self._items) > self.size:
                    self._items.popitem(last=False)
            self._items.move_to_end(text)
            return speech
