"""The person page, the detail page's person panel, the list's person links and search,
and who may do what."""

import html as html_lib

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from idvdash.people import linking
from idvdash.people.models import LinkEvent, Person, PersonView, Subject
from idvdash.people.observe import observe
from idvdash.providers import vocabulary
from idvdash.providers.traits import Traits
from idvdash.reviews.models import Review
from idvdash.verifications.models import Outcome
from tests.people.helpers import record, write
from tests.providers.factories import ProviderAccountFactory
from tests.verifications.factories import VerificationFactory

pytestmark = pytest.mark.django_db

LIST = reverse("verifications:list")
KINDS = ["idenfy", "equals", "swan", "stora"]
JONAS = Traits(names=("Jonas Petraitis",), birth_dates=("1990-04-12",))


def text(response) -> str:
    return html_lib.unescape(response.content.decode())


def person_with(n: int, reviewer) -> Person:
    """A person with `n` subjects at alternating providers, each with two records, one
    of them with case work."""
    person = Person.objects.create()
    for i in range(n):
        account = ProviderAccountFactory(kind=KINDS[i % 4])
        Subject.objects.create(account=account, provider=account.kind, ref=f"s-{i}", person=person)
        VerificationFactory(account=account, subject_ref=f"s-{i}")
        worked = VerificationFactory(account=account, subject_ref=f"s-{i}", outcome="declined")
        Review.objects.create(verification=worked, state="in_progress", assignee=reviewer)
    return person


@pytest.fixture
def viewer(make_user):
    """May see records, may not work cases."""
    user = make_user("vera")
    user.user_permissions.add(Permission.objects.get(codename="view_verification"))
    return user


def test_the_person_page_needs_sign_in_and_the_reviewer_role(client, other_user, reviewer):
    person = person_with(1, reviewer)
    url = reverse("people:detail", args=[person.pk])

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    client.force_login(other_user)
    assert client.get(url).status_code == 403
    assert not PersonView.objects.exists()


def test_an_unknown_person_is_404(reviewer_client):
    assert reviewer_client.get(reverse("people:detail", args=[4242])).status_code == 404
    assert reviewer_client.get("/people/99999999999999999999999/").status_code == 404


def test_the_person_page_shows_every_record_with_its_case_and_is_audited(reviewer_client, reviewer):
    person = person_with(2, reviewer)
    idenfy_subject = Subject.objects.get(ref="s-0")
    coded = VerificationFactory(
        account=idenfy_subject.account, subject_ref="s-0", reason_codes=["DOC_EXPIRED"]
    )

    response = reviewer_client.get(reverse("people:detail", args=[person.pk]))

    page = text(response)
    assert response.status_code == 200
    entries = response.context["page"].entries
    assert len(entries) == 5
    changed = [e.verification.changed_at for e in entries]
    assert changed == sorted(changed, reverse=True)
    for entry in entries:
        assert reverse("verifications:detail", args=[entry.verification.pk]) in page
    assert "In progress" in page
    assert "· rita" in page
    assert "Open" in page
    assert "unassigned" in page
    meaning = vocabulary.explain("idenfy", "DOC_EXPIRED")
    assert meaning
    assert meaning in page
    view = PersonView.objects.get()
    assert view.user.username == "rita"
    assert view.person == person
    assert sorted(view.shown) == sorted(e.verification.pk for e in entries)
    assert coded.pk in view.shown
    assert "no-store" in response.headers["Cache-Control"]


def test_the_person_page_costs_the_same_queries_for_one_or_six_subjects(
    reviewer_client, reviewer, django_assert_num_queries
):
    one = person_with(1, reviewer)
    six = person_with(6, reviewer)
    for day, person in enumerate((one, six), start=10):  # each a suggestion and a history
        traits = Traits(names=("Jonas Petraitis",), birth_dates=(f"1990-04-{day}",))
        stranger = ProviderAccountFactory(kind="swan")
        write(stranger, record(f"swan-{person.pk}", f"u-{person.pk}", traits))
        first = Subject.objects.filter(person=person).first()
        observe(first.account, [(first.ref, traits)], timezone.now())
        LinkEvent.objects.create(
            person=person, subject=first, action="link", by=reviewer, reason="r"
        )
    reviewer_client.get(reverse("people:detail", args=[one.pk]))

    # session, user, permissions, person, subjects, records, suggestions (their keys,
    # the others'), history, and the audit row in its savepoint
    with django_assert_num_queries(12) as small:
        small_page = reviewer_client.get(reverse("people:detail", args=[one.pk]))
    with django_assert_num_queries(len(small.captured_queries)):
        large_page = reviewer_client.get(reverse("people:detail", args=[six.pk]))

    assert len(small_page.context["page"].entries) == 2
    assert len(large_page.context["page"].entries) == 12
    assert len(large_page.context["page"].suggestions) == 1
    assert "Strong: name and date of birth" in text(large_page)


