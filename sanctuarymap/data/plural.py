"""Counts in words: "1 event", "9 events", never "event(s)"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``count`` and ``noun``, in the plural (``plural``, or ``noun`` + "s") unless the count is one."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
