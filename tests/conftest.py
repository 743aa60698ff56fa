"""Shared fixtures: the real content, router and a fresh dialog (content loads once per session)."""

from __future__ import annotations

import random

import pytest

from assistant.content.loader import Content, load_content
from assistant.dialog.dialog import Dialog
from assistant.understanding.router import Router
from assistant.understanding.understanding import Understanding


@pytest.fixture(scope="session")
def content() -> Content:
    return load_content()


@pytest.fixture(scope="session")
def router(content: Content) -> Router:
    return Router.from_content(content)


@pytest.fixture
def dialog(content: Content, router: Router) -> Dialog:
    return Dialog(content, understanding=Understanding(router), rng=random.Random(7))
