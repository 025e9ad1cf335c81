"""budget: a session's reruns beyond its burst wait for the budget; the latest request is the one run."""

from __future__ import annotations

import asyncio
import concurrent.futures

from sanctuarymap.server import budget


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_steady_rate():
    clock = Clock()
    bucket = budget.Budget(burst=3, per_second=4, clock=clock)
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    assert bucket.wait() == 0.25
    clock.now = 0.25
    assert bucket.take() and not bucket.take()
    clock.now = 10.0  # a long pause refills the burst, never more
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]


class Message:
    def __init__(self, kind: str, n: int = 0) -> None:
        self.kind, self.n = kind, n

    def WhichOneof(self, _: str) -> str:  # noqa: N802 (protobuf's name)
        return self.kind


def test_reruns_over_the_budget_are_held_and_only_the_latest_runs():
    class Session:
        handled: list[int]

        def __init__(self) -> None:
            self.handled = []

        def handle_backmsg(self, message: Message) -> None:
            self.handled.append(message.n)

    budget.install(Session, burst=2, per_second=20)
    budget.install(Session, burst=2, per_second=20)  # twice: no double wrapping

    async def flood() -> Session:
        session = Session()
        for n in range(1, 11):
            session.handle_backmsg(Message("rerun_script", n))
        session.handle_backmsg(Message("app_heartbeat", 0))  # not a rerun: never held
        assert session.handled == [1, 2, 0]
        while budget.held(session):  # the held request goes through once the budget refills
            await asyncio.sleep(0.01)
        return session

    # A loop of its own, in a thread of its own: the browser tests' Playwright keeps a loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        session = pool.submit(asyncio.run, flood()).result()
    assert session.handled == [1, 2, 0, 10]
    assert budget.dropped(session) == 8
