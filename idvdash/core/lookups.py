"""Rows looked up by a page of provider values within one account, in fixed SQL.

The sync looks up a page's stored rows by external id, and the people code a page's
subjects by ref, always within one account. Asked for both at once, PostgreSQL weighs
a probe per value of the unique (account, value) index against one walk of an index
that starts with the account, and while a new account's first import runs beside an
analysed one its statistics call that account nearly empty: every page then walked
every row imported so far (100,000 Equals rows: 75 ms a page and rising). Found by
their values first (a MATERIALIZED WITH is planned on its own) and only then kept if
they are the account's, the rows cost a probe per value whatever the statistics say
of the account. SQLite plans without such statistics; there the WITH is inlined.
"""

import json

from django.db import connection


def found_by(*, table: str, columns: list[str], column: str, values: list[str]) -> tuple[str, list]:
    """A WITH clause naming `found` (the rows of `table` whose `column` is one of
    `values`, with `columns`, all quoted already) and its parameters. The caller selects
    from `found` and keeps one account's rows (`columns` must hold the account's)."""
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        # One parameter rather than one per value: PostgreSQL plans the lookup in a
        # fraction of the time a hundred-value IN list takes. A JSON text rather than an
        # array: psycopg quotes an array element by element in Python, which cost a
        # sync twice the CPU of the whole query (it competes with reading the next page).
        matching = "= ANY(ARRAY(SELECT json_array_elements_text(%s::json)))"
        return (
            f"WITH found AS MATERIALIZED (SELECT {names} FROM {table} WHERE {column} {matching})",  # noqa: S608 (names from the models)
            [json.dumps(values)],
        )
    placeholders = ", ".join(["%s"] * len(values))
    return (
        f"WITH found AS NOT MATERIALIZED (SELECT {names} FROM {table} "  # noqa: S608 (names from the models)
        f"WHERE {column} IN ({placeholders}))",
        list(values),
    )
