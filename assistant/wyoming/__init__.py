"""A Wyoming server for Home Assistant: the cramp skill as a `handle` service and its recogniser as `asr`.

One module per concern: `settings` (the server's limits), `framing` (reading events without trusting the
peer), `audio_in` (any PCM format to 16 kHz mono), `info` (the `describe` answer), `conversations`
(a dialog per conversation), `transcriber` (a pool of recognisers off the event loop), `handler` (one
connection) and `server` (the listening socket and what all connections share).
"""
