"""The browser tests' own fixture: no request of theirs leaves the machine."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from harness.browser import is_local


@pytest.fixture(autouse=True)
def only_local_requests(page: Page) -> Iterator[list[str]]:
    """Record every request and websocket of every page in the test's context; after the test, all are local."""
    seen: list[str] = []
    page.context.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda socket: seen.append(socket.url))
    page.context.on("page", lambda other: other.on("websocket", lambda socket: seen.append(socket.url)))
    yield seen
    assert seen, "no request was recorded: the check below would prove nothing"
    outside = sorted({url for url in seen if not is_local(url)})
    assert outside == [], f"requests left localhost: {outside}"
