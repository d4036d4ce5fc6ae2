"""The list's case work: queue choices, navigation counts, Next case, bulk actions, saved views."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from idvdash.reviews import bulk, saved_views
from idvdash.reviews.models import Activity, Review, SavedView, ServiceLevel, Tag
from idvdash.reviews.views import queues as views
from idvdash.verifications.forms import SENIORS_ONLY_QUEUE
from idvdash.verifications.models import AccessEvent, Outcome
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("verifications:list")
COUNTS = reverse("reviews:queue_counts")
NEXT = reverse("reviews:next_case")
BULK = reverse("reviews:bulk")
SAVE = reverse("reviews:saved_view_create")


def suspected(hours_ago: float = 1, **fields):
    changed = timezone.now() - timedelta(hours=hours_ago)
    return VerificationFactory(outcome=Outcome.SUSPECTED, changed_at=changed, **fields)


@pytest.fixture
def senior_client(client, senior):
    client.force_login(senior)
    return client


@pytest.fixture
def other_client(client, other_user):
    client.force_login(other_user)
    return client


# -- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", COUNTS),
        ("post", NEXT),
        ("post", BULK),
        ("post", SAVE),
        ("post", reverse("reviews:saved_view_delete", args=[1])),
        ("post", reverse("reviews:saved_view_share", args=[1])),
    ],
)
def test_every_queue_view_refuses_people_who_do_not_work_cases(other_client, method, url):
    response = getattr(other_client, method)(url)

    assert response.status_code == 403


def test_the_actions_refuse_get(reviewer_client):
    assert reviewer_client.get(NEXT).status_code == 405
    assert reviewer_client.get(BULK).status_code == 405


# -- queue choices and navigation -----------------------------------------------------------


def test_a_plain_reviewer_choosing_the_approval_queue_gets_a_field_error_not_the_queue(
    reviewer_client, senior
):
    awaiting = suspected()
    Review.objects.create(
        verification=awaiting, state=Review.State.AWAITING_APPROVAL, proposed_by=senior
    )

    response = reviewer_client.get(LIST, {"queue": "approval"})

    assert response.status_code == 200
    assert response.context["form"].errors["queue"] == [SENIORS_ONLY_QUEUE]
    assert response.context["filters"].queue == ""
    assert SENIORS_ONLY_QUEUE in response.content.decode()


def test_a_plain_reviewer_cannot_filter_by_someone_elses_assignee(reviewer_client, senior):
    response = reviewer_client.get(LIST, {"assignee": str(senior.pk)})

    assert "assignee" in response.context["form"].errors
    assert response.context["filters"].assignee_id is None


def test_a_senior_filters_by_any_reviewers_cases(senior_client, reviewer):
    theirs = suspected()
    Review.objects.create(verification=theirs, state=Review.State.IN_PROGRESS, assignee=reviewer)
    suspected()

    response = senior_client.get(LIST, {"assignee": str(reviewer.pk)})

    assert [row.pk for row in response.context["page"].rows] == [theirs.pk]


def test_the_navigation_loads_queue_counts_lazily(reviewer_client):
    html = reviewer_client.get(LIST).content.decode()

    assert f'hx-get="{COUNTS}"' in html
    assert 'hx-trigger="load, every 60s"' in html


def test_the_navigation_counts_show_approval_to_seniors_only(reviewer, senior):
    suspected()
    clients = {user: Client() for user in (reviewer, senior)}
    for user, client in clients.items():
        client.force_login(user)

    mine = clients[reviewer].get(COUNTS).content.decode()
    theirs = clients[senior].get(COUNTS).content.decode()

    assert 'Unassigned <span class="queue-count">1</span>' in mine
    assert "Waiting for my approval" not in mine
    assert "Waiting for my approval" in theirs


def test_the_navigation_counts_cost_one_query_per_queue(
    senior_client, django_assert_num_queries, monkeypatch
):
    from idvdash.reviews import queues

    monkeypatch.setattr(queues, "NAV_COUNT_CAP", 2)
    for _ in range(5):
        suspected()
    senior_client.get(COUNTS)

    # session, user, permissions, service levels, four capped counts
    with django_assert_num_queries(8):
        response = senior_client.get(COUNTS)

    assert 'Unassigned <span class="queue-count">2+</span>' in response.content.decode()


# -- list rows ------------------------------------------------------------------------------


def test_a_breached_row_is_marked_in_words_and_with_a_class(reviewer_client, reviewer):
    late = suspected(hours_ago=30)
    Review.objects.create(verification=late, state=Review.State.IN_PROGRESS, assignee=reviewer)

    html = reviewer_client.get(LIST, {"sla": "breached"}).content.decode()

    assert 'class="sla-breached"' in html
    assert "SLA breached" in html
    assert "In progress" in html


def test_list_queries_stay_constant_with_reviews_tags_and_assignees(
    reviewer_client, make_user, django_assert_num_queries, django_assert_max_num_queries
):
    tags = [Tag.objects.create(name=f"t{n}") for n in range(3)]
    people = [make_user(f"r{n}", reviewer=True) for n in range(3)]

    def add(n: int) -> None:
        for i, verification in enumerate(VerificationFactory.create_batch(n)):
            review = Review.objects.create(
                verification=verification, state=Review.State.IN_PROGRESS, assignee=people[i % 3]
            )
            review.tags.add(*tags[: i % 3 + 1])

    add(10)
    reviewer_client.get(LIST)
    with django_assert_max_num_queries(20) as ten:
        reviewer_client.get(LIST)
    add(50)

    with django_assert_num_queries(len(ten.captured_queries) + 1):  # + the capped count
        response = reviewer_client.get(LIST)

    assert len(response.context["page"].rows) == 50
    assert all(row.case.tags for row in response.context["page"].rows)


# -- Next case ------------------------------------------------------------------------------


def test_next_case_takes_the_oldest_unassigned_case_of_the_filters(reviewer_client, reviewer):
    ServiceLevel.objects.update_or_create(outcome=Outcome.DECLINED, defaults={"hours": 48})
    oldest_declined = VerificationFactory(
        outcome=Outcome.DECLINED, changed_at=timezone.now() - timedelta(hours=9)
    )
    older_suspected = suspected(hours_ago=20)  # filtered out by outcome
    VerificationFactory(outcome=Outcome.DECLINED, changed_at=timezone.now() - timedelta(hours=2))

    response = reviewer_client.post(NEXT, {"outcome": "declined", "queue": "escalated"})

    assert response.status_code == 302
    assert response["Location"] == reverse("verifications:detail", args=[oldest_declined.pk])
    review = Review.objects.get(pk=oldest_declined.pk)
    assert (review.state, review.assignee) == (Review.State.IN_PROGRESS, reviewer)
    assert not Review.objects.filter(pk=older_suspected.pk).exists()


def test_next_case_answers_htmx_with_hx_redirect(reviewer_client):
    case = suspected()

    response = reviewer_client.post(NEXT, {}, headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == reverse("verifications:detail", args=[case.pk])


def test_next_case_with_nothing_left_says_so_and_keeps_the_filters(reviewer_client, senior):
    taken = suspected()
    Review.objects.create(verification=taken, state=Review.State.IN_PROGRESS, assignee=senior)

    response = reviewer_client.post(NEXT, {"provider": "idenfy", "cursor": "x"}, follow=True)

    assert response.redirect_chain[-1][0] == f"{LIST}?provider=idenfy"
    assert views.NOTHING_LEFT in response.content.decode()
    assert Review.objects.get(pk=taken.pk).assignee == senior


def test_the_list_offers_next_case_with_its_filters(reviewer_client):
    suspected()

    html = reviewer_client.get(LIST, {"provider": "idenfy"}).content.decode()

    assert ">Next case</button>" in html
    assert '<input type="hidden" name="provider" value="idenfy">' in html


# -- bulk -----------------------------------------------------------------------------------


def test_bulk_assign_asks_with_the_exact_count_and_changes_nothing_before_confirm(
    reviewer_client,
):
    cases = [suspected() for _ in range(3)]

    response = reviewer_client.post(
        BULK, {"action": "assign", "assign_to": "me", "ids": [c.pk for c in cases[:2]]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Assign 2 cases to rita?" in html
    assert ">Confirm</button>" in html
    assert not Review.objects.exists()


def test_confirmed_bulk_assign_assigns_and_reports_what_it_skipped(reviewer_client, reviewer):
    free = [suspected() for _ in range(2)]
    closed = suspected()
    Review.objects.create(verification=closed, state=Review.State.CLOSED)
    ids = [c.pk for c in [*free, closed]]

    response = reviewer_client.post(
        BULK, {"action": "assign", "assign_to": "me", "ids": ids, "confirm": "1"}
    )

    html = response.content.decode()
    assert "Assigned 2 cases to rita." in html
    assert "Skipped" in html
    assert set(Review.objects.filter(assignee=reviewer).values_list("pk", flat=True)) == {
        c.pk for c in free
    }
    assert AccessEvent.objects.filter(user=reviewer).count() == 2


def test_every_row_of_the_filter_is_counted_and_confirmed_as_those_ids(reviewer_client):
    idenfy = [suspected() for _ in range(2)]
    other = VerificationFactory(outcome=Outcome.APPROVED)

    response = reviewer_client.post(
        BULK, {"action": "assign", "assign_to": "me", "every": "1", "outcome": "suspected"}
    )

    plan = response.context["plan"]
    assert plan.ids == sorted(c.pk for c in idenfy)
    assert "Assign 2 cases to rita?" in response.content.decode()
    for pk in plan.ids:
        assert f'<input type="hidden" name="ids" value="{pk}">' in response.content.decode()
    assert other.pk not in plan.ids


def test_more_than_the_cap_is_refused_with_narrow_the_filter(reviewer_client, monkeypatch):
    monkeypatch.setattr(bulk, "BULK_CAP", 2)
    for _ in range(3):
        suspected()

    response = reviewer_client.post(
        BULK, {"action": "tag", "apply_tag": "", "every": "1", "assign_to": "me"}
    )
    assert response.status_code == 400  # no tag chosen
    tag = Tag.objects.create(name="vip")
    response = reviewer_client.post(
        BULK, {"action": "tag", "apply_tag": tag.pk, "every": "1", "confirm": "1"}
    )

    assert response.status_code == 400
    assert "narrow the filter" in response.content.decode()
    assert not Review.objects.exists()


def test_every_row_with_invalid_filters_is_refused_not_widened(reviewer_client):
    suspected()

    response = reviewer_client.post(
        BULK, {"action": "assign", "assign_to": "me", "every": "1", "outcome": "nonsense"}
    )

    assert response.status_code == 400
    assert "outcome" in response.context["plan"].refusal


def test_a_plain_reviewer_cannot_bulk_assign_to_someone_else(reviewer_client, senior):
    case = suspected()

    response = reviewer_client.post(
        BULK, {"action": "assign", "assign_to": str(senior.pk), "ids": [case.pk], "confirm": "1"}
    )

    assert response.status_code == 400
    assert "assign_to" in response.context["form"].errors
    assert not Review.objects.exists()


def test_a_senior_bulk_assigns_to_a_reviewer(senior_client, reviewer):
    case = suspected()

    response = senior_client.post(
        BULK,
        {"action": "assign", "assign_to": str(reviewer.pk), "ids": [case.pk], "confirm": "1"},
    )

    assert "Assigned 1 case to rita." in response.content.decode()
    assert Review.objects.get(pk=case.pk).assignee == reviewer


def test_bulk_tag_tags_and_counts_the_ones_that_had_it(reviewer_client):
    tag = Tag.objects.create(name="vip")
    cases = [suspected() for _ in range(3)]
    reviewer_client.post(
        BULK, {"action": "tag", "apply_tag": tag.pk, "ids": [cases[0].pk], "confirm": "1"}
    )

    response = reviewer_client.post(
        BULK, {"action": "tag", "apply_tag": tag.pk, "ids": [c.pk for c in cases], "confirm": "1"}
    )

    html = response.content.decode()
    assert "Tagged 2 cases “vip”." in html
    assert "1 — already had the tag" in html
    assert Activity.objects.filter(kind=Activity.Kind.TAGGED).count() == 3


def test_nothing_ticked_is_a_message_not_an_error_page(reviewer_client):
    response = reviewer_client.post(BULK, {"action": "assign", "assign_to": "me"})

    assert response.status_code == 400
    assert bulk.NOTHING_CHOSEN in response.content.decode()


# -- saved views ----------------------------------------------------------------------------


def test_a_saved_view_stores_the_filters_without_the_page(reviewer_client, reviewer):
    query = "provider=idenfy&outcome=declined&outcome=suspected&cursor=abc&junk=1&q="

    response = reviewer_client.post(SAVE, {"name": "My declines", "query": query})

    view = SavedView.objects.get(owner=reviewer)
    assert view.name == "My declines"
    assert view.query == "provider=idenfy&outcome=declined&outcome=suspected"
    assert response["Location"] == f"{LIST}?{view.query}"


def test_a_saved_view_with_invalid_filters_is_refused(reviewer_client):
    response = reviewer_client.post(SAVE, {"name": "x", "query": "outcome=nonsense"}, follow=True)

    assert not SavedView.objects.exists()
    assert "Some filters are not valid (outcome)" in response.content.decode()


def test_the_list_shows_own_and_shared_views_but_not_others_private_ones(
    reviewer_client, reviewer, senior
):
    SavedView.objects.create(owner=reviewer, name="Mine", query="queue=mine")
    SavedView.objects.create(owner=senior, name="Team", query="sla=breached", shared=True)
    SavedView.objects.create(owner=senior, name="Private of sam", query="")

    html = reviewer_client.get(LIST).content.decode()

    assert f'href="{LIST}?queue=mine">Mine</a>' in html
    assert f'href="{LIST}?sla=breached">Team</a>' in html
    assert "Private of sam" not in html


def test_a_reviewer_deletes_their_own_view_only(reviewer_client, reviewer, senior):
    own = SavedView.objects.create(owner=reviewer, name="Mine")
    shared = SavedView.objects.create(owner=senior, name="Team", shared=True)

    reviewer_client.post(reverse("reviews:saved_view_delete", args=[own.pk]))
    response = reviewer_client.post(
        reverse("reviews:saved_view_delete", args=[shared.pk]), follow=True
    )

    assert list(SavedView.objects.all()) == [shared]
    assert saved_views.NOT_YOURS in response.content.decode()


def test_only_staff_share_a_view(reviewer_client, client, admin_user, reviewer):
    view = SavedView.objects.create(owner=reviewer, name="Mine")
    url = reverse("reviews:saved_view_share", args=[view.pk])

    assert reviewer_client.post(url, {"shared": "1"}).status_code == 403
    client.force_login(admin_user)
    client.post(url, {"shared": "1"})

    view.refresh_from_db()
    assert view.shared


def test_the_admin_shows_the_timeline_read_only(admin_client_):
    verification = suspected()
    Activity.objects.create(
        verification=verification, kind=Activity.Kind.NOTE, text="hi", at=timezone.now()
    )

    assert admin_client_.get(reverse("admin:reviews_activity_changelist")).status_code == 200
    assert admin_client_.get(reverse("admin:reviews_activity_add")).status_code == 403
    for name in ("tag", "servicelevel", "decisioncategory", "savedview"):
        assert admin_client_.get(reverse(f"admin:reviews_{name}_changelist")).status_code == 200


def test_an_unknown_queue_is_a_field_error_and_the_list_still_answers(reviewer_client):
    suspected()

    response = reviewer_client.get(LIST, {"queue": "everything", "sla": "late"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"queue", "sla"}
    assert len(response.context["page"].rows) == 1


def test_the_export_follows_the_queue_of_whoever_exports(reviewer_client, reviewer, senior):
    mine = suspected()
    Review.objects.create(verification=mine, state=Review.State.IN_PROGRESS, assignee=reviewer)
    theirs = suspected()
    Review.objects.create(verification=theirs, state=Review.State.IN_PROGRESS, assignee=senior)

    response = reviewer_client.get(reverse("verifications:export"), {"queue": "mine"})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(",in_progress,rita,,")


def test_the_htmx_results_carry_the_current_filters_to_save_and_next_case(reviewer_client):
    suspected()

    html = reviewer_client.get(
        LIST, {"provider": "idenfy", "sla": "breached"}, headers={"HX-Request": "true"}
    ).content.decode()

    assert html.lstrip().startswith('<div id="results"')
    assert 'name="query" value="?provider=idenfy&amp;sla=breached"' in html
    assert '<input type="hidden" name="sla" value="breached">' in html


def test_filters_too_long_to_save_are_refused_with_a_message_and_nothing_stored(reviewer):
    from idvdash.reviews import saved_views
    from idvdash.reviews.models import SavedView
    from idvdash.reviews.services import Refused

    query = "q=" + "x" * 250 + "&" + "&".join(f"outcome={o}" for o in ["approved"] * 200)

    with pytest.raises(Refused, match="too long to save"):
        saved_views.save(user=reviewer, name="huge", query=query)

    assert not SavedView.objects.exists()
