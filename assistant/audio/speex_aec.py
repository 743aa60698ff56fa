"""A small ctypes binding of speexdsp's echo canceller and its residual-echo suppressor (libspeexdsp1).

Only the public C API of `speex/speex_echo.h` and `speex/speex_preprocess.h` is used: an adaptive
multi-delay block frequency-domain filter (MDF) learns the path from the loudspeaker to the microphone and
subtracts its estimate of the echo; the preprocessor, given the echo state, then suppresses what echo is
left (residual echo). This is the only module that loads libspeexdsp.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging

import numpy as np

from assistant.errors import AudioError

_LOGGER = logging.getLogger(__name__)
_LIBRARY_NAMES = ("libspeexdsp.so.1", "libspeexdsp.so", "libspeexdsp.1.dylib")
_ECHO_SET_SAMPLING_RATE = 24
_PREPROCESS_SET_DENOISE = 0
_PREPROCESS_SET_NOISE_SUPPRESS = 18
_PREPROCESS_SET_ECHO_SUPPRESS = 20
_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE = 22
_PREPROCESS_SET_ECHO_STATE = 24
INSTALL_HINT = "apt-get install libspeexdsp1"

_library: ctypes.CDLL | None = None


def load_library() -> ctypes.CDLL:
    """libspeexdsp, loaded once (AudioError with the install hint when it is missing)."""
    global _library
    if _library is not None:
        return _library
    names = [*_LIBRARY_NAMES]
    found = ctypes.util.find_library("speexdsp")
    if found:
        names.insert(0, found)
    for name in names:
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        _declare(library)
        _library = library
        return library
    raise AudioError(f"the echo canceller needs libspeexdsp ({INSTALL_HINT})")


def _declare(lib: ctypes.CDLL) -> None:
    pointer, integer, samples = ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(ctypes.c_int16)
    lib.speex_echo_state_init.restype = pointer
    lib.speex_echo_state_init.argtypes = [integer, integer]
    lib.speex_echo_state_destroy.argtypes = [pointer]
    lib.speex_echo_state_reset.argtypes = [pointer]
    lib.speex_echo_cancellation.argtypes = [pointer, samples, samples, samples]
    lib.speex_echo_ctl.restype = integer
    lib.speex_echo_ctl.argtypes = [pointer, integer, pointer]
    lib.speex_preprocess_state_init.restype = pointer
    lib.speex_preprocess_state_init.argtypes = [integer, integer]
    lib.speex_preprocess_state_destroy.argtypes = [pointer]
    lib.speex_preprocess_ctl.restype = integer
    lib.speex_preprocess_ctl.argtypes = [pointer, integer, pointer]
    lib.speex_preprocess_run.restype = integer
    lib.speex_preprocess_run.argtypes = [pointer, samples]


class SpeexEchoCanceller:
    """One speexdsp echo canceller: `process(mic, played)` one frame of int16 samples at a time.

    frame: samples per call (10-20 ms is what speexdsp is tuned for); filter: the echo path's length in
    samples it can learn (delay plus reverberation); suppress: also run the residual-echo suppressor
    (`echo_suppress_db` attenuation of residual echo, while playing `active_db`). It is off by default:
    it takes more echo out, but it also takes the room's noise out while the loudspeaker plays, and that
    pumping, in time with the voice, reads as speech to the endpointer, so a control said over the voice
    can be lost.
    """

    def __init__(
        self,
        frame: int = 160,
        filter: int = 4096,
        rate: int = 16000,
        suppress: bool = False,
        echo_suppress_db: int = -40,
        active_db: int = -15,
    ) -> None:
        self.lib = load_library()
        self.frame = frame
        self.filter = filter
        self.rate = rate
        self._echo = self.lib.speex_echo_state_init(frame, filter)
        if not self._echo:
            raise AudioError("speexdsp could not make an echo canceller")
        value = ctypes.c_int(rate)
        self.lib.speex_echo_ctl(self._echo, _ECHO_SET_SAMPLING_RATE, ctypes.byref(value))
        self._pre: int | None = None
        if suppress:
            self._pre = self.lib.speex_preprocess_state_init(frame, rate)
            self._pre_ctl(_PREPROCESS_SET_ECHO_STATE, ctypes.c_void_p(self._echo))
            # The suppressor's gains are only applied with denoising on; its noise suppression is kept
            # to 1 dB so steady noise is left to the later stages that measure it.
            self._pre_ctl(_PREPROCESS_SET_DENOISE, ctypes.c_int(1))
            self._pre_ctl(_PREPROCESS_SET_NOISE_SUPPRESS, ctypes.c_int(-1))
            self._pre_ctl(_PREPROCESS_SET_ECHO_SUPPRESS, ctypes.c_int(echo_suppress_db))
            self._pre_ctl(_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE, ctypes.c_int(active_db))

    def _pre_ctl(self, request: int, value: ctypes.c_int | ctypes.c_void_p) -> None:
        if isinstance(value, ctypes.c_void_p):
            self.lib.speex_preprocess_ctl(self._pre, request, value)
        else:
            self.lib.speex_preprocess_ctl(self._pre, request, ctypes.byref(value))

    def process(self, mic: np.ndarray, played: np.ndarray) -> np.ndarray:
        """The microphone frame with the echo of `played` (the same frame's loudspeaker signal) removed."""
        if len(mic) != self.frame or len(played) != self.frame:
            raise ValueError(f"frames must be {self.frame} samples, got {len(mic)} and {len(played)}")
        rec = np.ascontiguousarray(mic, dtype=np.int16)
        ref = np.ascontiguousarray(played, dtype=np.int16)
        out = np.empty(self.frame, dtype=np.int16)
        kind = ctypes.POINTER(ctypes.c_int16)
        self.lib.speex_echo_cancellation(
            self._echo, rec.ctypes.data_as(kind), ref.ctypes.data_as(kind), out.ctypes.data_as(kind)
        )
        if self._pre is not None:
            self.lib.speex_preprocess_run(self._pre, out.ctypes.data_as(kind))
        return out

    def reset(self) -> None:
        """Forget the learnt echo path (after the output latency changed)."""
        self.lib.speex_echo_state_reset(self._echo)

    def close(self) -> None:
        if self._pre:
            self.lib.speex_preprocess_state_destroy(self._pre)
            self._pre = None
        if self._echo:
            self.lib.speex_echo_state_destroy(self._echo)
            self._echo = None

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter shutdown the library may be gone already
            self.close()
