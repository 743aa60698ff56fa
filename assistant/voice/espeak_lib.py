"""A small ctypes binding to libespeak-ng's public C API (speak_lib.h): synchronous synthesis to PCM.

Only what the speech worker needs: initialise in synchronous mode, a callback that receives the samples,
voice, rate and volume, and synthesis of UTF-8 text. The constants are speak_lib.h's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

AUDIO_OUTPUT_SYNCHRONOUS = 2
"""espeak_AUDIO_OUTPUT: synthesise in the caller's thread, samples to the callback, no sound device."""
RATE = 1
"""espeak_PARAMETER espeakRATE: words a minute."""
VOLUME = 2
"""espeak_PARAMETER espeakVOLUME: 0-200, 100 normal."""
CHARS_UTF8 = 1
ENDPAUSE = 0x1000
POS_CHARACTER = 1
LIBRARY = "libespeak-ng.so.1"

_SynthCallback = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class EspeakLibrary:
    """libespeak-ng, loaded from the system (Debian's libespeak-ng1, pulled in by espeak-ng)."""

    def __init__(self, path: str | None = None) -> None:
        name = path or ctypes.util.find_library("espeak-ng") or LIBRARY
        self._lib = ctypes.CDLL(name)
        lib = self._lib
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
        lib.espeak_SetSynthCallback.restype = None
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetVoiceByName.restype = ctypes.c_int
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_SetParameter.restype = ctypes.c_int
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.POINTER(ctypes.c_uint),
            ctypes.c_void_p,
        ]
        lib.espeak_Synth.restype = ctypes.c_int
        self._callback: object = None

    def initialize(self) -> int:
        """Start the engine in synchronous mode; returns its sample rate (RuntimeError on failure)."""
        rate = int(self._lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, None, 0))
        if rate <= 0:
            raise RuntimeError(f"espeak_Initialize failed ({rate})")
        return rate

    def on_samples(self, receive: Callable[[bytes], None]) -> None:
        """Call `receive(pcm)` with each block of signed 16-bit mono samples synthesised."""

        def callback(wav: ctypes._Pointer[ctypes.c_short], count: int, events: int | None) -> int:
            if count > 0 and wav:
                receive(ctypes.string_at(wav, count * 2))
            return 0

        self._callback = _SynthCallback(callback)  # kept: C holds only a raw pointer to it
        self._lib.espeak_SetSynthCallback(self._callback)

    def set_voice(self, name: str) -> None:
        if self._lib.espeak_SetVoiceByName(name.encode("utf-8")) != 0:
            raise RuntimeError(f"no espeak-ng voice {name!r}")

    def set_parameter(self, parameter: int, value: int) -> None:
        if self._lib.espeak_SetParameter(parameter, value, 0) != 0:
            raise RuntimeError(f"espeak_SetParameter({parameter}, {value}) failed")

    def synthesize(self, text: str) -> int:
        """Synthesise `text` (the samples go to the callback); espeak's status, 0 when it worked."""
        data = text.encode("utf-8") + b"\0"
        return int(
            self._lib.espeak_Synth(data, len(data), 0, POS_CHARACTER, 0, CHARS_UTF8 | ENDPAUSE, None, None)
        )