def test_a_reviewer_links_a_suggestion_and_unlinks_it_again(reviewer_client, reviewer):
    person = person_with(1, reviewer)
    mine = Subject.objects.get(person=person)
    observe(mine.account, [(mine.ref, JONAS)], timezone.now())
    swan = ProviderAccountFactory(kind="swan")
    write(swan, record("swan-1", "user-1", JONAS))
    suggested = Subject.objects.get(ref="user-1")
    url = reverse("people:detail", args=[person.pk])
    assert suggested.pk in [
        s.subject.pk for s in reviewer_client.get(url).context["page"].suggestions
    ]

    response = reviewer_client.post(
        reverse("people:link", args=[person.pk]), {"subject": suggested.pk, "reason": "Same DOB."}
    )

    assert response.status_code == 302
    assert response["Location"] == url
    suggested.refresh_from_db()
    assert suggested.person == person
    assert suggested.linked_by == "reviewer"
    page = text(reviewer_client.get(url))
    assert "Linked by a reviewer" in page
    assert "by rita: Same DOB." in page

    response = reviewer_client.post(
        reverse("people:unlink", args=[person.pk]), {"subject": suggested.pk, "reason": "No."}
    )
    assert response.status_code == 302
    suggested.refresh_from_db()
    assert suggested.person is None
    assert not suggested.auto_link
    assert LinkEvent.objects.filter(subject=suggested).count() == 2


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"subject": "SUBJECT", "reason": ""}, 302),
        ({"subject": "SUBJECT", "reason": "   "}, 302),
        ({"subject": "abc", "reason": "x"}, 302),
        ({"subject": "99999999999999999999", "reason": "x"}, 302),
        ({"subject": "424242", "reason": "x"}, 404),
    ],
)
def test_bad_link_input_is_a_message_or_404_never_a_server_error(
    reviewer_client, reviewer, data, status
):
    person = person_with(1, reviewer)
    other = linking.subject_for(ProviderAccountFactory(kind="swan"), "user-9")
    data = {k: (str(other.pk) if v == "SUBJECT" else v) for k, v in data.items()}

    response = reviewer_client.post(reverse("people:link", args=[person.pk]), data, follow=False)

    assert response.status_code == status
    other.refresh_from_db()
    assert other.person is None
    if status == 302:
        follow = reviewer_client.get(response["Location"])
        messages = [str(m) for m in follow.context["messages"]]
        assert messages
        assert messages[0]


@pytest.mark.parametrize("missing", [4242, 99999999999999999999])
def test_linking_to_an_unknown_person_is_404(reviewer_client, missing):
    for name in ("link", "unlink"):
        url = reverse(f"people:{name}", args=[missing])
        assert reviewer_client.post(url, {"subject": 1, "reason": "x"}).status_code == 404
    url = reverse("people:from_verification", args=[missing])
    assert reviewer_client.post(url, {"reason": "x"}).status_code == 404
    v = VerificationFactory(subject_ref="client-1")
    response = reviewer_client.post(
        reverse("people:from_verification", args=[v.pk]), {"person": 4242, "reason": "x"}
    )
    assert response.status_code == 404
    assert not Subject.objects.filter(person__isnull=False).exists()


def test_who_may_link(client, viewer, other_user, reviewer):
    person = person_with(1, reviewer)
    other = linking.subject_for(ProviderAccountFactory(kind="swan"), "user-9")
    url = reverse("people:link", args=[person.pk])
    data = {"subject": other.pk, "reason": "x"}

    anonymous = client.post(url, data)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    for user in (other_user, viewer):
        client.force_login(user)
        assert client.post(url, data).status_code == 403
    # The viewer may read the person page but is offered no link form.
    client.force_login(viewer)
    page = text(client.get(reverse("people:detail", args=[person.pk])))
    assert reverse("people:unlink", args=[person.pk]) not in page
    other.refresh_from_db()
    assert other.person is None
    assert client.get(url).status_code == 405


def test_the_detail_page_suggests_and_starts_a_person(reviewer_client):
    idenfy = ProviderAccountFactory(kind="idenfy")
    swan = ProviderAccountFactory(kind="swan")
    (mine,) = write(idenfy, record("scan-1", "client-1", JONAS))
    write(
        swan,
        record("swan-1", "user-1", Traits(names=("PETRAITIS JONAS",), birth_dates=("1990-04-12",))),
    )
    write(swan, record("swan-2", "user-2", Traits(names=("Jonas Petraitis",))))  # name alone

    response = reviewer_client.get(reverse("verifications:detail", args=[mine.pk]))

    page = text(response)
    found = response.context["person_panel"].suggestions
    assert [s.subject.ref for s in found] == ["user-1"]
    assert "Strong: name and date of birth" in page
    assert "Start a person with both" in page

    other = Subject.objects.get(ref="user-1")
    response = reviewer_client.post(
        reverse("people:from_verification", args=[mine.pk]),
        {"with_subject": other.pk, "reason": "Same person, checked the passport."},
    )

    person = Subject.objects.get(ref="client-1").person
    assert person is not None
    assert other.__class__.objects.get(pk=other.pk).person == person
    assert response["Location"] == reverse("people:detail", args=[person.pk])


