"""A budget of reruns per session, so that no reader's client can starve the others.

Streamlit runs every session's reruns in one process: a client that asks for a rerun every few
milliseconds (without waiting for any to finish) restarts the script hundreds of times a second and
holds the interpreter from every other reader. The page itself settles a day at most every 250 ms, so a
session that asks for more than a few reruns a second is dropped down to its budget, before any work:
a request over the budget starts no run; the latest of them is kept and run once the budget allows it,
so a burst still ends on the state the client last sent.

This module does not import Streamlit: ``install`` is handed Streamlit's session class by the app, and
``bridge.route_reruns`` (the one home of Streamlit's internals the app uses) hands it the requests.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sanctuarymap.page import bridge

# A burst the page can send at once (a click and a settled day together, a few widgets), and the
# steady rate it never exceeds (one settled day per 250 ms).
BURST = 8
PER_SECOND = 4.0
_ATTRIBUTE = "_sanctuarymap_budget"


@dataclass
class Budget:
    """A token bucket: ``BURST`` reruns at once, then ``PER_SECOND`` a second."""

    burst: float = BURST
    per_second: float = PER_SECOND
    clock: Callable[[], float] = time.monotonic
    tokens: float = field(init=False)
    updated: float = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = self.burst
        self.updated = self.clock()

    def take(self) -> bool:
        """Spend one rerun if the budget has one; False (nothing spent) if not."""
        self._refill()
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False

    def wait(self) -> float:
        """Seconds until the next rerun is allowed."""
        self._refill()
        return max(0.0, (1 - self.tokens) / self.per_second)

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now


@dataclass
class _SessionBudget:
    budget: Budget
    held: Any = None  # the latest rerun request over the budget, run when the budget allows
    timer: asyncio.TimerHandle | None = None
    dropped: int = 0


def install(session_class: type, burst: float = BURST, per_second: float = PER_SECOND) -> None:
    """Make every ``session_class`` (Streamlit's ``AppSession``) keep to a budget of reruns.

    Every rerun a client asks for (``bridge.route_reruns``, on Streamlit's event loop) within the budget
    goes through; one over it is held (replacing any held before) and handed on when the budget refills.
    Installing twice changes nothing.
    """

    def route(session: Any, message: Any, run: Callable[[Any, Any], None]) -> None:
        state: _SessionBudget | None = getattr(session, _ATTRIBUTE, None)
        if state is None:
            state = _SessionBudget(Budget(burst, per_second))
            setattr(session, _ATTRIBUTE, state)
        if state.held is None and state.budget.take():
            run(session, message)
            return
        state.held = message
        state.dropped += 1
        if state.timer is None:
            state.timer = asyncio.get_running_loop().call_later(state.budget.wait(), release, session, run)

    def release(session: Any, run: Callable[[Any, Any], None]) -> None:
        state: _SessionBudget = getattr(session, _ATTRIBUTE)
        state.timer = None
        if state.held is None:
            return
        if state.budget.take():
            message, state.held = state.held, None
            run(session, message)
        else:
            state.timer = asyncio.get_running_loop().call_later(state.budget.wait(), release, session, run)

    bridge.route_reruns(session_class, route)


def dropped(session: object) -> int:
    """How many of ``session``'s rerun requests went over its budget (held, then replaced or run later)."""
    state: _SessionBudget | None = getattr(session, _ATTRIBUTE, None)
    return 0 if state is None else state.dropped


def held(session: object) -> bool:
    """Whether a request of ``session``'s waits for its budget."""
    state: _SessionBudget | None = getattr(session, _ATTRIBUTE, None)
    return state is not None and state.held is not None
