# ruff: noqa: S608 -- every name and expression here is a constant of this module, never input
"""The triggers that keep the figures equal to a count of the mirror, and a rebuild.

Why triggers, not Python in the write path: the mirror is written by the sync's
INSERT ... ON CONFLICT, by the backfill's and the live reads' UPDATEs, by deletions
and by work still to come (erasure, retention). A trigger sees every one of them, in
the writer's own transaction, so a figure can never disagree with the rows it counts,
and nothing else has to remember to keep it.

Each trigger moves one record's contribution: on insert it adds the record to its
day's figure (an upsert); on a delete it takes it away (a plain UPDATE, so emptying
the tables in any order never leaves a negative count behind); on an update it does
both, and only when something counted changed (account, provider, outcome, the
provider's creation day, the reason codes). A re-scan that changes nothing writes
no row of the mirror and so touches no figure.

Counts that fall to zero stay as rows with 0 (harmless; `rebuild()` drops them).

SQLite: a table rebuild (an AlterField on the verification table) drops its
triggers; a later migration that rebuilds it must run `install()` again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

TABLE = "verifications_verification"
DAILY = "figures_dailyfigure"
REASONS = "figures_reasonfigure"
CODES = "figures_verificationreason"
CHANGES = "figures_figureschange"
UNKNOWN = "0001-01-01"
NAMES = ("figures_ins", "figures_upd", "figures_upd_reasons", "figures_del")

# ---------------------------------------------------------------- SQLite

_SQLITE_DAY = "COALESCE(date({row}.provider_created_at), '" + UNKNOWN + "')"


def _sqlite_day(row: str) -> str:
    return _SQLITE_DAY.format(row=row)


def _sqlite_codes(row: str) -> str:
    """The distinct text codes of a row's reason_codes, when it is a JSON array."""
    return (
        f"SELECT DISTINCT value AS code FROM json_each({row}.reason_codes) "
        f"WHERE type = 'text' AND json_type({row}.reason_codes) = 'array'"
    )


def _sqlite_add_daily(row: str) -> str:
    return (
        f"INSERT INTO {DAILY} (day, account_id, provider, outcome, records) "
        f"VALUES ({_sqlite_day(row)}, {row}.account_id, {row}.provider, {row}.outcome, 1) "
        "ON CONFLICT (day, account_id, outcome) DO UPDATE SET records = records + 1;"
    )


def _sqlite_remove_daily(row: str) -> str:
    return (
        f"UPDATE {DAILY} SET records = records - 1 WHERE day = {_sqlite_day(row)} "
        f"AND account_id = {row}.account_id AND outcome = {row}.outcome;"
    )


def _sqlite_add_reasons(row: str) -> str:
    return (
        f"INSERT INTO {CODES} (verification_id, code) "
        f"SELECT {row}.id, code FROM ({_sqlite_codes(row)}) WHERE true; "
        f"INSERT INTO {REASONS} (day, account_id, provider, code, records) "
        f"SELECT {_sqlite_day(row)}, {row}.account_id, {row}.provider, code, 1 "
        f"FROM ({_sqlite_codes(row)}) WHERE true "
        "ON CONFLICT (day, account_id, code) DO UPDATE SET records = records + 1;"
    )


def _sqlite_remove_reasons(row: str) -> str:
    return (
        f"UPDATE {REASONS} SET records = records - 1 WHERE day = {_sqlite_day(row)} "
        f"AND account_id = {row}.account_id "
        f"AND code IN (SELECT code FROM {CODES} WHERE verification_id = {row}.id); "
        f"DELETE FROM {CODES} WHERE verification_id = {row}.id;"
    )


# The figures' version (models.FiguresChange): one row, counted up; SQLite has one writer
# at a time, so the row never makes a writer wait.
_SQLITE_BUMP = (
    f"INSERT INTO {CHANGES} (id, changes) VALUES (1, 1) "
    "ON CONFLICT (id) DO UPDATE SET changes = changes + 1;"
)

_COUNTED = (
    "OLD.account_id IS NOT NEW.account_id OR OLD.provider IS NOT NEW.provider "
    "OR date(OLD.provider_created_at) IS NOT date(NEW.provider_created_at)"
)

