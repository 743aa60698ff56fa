"""cramp-assistant: an offline, hands-free bedside voice assistant for leg and foot cramps.

One subpackage per stage of the pipeline (see the README's "How it works"):

=================  ====================================================================================
``audio/``         audio in and out: sources (microphone, WAV file), devices, playback, resampling
``hearing/``       from sound to words: endpointer, noise suppression, the recogniser interface, engines
``understanding/`` from words to what was meant: normaliser, slots, router, intent model, belief rule,
                   the two-engine judge, and ``Understanding``, which holds them and weighs the engines by
                   what the conversation expects (``messages.Expectation``)
``dialog/``        the conversation: ``Dialog.take_turn`` decides each utterance and returns the whole
                   action (``Turn``); attention (wake phrase, follow-up window); the handler table and
                   ``intents/``
``voice/``         speaking: speakers (Piper, espeak-ng, WAV, null), synthesis, voice profile, earcons
``routines/``      guided stretches: exercises, timeline of cues, sessions on a clock, the host
``loop/``          the bedside loop: it builds the parts once (``setup``) and carries out each ``Turn``
``models/``        finding, downloading, checking and unpacking speech models
``content/``       loading and validating the data in the repository's ``content/`` folder
``cli/``           the ``cramp-assistant`` command line, one module per subcommand (``ask --wav`` too)
``wyoming/``       the Wyoming server for Home Assistant: the dialog as ``handle``, the recogniser as ``asr``
=================  ====================================================================================

The seam: the content is loaded and one ``Understanding`` built from it where the program is put together
(``loop/setup.py``, ``wyoming/server.py``, the command line); the recogniser gets its doubt check and the
dialog the rest. When an utterance ends the loop asks the dialog what is expected, the recogniser finishes
with that expectation, and ``take_turn`` decides; the loop only acts.

At the top: ``messages`` (the typed messages between stages), ``errors``, ``settings`` (with
``settings_file`` and ``settings_toml``), ``clock``, ``answers`` (the JSON answer record), the cramp log
(the ``cramp_log/`` package, with ``log_phrases``) and the diary report drawn from it (``diary/``).
"""

__version__ = "0.1.0"
