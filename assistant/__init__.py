"""cramp-assistant: an offline, hands-free bedside voice assistant for leg and foot cramps.

One subpackage per stage of the pipeline (see the README's "How it works"):

=================  ====================================================================================
``audio/``         audio in and out: sources (microphone, WAV file), devices, playback, resampling
``hearing/``       from sound to words: endpointer, noise suppression, the recogniser interface, engines
``understanding/`` from words to an intent: normaliser, slots, templates, router, intent model, belief
``dialog/``        the conversation: context, attention (who is it talking to), ``intents/`` handlers
``voice/``         speaking: speakers (espeak-ng, WAV, null), synthesis, voice profile, earcons
``routines/``      guided stretches: exercises, timeline of cues, sessions on a clock, the host
``loop/``          the bedside loop that ties the stages together, its events and its set-up
``models/``        finding, downloading, checking and unpacking speech models
``content/``       loading and validating the data in the repository's ``content/`` folder
``cli/``           the ``cramp-assistant`` command line, one module per subcommand
``wyoming/``       the Wyoming server for Home Assistant: the dialog as ``handle``, the recogniser as ``asr``
=================  ====================================================================================

At the top: ``messages`` (the typed messages between stages), ``errors``, ``settings`` (with
``settings_file`` and ``settings_toml``), ``clock``, ``answers`` (the JSON answer record), the cramp log
(the ``cramp_log/`` package, with ``log_phrases``) and the diary report drawn from it (``diary/``).
"""

__version__ = "0.1.0"
