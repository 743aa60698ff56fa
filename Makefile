# cramp-assistant: one Makefile sets up everything from nothing (Debian / Raspberry Pi OS).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What the assistant needs at run time: venv support, espeak-ng (the fallback voice, through libespeak-ng), PortAudio (sounddevice).
# libspeexdsp: the echo canceller (barge-in).
APT_RUNTIME := python3-venv espeak-ng libportaudio2 libspeexdsp1
# What the benchmarks need to make spoken test sets: more voices (festvox-kdlpc16k: festival's ked, a held-out
# voice of bench_controls), sox for noise, real recordings.
APT_BENCH := flite festival festvox-kallpc16k festvox-kdlpc16k sox pocketsphinx-testdata
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test bench lint typecheck pytest setup system-deps bench-deps clean

run: setup
	$(BIN)/cramp-assistant run

test: setup lint typecheck pytest

setup: system-deps $(VENV)/.installed

system-deps:
	@missing=""; for p in $(APT_RUNTIME); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

bench-deps:
	@missing=""; for p in $(APT_BENCH); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; fi

$(VENV)/.installed: pyproject.toml
	[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[test,dev,piper]'
	touch $@

lint: setup
	$(BIN)/ruff check assistant tests bench
	$(BIN)/ruff format --check assistant tests bench

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/pytest -q

bench: setup bench-deps
	$(BIN)/python -m bench.run_all --docs docs/benchmarks.md --readme README.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
