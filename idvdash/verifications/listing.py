"""Which mirror rows a scan listed: packed per page while it runs, a bitmap when it ends.

A page's row ids are stored sorted, as varint gaps, compressed (a page of 100 rows is
a few dozen bytes). A finished scan keeps one bitmap of row ids from the lowest it
listed (a million contiguous rows: 125 KB before compression, a few hundred bytes
after). Membership is a bit test; nothing here grows with the number of rows but the
bitmap itself.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import accumulate

from .models import Scan, ScanPage, Verification

# Finished scans kept per account (their bitmaps answer "last listed"), besides the
# newest complete one; older ones go.
KEEP_SCANS = 10
HEADER = 8  # the bitmap's first row id, big-endian


def pack(pks: Iterable[int]) -> bytes:
    """Sorted row ids as compressed varint gaps."""
    out = bytearray()
    previous = 0
    for pk in sorted(set(pks)):
        gap, previous = pk - previous, pk
        while gap >= 0x80:
            out.append(gap & 0x7F | 0x80)
            gap >>= 7
        out.append(gap)
    return zlib.compress(bytes(out))


def unpack(data: bytes) -> Iterator[int]:
    raw = zlib.decompress(data)
    first = next((at for at, byte in enumerate(raw) if not byte & 0x80), len(raw)) + 1
    if first < len(raw) and max(raw[first:]) < 0x80:
        # Every gap after the first id fits in one byte (rows inserted together, the
        # usual page): the ids are running sums, computed in C.
        (pk,) = _varints(raw[:first])
        yield from accumulate(raw[first:], initial=pk)
        return
    yield from _varints(raw)


def _varints(raw: bytes) -> Iterator[int]:
    """The running sums of the varint gaps in `raw`."""
    pk = gap = shift = 0
    for byte in raw:
        gap |= (byte & 0x7F) << shift
        if byte & 0x80:
            shift += 7
            continue
        pk += gap
        yield pk
        gap = shift = 0


class Bitmap:
    """A set of row ids as bits from the lowest one."""

    def __init__(self, base: int = 0, bits: bytearray | None = None) -> None:
        self.base = base
        self.bits = bits if bits is not None else bytearray()

    @classmethod
    def of(cls, pks: Callable[[], Iterable[int]]) -> Bitmap:
        """The bitmap of the ids `pks()` yields; called twice (the range, then the bits),
        so a scan's ids are streamed, never held in a list."""
        low = high = None
        for pk in pks():
            low = pk if low is None or pk < low else low
            high = pk if high is None or pk > high else high
        if low is None or high is None:
            return cls()
        bits = bytearray((high - low) // 8 + 1)
        for pk in pks():
            offset = pk - low
            bits[offset >> 3] |= 1 << (offset & 7)
        return cls(low, bits)

    @classmethod
    def load(cls, data: bytes) -> Bitmap:
        if not data:
            return cls()
        raw = zlib.decompress(data)
        return cls(int.from_bytes(raw[:HEADER], "big"), bytearray(raw[HEADER:]))

    def dump(self) -> bytes:
        return zlib.compress(self.base.to_bytes(HEADER, "big") + bytes(self.bits))

    def __contains__(self, pk: int) -> bool:
        offset = pk - self.base
        if offset < 0 or offset >> 3 >= len(self.bits):
            return False
        return bool(self.bits[offset >> 3] & (1 << (offset & 7)))

    def count_absent(self, pks: Iterable[int]) -> int:
        """How many of `pks` are not in the set (the test of `in`, inlined: it runs once
        per row of an account when a scan ends)."""
        base, bits, size = self.base, self.bits, len(self.bits) << 3
        absent = 0
        for pk in pks:
            offset = pk - base
            if not (0 <= offset < size and bits[offset >> 3] >> (offset & 7) & 1):
                absent += 1
        return absent

    def __len__(self) -> int:
        return sum(byte.bit_count() for byte in self.bits)


def record_page(scan_id: int, pks: list[int]) -> None:
    """Keep what one page listed (call in the page's transaction)."""
    if pks:
        ScanPage.objects.create(scan_id=scan_id, listed=pack(pks))


def finish(scan: Scan, *, now: datetime, complete: bool) -> int | None:
    """Fold the scan's pages into its bitmap; return the rows it missed (None: not complete).

    Missed: rows the mirror held before the scan began that a complete scan did not list.
    """
    pages = ScanPage.objects.filter(scan=scan).values_list("listed", flat=True)
    listed = Bitmap.of(lambda: (pk for page in pages.iterator() for pk in unpack(bytes(page))))
    missing = None
    if complete:
        before = Verification.objects.filter(
            account_id=scan.account_id, first_seen_at__lt=scan.started_at
        )
        missing = listed.count_absent(before.values_list("pk", flat=True).iterator(chunk_size=5000))
    scan.listed = listed.dump()
    scan.rows = len(listed)
    scan.finished_at = now
    scan.complete = complete
    scan.save(update_fields=["listed", "rows", "finished_at", "complete"])
    ScanPage.objects.filter(scan=scan).delete()
    scans = Scan.objects.filter(account_id=scan.account_id)
    finished = scans.filter(finished_at__isnull=False).order_by("-finished_at", "-id")
    # The newest complete scan stays however many partial ones came after it: it is
    # what says when a row outside the newest pages was last listed.
    newest_complete = finished.filter(complete=True).values_list("pk", flat=True)[:1]
    old = set(finished.values_list("pk", flat=True)[KEEP_SCANS:]) - set(newest_complete)
    # Unfinished scans other than this one were abandoned (the checkpoint was reset).
    abandoned = list(scans.filter(finished_at=None).values_list("pk", flat=True))
    Scan.objects.filter(pk__in=[*old, *abandoned]).delete()
    return missing


def last_listed(verification: Verification) -> datetime | None:
    """When the provider last listed the row: the newest kept scan that listed it, or the
    last time a sync wrote it, whichever is later."""
    scans = Scan.objects.filter(account_id=verification.account_id, finished_at__isnull=False)
    for finished_at, listed in scans.order_by("-finished_at").values_list("finished_at", "listed"):
        if verification.pk in Bitmap.load(bytes(listed)):
            return max(finished_at, verification.last_seen_at)
    return verification.last_seen_at
