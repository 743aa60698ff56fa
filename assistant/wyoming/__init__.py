"""A Wyoming server for Home Assistant: the cramp skill as a `handle` service, its recogniser as `asr`, and
espeak-ng as `tts` when asked for.

One module per concern: `settings` (the server's limits), `framing` (reading events without trusting the
peer), `audio_in` (any PCM format to 16 kHz mono), `info` (the `describe` answer), `conversations`
(a dialog per conversation), `transcriber` (a pool of recognisers off the event loop), `handler` (one
connection), `replies` (an answer as Wyoming events), `voice_out` (the tts voice) and `server` (the
listening socket and what all connections share).
"""
