"""Page windows, including the two faults that reshape a page."""

from .faults import Fault


def window(start: int, stop: int, fault: Fault | None) -> list[int]:
    """Return the positions to render for the page [start, stop), faults applied.

    `truncated_page` drops the second half of the rows; `duplicate_ids` repeats the row
    before the page at its top (a first page repeats its own first row at the end).
    """
    positions = list(range(start, stop))
    if fault is None or not positions:
        return positions
    if fault.fault == "truncated_page":
        return positions[: len(positions) // 2]
    if fault.fault == "duplicate_ids":
        return [start - 1, *positions] if start > 0 else [*positions, start]
    return positions
