"""Reading the next list page while the sync works on the current one (`readahead.py`)."""

import threading
import time

import pytest
from django.db import connection

from idvdash.verifications.readahead import ReadAhead, pages_of


class Pages:
    """A generator of numbered pages that records what it produced, and where."""

    def __init__(self, count: int, *, fail_at: int | None = None) -> None:
        self.count = count
        self.fail_at = fail_at
        self.produced: list[int] = []
        self.threads: set[str] = set()
        self.closed = False

    def __iter__(self):
        try:
            for number in range(self.count):
                self.threads.add(threading.current_thread().name)
                if number == self.fail_at:
                    raise RuntimeError(f"page {number} failed")
                self.produced.append(number)
                yield number
        finally:
            self.closed = True


def test_yields_every_page_in_order_read_in_another_thread():
    pages = Pages(5)

    assert list(ReadAhead(iter(pages))) == [0, 1, 2, 3, 4]
    assert pages.threads == {"sync-read-ahead"}
    assert pages.closed


def test_reads_one_page_ahead_and_no_further():
    pages = Pages(10)
    ahead = ReadAhead(iter(pages))

    assert next(ahead) == 0
    # Page 1 is read while page 0 is worked on; page 2 is not, however long that takes.
    deadline = time.monotonic() + 5
    while len(pages.produced) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    assert pages.produced == [0, 1]

    ahead.close()

    assert pages.produced == [0, 1]
    assert pages.closed
    assert list(ahead) == []


def test_a_failure_reading_a_page_is_raised_to_the_caller_after_the_pages_before_it():
    pages = Pages(5, fail_at=2)
    ahead = ReadAhead(iter(pages))

    assert [next(ahead), next(ahead)] == [0, 1]
    with pytest.raises(RuntimeError, match="page 2 failed"):
        next(ahead)
    assert pages.closed
    with pytest.raises(StopIteration):
        next(ahead)


def test_close_before_any_page_reads_nothing():
    pages = Pages(3)
    ahead = ReadAhead(iter(pages))

    ahead.close()

    assert pages.produced == []


@pytest.mark.django_db
def test_pages_are_read_ahead_only_where_the_budget_has_a_connection_of_its_own():
    pages = pages_of(iter(Pages(2)))
    try:
        if connection.vendor == "sqlite":
            # The budget is taken on the caller's connection: the caller reads the pages.
            assert not isinstance(pages, ReadAhead)
        else:
            assert isinstance(pages, ReadAhead)
        assert list(pages) == [0, 1]
    finally:
        pages.close()
