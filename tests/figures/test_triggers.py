"""The figures stay equal to a direct count of the mirror, whatever writes it.

Random rounds through the mirror's real writers (the sync's write_rows, the backfill's
learn_times, a live read's store_detail_snapshot), plain ORM updates and deletions,
compared after every round with a count made in Python from the rows themselves.
"""

import random
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from idvdash.figures import triggers
from idvdash.figures.models import DailyFigure, VerificationReason
from idvdash.verifications import sync
from idvdash.verifications.models import Outcome, Verification
from tests.figures.direct import assert_figures_equal_the_mirror
from tests.providers.factories import ProviderAccountFactory

pytestmark = pytest.mark.django_db

CODES = ["DOC_FAKE", "FACE_MISMATCH", "SanctionListHit", "PepHit", "AGE_BELOW", "é-code"]
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def a_row(rnd: random.Random, external_id: str) -> dict:
    created = rnd.choice(
        [None, None, NOW - timedelta(days=rnd.randint(0, 40), hours=rnd.randint(0, 23))]
    )
    # A day boundary in UTC: 23:59:59 and 00:00:00 must land on their own days.
    if rnd.random() < 0.1:
        created = datetime(2026, 11, 20, 23, 59, 59, 999_999, tzinfo=UTC)
    outcome = rnd.choice(list(Outcome))
    codes = rnd.sample(CODES, rnd.randint(0, 3))
    if codes and rnd.random() < 0.2:
        codes.append(codes[0])  # a code twice in one record counts once
    return {
        "external_id": external_id,
        "subject_ref": f"s-{rnd.randint(1, 30)}",
        "outcome": outcome,
        "decisive_outcome": "",
        "raw_status": outcome.upper(),
        "suspected": rnd.random() < 0.3,
        "reason_codes": codes,
        "levels": {},
        "process": "",
        "provider_created_at": created,
        "provider_updated_at": None,
        "raw": {"id": external_id},
        "fingerprint": f"{rnd.random()}",
    }


def one_round(rnd: random.Random, accounts, now: datetime) -> None:
    for account in accounts:
        ids = [f"{account.kind}-{rnd.randint(1, 60)}" for _ in range(rnd.randint(1, 25))]
        rows = {i: a_row(rnd, i) for i in ids}  # one row per id per statement
        sync.write_rows(account=account, rows=list(rows.values()), now=now)
    pks = list(Verification.objects.values_list("pk", flat=True))
    if not pks:
        return
    learned = {
        pk: {"provider_created_at": now - timedelta(days=rnd.randint(0, 9))}
        for pk in rnd.sample(pks, min(len(pks), 5))
    }
    sync.learn_times(learned=learned, now=now)
    row = Verification.objects.get(pk=rnd.choice(pks))
    sync.store_detail_snapshot(
        verification=row,
        detail={"created": (now - timedelta(days=2)).isoformat()},
        fetched_at=now,
    )
    Verification.objects.filter(pk=rnd.choice(pks)).update(
        outcome=Outcome.DELETED, reason_codes=["SanctionListHit"], suspected=True
    )
    Verification.objects.filter(pk=rnd.choice(pks)).update(provider_created_at=None)
    doomed = rnd.sample(pks, min(len(pks), rnd.randint(0, 4)))
    if doomed:
        Verification.objects.filter(pk__in=doomed[1:]).delete()
        Verification.objects.get(pk=doomed[0]).delete()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_equal_direct_counts_after_random_writes(seed):
    rnd = random.Random(seed)
    accounts = [
        ProviderAccountFactory(name=f"{kind}-{seed}", kind=kind)
        for kind in ("idenfy", "equals", "swan", "stora")
    ]
    for step in range(8):
        one_round(rnd, accounts, NOW + timedelta(hours=step))
        assert_figures_equal_the_mirror()


def test_a_rewrite_that_changes_nothing_counted_touches_no_figure():
    account = ProviderAccountFactory(kind="stora")
    row = a_row(random.Random(5), "same")
    sync.write_rows(account=account, rows=[row], now=NOW)
    figure = DailyFigure.objects.get(account=account)

    sync.write_rows(account=account, rows=[{**row, "raw": {"other": 1}}], now=NOW)

    assert DailyFigure.objects.get(pk=figure.pk).records == 1
    assert_figures_equal_the_mirror()


def test_rebuild_counts_rows_the_triggers_never_saw():
    account = ProviderAccountFactory(kind="equals")
    rnd = random.Random(9)
    sync.write_rows(account=account, rows=[a_row(rnd, f"r{i}") for i in range(30)], now=NOW)
    DailyFigure.objects.all().delete()
    VerificationReason.objects.all().delete()

    triggers.rebuild()

    assert_figures_equal_the_mirror()


def test_the_triggers_are_on_the_mirrors_table():
    """A later migration that rebuilds the table on SQLite drops its triggers; this says so."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
                [triggers.TABLE],
            )
            expected = {"figures_ins", "figures_upd", "figures_del"}
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
                [triggers.TABLE],
            )
            expected = set(triggers.NAMES)
        names = {name for (name,) in cursor.fetchall()}
    assert expected <= names