SQLITE_INSTALL = [
    f"CREATE TRIGGER figures_ins AFTER INSERT ON {TABLE} BEGIN "
    f"{_sqlite_add_daily('NEW')} {_sqlite_add_reasons('NEW')} {_SQLITE_BUMP} END",
    f"CREATE TRIGGER figures_upd AFTER UPDATE ON {TABLE} WHEN {_COUNTED} "
    "OR OLD.outcome IS NOT NEW.outcome BEGIN "
    f"{_sqlite_remove_daily('OLD')} {_sqlite_add_daily('NEW')} {_SQLITE_BUMP} END",
    f"CREATE TRIGGER figures_upd_reasons AFTER UPDATE ON {TABLE} WHEN {_COUNTED} "
    "OR OLD.reason_codes IS NOT NEW.reason_codes BEGIN "
    f"{_sqlite_remove_reasons('OLD')} {_sqlite_add_reasons('NEW')} {_SQLITE_BUMP} END",
    f"CREATE TRIGGER figures_del AFTER DELETE ON {TABLE} BEGIN "
    f"{_sqlite_remove_daily('OLD')} {_sqlite_remove_reasons('OLD')} {_SQLITE_BUMP} END",
]

# ---------------------------------------------------------------- PostgreSQL


def _pg_day(row: str) -> str:
    return f"COALESCE(({row}.provider_created_at AT TIME ZONE 'UTC')::date, DATE '{UNKNOWN}')"


def _pg_codes(row: str) -> str:
    return (
        "SELECT DISTINCT element #>> '{}' AS code FROM jsonb_array_elements("
        f"CASE WHEN jsonb_typeof({row}.reason_codes) = 'array' THEN {row}.reason_codes "
        "ELSE '[]'::jsonb END) AS element WHERE jsonb_typeof(element) = 'string'"
    )


PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION figures_keep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  counted boolean := TG_OP <> 'UPDATE' OR OLD.account_id <> NEW.account_id
    OR OLD.provider <> NEW.provider OR {_pg_day("OLD")} <> {_pg_day("NEW")};
BEGIN
  -- The figures' version (models.FiguresChange): a row once per writing statement (a
  -- page of a sync is one), never a shared row that would make writers wait on each
  -- other. The setting lasts until the transaction ends.
  IF current_setting('idvdash.figures_changed', true)
      IS DISTINCT FROM statement_timestamp()::text THEN
    INSERT INTO {CHANGES} (changes) VALUES (1);
    PERFORM set_config('idvdash.figures_changed', statement_timestamp()::text, true);
  END IF;
  IF TG_OP <> 'INSERT' AND (counted OR OLD.outcome <> NEW.outcome) THEN
    UPDATE {DAILY} SET records = records - 1 WHERE day = {_pg_day("OLD")}
      AND account_id = OLD.account_id AND outcome = OLD.outcome;
  END IF;
  IF TG_OP <> 'INSERT' AND (counted OR OLD.reason_codes IS DISTINCT FROM NEW.reason_codes) THEN
    UPDATE {REASONS} SET records = records - 1 WHERE day = {_pg_day("OLD")}
      AND account_id = OLD.account_id
      AND code IN (SELECT code FROM {CODES} WHERE verification_id = OLD.id);
    DELETE FROM {CODES} WHERE verification_id = OLD.id;
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN NULL;
  END IF;
  IF counted OR OLD.outcome <> NEW.outcome THEN
    INSERT INTO {DAILY} (day, account_id, provider, outcome, records)
      VALUES ({_pg_day("NEW")}, NEW.account_id, NEW.provider, NEW.outcome, 1)
      ON CONFLICT (day, account_id, outcome) DO UPDATE SET records = {DAILY}.records + 1;
  END IF;
  IF counted OR OLD.reason_codes IS DISTINCT FROM NEW.reason_codes THEN
    INSERT INTO {CODES} (verification_id, code) SELECT NEW.id, code FROM ({_pg_codes("NEW")}) c;
    INSERT INTO {REASONS} (day, account_id, provider, code, records)
      SELECT {_pg_day("NEW")}, NEW.account_id, NEW.provider, code, 1 FROM ({_pg_codes("NEW")}) c
      ON CONFLICT (day, account_id, code) DO UPDATE SET records = {REASONS}.records + 1;
  END IF;
  RETURN NULL;
