"""Read a provider's next list page while the sync compares and writes the current one.

A re-scan's time is the provider's answers plus the mirror's work on each page (one
lookup, the fingerprints, a write when something changed). Asking for page k + 1
before working on page k overlaps the two: the walk then costs about the longer of
them, not their sum. Exactly one page is asked for ahead, and only once the caller has
taken the one before, so the walk never reads further than it would without this
(`ReadAhead.close` when it will not take another), and memory holds two pages at most.

The pages are read in a thread of their own. It sends HTTP requests and takes them from
the account's request budget (`providers/ratelimit.py`), which it can do away from the
caller's database connection only where the budget has a connection of its own
(`ratelimit.budget_has_own_connection`); elsewhere (SQLite: one writer, the caller's
connection) the pages are read in the caller's thread, one after the other.
"""

from __future__ import annotations

import threading
from collections.abc import Generator, Iterator

from django.db import connections

from idvdash.providers import ratelimit


class _End:
    """The iterator is exhausted."""


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class ReadAhead[T]:
    """Iterate `items`, producing each next item in a thread while the caller works."""

    def __init__(self, items: Iterator[T]) -> None:
        self._items = items
        self._wanted = threading.Semaphore(0)
        self._ready = threading.Semaphore(0)
        self._result: T | _End | _Failed | None = None
        self._asked = False
        self._stopped = False
        self._thread = threading.Thread(target=self._produce, name="sync-read-ahead", daemon=True)
        self._thread.start()

    def __iter__(self) -> ReadAhead[T]:
        return self

    def __next__(self) -> T:
        if self._stopped:
            raise StopIteration
        if not self._asked:
            self._ask()
        self._ready.acquire()
        self._asked = False
        result, self._result = self._result, None
        if isinstance(result, _End):
            self.close()
            raise StopIteration
        if isinstance(result, _Failed):
            self.close()
            raise result.error
        self._ask()  # the next item is read while the caller works on this one
        return result  # type: ignore[return-value]

    def close(self) -> None:
        """Read nothing more; wait for a read under way, then close the iterator."""
        if self._stopped:
            return
        self._stopped = True
        self._wanted.release()  # wakes the thread to end (after a read under way)
        self._thread.join()
        close = getattr(self._items, "close", None)
        if close is not None:
            close()

    def _ask(self) -> None:
        self._asked = True
        self._wanted.release()

    def _produce(self) -> None:
        try:
            while True:
                self._wanted.acquire()
                if self._stopped:
                    return
                result = self._read()
                self._result = result
                self._ready.release()
                if isinstance(result, _End | _Failed):
                    return
        finally:
            ratelimit.release_thread_connection()
            connections.close_all()  # this thread's own, if anything opened one

    def _read(self) -> T | _End | _Failed:
        try:
            return next(self._items)
        except StopIteration:
            return _End()
        except BaseException as error:  # handed to the caller, raised there
            return _Failed(error)


def pages_of[T](items: Generator[T]) -> Generator[T] | ReadAhead[T]:
    """`items` read ahead in a thread where the request budget allows it, else as they
    are; either way, `close()` it when done."""
    if ratelimit.budget_has_own_connection():
        return ReadAhead(items)
    return items