def test_a_detail_page_without_a_reason_says_so(reviewer_client):
    v = VerificationFactory(subject_ref="client-1")
    url = reverse("people:from_verification", args=[v.pk])

    response = reviewer_client.post(url, {"reason": ""}, follow=True)

    assert response.status_code == 200
    assert "Say why" in text(response)
    assert not Person.objects.exists()


def test_list_rows_link_to_their_person_and_a_search_for_any_linked_ref_finds_it(
    reviewer_client, reviewer
):
    idenfy = ProviderAccountFactory(kind="idenfy")
    stora = ProviderAccountFactory(kind="stora")
    swan = ProviderAccountFactory(kind="swan")
    write(idenfy, record("scan-1", "client-0004812", Traits(customer_refs=("client-0004812",))))
    write(stora, record("idver_1", "con_77", Traits(customer_refs=("client-0004812",))))
    write(swan, record("swan-1", "3f2a-user", Traits()))
    person = Subject.objects.get(ref="con_77").person
    linking.link(
        linking.subject_for(swan, "3f2a-user"),
        person,
        by=reviewer,
        reason="x",
    )
    VerificationFactory(subject_ref="nobody-1")
    person_url = reverse("people:detail", args=[person.pk])

    rows = text(reviewer_client.get(LIST))
    assert rows.count(person_url) == 3  # the three linked rows, not the fourth

    for searched in ("client-0004812", "con_77", "3f2a-user"):
        response = reviewer_client.get(LIST, {"q": searched})
        assert response.context["searched_person"] == person, searched
        assert "belongs to a subject idvdash links to" in text(response)
    assert reviewer_client.get(LIST, {"q": "nobody-1"}).context["searched_person"] is None
    assert reviewer_client.get(LIST, {"subject": "con_77"}).context["searched_person"] == person


def test_a_reviewer_on_a_swan_sanction_hit_sees_the_persons_idenfy_and_stora_history(
    reviewer_client,
):
    """The issue's "done when": each provider has its own id; iDenfy's clientId and the
    Stora contact's customer reference link automatically; Swan is suggested by name
    and date of birth and linked by the reviewer."""
    idenfy = ProviderAccountFactory(kind="idenfy")
    stora = ProviderAccountFactory(kind="stora")
    swan = ProviderAccountFactory(kind="swan")
    declined = write(
        idenfy,
        record("scan-old", "client-0004812", Traits(customer_refs=("client-0004812",), **JONAS_KW)),
    )[0]
    write(stora, record("idver_5", "con_5", Traits(customer_refs=("client-0004812",))))
    (hit,) = write(swan, record("swan-hit", "9b1e-4c", JONAS))
    hit.suspected, hit.outcome = True, Outcome.SUSPECTED
    hit.save()

    panel = reviewer_client.get(reverse("verifications:detail", args=[hit.pk])).context[
        "person_panel"
    ]
    person = Subject.objects.get(ref="con_5").person
    assert [(s.subject.ref, s.label) for s in panel.suggestions] == [
        ("client-0004812", "strong: name and date of birth")
    ]
    reviewer_client.post(
        reverse("people:from_verification", args=[hit.pk]),
        {"person": person.pk, "reason": "Name and date of birth agree; checked the documents."},
    )

    page = reviewer_client.get(reverse("people:detail", args=[person.pk]))
    shown = {e.verification.provider for e in page.context["page"].entries}
    assert shown == {"idenfy", "stora", "swan"}
    assert reverse("verifications:detail", args=[declined.pk]) in text(page)


JONAS_KW = {"names": JONAS.names, "birth_dates": JONAS.birth_dates}


def test_a_search_for_a_customer_reference_that_is_no_subjects_id_finds_the_person(
    reviewer_client,
):
    stora = ProviderAccountFactory(kind="stora")
    swan = ProviderAccountFactory(kind="swan")
    write(stora, record("idver_1", "con_1", Traits(customer_refs=("cust-77",))))
    write(swan, record("swan-1", "user-1", Traits(customer_refs=("cust-77",))))
    person = Subject.objects.get(ref="con_1").person

    response = reviewer_client.get(LIST, {"q": "cust-77"})

    assert person is not None
    assert response.context["searched_person"] == person
    assert reverse("people:detail", args=[person.pk]) in text(response)
    assert reviewer_client.get(LIST, {"q": "cust-7"}).context["searched_person"] is None