END;
$$
"""

PG_INSTALL = [
    PG_FUNCTION,
    f"CREATE TRIGGER figures_ins AFTER INSERT ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION figures_keep()",
    # Only updates that change something counted call the function at all.
    f"CREATE TRIGGER figures_upd AFTER UPDATE ON {TABLE} FOR EACH ROW WHEN ("
    "OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.provider IS DISTINCT FROM "
    "NEW.provider OR OLD.outcome IS DISTINCT FROM NEW.outcome "
    "OR OLD.provider_created_at IS DISTINCT FROM NEW.provider_created_at "
    "OR OLD.reason_codes IS DISTINCT FROM NEW.reason_codes) EXECUTE FUNCTION figures_keep()",
    f"CREATE TRIGGER figures_del AFTER DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION figures_keep()",
]
PG_REMOVE = [
    f"DROP TRIGGER IF EXISTS figures_ins ON {TABLE}",
    f"DROP TRIGGER IF EXISTS figures_upd ON {TABLE}",
    f"DROP TRIGGER IF EXISTS figures_del ON {TABLE}",
    "DROP FUNCTION IF EXISTS figures_keep()",
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in NAMES]

# ---------------------------------------------------------------- rebuild


def _rebuild_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        day, codes = _pg_day("v"), _pg_codes("v")
        lateral = f"CROSS JOIN LATERAL ({codes}) c"
    else:
        day = _sqlite_day("v")
        # SQLite's table-valued json_each takes the outer row directly.
        lateral = (
            "JOIN json_each(v.reason_codes) c ON c.type = 'text' "
            "AND json_type(v.reason_codes) = 'array'"
        )
    code = "c.code" if vendor == "postgresql" else "c.value"
    bump = (
        f"INSERT INTO {CHANGES} (changes) VALUES (1)"
        if vendor == "postgresql"
        else _SQLITE_BUMP.rstrip(";")
    )
    return [
        f"DELETE FROM {DAILY}",
        f"DELETE FROM {REASONS}",
        f"DELETE FROM {CODES}",
        f"INSERT INTO {DAILY} (day, account_id, provider, outcome, records) "
        f"SELECT {day}, v.account_id, v.provider, v.outcome, COUNT(*) "
        f"FROM {TABLE} v GROUP BY 1, 2, 3, 4",
        f"INSERT INTO {CODES} (verification_id, code) "
        f"SELECT DISTINCT v.id, {code} FROM {TABLE} v {lateral}",
        f"INSERT INTO {REASONS} (day, account_id, provider, code, records) "
        f"SELECT {day}, v.account_id, v.provider, r.code, COUNT(*) FROM {CODES} r "
        f"JOIN {TABLE} v ON v.id = r.verification_id GROUP BY 1, 2, 3, 4",
        bump,
    ]


def install(schema_editor=None) -> None:
    """Create the triggers (replacing any) and count the mirror as it is now."""
    run = schema_editor.execute if schema_editor is not None else _execute
    vendor = (schema_editor.connection if schema_editor is not None else connection).vendor
    for statement in PG_REMOVE if vendor == "postgresql" else SQLITE_REMOVE:
        run(statement)
    for statement in PG_INSTALL if vendor == "postgresql" else SQLITE_INSTALL:
        run(statement)
    for statement in _rebuild_sql(vendor):
        run(statement)


def remove(schema_editor=None) -> None:
    run = schema_editor.execute if schema_editor is not None else _execute
    vendor = (schema_editor.connection if schema_editor is not None else connection).vendor
    for statement in PG_REMOVE if vendor == "postgresql" else SQLITE_REMOVE:
        run(statement)


@contextmanager
def suspended() -> Iterator[None]:
    """Run a bulk load without the triggers (a benchmark's seeding), then count afresh.

    Nothing else may write the mirror meanwhile: its writes would not be counted until
    the rebuild at the end, which recounts everything anyway.
    """
    remove()
    try:
        yield
    finally:
        install()


def rebuild() -> None:
    """Count the mirror afresh (after a bulk load that bypassed the triggers)."""
    for statement in _rebuild_sql(connection.vendor):
        _execute(statement)


def _execute(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)
